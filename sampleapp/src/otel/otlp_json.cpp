#include "otel/otlp_json.h"

#include <algorithm>
#include <cstdio>

namespace otel {

namespace {

// Span.flags (SpanFlags): bits 0-7 the W3C trace flags; bit 8 says bit 9 is known, bit 9 that the
// parent is remote.
constexpr std::uint32_t kHasIsRemote = 0x100;
constexpr std::uint32_t kIsRemote = 0x200;

// Written by hand rather than through QJsonDocument: at 100 % sampling under full load the
// exporter encodes tens of thousands of spans a second, and the DOM costs several times more.
class Writer
{
public:
    explicit Writer(qsizetype reserve) { m_out.reserve(reserve); }
    QByteArray take() { return std::move(m_out); }

    Writer &raw(const char *text)
    {
        m_out.append(text);
        return *this;
    }
    // A JSON string: quotes, backslashes and control characters escaped; invalid UTF-8 replaced
    // (U+FFFD), since a JSON text must be valid UTF-8.
    Writer &str(QByteArrayView value)
    {
        const bool ascii = std::all_of(value.begin(), value.end(), [](char c) { return uchar(c) < 0x80; });
        const QByteArray valid = ascii ? QByteArray() : QString::fromUtf8(value).toUtf8();
        const QByteArrayView text = ascii ? value : QByteArrayView(valid);
        m_out.append('"');
        for (char c : text) {
            if (c == '"' || c == '\\') {
                m_out.append('\\').append(c);
            } else if (uchar(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(uchar(c)));
                m_out.append(escaped);
            } else {
                m_out.append(c);
            }
        }
        m_out.append('"');
        return *this;
    }
    Writer &text(const QString &value) { return str(QByteArrayView(value.toUtf8())); }
    Writer &key(const char *name) { return raw("\"").raw(name).raw("\":"); }
    Writer &number(std::int64_t v)
    {
        m_out.append(QByteArray::number(qint64(v)));
        return *this;
    }
    Writer &number(double v)
    {
        m_out.append(QByteArray::number(v, 'g', 17));
        return *this;
    }
    Writer &quotedNumber(std::int64_t v) { return raw("\"").number(v).raw("\""); } // int64: a decimal string

private:
    QByteArray m_out;
};

void anyValue(Writer &w, const AttributeValue &value)
{
    std::visit(
        [&w](const auto &v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, QByteArray>) {
                w.raw("{\"stringValue\":").str(v).raw("}");
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                w.raw("{\"intValue\":").quotedNumber(v).raw("}");
            } else if constexpr (std::is_same_v<T, double>) {
                w.raw("{\"doubleValue\":").number(v).raw("}");
            } else {
                w.raw("{\"boolValue\":").raw(v ? "true" : "false").raw("}");
            }
        },
        value);
}

void span(Writer &w, const SpanData &s)
{
    w.raw("{").key("traceId").str(toHex(s.context.traceId)).raw(",").key("spanId").str(toHex(s.context.spanId));
    if (!s.context.traceState.isEmpty()) {
        w.raw(",").key("traceState").str(s.context.traceState);
    }
    const bool root = std::all_of(s.parentSpanId.begin(), s.parentSpanId.end(), [](auto b) { return b == 0; });
    std::uint32_t flags = s.context.flags;
    if (!root) {
        w.raw(",").key("parentSpanId").str(toHex(s.parentSpanId));
        flags |= kHasIsRemote | (s.parentRemote ? kIsRemote : 0);
    }
    w.raw(",").key("flags").number(std::int64_t(flags)); // fixed32: a JSON number
    w.raw(",").key("name").str(s.name).raw(",").key("kind").number(std::int64_t(s.kind)); // enums: integers
    w.raw(",").key("startTimeUnixNano").quotedNumber(s.startUnixNano);
    w.raw(",").key("endTimeUnixNano").quotedNumber(s.endUnixNano);
    w.raw(",").key("attributes").raw("[");
    for (size_t i = 0; i < s.attributes.size(); ++i) {
        w.raw(i ? ",{" : "{").key("key").str(QByteArrayView(s.attributes[i].key)).raw(",").key("value");
        anyValue(w, s.attributes[i].value);
        w.raw("}");
    }
    w.raw("],").key("status").raw("{").key("code").number(std::int64_t(s.status));
    if (!s.statusMessage.isEmpty()) {
        w.raw(",").key("message").str(s.statusMessage);
    }
    w.raw("}}");
}

} // namespace

QByteArray encodeTraces(const Resource &resource, const std::vector<SpanData> &spans)
{
    Writer w(qsizetype(512 + spans.size() * 640));
    w.raw("{").key("resourceSpans").raw("[{").key("resource").raw("{").key("attributes").raw("[");
    for (qsizetype i = 0; i < resource.attributes.size(); ++i) {
        const auto &[key, value] = resource.attributes[i];
        w.raw(i ? ",{" : "{").key("key").text(key).raw(",").key("value").raw("{").key("stringValue").text(value);
        w.raw("}}");
    }
    w.raw("]},").key("scopeSpans").raw("[{").key("scope").raw("{").key("name").text(resource.scopeName);
    w.raw(",").key("version").text(resource.scopeVersion).raw("},").key("spans").raw("[");
    for (size_t i = 0; i < spans.size(); ++i) {
        if (i) {
            w.raw(",");
        }
        span(w, spans[i]);
    }
    w.raw("]}]}]}");
    return w.take();
}

} // namespace otel
