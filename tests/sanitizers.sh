#!/usr/bin/env bash
# The sanitizer stage of CI (.ci/run runs it after tests/run.sh): the units that share memory
# between threads or talk to the database, built and run again under AddressSanitizer + UBSan
# (preset dev-asan) and ThreadSanitizer (preset dev-tsan). Any report fails the run. Only these
# targets are built, so the stage stays within a few minutes on 2 cores; the widgets and the GUI
# tests are not rebuilt (Qt itself is not instrumented).
#   tests/sanitizers.sh [asan|tsan]   (default: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.ci/install-deps.sh >/dev/null

# Any finding is an error; leaks are findings too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# die_after_fork=0: tst_recording_writer checks its file with the real gzip and zcat (QProcess
# forks and execs at once) while the writer's thread runs; TSan refuses any fork of a threaded
# process by default. Only exec follows the fork, so nothing runs unchecked in the child.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$root/tests/tsan.supp"

asan_tests=(tst_sql_script tst_sql_apply tst_zone_config tst_retry_policy tst_pg_failure
    tst_config tst_requests tst_json_text tst_latency_histogram tst_load_engine tst_db_pool
    tst_async_query_pool tst_feed_hub tst_time_series_store tst_expectation tst_demo_plan
    tst_sampleapp_http tst_sampleapp_readiness tst_recording_writer tst_recording_reader tst_record_replay
    tst_otel_trace_context tst_otel_config tst_otel_exporter)
# The threaded units whose synchronisation TSan can see: the store (std::thread producers, an
# inline QMutex fast path compiled into our code), the retry policy's jitter source and the
# recording writer (std::thread + std::mutex + std::condition_variable queue). Units that
# go through QThreadPool / QWaitCondition (the pools) are not here: Qt is not built with TSan, and
# its uninstrumented QWaitCondition teardown at exit is reported as a race.
tsan_tests=(tst_time_series_store tst_retry_policy tst_recording_writer)

run_stage() {
    local preset=$1
    shift
    local tests=("$@")
    local regex
    regex="^($(IFS='|'; echo "${tests[*]}"))$"
    echo "sanitizers: $preset: building ${#tests[@]} tests"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$(nproc)" --target "${tests[@]}" sampleapp sqlapply
    # -R selects the tests; their fixtures (the PostgreSQL server) come with them.
    ctest --preset "$preset" -j 2 -R "$regex"
}

case "${1:-both}" in
asan) run_stage dev-asan "${asan_tests[@]}" ;;
tsan) run_stage dev-tsan "${tsan_tests[@]}" ;;
both)
    run_stage dev-asan "${asan_tests[@]}"
    run_stage dev-tsan "${tsan_tests[@]}"
    ;;
*) echo "usage: tests/sanitizers.sh [asan|tsan]" >&2; exit 2 ;;
esac
