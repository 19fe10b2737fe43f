#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer + ASan + UBSan for a bounded time.
#   tests/fuzz.sh [seconds-per-target]        every target, default 15 s each, two at a time
#   tests/fuzz.sh --planted [max-seconds]     each target built with its planted bug (the
#                                             FUZZ_PLANTED_BUG block in the target file): reports
#                                             the time to the crash; fails if one is not found
#   FUZZ_TARGETS="feed prometheus" tests/fuzz.sh 30    only these targets
# clang++ builds the product sources each target needs (the project's own build uses GCC, which
# has no libFuzzer) against the system's Qt; classes with signals get their moc file from Qt's
# moc. The targets and their seed corpora (taken from recordings, fixtures, the stand-ins' answers
# and the repository's own files) live in tests/fuzz/. Any crash, leak, sanitizer report or
# broken promise (the target aborts) fails the run and leaves the input and the log in
# build/fuzz/<target>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

planted=0
if [ "${1:-}" = "--planted" ]; then
    planted=1
    shift
fi
seconds=${1:-$([ "$planted" = 1 ] && echo 300 || echo 15)}
out=$root/build/fuzz$([ "$planted" = 1 ] && echo -planted || true)
cxx=${FUZZ_CXX:-clang++}
moc=${FUZZ_MOC:-$(pkg-config --variable=libexecdir Qt6Core 2>/dev/null || echo /usr/lib/qt6/libexec)/moc}
[ -x "$moc" ] || moc=/usr/lib/qt6/libexec/moc
launcher=()
if command -v ccache >/dev/null; then
    launcher=(ccache)
fi
jobs=${FUZZ_JOBS:-$(nproc)}

# The plan's parser: its files in config/ (the plan, its reader, its checks, the feed's field table
# and the chart catalog its validation reads); the plan's enums are Q_ENUMs (moc).
plan_sources=$(printf 'desktop/core/config/%s.cpp ' demo_plan plan_parser plan_reader plan_steps feed_schema \
    chart_catalog enum_names)
plan_mocs="desktop/core/config/demo_plan.h"
# name | target file | committed seed corpus (sql_script: the phase SQL itself) | product sources | headers for moc | pkg-config modules
# (every target gets Qt6Core) | extra libraries
targets=(
    "recording|tests/desktop/recording/fuzz_recording_reader.cpp|tests/desktop/recording/corpus|desktop/core/recording/recording_reader.cpp|||-lz"
    "feed|tests/fuzz/fuzz_feed_messages.cpp|tests/fuzz/corpus/feed|desktop/core/sources/feed_messages.cpp desktop/core/config/feed_schema.cpp|||"
    "prometheus|tests/fuzz/fuzz_prometheus_response.cpp|tests/fuzz/corpus/prometheus|desktop/core/sources/prometheus_client.cpp desktop/core/sources/data_source.cpp|desktop/core/sources/prometheus_client.h desktop/core/sources/data_source.h|Qt6Network|"
    "kubectl|tests/fuzz/fuzz_kubectl_json.cpp|tests/fuzz/corpus/kubectl|desktop/core/sources/cluster/kubectl_commands.cpp desktop/core/sources/cluster/cluster_types.cpp desktop/core/sources/cluster/fault_table.cpp desktop/core/sources/kubectl_process.cpp|desktop/core/sources/cluster/cluster_types.h desktop/core/sources/kubectl_process.h||"
    "node_status|tests/fuzz/fuzz_node_status.cpp|tests/fuzz/corpus/node_status|desktop/core/sources/node_status_answers.cpp|desktop/core/sources/node_status_answers.h|Qt6Network|"
    "plan|tests/fuzz/fuzz_demo_plan.cpp|tests/fuzz/corpus/plan|$plan_sources|$plan_mocs||"
    "profile|tests/fuzz/fuzz_connection_profile.cpp|tests/fuzz/corpus/profile|desktop/core/config/connection_profile.cpp desktop/core/config/data_paths.cpp $plan_sources pgkit/src/pgkit/pg_connection.cpp pgkit/src/pgkit/tls_probe.cpp|$plan_mocs|libpq openssl|"
    "sql_script|tests/fuzz/fuzz_sql_script.cpp|sql|pgkit/src/pgkit/sql_script.cpp|||"
    "sampleapp_requests|tests/fuzz/fuzz_sampleapp_requests.cpp|tests/fuzz/corpus/sampleapp_requests|sampleapp/src/core/requests.cpp|||"
    "sampleapp_config|tests/fuzz/fuzz_sampleapp_config.cpp|tests/fuzz/corpus/sampleapp_config|sampleapp/src/core/config.cpp sampleapp/src/core/log.cpp sampleapp/src/otel/config.cpp sampleapp/src/otel/sampler.cpp sampleapp/src/otel/trace_context.cpp pgkit/src/pgkit/pg_connection.cpp pgkit/src/pgkit/tls_probe.cpp||Qt6Network spdlog libpq openssl|"
)

