// libFuzzer target over the recording reader (desktop/core/recording/recording_reader.h): any
// bytes, gzip or not, must give a result or a refusal, never a crash, a hang, a leak or undefined
// behaviour. Built and run by tests/fuzz.sh with the other targets (clang,
// -fsanitize=fuzzer,address,undefined), seeded with tests/desktop/recording/corpus/.
#include "recording/recording_reader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace presenter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    QString error;
    const auto result = recording::readRecordingBytes(bytes, &error);
    // The reader's own promises, checked on every input.
    if (result) {
        if (result->complete != result->stoppedReason.isEmpty() || result->complete != (result->stoppedAtLine == 0)) {
            std::abort();
        }
        for (const recording::Record &record : result->records) {
            if (record.kind.isEmpty() || record.kind == QLatin1String("end")) {
                std::abort();
            }
            // What was read writes back as one line that reads back the same.
            const QByteArray line = recording::encodeRecord(record);
            if (line.contains('\n') || !(recording::decodeRecord(line) == record)) {
                std::abort();
            }
#ifdef FUZZ_PLANTED_BUG
            // Planted (tests/fuzz.sh --planted): a record kind holding a '~' is copied to a buffer
            // of its own length and read one byte past it.
            const QByteArray kind = record.kind.toUtf8();
            if (kind.contains('~')) {
                char *copy = new char[kind.size()];
                std::memcpy(copy, kind.constData(), kind.size());
                volatile char past = copy[kind.size()];
                (void)past;
                delete[] copy;
            }
#endif
        }
    } else if (error.isEmpty()) {
        std::abort();
    }
    return 0;
}
