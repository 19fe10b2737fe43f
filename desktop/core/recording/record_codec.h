#pragma once

#include "config/connection_profile.h"
#include "model/action_outcome.h"
#include "model/event_marker.h"
#include "model/story_controller.h"
#include "sources/cluster_driver.h"
#include "sources/node_status_client.h"
#include "sources/prometheus_client.h"
#include "sources/sample_app_control.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace presenter {

// The payloads of a recording's records (desktop/docs/RECORDING.md "Kinds") to JSON and back:
// every fromJson(toJson(x)) == x for what the presenter shows. Lenient when reading (a missing
// field keeps its default), so an older recording of the same format version still plays.
namespace recordcodec {

// [{"labels":{...},"points":[[t_ms,"value"],...]}]; values are strings as Prometheus sends them
// ("NaN", "+Inf" have no JSON number).
QJsonArray seriesToJson(const QList<PromSeries> &series);
QList<PromSeries> seriesFromJson(const QJsonArray &array);

QJsonObject clusterStatusToJson(const ClusterDriver::ClusterStatus &status);
ClusterDriver::ClusterStatus clusterStatusFromJson(const QJsonObject &o);

QString faultKey(ClusterDriver::Fault fault); // "Stop", "KeepDown", "Kill", "Pause"
std::optional<ClusterDriver::Fault> faultFromKey(const QString &key);
QString commandKey(SampleAppControl::Command command); // "LoadStart", ...
std::optional<SampleAppControl::Command> commandFromKey(const QString &key);

QJsonObject nodeSnapshotToJson(const NodeStatusSnapshot &snapshot);
NodeStatusSnapshot nodeSnapshotFromJson(const QJsonObject &o);

// eventMarkerKindName() back to the kind (Other for an unknown name).
EventMarker::Kind markerKindFromName(const QString &name);

// {"index","type","outcome","subject","reason","text"} ("text" for readers with jq; the player
// rebuilds it from the others). Nothing when "outcome" or "type" is not one this presenter knows.
QJsonObject actionOutcomeToJson(int index, const ActionOutcome &outcome);
std::optional<ActionOutcome> actionOutcomeFromJson(const QJsonObject &o);

QJsonObject storyToJson(const StoryController::Snapshot &snapshot);
StoryController::Snapshot storyFromJson(const QJsonObject &o);

// The profile with no secret in it: no control token, no SQL conninfo (it may hold a password),
// no Grafana URL user info. Only what a replay shows: URLs, namespace, cluster kind, RF, plan.
QJsonObject profileToJson(const ConnectionProfile &profile);
// The recorded profile, for the replay's windows (cluster kind, RF, namespace); secrets stay empty.
ConnectionProfile profileFromJson(const QJsonObject &o);

} // namespace recordcodec

} // namespace presenter
