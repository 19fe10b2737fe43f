#include "node_status_answers.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// JSON numbers for int64 fields: Go's encoding/json writes them as numbers; accept strings too
// (protobuf's JSON mapping writes int64 as a string). A value beyond qint64 counts as not given
// (0): converting it would be undefined behaviour.
qint64 int64Of(const QJsonValue &v)
{
    if (v.isString()) {
        return v.toString().toLongLong();
    }
    const double d = v.toDouble();
    return d > -9.2e18 && d < 9.2e18 ? static_cast<qint64>(d) : 0;
}

} // namespace

QString livenessName(CrdbLiveness liveness)
{
    switch (liveness) {
    case CrdbLiveness::Unknown:
        return u"unknown"_s;
    case CrdbLiveness::Dead:
        return u"dead"_s;
    case CrdbLiveness::Suspect:
        return u"suspect"_s;
    case CrdbLiveness::Live:
        return u"live"_s;
    case CrdbLiveness::Decommissioning:
        return u"decommissioning"_s;
    case CrdbLiveness::Decommissioned:
        return u"decommissioned"_s;
    case CrdbLiveness::Draining:
        return u"draining"_s;
    case CrdbLiveness::Starting:
        return u"starting"_s;
    }
    return u"unknown"_s;
}

QString endpointHealthName(NodeEndpoint::Health health)
{
    switch (health) {
    case NodeEndpoint::Health::Unknown:
        return u"not asked yet"_s;
    case NodeEndpoint::Health::Ready:
        return u"ready"_s;
    case NodeEndpoint::Health::NotReady:
        return u"not ready"_s;
    case NodeEndpoint::Health::Unreachable:
        return u"not answering"_s;
    }
    return {};
}

ReadinessFailure classifyReadinessFailure(const QString &text)
{
    if (text.isEmpty()) {
        return ReadinessFailure::None;
    }
    // The gateway answers with the gRPC status's message in a JSON body; match the sentence, not
    // the framing, so a plain-text body reads the same.
    if (text.contains(u"node is shutting down"_s, Qt::CaseInsensitive)) {
        return ReadinessFailure::Draining;
    }
    if (text.contains(u"node is not healthy"_s, Qt::CaseInsensitive)
        || text.contains(u"liveness record not found"_s, Qt::CaseInsensitive)) {
        return ReadinessFailure::NotLive;
    }
    if (text.contains(u"not accepting SQL clients"_s, Qt::CaseInsensitive)) {
        return ReadinessFailure::NotAcceptingSql;
    }
    if (text.contains(u"waiting for cluster initialization"_s, Qt::CaseInsensitive)
        || text.contains(u"node waiting for init"_s, Qt::CaseInsensitive)) {
        return ReadinessFailure::WaitingForInit;
    }
    return ReadinessFailure::Other;
}

std::optional<QList<CrdbNode>> parseNodesResponse(const QByteArray &json, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        return fail(u"not a CockroachDB nodes answer: %1"_s.arg(
            parseError.error == QJsonParseError::NoError ? u"not a JSON object"_s : parseError.errorString()));
    }
    const QJsonValue nodesValue = doc.object().value("nodes"_L1);
    if (!nodesValue.isArray()) {
        return fail(u"not a CockroachDB nodes answer: no \"nodes\" array"_s);
    }
    QList<CrdbNode> nodes;
    const QJsonArray array = nodesValue.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject o = array.at(i).toObject();
        CrdbNode n;
        n.nodeId = o.value("node_id"_L1).toInt();
        if (n.nodeId <= 0) {
            return fail(u"nodes[%1]: no node_id"_s.arg(i));
        }
        // util.UnresolvedAddr (pkg/util/unresolved_addr.proto): network_field, address_field.
        n.address = o.value("address"_L1).toObject().value("address_field"_L1).toString();
        if (n.address.isEmpty()) {
            return fail(u"nodes[%1] (node %2): no address.address_field"_s.arg(i).arg(n.nodeId));
        }
        n.sqlAddress = o.value("sql_address"_L1).toObject().value("address_field"_L1).toString();
        const QJsonValue liveness = o.value("liveness_status"_L1);
        if (liveness.isDouble()) {
            const int value = liveness.toInt(-1);
            if (value >= 0 && value <= static_cast<int>(CrdbLiveness::Starting)) {
                n.liveness = static_cast<CrdbLiveness>(value);
                n.livenessKnown = true;
            }
        }
        n.startedAtNs = int64Of(o.value("started_at"_L1));
        n.updatedAtNs = int64Of(o.value("updated_at"_L1));
        nodes.append(n);
    }
    return nodes;
}

