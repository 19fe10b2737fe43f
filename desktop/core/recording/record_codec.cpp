#include "record_codec.h"

#include "config/enum_names.h"
#include "sources/cluster/fault_table.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

namespace recordcodec {
namespace {

QString numberText(double v)
{
    if (std::isnan(v)) {
        return u"NaN"_s;
    }
    if (std::isinf(v)) {
        return v > 0 ? u"+Inf"_s : u"-Inf"_s;
    }
    return QString::number(v, 'g', 17);
}

double numberFromText(const QJsonValue &v)
{
    if (v.isDouble()) {
        return v.toDouble();
    }
    const QString s = v.toString();
    if (s == "+Inf"_L1 || s == "Inf"_L1) {
        return INFINITY;
    }
    if (s == "-Inf"_L1) {
        return -INFINITY;
    }
    bool ok = false;
    const double d = s.toDouble(&ok);
    return ok ? d : NAN;
}

QJsonValue optionalToJson(const std::optional<double> &v)
{
    return v ? QJsonValue(numberText(*v)) : QJsonValue();
}

std::optional<double> optionalFromJson(const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined()) {
        return std::nullopt;
    }
    return numberFromText(v);
}

// Recorded as the enumerator's name in snake case: "unknown", "ready", "not_ready", "unreachable".
QString healthKey(NodeEndpoint::Health h)
{
    return enumKey(h, KeyStyle::Snake);
}

NodeEndpoint::Health healthFromKey(const QString &key)
{
    return enumFromKey<NodeEndpoint::Health>(key, KeyStyle::Snake).value_or(NodeEndpoint::Health::Unknown);
}

} // namespace

QJsonArray seriesToJson(const QList<PromSeries> &series)
{
    QJsonArray out;
    for (const PromSeries &s : series) {
        QJsonObject labels;
        for (auto it = s.labels.cbegin(); it != s.labels.cend(); ++it) {
            labels.insert(it.key(), it.value());
        }
        QJsonArray points;
        for (const QPointF &p : s.points) {
            points.append(QJsonArray {qint64(p.x()), numberText(p.y())});
        }
        out.append(QJsonObject {{u"labels"_s, labels}, {u"points"_s, points}});
    }
    return out;
}

QList<PromSeries> seriesFromJson(const QJsonArray &array)
{
    QList<PromSeries> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        PromSeries s;
        const QJsonObject labels = o.value("labels"_L1).toObject();
        for (auto it = labels.constBegin(); it != labels.constEnd(); ++it) {
            s.labels.insert(it.key(), it.value().toString());
        }
        for (const QJsonValue &p : o.value("points"_L1).toArray()) {
            const QJsonArray pair = p.toArray();
            if (pair.size() == 2) {
                s.points.append(QPointF(double(pair.at(0).toInteger()), numberFromText(pair.at(1))));
            }
        }
        out.append(s);
    }
    return out;
}

QJsonObject clusterStatusToJson(const ClusterDriver::ClusterStatus &status)
{
    QJsonArray pods;
    for (const auto &p : status.pods) {
        pods.append(QJsonObject {
            {u"name"_s, p.name}, {u"phase"_s, p.phase}, {u"ready"_s, p.ready}, {u"restarts"_s, p.restarts}});
    }
    return {{u"desired"_s, status.desiredNodes}, {u"ready"_s, status.readyNodes}, {u"valid"_s, status.valid},
        {u"pods"_s, pods}};
}

ClusterDriver::ClusterStatus clusterStatusFromJson(const QJsonObject &o)
{
    ClusterDriver::ClusterStatus s;
    s.desiredNodes = o.value("desired"_L1).toInt();
    s.readyNodes = o.value("ready"_L1).toInt();
    s.valid = o.value("valid"_L1).toBool();
    for (const QJsonValue &v : o.value("pods"_L1).toArray()) {
        const QJsonObject p = v.toObject();
        s.pods.append({p.value("name"_L1).toString(), p.value("phase"_L1).toString(), p.value("ready"_L1).toBool(),
            p.value("restarts"_L1).toInt()});
    }
    return s;
}

QString faultKey(ClusterDriver::Fault fault)
{
    return kube::faultRow(fault).key;
}

std::optional<ClusterDriver::Fault> faultFromKey(const QString &key)
{
    return kube::faultFromKey(key);
}

