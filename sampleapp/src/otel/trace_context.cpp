#include "otel/trace_context.h"

#include <QRandomGenerator>

#include <algorithm>
#include <random>

namespace otel {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1; // uppercase too: the W3C field values are lowercase hex
}

// `out.size()` bytes from 2 * out.size() lowercase hex digits.
template<size_t N> bool readHex(QByteArrayView text, std::array<std::uint8_t, N> *out)
{
    if (text.size() != qsizetype(2 * N)) {
        return false;
    }
    for (qsizetype i = 0; i < qsizetype(N); ++i) {
        const int hi = hexDigit(text[2 * i]);
        const int lo = hexDigit(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        (*out)[size_t(i)] = std::uint8_t(hi * 16 + lo);
    }
    return true;
}

template<size_t N> bool allZero(const std::array<std::uint8_t, N> &id)
{
    return std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; });
}

template<size_t N> QByteArray hexOf(const std::array<std::uint8_t, N> &id)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    QByteArray out(qsizetype(2 * N), Qt::Uninitialized);
    for (qsizetype i = 0; i < qsizetype(N); ++i) {
        out[2 * i] = kDigits[id[size_t(i)] >> 4];
        out[2 * i + 1] = kDigits[id[size_t(i)] & 0x0f];
    }
    return out;
}

// One generator per thread, seeded from the system's: ids on the request path take no lock.
std::mt19937_64 &generator()
{
    thread_local std::mt19937_64 gen(QRandomGenerator::system()->generate64());
    return gen;
}

template<size_t N> void fillRandom(std::array<std::uint8_t, N> *id)
{
    do {
        for (size_t i = 0; i < N; i += 8) {
            const std::uint64_t r = generator()();
            for (size_t b = 0; b < 8 && i + b < N; ++b) {
                (*id)[i + b] = std::uint8_t(r >> (8 * b));
            }
        }
    } while (allZero(*id));
}

} // namespace

bool SpanContext::valid() const
{
    return !allZero(traceId) && !allZero(spanId);
}

std::optional<SpanContext> parseTraceparent(QByteArrayView header, QByteArrayView traceState)
{
    header = header.trimmed();
    if (header.size() < 55) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 1> version {};
    std::array<std::uint8_t, 1> flags {};
    SpanContext c;
    if (!readHex(header.first(2), &version) || version[0] == 0xff || header[2] != '-'
        || !readHex(header.sliced(3, 32), &c.traceId) || header[35] != '-' || !readHex(header.sliced(36, 16), &c.spanId)
        || header[52] != '-' || !readHex(header.sliced(53, 2), &flags)) {
        return std::nullopt;
    }
    // Version 00 has exactly these four fields; a later version may append '-'-separated ones.
    if (header.size() > 55 && (version[0] == 0 || header[55] != '-')) {
        return std::nullopt;
    }
    if (!c.valid()) {
        return std::nullopt;
    }
    c.flags = flags[0];
    c.remote = true;
    c.traceState = acceptedTraceState(traceState);
    return c;
}

QByteArray formatTraceparent(const SpanContext &context)
{
    const std::array<std::uint8_t, 1> flags {context.flags};
    QByteArray out;
    out.reserve(55);
    out.append("00-").append(hexOf(context.traceId)).append('-').append(hexOf(context.spanId)).append('-');
    return out.append(hexOf(flags));
}

QByteArray acceptedTraceState(QByteArrayView header)
{
    const QByteArrayView trimmed = header.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 512) {
        return {};
    }
    for (char c : trimmed) {
        if (c < 0x20 || c > 0x7e) {
            return {};
        }
    }
    return trimmed.toByteArray();
}

QByteArray toHex(const TraceId &id)
{
    return hexOf(id);
}

QByteArray toHex(const SpanId &id)
{
    return hexOf(id);
}

TraceId newTraceId()
{
    TraceId id;
    fillRandom(&id);
    return id;
}

SpanId newSpanId()
{
    SpanId id;
    fillRandom(&id);
    return id;
}

std::uint64_t traceRandomness(const TraceId &id)
{
    std::uint64_t r = 0;
    for (size_t i = 9; i < 16; ++i) {
        r = (r << 8) | id[i];
    }
    return r;
}

} // namespace otel