namespace {

// One line of the Prometheus text format, for the gauges the grid shows: its name, the text
// between its braces, its value. Nothing for a comment, another metric (skipped without parsing
// further) or a line that does not parse.
struct Sample
{
    QByteArrayView name;
    QByteArrayView labels;
    double value = 0;
};

std::optional<Sample> wantedSample(QByteArrayView line)
{
    if (line.isEmpty() || line.front() == '#') {
        return std::nullopt;
    }
    qsizetype nameEnd = 0;
    while (nameEnd < line.size() && line[nameEnd] != '{' && line[nameEnd] != ' ') {
        ++nameEnd;
    }
    Sample sample;
    sample.name = line.first(nameEnd);
    static const QByteArrayView wanted[] = {"node_id", "ranges", "replicas", "replicas_leaseholders",
        "ranges_underreplicated", "ranges_unavailable", "sys_uptime"};
    if (std::find(std::begin(wanted), std::end(wanted), sample.name) == std::end(wanted)) {
        return std::nullopt;
    }
    qsizetype valueStart = nameEnd;
    if (nameEnd < line.size() && line[nameEnd] == '{') {
        const qsizetype close = line.indexOf('}', nameEnd);
        if (close < 0) {
            return std::nullopt;
        }
        sample.labels = line.sliced(nameEnd + 1, close - nameEnd - 1);
        valueStart = close + 1;
    }
    QByteArrayView rest = line.sliced(valueStart).trimmed();
    const qsizetype space = rest.indexOf(' ');
    if (space >= 0) {
        rest = rest.first(space); // a timestamp may follow the value
    }
    bool ok = false;
    sample.value = rest.toDouble(&ok);
    return ok ? std::optional<Sample>(sample) : std::nullopt;
}

// node_id's sample: the id and the advertise_addr label. False when the value is not a node id: a
// positive int32 (cockroachdb/cockroach pkg/roachpb/metadata.go: NodeID is an int32, 0 is not valid).
bool readNodeId(const Sample &sample, NodeVars *vars)
{
    if (!(sample.value >= 1 && sample.value <= std::numeric_limits<int>::max())
        || sample.value != std::floor(sample.value)) {
        return false;
    }
    vars->nodeId = static_cast<int>(sample.value);
    const QByteArray key = "advertise_addr=\"";
    const qsizetype at = sample.labels.indexOf(key);
    if (at >= 0) {
        const qsizetype from = at + key.size();
        const qsizetype to = sample.labels.indexOf('"', from);
        if (to > from) {
            vars->advertiseAddress = QString::fromUtf8(sample.labels.sliced(from, to - from));
        }
    }
    return true;
}

} // namespace

NodeVars parseStatusVars(const QByteArray &text)
{
    NodeVars vars;
    auto add = [](std::optional<double> &slot, double v) { slot = slot.value_or(0) + v; };
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0) {
            end = text.size();
        }
        const std::optional<Sample> sample = wantedSample(QByteArrayView(text.constData() + pos, end - pos));
        pos = end + 1;
        if (!sample) {
            continue;
        }
        const QByteArrayView name = sample->name;
        if (name == "node_id") {
            readNodeId(*sample, &vars);
        } else if (name == "ranges") {
            add(vars.ranges, sample->value);
        } else if (name == "replicas") {
            add(vars.replicas, sample->value);
        } else if (name == "replicas_leaseholders") {
            add(vars.leaseholders, sample->value);
        } else if (name == "ranges_underreplicated") {
            add(vars.underReplicated, sample->value);
        } else if (name == "ranges_unavailable") {
            add(vars.unavailable, sample->value);
        } else if (name == "sys_uptime") {
            vars.uptimeS = sample->value;
        }
    }
    return vars;
}

QString describeTlsErrors(const QList<QSslError> &errors, const QString &host, const QString &caFile)
{
    const auto when = [](const QDateTime &t) { return t.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s); };
    const auto first = [](const QStringList &names) { return names.isEmpty() ? u"?"_s : names.join(u", "_s); };
    for (const QSslError &e : errors) {
        const QSslCertificate c = e.certificate();
        const QString qt = u" (Qt: %1)"_s.arg(e.errorString());
        switch (e.error()) {
        case QSslError::CertificateExpired:
            return u"the node's certificate has expired (valid until %1)"_s.arg(when(c.expiryDate())) + qt;
        case QSslError::CertificateNotYetValid:
            return u"the node's certificate is not valid yet (valid from %1)"_s.arg(when(c.effectiveDate())) + qt;
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::CertificateUntrusted:
        case QSslError::CertificateSignatureFailed:
            return u"the node's certificate (issued by %1) is not signed by the cluster's CA (%2)"_s.arg(
                       first(c.issuerInfo(QSslCertificate::CommonName)),
                       caFile.isEmpty() ? u"the system's CAs: no CA file given"_s : caFile)
                + qt;
        case QSslError::HostNameMismatch: {
            QStringList names = c.subjectAlternativeNames().values(QSsl::DnsEntry);
            names += c.subjectAlternativeNames().values(QSsl::IpAddressEntry);
            return u"the node's certificate does not name %1 (it names %2)"_s.arg(host, first(names)) + qt;
        }
        default:
            break;
        }
    }
    return errors.isEmpty() ? QString() : u"the node's certificate is not trusted: "_s + errors.first().errorString();
}

} // namespace presenter