selected=()
for t in "${targets[@]}"; do
    name=${t%%|*}
    if [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $name "* ]]; then
        selected+=("$t")
    fi
done
[ "${#selected[@]}" -gt 0 ] || { echo "fuzz: no target matches FUZZ_TARGETS='${FUZZ_TARGETS:-}'"; exit 2; }

mkdir -p "$out/obj" "$out/moc"
# Qt's headers want -fPIC (Qt is built with -reduce-relocations); the project's Qt defines keep
# the sources compiling as they do in the real build.
common=(-std=c++20 -g -O1 -fPIC -fno-sanitize-recover=undefined
    -DQT_NO_CAST_FROM_ASCII -DQT_NO_CAST_TO_ASCII -DQT_USE_QSTRINGBUILDER -DQT_NO_KEYWORDS -DQT_NO_FOREACH
    -DQT_NO_URL_CAST_FROM_STRING
    -I desktop/core -I desktop/core/sources -I pgkit/src -I sampleapp/src -I sampleapp/src/core)

# One object per product source or moc file, shared by every target that needs it (product code
# never carries the planted bug, so the planted build reuses the same objects).
object_of() { echo "$out/obj/$(echo "$1" | tr '/' '_').o"; }
build_log=$out/build.log
: >"$build_log"
declare -A compile_jobs=()
for t in "${selected[@]}"; do
    IFS="|" read -r name target corpus sources mocs modules extra <<<"$t"
    # shellcheck disable=SC2207
    flags=($(pkg-config --cflags Qt6Core $modules))
    for h in $mocs; do
        m=$out/moc/moc_$(basename "$h" .h).cpp
        "$moc" "$h" -o "$m.tmp" && { cmp -s "$m.tmp" "$m" || mv "$m.tmp" "$m"; }
        rm -f "$m.tmp"
        sources="$sources $m"
    done
    for s in $sources; do
        compile_jobs[$s]="${flags[*]}"
    done
done
echo "fuzz: compiling ${#compile_jobs[@]} product sources with $cxx (${jobs} jobs)"
build_start=$(date +%s)
for s in "${!compile_jobs[@]}"; do
    printf '%s\t%s\n' "$s" "${compile_jobs[$s]}"
done | (
    export cxx out
    export -f object_of
    export common_flags="${common[*]} -fsanitize=fuzzer-no-link,address,undefined"
    export launcher_cmd="${launcher[*]}"
    xargs -P "$jobs" -d '\n' -n 1 bash -c '
        src=${1%%	*}; flags=${1#*	}
        # shellcheck disable=SC2086
        $launcher_cmd "$cxx" $common_flags $flags -c "$src" -o "$(object_of "$src")" || { echo "fuzz: cannot compile $src"; exit 255; }
    ' _
) >>"$build_log" 2>&1 || { cat "$build_log"; echo "fuzz: build FAILED"; exit 1; }

for t in "${selected[@]}"; do
    IFS="|" read -r name target corpus sources mocs modules extra <<<"$t"
    objs=()
    for s in $sources; do objs+=("$(object_of "$s")"); done
    for h in $mocs; do objs+=("$(object_of "$out/moc/moc_$(basename "$h" .h).cpp")"); done
    # shellcheck disable=SC2207
    cflags=($(pkg-config --cflags Qt6Core $modules))
    # shellcheck disable=SC2207
    libs=($(pkg-config --libs Qt6Core $modules))
    mkdir -p "$out/$name"
    planted_flag=()
    [ "$planted" = 1 ] && planted_flag=(-DFUZZ_PLANTED_BUG)
    # shellcheck disable=SC2086
    "${launcher[@]}" "$cxx" "${common[@]}" "${planted_flag[@]}" -fsanitize=fuzzer,address,undefined "${cflags[@]}" -c "$target" \
        -o "$out/$name/target.o" >>"$build_log" 2>&1 || { cat "$build_log"; echo "fuzz: cannot compile $target"; exit 1; }
    # shellcheck disable=SC2086
    "$cxx" -fsanitize=fuzzer,address,undefined "$out/$name/target.o" "${objs[@]}" "${libs[@]}" $extra \
        -o "$out/$name/fuzz_$name" >>"$build_log" 2>&1 || { cat "$build_log"; echo "fuzz: cannot link $name"; exit 1; }
done
echo "fuzz: built ${#selected[@]} targets in $(($(date +%s) - build_start)) s"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# Runs one target; the committed seeds stay as they are, what the fuzzer finds goes to the build
# folder's corpus. Prints one line: name, exit status, wall seconds.
run_one() {
    local name=$1 corpus=$2 limit=$3 dir=$out/$1
    # A planted run starts from the committed seeds alone, so its time to the crash is honest.
    [ "$planted" = 1 ] && rm -rf "$dir/corpus"
    mkdir -p "$dir/corpus"
    rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
    local start status=0
    start=$(date +%s.%N)
    (cd "$dir" && "./fuzz_$name" -max_total_time="$limit" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 corpus "$root/$corpus" >fuzz.log 2>&1) || status=$?
    printf '%s %s %.1f\n' "$name" "$status" "$(echo "$(date +%s.%N) - $start" | bc)"
}
export -f run_one
export out root planted

results=$out/results.txt
echo "fuzz: running ${#selected[@]} targets, $([ "$planted" = 1 ] && echo "until the planted crash (at most $seconds s each)" || echo "$seconds s each"), two at a time"
for t in "${selected[@]}"; do
    IFS='|' read -r name target corpus _ <<<"$t"
    printf '%s %s %s\n' "$name" "$corpus" "$seconds"
done | xargs -P 2 -n 3 bash -c 'run_one "$@"' _ >"$results"

failed=0
while read -r name status wall; do
    log=$out/$name/fuzz.log
    if [ "$planted" = 1 ]; then
        # The planted bug is an over-read found by ASan in the target file, nothing else.
        if [ "$status" -ne 0 ] && grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$log" \
            && grep -A8 'ERROR: AddressSanitizer' "$log" | grep -q 'fuzz_.*\.cpp'; then
            where=$(grep -A8 'ERROR: AddressSanitizer' "$log" | grep -o 'fuzz_[a-z_]*\.cpp:[0-9]*' | head -n 1)
            runs=$(grep -o '^#[0-9]*' "$log" | tail -n 1)
            printf 'fuzz --planted: %-20s found in %6.1f s (%s execs; %s)\n' "$name" "$wall" "${runs#\#}" "$where"
        else
            failed=1
            tail -n 40 "$log"
            printf 'fuzz --planted: %-20s NOT FOUND (exit %s after %s s); log: %s\n' "$name" "$status" "$wall" "$log"
        fi
    elif [ "$status" -ne 0 ]; then
        failed=1
        tail -n 80 "$log"
        echo "fuzz: $name FAILED (exit $status); the input is in $out/$name (crash-*, leak-*, timeout-*), the log in $log"
    else
        printf 'fuzz: %-20s ok, %s runs in %s s, %s\n' "$name" "$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')" \
            "$wall" "$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)"
    fi
done <"$results"
[ "$failed" = 0 ] || exit 1
[ "$planted" = 1 ] || echo "fuzz: no crash, leak, sanitizer report or broken promise"
