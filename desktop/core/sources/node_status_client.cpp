#include "node_status_client.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
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
    pollEndpoints();
    if (m_nodesInFlight || m_loginInFlight || m_endpoints.isEmpty()) {
        return;
    }
    const std::optional<QUrl> base = nodesBaseUrl();
    if (!base) {
        return;
    }
    if (!m_user.isEmpty() && m_session.isEmpty()) {
        return login(*base);
    }
    m_nodesInFlight = get(*base, u"/api/v2/nodes/"_s, true);
    QNetworkReply *r = m_nodesInFlight;
    connect(r, &QNetworkReply::finished, this, [this, r] { onNodes(r); });
}

void NodeStatusClient::pollEndpoints()
{
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
}

std::optional<QUrl> NodeStatusClient::nodesBaseUrl()
{
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
        return std::nullopt;
    }
    return m_endpoints[candidates[m_nodesFrom++ % candidates.size()]].baseUrl;
}

void NodeStatusClient::login(const QUrl &base)
{
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

} // namespace presenter