QString commandKey(SampleAppControl::Command command)
{
    return enumKey(command);
}

std::optional<SampleAppControl::Command> commandFromKey(const QString &key)
{
    return enumFromKey<SampleAppControl::Command>(key);
}

QJsonObject nodeSnapshotToJson(const NodeStatusSnapshot &snapshot)
{
    QJsonArray endpoints;
    for (const NodeEndpoint &e : snapshot.endpoints) {
        const NodeVars &v = e.vars;
        QJsonObject vars {{u"node_id"_s, v.nodeId ? QJsonValue(*v.nodeId) : QJsonValue()},
            {u"advertise_addr"_s, v.advertiseAddress}, {u"ranges"_s, optionalToJson(v.ranges)},
            {u"replicas"_s, optionalToJson(v.replicas)}, {u"leaseholders"_s, optionalToJson(v.leaseholders)},
            {u"under_replicated"_s, optionalToJson(v.underReplicated)},
            {u"unavailable"_s, optionalToJson(v.unavailable)}, {u"uptime_s"_s, optionalToJson(v.uptimeS)}};
        endpoints.append(QJsonObject {{u"pod"_s, e.pod}, {u"url"_s, e.baseUrl.toString()},
            {u"health"_s, healthKey(e.health)}, {u"error"_s, e.error}, {u"since_ms"_s, e.sinceMs},
            {u"last_answer_ms"_s, e.lastAnswerMs}, {u"vars"_s, vars}, {u"vars_at_ms"_s, e.varsAtMs}});
    }
    QJsonArray nodes;
    for (const CrdbNode &n : snapshot.nodes) {
        nodes.append(QJsonObject {{u"node_id"_s, n.nodeId}, {u"address"_s, n.address}, {u"sql_address"_s, n.sqlAddress},
            {u"liveness"_s, int(n.liveness)}, {u"liveness_known"_s, n.livenessKnown},
            {u"started_at_ns"_s, QString::number(n.startedAtNs)},
            {u"updated_at_ns"_s, QString::number(n.updatedAtNs)}});
    }
    return {{u"endpoints"_s, endpoints}, {u"nodes"_s, nodes}, {u"nodes_at_ms"_s, snapshot.nodesAtMs},
        {u"nodes_error"_s, snapshot.nodesError}};
}

NodeStatusSnapshot nodeSnapshotFromJson(const QJsonObject &o)
{
    NodeStatusSnapshot s;
    for (const QJsonValue &v : o.value("endpoints"_L1).toArray()) {
        const QJsonObject e = v.toObject();
        NodeEndpoint ep;
        ep.pod = e.value("pod"_L1).toString();
        ep.baseUrl = QUrl(e.value("url"_L1).toString());
        ep.health = healthFromKey(e.value("health"_L1).toString());
        ep.error = e.value("error"_L1).toString();
        ep.sinceMs = e.value("since_ms"_L1).toInteger();
        ep.lastAnswerMs = e.value("last_answer_ms"_L1).toInteger();
        ep.varsAtMs = e.value("vars_at_ms"_L1).toInteger();
        const QJsonObject vars = e.value("vars"_L1).toObject();
        if (vars.value("node_id"_L1).isDouble()) {
            ep.vars.nodeId = vars.value("node_id"_L1).toInt();
        }
        ep.vars.advertiseAddress = vars.value("advertise_addr"_L1).toString();
        ep.vars.ranges = optionalFromJson(vars.value("ranges"_L1));
        ep.vars.replicas = optionalFromJson(vars.value("replicas"_L1));
        ep.vars.leaseholders = optionalFromJson(vars.value("leaseholders"_L1));
        ep.vars.underReplicated = optionalFromJson(vars.value("under_replicated"_L1));
        ep.vars.unavailable = optionalFromJson(vars.value("unavailable"_L1));
        ep.vars.uptimeS = optionalFromJson(vars.value("uptime_s"_L1));
        s.endpoints.append(ep);
    }
    for (const QJsonValue &v : o.value("nodes"_L1).toArray()) {
        const QJsonObject n = v.toObject();
        CrdbNode node;
        node.nodeId = n.value("node_id"_L1).toInt();
        node.address = n.value("address"_L1).toString();
        node.sqlAddress = n.value("sql_address"_L1).toString();
        const int liveness = n.value("liveness"_L1).toInt();
        node.liveness
            = liveness >= 0 && liveness <= int(CrdbLiveness::Starting) ? CrdbLiveness(liveness) : CrdbLiveness::Unknown;
        node.livenessKnown = n.value("liveness_known"_L1).toBool();
        node.startedAtNs = n.value("started_at_ns"_L1).toString().toLongLong();
        node.updatedAtNs = n.value("updated_at_ns"_L1).toString().toLongLong();
        s.nodes.append(node);
    }
    s.nodesAtMs = o.value("nodes_at_ms"_L1).toInteger();
    s.nodesError = o.value("nodes_error"_L1).toString();
    return s;
}

