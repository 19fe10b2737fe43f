#!/usr/bin/env bash
# Fuzzes the recording reader (desktop/core/recording/recording_reader.h) with libFuzzer for a
# bounded time: clang++ -fsanitize=fuzzer,address,undefined builds the reader and
# tests/desktop/recording/fuzz_recording_reader.cpp against the system's Qt and zlib (the project's
# own build uses GCC, which has no libFuzzer), seeded with tests/desktop/recording/corpus/.
# Any crash, leak, sanitizer report or broken promise (the target aborts) fails the run and leaves
# the input in build/fuzz-recording/.
#   tests/fuzz-recording.sh [seconds]   (default 60)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
out=$root/build/fuzz-recording
mkdir -p "$out/corpus"
cxx=${FUZZ_CXX:-clang++}

# Qt's headers want -fPIC (Qt is built with -reduce-relocations); the project's Qt defines keep
# the reader compiling as it does in the real build.
# shellcheck disable=SC2207
qt=($(pkg-config --cflags --libs Qt6Core))
echo "fuzz-recording: building with $cxx"
"$cxx" -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DQT_NO_CAST_FROM_ASCII -DQT_NO_CAST_TO_ASCII -DQT_USE_QSTRINGBUILDER -DQT_NO_KEYWORDS \
    -I desktop/core \
    tests/desktop/recording/fuzz_recording_reader.cpp desktop/core/recording/recording_reader.cpp \
    "${qt[@]}" -lz -o "$out/fuzz_recording_reader"

# The committed seeds stay as they are; what the fuzzer finds goes to the build folder's corpus.
echo "fuzz-recording: running for $seconds s"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
cd "$out"
status=0
./fuzz_recording_reader -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus "$root/tests/desktop/recording/corpus" >fuzz.log 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    tail -n 120 fuzz.log
    echo "fuzz-recording: FAILED (exit $status); the input is in $out (crash-*, leak-*, timeout-*), the log in $out/fuzz.log"
    exit "$status"
fi
grep -E '^(Done|stat::)' fuzz.log
echo "fuzz-recording: no crash, leak or sanitizer report in $seconds s"
