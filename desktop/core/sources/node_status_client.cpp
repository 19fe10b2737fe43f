#include "node_status_client.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

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

// The sentence describeTlsErrors() made when the reply's TLS handshake failed (set by watchTls).
constexpr const char *kTlsWords = "crdbTlsWords";

QString describeReply(QNetworkReply *reply, int timeoutMs)
{
    if (const QString tls = reply->property(kTlsWords).toString(); !tls.isEmpty()) {
        return tls;
    }
    if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError) {
        return u"no answer within %1 ms (a paused or hung process)"_s.arg(timeoutMs);
    }
    if (reply->error() == QNetworkReply::ConnectionRefusedError) {
        return u"connection refused (the process is not running)"_s;
    }
    return reply->errorString();
}

// base + "/path?query", keeping a path prefix of base.
QUrl joinUrl(const QUrl &base, const QString &pathAndQuery)
{
    QUrl url = base;
    QString basePath = url.path();
    while (basePath.endsWith(u'/')) {
        basePath.chop(1);
    }
    const qsizetype q = pathAndQuery.indexOf(u'?');
    url.setPath(basePath + (q < 0 ? pathAndQuery : pathAndQuery.left(q)));
    if (q >= 0) {
        url.setQuery(pathAndQuery.mid(q + 1));
    }
    return url;
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
        const QByteArrayView line(text.constData() + pos, end - pos);
        pos = end + 1;
        if (line.isEmpty() || line.front() == '#') {
            continue;
        }
        qsizetype nameEnd = 0;
        while (nameEnd < line.size() && line[nameEnd] != '{' && line[nameEnd] != ' ') {
            ++nameEnd;
        }
        const QByteArrayView name = line.first(nameEnd);
        // Only the few gauges the grid shows; everything else is skipped without parsing.
        static const QByteArrayView wanted[] = {"node_id", "ranges", "replicas", "replicas_leaseholders",
            "ranges_underreplicated", "ranges_unavailable", "sys_uptime"};
        if (std::find(std::begin(wanted), std::end(wanted), name) == std::end(wanted)) {
            continue;
        }
        QByteArrayView labels;
        qsizetype valueStart = nameEnd;
        if (nameEnd < line.size() && line[nameEnd] == '{') {
            const qsizetype close = line.indexOf('}', nameEnd);
            if (close < 0) {
                continue;
            }
            labels = line.sliced(nameEnd + 1, close - nameEnd - 1);
            valueStart = close + 1;
        }
        QByteArrayView rest = line.sliced(valueStart).trimmed();
        const qsizetype space = rest.indexOf(' ');
        if (space >= 0) {
            rest = rest.first(space); // a timestamp may follow the value
        }
        bool ok = false;
        const double value = rest.toDouble(&ok);
        if (!ok) {
            continue;
        }
        if (name == "node_id") {
            // A node id is a positive int32 (cockroachdb/cockroach pkg/roachpb/metadata.go: NodeID is an
            // int32, 0 is not valid); anything else is not one.
            if (!(value >= 1 && value <= std::numeric_limits<int>::max()) || value != std::floor(value)) {
                continue;
            }
            vars.nodeId = static_cast<int>(value);
            const QByteArray key = "advertise_addr=\"";
            const qsizetype at = labels.indexOf(key);
            if (at >= 0) {
                const qsizetype from = at + key.size();
                const qsizetype to = labels.indexOf('"', from);
                if (to > from) {
                    vars.advertiseAddress = QString::fromUtf8(labels.sliced(from, to - from));
                }
            }
        } else if (name == "ranges") {
            add(vars.ranges, value);
        } else if (name == "replicas") {
            add(vars.replicas, value);
        } else if (name == "replicas_leaseholders") {
            add(vars.leaseholders, value);
        } else if (name == "ranges_underreplicated") {
            add(vars.underReplicated, value);
        } else if (name == "ranges_unavailable") {
            add(vars.unavailable, value);
        } else if (name == "sys_uptime") {
            vars.uptimeS = value;
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

NodeStatusClient::NodeStatusClient(QObject *parent)
    : DataSource(u"CockroachDB status"_s, parent), m_nam(new QNetworkAccessManager(this)), m_timer(new QTimer(this))
{
    qRegisterMetaType<NodeStatusSnapshot>();
    m_timer->setInterval(1500);
    connect(m_timer, &QTimer::timeout, this, &NodeStatusClient::poll);
}

NodeStatusClient::~NodeStatusClient()
{
    const auto abortAll = [this](QNetworkReply *r) {
        if (r) {
            r->disconnect(this);
            r->abort();
        }
    };
    for (QNetworkReply *r : std::as_const(m_healthInFlight)) {
        abortAll(r);
    }
    for (QNetworkReply *r : std::as_const(m_varsInFlight)) {
        abortAll(r);
    }
    abortAll(m_nodesInFlight);
    abortAll(m_loginInFlight);
}

void NodeStatusClient::setEndpoints(const QList<std::pair<QString, QUrl>> &podUrls)
{
    QList<NodeEndpoint> next;
    for (const auto &[pod, url] : podUrls) {
        NodeEndpoint e;
        e.pod = pod;
        e.baseUrl = url;
        for (const NodeEndpoint &old : std::as_const(m_endpoints)) {
            if (old.pod == pod && old.baseUrl == url) {
                e = old;
            }
        }
        next.append(e);
    }
    m_endpoints = next;
}

void NodeStatusClient::setIntervalMs(int ms)
{
    m_timer->setInterval(std::max(100, ms));
}

void NodeStatusClient::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
    m_session.clear();
}

bool NodeStatusClient::setCaCertificateFile(const QString &path, QString *error)
{
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(path);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    // Trust exactly these, never the system's CAs: an unreadable file trusts nothing, and every
    // https read then says which file it was.
    ssl.setCaCertificates(certs);
    m_ssl = ssl;
    m_caFile = certs.isEmpty() ? u"%1: no certificate could be read from it"_s.arg(path) : path;
    if (certs.isEmpty() && error) {
        *error = u"no certificate in %1"_s.arg(path);
    }
    return !certs.isEmpty();
}

void NodeStatusClient::applySnapshot(const NodeStatusSnapshot &snapshot)
{
    m_endpoints = snapshot.endpoints;
    m_nodes = snapshot.nodes;
    m_nodesAtMs = snapshot.nodesAtMs;
    m_nodesError = snapshot.nodesError;
    Q_EMIT updated(snapshot);
}

NodeStatusSnapshot NodeStatusClient::snapshot() const
{
    return {m_endpoints, m_nodes, m_nodesAtMs, m_nodesError};
}

void NodeStatusClient::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    m_timer->start();
    poll();
}

