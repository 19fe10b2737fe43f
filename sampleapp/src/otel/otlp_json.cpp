#include "otel/otlp_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace otel {

namespace {

// Span.flags (SpanFlags): bits 0-7 the W3C trace flags; bit 8 says bit 9 is known, bit 9 that the
// parent is remote.
constexpr std::uint32_t kHasIsRemote = 0x100;
constexpr std::uint32_t kIsRemote = 0x200;

QJsonObject anyValue(const AttributeValue &value)
{
    return std::visit(
        [](const auto &v) -> QJsonObject {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, QByteArray>) {
                return {{u"stringValue"_s, QString::fromUtf8(v)}};
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return {{u"intValue"_s, QString::number(v)}}; // int64: a decimal string
            } else if constexpr (std::is_same_v<T, double>) {
                return {{u"doubleValue"_s, v}};
            } else {
                return {{u"boolValue"_s, v}};
            }
        },
        value);
}

QJsonObject keyValue(const QString &key, const QJsonObject &value)
{
    return {{u"key"_s, key}, {u"value"_s, value}};
}

QJsonObject spanJson(const SpanData &s)
{
    QJsonObject o {{u"traceId"_s, QString::fromLatin1(toHex(s.context.traceId))},
        {u"spanId"_s, QString::fromLatin1(toHex(s.context.spanId))}, {u"name"_s, QString::fromUtf8(s.name)},
        {u"kind"_s, int(s.kind)}, {u"startTimeUnixNano"_s, QString::number(s.startUnixNano)},
        {u"endTimeUnixNano"_s, QString::number(s.endUnixNano)}};
    if (!s.context.traceState.isEmpty()) {
        o.insert(u"traceState"_s, QString::fromLatin1(s.context.traceState));
    }
    const bool root = std::all_of(s.parentSpanId.begin(), s.parentSpanId.end(), [](auto b) { return b == 0; });
    std::uint32_t flags = s.context.flags;
    if (!root) {
        o.insert(u"parentSpanId"_s, QString::fromLatin1(toHex(s.parentSpanId)));
        flags |= kHasIsRemote | (s.parentRemote ? kIsRemote : 0);
    }
    o.insert(u"flags"_s, qint64(flags)); // fixed32: a JSON number
    QJsonArray attributes;
    for (const Attribute &a : s.attributes) {
        attributes.append(keyValue(QString::fromLatin1(a.key), anyValue(a.value)));
    }
    o.insert(u"attributes"_s, attributes);
    QJsonObject status {{u"code"_s, int(s.status)}};
    if (!s.statusMessage.isEmpty()) {
        status.insert(u"message"_s, QString::fromUtf8(s.statusMessage));
    }
    o.insert(u"status"_s, status);
    return o;
}

} // namespace

QByteArray encodeTraces(const Resource &resource, const std::vector<SpanData> &spans)
{
    QJsonArray resourceAttributes;
    for (const auto &[key, value] : resource.attributes) {
        resourceAttributes.append(keyValue(key, {{u"stringValue"_s, value}}));
    }
    QJsonArray spanArray;
    for (const SpanData &s : spans) {
        spanArray.append(spanJson(s));
    }
    const QJsonObject scope {{u"name"_s, resource.scopeName}, {u"version"_s, resource.scopeVersion}};
    const QJsonObject scopeSpans {{u"scope"_s, scope}, {u"spans"_s, spanArray}};
    const QJsonObject resourceSpans {{u"resource"_s, QJsonObject {{u"attributes"_s, resourceAttributes}}},
        {u"scopeSpans"_s, QJsonArray {scopeSpans}}};
    return QJsonDocument(QJsonObject {{u"resourceSpans"_s, QJsonArray {resourceSpans}}}).toJson(QJsonDocument::Compact);
}

} // namespace otel
