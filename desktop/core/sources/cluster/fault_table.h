#pragma once

#include "cluster_types.h"

#include <QList>
#include <QString>

#include <optional>

namespace presenter {

class ClusterCommands;

// What each fault the presenter injects IS, in one place: the driver (refusals, progress, summaries,
// when it has ended), the node grid (labels, tooltips, confirmations), the recording (its key) and
// the report (its name) read this table. How a fault is done on each cluster kind lives in its
// command builder (kubectl_commands.h). Adding a fault: a row here and a case there.
namespace kube {

// What ends a fault (FaultTracker): the kubelet restarting the container (the pod seen down, then
// Ready), or the presenter's start / resume, then the pod Ready. A paused process may be resumed
// before its readiness probe failed, so a Resume needs no sighting of the pod down.
enum class EndedBy { Restart, Start, Resume };

struct FaultRow
{
    Fault fault;
    QString key; // in recordings: "Stop", "KeepDown", "Kill", "Pause"
    QString name; // the report, the markers and the grid's action key: "stop", "keep down", ...
    QString planAction; // the plan's action: "stop_node", "keep_down", ...
    QString label; // the grid's button: "Stop", "Keep down", ...
    QString verb; // "%1" is the pod: "stopping %1", "keeping %1 down", ...
    QString signal; // what the node gets: "SIGTERM", ...
    QString tooltip;
    QString confirmation; // "%1" is the pod
    QString startedSummary; // operationFinished once the signal was delivered; "%1" is the pod
    QString operatorRefusal; // why the operator's cluster cannot do it ("%1" the pod), empty when it can
    EndedBy endedBy;
    // The call on ClusterCommands that injects it: injectFault with this fault, or stopNode for
    // Stop (allowMajorityLoss is ignored there: a stop is refused whenever another node is down).
    bool (*inject)(ClusterCommands &cluster, int ordinal, bool allowMajorityLoss, QString *whyNot);
};

// The action that ends a fault needing one (EndedBy Start / Resume), for the grid.
struct ReleaseRow
{
    EndedBy endedBy;
    QString name; // the grid's action key: "start", "resume"
    QString label;
    QString tooltip;
    QString confirmTitle;
    QString confirmation; // "%1" is the pod
    QString gerund; // "starting", "resuming"
};

// Every fault, in the grid's display order.
const QList<FaultRow> &faultTable();
const FaultRow &faultRow(Fault fault);
std::optional<Fault> faultFromName(const QString &name); // "keep down" → KeepDown
std::optional<Fault> faultFromKey(const QString &key); // "KeepDown" → KeepDown
// Start and Resume; nullptr for Restart.
const ReleaseRow *releaseRow(EndedBy endedBy);
const ReleaseRow *releaseRowNamed(const QString &name);
// The fault a release ends (KeepDown for Start), if any.
std::optional<Fault> faultEndedBy(EndedBy endedBy);

// Whether a fault has ended on its pod's state: `ready` now, `sawDown` since it started (not ready,
// restarted or not listed), `released` (its start / resume was sent).
bool hasEnded(EndedBy endedBy, bool ready, bool sawDown, bool released);

// One dispatch for every fault: the ClusterCommands call of its row.
bool injectFault(ClusterCommands &cluster, Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot);

} // namespace kube

} // namespace presenter
