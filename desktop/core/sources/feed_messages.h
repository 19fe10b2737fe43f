#pragma once

#include <QJsonObject>
#include <QMap>
#include <QMetaType>
#include <QString>

#include <optional>

// The sample app's timeline feed (sampleapp/PROTOCOL.md, "Timeline feed", v1) as plain structs.
// Parsing is strict about what the presenter draws: a message of another version, a missing
// field or a field of the wrong type is rejected as a whole (never half-filled, never guessed).
// A percentile that is JSON null (no sample in the interval) stays an empty optional.

inline constexpr int kFeedProtocolVersion = 1;

struct LatencyStats
{
    int count = 0;
    int errors = 0;
    double rps = 0;
    std::optional<double> p50Ms, p95Ms, p99Ms;
};

struct LoadState
{
    bool running = false, readers = true, writers = true;
    double targetRps = 0, achievedRps = 0;
    int inFlight = 0, activeWorkers = 0;
    qint64 sentTotal = 0, droppedTotal = 0, errorsTotal = 0;
    bool spikeActive = false;
    double spikeRps = 0, spikeRemainingS = 0;
    std::optional<double> intendedP99Ms, actualP99Ms;
    int maxRps = 0, maxSeconds = 0, maxConcurrency = 0;
    bool authRequired = false;
};

struct FeedTick
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    int intervalMs = 0;
    QMap<QString, LatencyStats> routes; // "login", "search"
    LatencyStats writer, reader;
    LoadState load;
    bool ready = true;
};

struct FeedEvent
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    QString kind;
    QString text;
    QJsonObject detail;
};

struct FeedHello
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    int tickMs = 0;
    QString version;
    QString dialect;
    LoadState load;
    bool ready = true;
};

// Each returns nothing (and, if given, a sentence in *error naming the field) when the object is
// not a valid v1 message of that type.
std::optional<FeedTick> parseTick(const QJsonObject &message, QString *error = nullptr);
std::optional<FeedEvent> parseEvent(const QJsonObject &message, QString *error = nullptr);
std::optional<FeedHello> parseHello(const QJsonObject &message, QString *error = nullptr);
// Lenient on purpose: the load state is display-only, so a missing field keeps its default.
// A field of the wrong type also keeps its default.
LoadState parseLoadState(const QJsonObject &load);

Q_DECLARE_METATYPE(FeedTick)
Q_DECLARE_METATYPE(FeedEvent)
