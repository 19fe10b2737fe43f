#!/usr/bin/env bash
# The installed application, end to end, from the build tree's own binaries (nothing rebuilt):
#  1. `cmake --install` into a temporary prefix lays out bin/, the .desktop file (valid for
#     desktop-file-validate), the icon and share/crdb-live-evolution/ (plan, profiles, SQL,
#     manifests, dashboards);
#  2. `cpack` makes the Debian package, its dependencies read by dpkg-shlibdeps;
#  3. the package unpacked (`dpkg-deb -x`) into a temporary root; from a folder outside the
#     checkout its sample app serves the PostgreSQL fixture, a Prometheus scrapes it (the local
#     stack), and its presenter runs --version and --preflight --profile demo/profiles/local.json:
#     the pre-flight passes and says it read the plan, the SQL and the dashboards from the
#     unpacked share/, not from the checkout.
# A control run of the build tree's presenter from the same folder must say "the checkout": the
# check can tell the two apart.
#   check_package.sh BUILD_DIR SOURCE_DIR VERSION BUILT_PRESENTER   (TEST_PG_PORT: the PostgreSQL fixture)
set -euo pipefail
build=$1
source=$(cd "$2" && pwd)
version=$3
built_presenter=$4
: "${TEST_PG_PORT:?the port of the PostgreSQL fixture (CTest FIXTURES pg_server, pg_schema)}"

work=$(mktemp -d /tmp/crdb-evo-package.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# expect_in TEXT NEEDLE WHAT
expect_in() {
    grep -qF -- "$2" <<<"$1" || fail "$3: expected \"$2\" in:"$'\n'"$1"
}

echo "== cmake --install $build --prefix $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
data=$work/prefix/share/crdb-live-evolution
for f in bin/presenter bin/sampleapp share/applications/crdb-live-evolution-presenter.desktop \
    share/icons/hicolor/scalable/apps/crdb-live-evolution-presenter.svg \
    share/crdb-live-evolution/demo/plan.json share/crdb-live-evolution/demo/profiles/local.json \
    share/crdb-live-evolution/sql/00-bootstrap.sql share/crdb-live-evolution/k8s/kustomization.yaml \
    share/crdb-live-evolution/grafana/kustomization.yaml; do
    [ -e "$work/prefix/$f" ] || fail "cmake --install did not lay out $f"
done
# Every file of these folders, nothing more and nothing less.
for d in sql k8s grafana demo/profiles; do
    diff <(cd "$source/$d" && find . -type f | sort) <(cd "$data/$d" && find . -type f | sort) \
        || fail "share/crdb-live-evolution/$d differs from the checkout's $d"
done
[ -x "$data/k8s/secure/make-certs.sh" ] || fail "k8s/secure/make-certs.sh lost its execute bit"
desktop-file-validate "$work/prefix/share/applications/crdb-live-evolution-presenter.desktop"
echo "layout ok, .desktop valid"

echo "== cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/package" >"$work/cpack.log") || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/package/crdb-live-evolution_"$version"_*.deb)
info=$(dpkg-deb -f "$deb" Package Version Depends)
echo "$info"
expect_in "$info" "Version: $version" "the package's version"
for dep in libqt6core6 libqt6widgets6 libqt6charts6 libqt6httpserver6 libpq5 qt6-qpa-plugins; do
    expect_in "$info" "$dep" "dpkg-shlibdeps' dependencies"
done
dpkg-deb -x "$deb" "$work/root"
usr=$work/root/usr
for f in presenter sampleapp; do
    [ -x "$usr/bin/$f" ] || fail "the package has no bin/$f"
done

# The installed programs run from a folder with none of the files, outside the checkout.
mkdir "$work/elsewhere"
cd "$work/elsewhere"

echo "== $usr/bin/presenter --version"
got=$("$usr/bin/presenter" --version)
[ "$got" = "presenter $version" ] || fail "--version said '$got', expected 'presenter $version'"
echo "$got"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
app_port=$(free_port)
prom_port=$(free_port)

echo "== the local stack: the package's sampleapp on :$app_port (PostgreSQL fixture :$TEST_PG_PORT), Prometheus on :$prom_port"
APP_HTTP_ADDRESS=127.0.0.1 APP_HTTP_PORT=$app_port APP_SHUTDOWN_DRAIN_MS=100 \
    APP_DB_WRITER_URL="postgresql://app_writer@127.0.0.1:$TEST_PG_PORT/evolution?sslmode=disable" \
    APP_DB_READER_URL="postgresql://app_reader@127.0.0.1:$TEST_PG_PORT/evolution?sslmode=disable" \
    "$usr/bin/sampleapp" >"$work/sampleapp.log" 2>&1 &
pids+=($!)
# demo/local/prometheus.yml's job, pointed at this sample app, at the story's 15 s: the pre-flight
# waits up to two intervals for the first scrape, and 2 x 2 s is short for a Prometheus just
# started on a loaded machine.
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: sampleapp
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$app_port"]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
ready=""
for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$app_port/healthz" >/dev/null 2>&1 \
        && curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.2
done
[ -n "$ready" ] || { cat "$work/sampleapp.log" "$work/prometheus.log"; fail "the local stack did not come up"; }

echo "== $usr/bin/presenter --preflight --profile demo/profiles/local.json (from $PWD)"
rc=0
out=$("$usr/bin/presenter" --preflight --profile demo/profiles/local.json \
    --sampleapp-url "http://127.0.0.1:$app_port" --prometheus-url "http://127.0.0.1:$prom_port" 2>&1) || rc=$?
echo "$out"
[ "$rc" = 0 ] || fail "the installed presenter's pre-flight exited $rc (0 expected on the local stack)"
installed=$usr/share/crdb-live-evolution
expect_in "$out" "Files: the installed data $installed" "where the installed presenter reads its files"
expect_in "$out" "  plan $installed/demo/plan.json" "the plan it read"
expect_in "$out" "  SQL $installed/sql: the " "the plan's SQL"
expect_in "$out" "files the plan runs are there" "the plan's SQL"
dashboards=$(find "$source/grafana/dashboards" -name '*.json' | wc -l)
expect_in "$out" "  dashboards $installed/grafana/dashboards: $dashboards with a uid" "the dashboards"
expect_in "$out" "Pre-flight passed" "the verdict"
if grep -qF -- "$source" <<<"$out"; then
    fail "the installed presenter named the checkout ($source)"
fi

echo "== control: the build tree's presenter from the same folder reads the checkout"
control=$("$built_presenter" --preflight --profile demo/profiles/local.json \
    --sampleapp-url "http://127.0.0.1:$app_port" --prometheus-url "http://127.0.0.1:$prom_port" 2>&1) || true
expect_in "$control" "Files: the checkout $source" "the build tree's presenter"
echo "$control" | head -2

echo "PASS: the package installs, and its presenter reads $installed"
