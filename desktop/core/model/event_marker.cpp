#include "event_marker.h"

#include <optional>

using namespace Qt::StringLiterals;

QString eventMarkerKindName(EventMarker::Kind kind)
{
    switch (kind) {
    case EventMarker::Kind::Phase:
        return u"phase"_s;
    case EventMarker::Kind::Scale:
        return u"scale"_s;
    case EventMarker::Kind::Sql:
        return u"sql"_s;
    case EventMarker::Kind::SpikeStart:
        return u"spike_start"_s;
    case EventMarker::Kind::SpikeEnd:
        return u"spike_end"_s;
    case EventMarker::Kind::Load:
        return u"load"_s;
    case EventMarker::Kind::Failure:
        return u"failure"_s;
    case EventMarker::Kind::Recovery:
        return u"recovery"_s;
    case EventMarker::Kind::Other:
        break;
    }
    return u"other"_s;
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