void NodeStatusClient::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    m_timer->stop();
}

QNetworkReply *NodeStatusClient::get(const QUrl &base, const QString &pathAndQuery, bool withSession)
{
    const QUrl url = joinUrl(base, pathAndQuery);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    if (m_ssl) {
        request.setSslConfiguration(*m_ssl);
    }
    if (withSession && !m_session.isEmpty()) {
        request.setRawHeader("X-Cockroach-API-Session", m_session);
    }
    return watchTls(m_nam->get(request));
}

QNetworkReply *NodeStatusClient::watchTls(QNetworkReply *reply)
{
    // sslErrors comes before finished: keep the words on the reply for describeReply().
    connect(reply, &QNetworkReply::sslErrors, this, [reply, caFile = m_caFile](const QList<QSslError> &errors) {
        reply->setProperty(kTlsWords, describeTlsErrors(errors, reply->url().host(), caFile));
    });
    return reply;
}

void NodeStatusClient::poll()
{
    if (!isRunning()) {
        return;
    }
    const qint64 now = nowMs();
    for (const NodeEndpoint &e : std::as_const(m_endpoints)) {
        if (!m_healthInFlight.contains(e.pod)) {
            QNetworkReply *r = get(e.baseUrl, u"/health?ready=1"_s, false);
            m_healthInFlight.insert(e.pod, r);
            const QString pod = e.pod;
            const QUrl base = e.baseUrl;
            connect(r, &QNetworkReply::finished, this, [this, r, pod, base] { onHealth(r, pod, base); });
        }
        if (e.health == NodeEndpoint::Health::Ready && !m_varsInFlight.contains(e.pod)
            && now - e.varsAtMs >= m_varsIntervalMs) {
            QNetworkReply *r = get(e.baseUrl, u"/_status/vars"_s, false);
            m_varsInFlight.insert(e.pod, r);
            const QString pod = e.pod;
            const QUrl base = e.baseUrl;
            connect(r, &QNetworkReply::finished, this, [this, r, pod, base] { onVars(r, pod, base); });
        }
    }
    if (m_nodesInFlight || m_loginInFlight || m_endpoints.isEmpty()) {
        return;
    }
    // Ask a pod that answered its health check; any pod when none did yet.
    QList<int> candidates;
    for (int i = 0; i < m_endpoints.size(); ++i) {
        if (m_endpoints[i].health == NodeEndpoint::Health::Ready) {
            candidates.append(i);
        }
    }
    if (candidates.isEmpty()) {
        for (int i = 0; i < m_endpoints.size(); ++i) {
            if (m_endpoints[i].health != NodeEndpoint::Health::Unreachable) {
                candidates.append(i);
            }
        }
    }
    if (candidates.isEmpty()) {
        return;
    }
    const QUrl base = m_endpoints[candidates[m_nodesFrom++ % candidates.size()]].baseUrl;
    if (!m_user.isEmpty() && m_session.isEmpty()) {
        const QUrl url = joinUrl(base, u"/api/v2/login/"_s);
        QNetworkRequest request(url);
        request.setTransferTimeout(m_timeoutMs);
        if (m_ssl) {
            request.setSslConfiguration(*m_ssl);
        }
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
        QUrlQuery form;
        form.addQueryItem(u"username"_s, QString::fromLatin1(QUrl::toPercentEncoding(m_user)));
        form.addQueryItem(u"password"_s, QString::fromLatin1(QUrl::toPercentEncoding(m_password)));
        m_loginInFlight = watchTls(m_nam->post(request, form.toString(QUrl::FullyEncoded).toUtf8()));
        QNetworkReply *r = m_loginInFlight;
        connect(r, &QNetworkReply::finished, this, [this, r] { onLogin(r); });
        return;
    }
    m_nodesInFlight = get(base, u"/api/v2/nodes/"_s, true);
    QNetworkReply *r = m_nodesInFlight;
    connect(r, &QNetworkReply::finished, this, [this, r] { onNodes(r); });
}

