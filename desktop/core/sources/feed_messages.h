#pragma once

#include "config/feed_schema.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace presenter {

// The parser of the sample app's timeline feed (sampleapp/PROTOCOL.md, "Timeline feed", v1); the
// messages' structs and the table of a tick's values are the protocol's schema
// (config/feed_schema.h). Parsing is strict about what the presenter draws: a message of another
// version, a missing field or a field of the wrong type is rejected as a whole (never half-filled,
// never guessed). A percentile that is JSON null (no sample in the interval) stays an empty optional.

// Each returns nothing (and, if given, a sentence in *error naming the field) when the object is
// not a valid v1 message of that type.
std::optional<FeedTick> parseTick(const QJsonObject &message, QString *error = nullptr);
std::optional<FeedEvent> parseEvent(const QJsonObject &message, QString *error = nullptr);
std::optional<FeedHello> parseHello(const QJsonObject &message, QString *error = nullptr);
// Lenient on purpose: the load state is display-only, so a missing field keeps its default.
// A field of the wrong type also keeps its default.
LoadState parseLoadState(const QJsonObject &load);

} // namespace presenter