EventMarker::Kind markerKindFromName(const QString &name)
{
    return eventMarkerKindFromName(name);
}

QJsonObject storyToJson(const StoryController::Snapshot &snapshot)
{
    return {{u"shown"_s, snapshot.shown}, {u"last_run"_s, snapshot.lastRun},
        {u"stage"_s, StoryController::stageName(snapshot.stage)}, {u"blanked"_s, snapshot.blanked},
        {u"summary"_s, snapshot.lastSummary}};
}

StoryController::Snapshot storyFromJson(const QJsonObject &o)
{
    StoryController::Snapshot s;
    s.shown = o.value("shown"_L1).toInt(-1);
    s.lastRun = o.value("last_run"_L1).toInt(-1);
    s.stage = StoryController::stageFromName(o.value("stage"_L1).toString()).value_or(StoryController::Stage::Showing);
    s.blanked = o.value("blanked"_L1).toBool();
    s.lastSummary = o.value("summary"_L1).toString();
    return s;
}

QJsonObject profileToJson(const ConnectionProfile &profile)
{
    QUrl grafana = profile.grafanaUrl;
    grafana.setUserInfo({});
    return {{u"sampleapp_url"_s, profile.sampleAppUrl.toString(QUrl::RemoveUserInfo)},
        {u"prometheus_url"_s, profile.prometheusUrl.toString(QUrl::RemoveUserInfo)},
        {u"grafana_url"_s, grafana.toString()}, {u"kube_context"_s, profile.kubeContext},
        {u"namespace"_s, profile.kubeNamespace}, {u"cluster_kind"_s, ConnectionProfile::kindName(profile.clusterKind)},
        {u"replication_factor"_s, profile.replicationFactor}, {u"port_forward"_s, profile.portForward},
        {u"plan"_s, profile.planPath}};
}

ConnectionProfile profileFromJson(const QJsonObject &o)
{
    ConnectionProfile p;
    p.sampleAppUrl = QUrl(o.value("sampleapp_url"_L1).toString());
    p.prometheusUrl = QUrl(o.value("prometheus_url"_L1).toString());
    p.grafanaUrl = QUrl(o.value("grafana_url"_L1).toString());
    p.kubeContext = o.value("kube_context"_L1).toString();
    p.kubeNamespace = o.value("namespace"_L1).toString(p.kubeNamespace);
    p.clusterKind = ConnectionProfile::kindFromName(o.value("cluster_kind"_L1).toString()).value_or(p.clusterKind);
    p.replicationFactor = o.value("replication_factor"_L1).toInt(p.replicationFactor);
    p.portForward = false; // a replay starts nothing
    p.planPath = o.value("plan"_L1).toString(p.planPath);
    return p;
}

QJsonObject actionOutcomeToJson(int index, const ActionOutcome &outcome)
{
    return {{u"index"_s, index}, {u"type"_s, PlanAction::typeName(outcome.type)},
        {u"outcome"_s, ActionOutcome::kindKey(outcome.kind)}, {u"subject"_s, outcome.subject},
        {u"reason"_s, outcome.reason}, {u"text"_s, outcome.text()}};
}

std::optional<ActionOutcome> actionOutcomeFromJson(const QJsonObject &o)
{
    const auto kind = ActionOutcome::kindFromKey(o.value("outcome"_L1).toString());
    const auto type = ActionOutcome::typeFromName(o.value("type"_L1).toString());
    if (!kind || !type) {
        return std::nullopt;
    }
    return ActionOutcome {*kind, *type, o.value("subject"_L1).toString(), o.value("reason"_L1).toString()};
}

} // namespace recordcodec

} // namespace presenter
