#!/usr/bin/env bash
# The static stage of CI (.ci/run runs it after tests/run.sh): clang-tidy's bugprone-* and
# concurrency-* checks on the code that runs on more than one thread, warnings as errors. It reads
# the dev preset's compile_commands.json (configure only: none of these files includes a moc or
# uic output, so nothing needs to be built first). clang-tidy 14 is Debian 12's `clang-tidy`
# (.ci/debian-packages.txt). The other checks .clang-tidy opts into (performance, modernize,
# readability) are for editors, not enforced here.
#   tests/clang-tidy.sh [file.cpp ...]   (default: the threaded files below)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The check set. Excluded, with the reason:
#  - bugprone-easily-swappable-parameters: fires on every Qt signature taking two QStrings or two
#    qint64 (addPoll(name, query), points(from, to)); the types are the API, not a mistake.
checks='-*,bugprone-*,concurrency-*,-bugprone-easily-swappable-parameters'

# The threaded files, each with why it is here. A listed file that does not exist fails the run,
# so a rename cannot silently drop a file from the check.
threaded=(
    # Connection pool shared by the request workers and the load generator (std::mutex, condition).
    sampleapp/src/core/db_pool.cpp
    # Non-blocking libpq on the server thread, connects on a helper QThreadPool.
    sampleapp/src/core/async_query_pool.cpp
    # Load generator: a scheduler std::thread, a QThreadPool of workers, atomic counters.
    sampleapp/src/core/load_engine.cpp
    # Shutdown deadline on its own std::thread (condition variable), racing the event loop to exit.
    sampleapp/src/core/shutdown_watchdog.cpp
    # Database calls made from QtConcurrent request handlers and from load workers at once.
    sampleapp/src/core/app_database.cpp
    # Atomic buckets written by every request thread, read by the metrics scrape.
    sampleapp/src/core/latency_histogram.cpp
    # prometheus-cpp families recorded from every thread, per-thread label caches (atomic generation).
    sampleapp/src/core/telemetry.cpp
    # Broadcasts on the server thread what the load engine's events and the workers' results report.
    sampleapp/src/core/feed_hub.cpp
    # Composition root: asynchronous shutdown, readiness from a QtConcurrent probe.
    sampleapp/src/core/sample_app.cpp
    # The one route wrapper: blocking work on the pool, the answer back on the HTTP thread.
    sampleapp/src/core/route_table.cpp
    sampleapp/src/core/http_exchange.cpp
    # Route handlers run on the worker pool (answerFromWorker).
    sampleapp/src/core/data_routes.cpp
    sampleapp/src/core/load_routes.cpp
    sampleapp/src/core/ops_routes.cpp
    # Tracing: spans ended on every thread into a locked queue, sent from the exporter's QThread;
    # the installed tracer is an atomic pointer; ids from a thread_local generator.
    sampleapp/src/otel/batch_exporter.cpp
    sampleapp/src/otel/tracer.cpp
    sampleapp/src/otel/trace_context.cpp
    sampleapp/src/otel/instrument.cpp
    # libpq jobs on QtConcurrent workers, results queued back to the GUI thread.
    desktop/core/sources/sql_runner.cpp
    # The pre-flight's SQL probe: one QtConcurrent job, answer queued to the GUI thread.
    desktop/core/preflight/preflight_sql.cpp
    # Shared between producer threads and the frame loop (QMutex, revision counter).
    desktop/core/model/time_series_store.cpp
    # The session recording: append() on the GUI thread, compression and writes on a std::thread.
    desktop/core/recording/recording_writer.cpp
    # A signal handler (SIGINT, SIGTERM, SIGHUP) that only writes a byte to a socket pair.
    desktop/app/stop_signals.cpp
)
# The SQL library, whole: every function of it runs on worker threads (SqlRunner's jobs, the
# sample app's pools, sqlapply's cancel flag is an atomic set from another thread).
threaded+=(pgkit/src/pgkit/*.cpp)

files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
    files=("${threaded[@]}")
fi
for f in "${files[@]}"; do
    [ -f "$f" ] || { echo "clang-tidy: listed file $f does not exist" >&2; exit 2; }
done

command -v clang-tidy >/dev/null || { echo "clang-tidy: not installed (.ci/install-deps.sh)" >&2; exit 2; }
preset=${CRDB_EVO_PRESET:-dev}
build=build/$preset
if [ ! -f "$build/compile_commands.json" ]; then
    cmake --preset "$preset" >/dev/null
fi

echo "clang-tidy: ${#files[@]} files, checks $checks"
start=$(date +%s)
# One clang-tidy per file, as many at once as there are cores; any finding in any file (ours or a
# project header it includes) fails the stage.
status=0
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet \
    --checks="$checks" --warnings-as-errors='*' \
    --header-filter="^$root/(sampleapp|desktop|pgkit)/" || status=$?
echo "clang-tidy: $(($(date +%s) - start)) s"
if [ "$status" -ne 0 ]; then
    echo "clang-tidy: findings above (fix them; an exclusion needs its reason in this script)" >&2
    exit 1
fi
echo "clang-tidy: no findings"
