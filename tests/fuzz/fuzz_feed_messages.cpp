// libFuzzer target over the timeline feed's parser (desktop/core/sources/feed_messages.h), fed the
// way FeedClient feeds it: one WebSocket text message, its "type" choosing the parser.
// Promises: never a crash or undefined behaviour; a refusal is a sentence naming the field; an
// accepted message is refused by the parsers of the other types; and what was accepted parses to
// the same values again after a JSON write and read.
#include "fuzz_support.h"
#include "sources/feed_messages.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>

using namespace presenter;

namespace {

bool sameStats(const LatencyStats &a, const LatencyStats &b)
{
    return a.count == b.count && a.errors == b.errors && a.rps == b.rps && a.p50Ms == b.p50Ms && a.p95Ms == b.p95Ms
        && a.p99Ms == b.p99Ms;
}

QJsonObject rewritten(const QJsonObject &o)
{
    return QJsonDocument::fromJson(QJsonDocument(o).toJson(QJsonDocument::Compact)).object();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(fuzzBytes(data, size));
    if (!doc.isObject()) {
        return 0;
    }
    const QJsonObject message = doc.object();
    const QString type = message.value(QLatin1String("type")).toString();
    QString tickError, eventError, helloError;
    const auto tick = parseTick(message, &tickError);
    const auto event = parseEvent(message, &eventError);
    const auto hello = parseHello(message, &helloError);
    FUZZ_PROMISE(tick || isSentence(tickError));
    FUZZ_PROMISE(event || isSentence(eventError));
    FUZZ_PROMISE(hello || isSentence(helloError));
    FUZZ_PROMISE(int(bool(tick)) + int(bool(event)) + int(bool(hello)) <= 1);
    parseLoadState(message.value(QLatin1String("load")).toObject());

    const QJsonObject again = rewritten(message);
    if (tick) {
        FUZZ_PROMISE(type == QLatin1String("tick"));
        const auto t = parseTick(again);
        FUZZ_PROMISE(t && t->seq == tick->seq && t->tsMs == tick->tsMs && t->routes.keys() == tick->routes.keys());
        for (auto it = tick->routes.begin(); it != tick->routes.end(); ++it) {
            FUZZ_PROMISE(sameStats(it.value(), t->routes.value(it.key())));
        }
        FUZZ_PROMISE(sameStats(t->writer, tick->writer) && sameStats(t->reader, tick->reader));
#ifdef FUZZ_PLANTED_BUG
        // Planted (tests/fuzz.sh --planted): a route name holding a '~' is copied to a buffer of
        // its own length and read one byte past it.
        for (auto it = tick->routes.begin(); it != tick->routes.end(); ++it) {
            const QByteArray name = it.key().toUtf8();
            if (name.contains('~')) {
                char *copy = new char[name.size()];
                std::memcpy(copy, name.constData(), name.size());
                volatile char past = copy[name.size()];
                (void)past;
                delete[] copy;
            }
        }
#endif
    }
    if (event) {
        FUZZ_PROMISE(type == QLatin1String("event") && !event->kind.isEmpty());
        const auto e = parseEvent(again);
        FUZZ_PROMISE(e && e->seq == event->seq && e->kind == event->kind && e->text == event->text);
    }
    if (hello) {
        FUZZ_PROMISE(type == QLatin1String("hello"));
        const auto h = parseHello(again);
        FUZZ_PROMISE(h && h->seq == hello->seq && h->tickMs == hello->tickMs && h->version == hello->version);
    }
    return 0;
}