NodeEndpoint *NodeStatusClient::endpoint(const QString &pod, const QUrl &base)
{
    for (NodeEndpoint &e : m_endpoints) {
        if (e.pod == pod && e.baseUrl == base) {
            return &e;
        }
    }
    return nullptr; // the pod left the list meanwhile
}

void NodeStatusClient::setHealth(NodeEndpoint &e, NodeEndpoint::Health health, const QString &error)
{
    const bool changed = e.health != health;
    e.error = error;
    if (changed) {
        e.health = health;
        e.sinceMs = nowMs();
        Q_EMIT endpointHealthChanged(e.pod, health, error);
    }
}

void NodeStatusClient::onHealth(QNetworkReply *reply, const QString &pod, const QUrl &base)
{
    reply->deleteLater();
    if (m_healthInFlight.value(pod) == reply) {
        m_healthInFlight.remove(pod);
    }
    NodeEndpoint *e = endpoint(pod, base);
    if (!e) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        e->lastAnswerMs = nowMs();
        setHealth(*e, NodeEndpoint::Health::Ready, {});
    } else if (status != 0) {
        e->lastAnswerMs = nowMs();
        const QByteArray body = reply->readAll().simplified().left(200);
        setHealth(*e, NodeEndpoint::Health::NotReady,
            u"/health?ready=1 answered HTTP %1%2"_s.arg(status).arg(
                body.isEmpty() ? QString() : u": "_s + QString::fromUtf8(body)));
    } else {
        setHealth(*e, NodeEndpoint::Health::Unreachable, describeReply(reply, m_timeoutMs));
    }
    updateSourceHealth();
    Q_EMIT updated(snapshot());
}

