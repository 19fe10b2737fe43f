#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace presenter {

// A moment worth drawing on every chart: a beat ran, the cluster was scaled, SQL was applied, a
// spike started or ended. Plain value, copied freely across threads.
struct EventMarker
{
    Q_GADGET
public:
    // Recovery: a fault ended (the node is Ready again) or heal_all completed.
    enum class Kind { Phase, Scale, Sql, SpikeStart, SpikeEnd, Load, Failure, Recovery, Other };
    Q_ENUM(Kind)

    qint64 tsMs = 0; // Unix ms, local clock of the presenter
    Kind kind = Kind::Other;
    QString text;

    friend bool operator==(const EventMarker &, const EventMarker &) = default;
};

// Short stable names ("phase", "spike_start", ...) for logs, tests and the recording: the
// snake_case names of the enumerators.
QString eventMarkerKindName(EventMarker::Kind kind);
// eventMarkerKindName() back; Other for a name it never gives.
EventMarker::Kind eventMarkerKindFromName(const QString &name);
// The marker kind for a sample app feed event kind ("spike_started" -> SpikeStart), or nothing
// for kinds that are not drawn.
std::optional<EventMarker::Kind> eventMarkerKindForFeed(const QString &feedKind);

} // namespace presenter

Q_DECLARE_METATYPE(presenter::EventMarker)
