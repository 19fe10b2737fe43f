#include "event_marker.h"

#include "config/enum_names.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace presenter {

QString eventMarkerKindName(EventMarker::Kind kind)
{
    return enumKey(kind, KeyStyle::Snake);
}

EventMarker::Kind eventMarkerKindFromName(const QString &name)
{
    return enumFromKey<EventMarker::Kind>(name, KeyStyle::Snake).value_or(EventMarker::Kind::Other);
}

std::optional<EventMarker::Kind> eventMarkerKindForFeed(const QString &feedKind)
{
    if (feedKind == u"spike_started") {
        return EventMarker::Kind::SpikeStart;
    }
    if (feedKind == u"spike_ended") {
        return EventMarker::Kind::SpikeEnd;
    }
    if (feedKind == u"load_started" || feedKind == u"load_stopped" || feedKind.startsWith(u"readers_")
        || feedKind.startsWith(u"writers_")) {
        return EventMarker::Kind::Load;
    }
    if (feedKind == u"readiness_changed" || feedKind == u"error_burst") {
        return EventMarker::Kind::Failure;
    }
    return std::nullopt;
}

} // namespace presenter