void NodeStatusClient::onVars(QNetworkReply *reply, const QString &pod, const QUrl &base)
{
    reply->deleteLater();
    if (m_varsInFlight.value(pod) == reply) {
        m_varsInFlight.remove(pod);
    }
    NodeEndpoint *e = endpoint(pod, base);
    if (!e || reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200) {
        return; // health reports the pod's state; stale vars stay dated by varsAtMs
    }
    e->vars = parseStatusVars(reply->readAll());
    e->varsAtMs = nowMs();
    Q_EMIT updated(snapshot());
}

void NodeStatusClient::onLogin(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_loginInFlight == reply) {
        m_loginInFlight = nullptr;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    const QString session = o.value("session"_L1).toString();
    if (status == 0) {
        // No HTTP answer (refused, hung, a certificate refused): not a password problem.
        m_nodesError = u"CockroachDB login as %1: %2"_s.arg(m_user, describeReply(reply, m_timeoutMs));
        Q_EMIT updated(snapshot());
        return;
    }
    if (status != 200 || session.isEmpty()) {
        m_nodesError = u"CockroachDB login as %1 failed (HTTP %2): check the user's password and that it is "
                       u"an admin or has VIEWCLUSTERMETADATA"_s.arg(m_user)
                           .arg(status);
        Q_EMIT updated(snapshot());
        return;
    }
    m_session = session.toUtf8();
    QTimer::singleShot(0, this, &NodeStatusClient::poll);
}

void NodeStatusClient::onNodes(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_nodesInFlight == reply) {
        m_nodesInFlight = nullptr;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray(); // closed after a timeout
    if (status == 401) {
        m_session.clear(); // expired or revoked: log in again next round
        m_nodesError = m_user.isEmpty()
            ? u"/api/v2/nodes/ needs a session on a secure cluster: set the CockroachDB user and password"_s
            : u"/api/v2/nodes/ refused the session (HTTP 401); logging in again"_s;
    } else if (status == 0) {
        m_nodesError = u"/api/v2/nodes/: "_s + describeReply(reply, m_timeoutMs);
    } else if (status != 200) {
        m_nodesError
            = u"/api/v2/nodes/ answered HTTP %1: %2"_s.arg(status).arg(QString::fromUtf8(body.trimmed().left(160)));
    } else {
        QString error;
        if (auto nodes = parseNodesResponse(body, &error)) {
            m_nodes = *nodes;
            m_nodesAtMs = nowMs();
            m_nodesError.clear();
        } else {
            m_nodesError = error;
        }
    }
    updateSourceHealth();
    Q_EMIT updated(snapshot());
}

void NodeStatusClient::updateSourceHealth()
{
    bool anyAnswer = false;
    for (const NodeEndpoint &e : std::as_const(m_endpoints)) {
        anyAnswer = anyAnswer || e.health == NodeEndpoint::Health::Ready || e.health == NodeEndpoint::Health::NotReady;
    }
    if (anyAnswer || m_nodesError.isEmpty()) {
        reportRecovered();
        return;
    }
    bool allAsked = !m_endpoints.isEmpty();
    for (const NodeEndpoint &e : std::as_const(m_endpoints)) {
        allAsked = allAsked && e.health != NodeEndpoint::Health::Unknown;
    }
    if (allAsked) {
        reportFailure(u"CockroachDB status: no pod answers (%1)"_s.arg(m_nodesError));
    }
}
