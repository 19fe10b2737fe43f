#include "crdb_status_standin.h"

#include <QDateTime>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

CrdbStatusStandIn::CrdbStatusStandIn(QObject *parent) : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &CrdbStatusStandIn::onConnection);
}

CrdbStatusStandIn::~CrdbStatusStandIn()
{
    qDeleteAll(m_hung);
}

bool CrdbStatusStandIn::listen()
{
    if (!m_server.listen(QHostAddress::LocalHost, m_port)) {
        return false;
    }
    m_port = m_server.serverPort();
    return true;
}

QUrl CrdbStatusStandIn::url() const
{
    return QUrl((m_server.isTls() ? u"https://127.0.0.1:%1"_s : u"http://127.0.0.1:%1"_s).arg(m_port));
}

bool CrdbStatusStandIn::useTls(const QString &certificateFile, const QString &keyFile)
{
    return m_server.setTlsFiles(certificateFile, keyFile);
}

void CrdbStatusStandIn::setMode(Mode mode)
{
    m_mode = mode;
    if (mode == Mode::Closed) {
        m_server.close();
        qDeleteAll(m_hung);
        m_hung.clear();
    } else if (!m_server.isListening()) {
        listen();
    }
    if (mode != Mode::Hung && mode != Mode::NotLive) {
        qDeleteAll(m_hung);
        m_hung.clear();
    }
}

void CrdbStatusStandIn::setVars(int nodeId, const QString &advertiseAddress, double ranges, double replicas,
    double leaseholders, double underReplicated, double unavailable, double uptimeS)
{
    // Two stores on one node would each carry a store label; one store here, as in the demo.
    m_vars = u"# HELP node_id node ID with labels for advertised RPC and HTTP addresses\n"
             "# TYPE node_id gauge\n"
             "node_id{advertise_addr=\"%1\",http_addr=\"%1\",sql_addr=\"%1\",tenant_addr=\"%1\"} %2\n"
             "# TYPE ranges gauge\nranges{store=\"%2\"} %3\n"
             "replicas{store=\"%2\"} %4\n"
             "replicas_leaseholders{store=\"%2\"} %5\n"
             "ranges_underreplicated{store=\"%2\"} %6\n"
             "ranges_unavailable{store=\"%2\"} %7\n"
             "replicas_leaders{store=\"%2\"} 999\n"
             "sys_uptime %8\n"_s.arg(advertiseAddress)
                 .arg(nodeId)
                 .arg(ranges)
                 .arg(replicas)
                 .arg(leaseholders)
                 .arg(underReplicated)
                 .arg(unavailable)
                 .arg(uptimeS)
                 .toUtf8();
}

void CrdbStatusStandIn::requireLogin(const QString &user, const QString &password)
{
    m_users.insert(user, {password, true});
}

void CrdbStatusStandIn::addUser(const QString &user, const QString &password, bool admin)
{
    m_users.insert(user, {password, admin});
}

namespace {
// One session per user, its name inside (opaque to clients, as CockroachDB's is).
QByteArray sessionFor(const QString &user)
{
    return (u"stand-in-session:"_s + user).toUtf8().toBase64();
}
} // namespace

int CrdbStatusStandIn::requestCount(const QString &path) const
{
    return m_requests.value(path);
}

QByteArray CrdbStatusStandIn::nodesJson(const QList<Node> &nodes)
{
    QJsonArray array;
    for (const Node &n : nodes) {
        const QString host = n.address;
        array.append(QJsonObject {
            {u"node_id"_s, n.id},
            {u"address"_s, QJsonObject {{u"network_field"_s, u"tcp"_s}, {u"address_field"_s, host}}},
            {u"sql_address"_s, QJsonObject {{u"network_field"_s, u"tcp"_s}, {u"address_field"_s, host}}},
            {u"attrs"_s, QJsonObject {}},
            {u"locality"_s, QJsonObject {}},
            {u"ServerVersion"_s, QJsonObject {{u"major_val"_s, 25}, {u"minor_val"_s, 4}}},
            {u"build_tag"_s, u"v25.4.0"_s},
            {u"started_at"_s, double(n.startedAtNs)},
            {u"cluster_name"_s, u""_s},
            {u"metrics"_s, QJsonObject {{u"sys.uptime"_s, 60.0}}},
            {u"liveness_status"_s, n.liveness},
        });
    }
    return QJsonDocument(QJsonObject {{u"nodes"_s, array}}).toJson(QJsonDocument::Compact);
}

void CrdbStatusStandIn::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_mode == Mode::Hung) {
            m_hung.append(socket); // accepted by the kernel, never answered
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void CrdbStatusStandIn::onReadyRead(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        return;
    }
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    qsizetype contentLength = 0;
    QByteArray session;
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            contentLength = value.toLongLong();
        } else if (name == "x-cockroach-api-session") {
            session = value;
        } else if (name == "cookie" && value.startsWith("session=") && session.isEmpty()) {
            session = value.mid(8);
        }
    }
    if (buffer.size() < headerEnd + 4 + contentLength) {
        return;
    }
    const QByteArray body = buffer.mid(headerEnd + 4, contentLength);
    const QString method = QString::fromLatin1(requestLine.value(0));
    const QUrl url(QString::fromLatin1(requestLine.value(1)));
    const QString path = url.path();
    m_requests[path] += 1;
    if (m_mode == Mode::Hung) {
        m_hung.append(socket);
        return;
    }
    const bool readyAsked = QUrlQuery(url).queryItemValue(u"ready"_s) == u"1"_s;
    auto unavailable = [](const QByteArray &why) -> QByteArray {
        return R"({"error":")" + why + R"(","code":14,"message":")" + why + R"(","details":[]})";
    };
    if (path == u"/health"_s) {
        if (m_mode == Mode::NotReady && readyAsked) {
            answer(socket, 503, "text/plain", "node is not accepting SQL clients\n");
        } else if (m_mode == Mode::Draining && readyAsked) {
            answer(socket, 503, "application/json", unavailable("node is shutting down"));
        } else if (m_mode == Mode::NotLive && readyAsked) {
            answer(socket, 503, "application/json", unavailable("node is not healthy"));
        } else {
            answer(socket, 200, "application/json", "{}");
        }
    } else if (path == u"/api/v2/login/"_s && method == u"POST"_s) {
        const QUrlQuery form(QString::fromUtf8(body));
        const QString user = form.queryItemValue(u"username"_s, QUrl::FullyDecoded);
        if (m_users.contains(user)
            && m_users[user].password == form.queryItemValue(u"password"_s, QUrl::FullyDecoded)) {
            answer(socket, 200, "application/json", R"({"session":")" + sessionFor(user) + R"("})");
        } else {
            answer(socket, 401, "text/plain", "the provided credentials did not match any account on the server\n");
        }
    } else if (path == u"/api/v2/nodes/"_s && m_mode == Mode::NotLive) {
        // Held open until the mode changes; the stand-in deletes it then, not the peer's close.
        disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        m_hung.append(socket);
    } else if (path == u"/api/v2/nodes/"_s || path == u"/_status/throttling"_s) {
        QString sessionUser;
        for (auto it = m_users.cbegin(); it != m_users.cend(); ++it) {
            if (sessionFor(it.key()) == session) {
                sessionUser = it.key();
            }
        }
        if (!m_users.isEmpty() && sessionUser.isEmpty()) {
            answer(socket, 401, "text/plain", "invalid session header\n");
        } else if (path == u"/_status/throttling"_s) {
            if (m_throttling.isEmpty()) {
                answer(socket, 404, "text/plain", "not found\n");
            } else {
                answer(socket, 200, "application/json", m_throttling);
            }
        } else if (!m_users.isEmpty() && !m_users[sessionUser].admin) {
            answer(socket, 403, "text/plain", "user is not admin\n"); // the route's role check
        } else {
            answer(socket, 200, "application/json", nodesJson(m_nodes));
        }
    } else if (path == u"/_status/vars"_s) {
        answer(socket, 200, "text/plain; version=0.0.4", m_vars);
    } else {
        answer(socket, 404, "text/plain", "not found\n");
    }
}

void CrdbStatusStandIn::answer(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body)
{
    const QByteArray reason = status == 200 ? "OK"
        : status == 401                     ? "Unauthorized"
        : status == 403                     ? "Forbidden"
        : status == 404                     ? "Not Found"
                                            : "Error";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

QList<CrdbStatusStandIn::Node> startHealthyCluster(std::span<CrdbStatusStandIn, 3> nodes)
{
    const qint64 startedNs = (QDateTime::currentMSecsSinceEpoch() - 3'725'000) * 1'000'000;
    QList<CrdbStatusStandIn::Node> cluster;
    for (int i = 0; i < 3; ++i) {
        cluster.append({i + 1, u"crdb-%1.crdb.crdb-evolution.svc.cluster.local:26257"_s.arg(i), 3, startedNs});
    }
    for (int i = 0; i < 3; ++i) {
        if (!nodes[i].listen()) {
            return {};
        }
        nodes[i].setNodes(cluster);
        nodes[i].setVars(i + 1, cluster[i].address, 24, 71, 24, 0, 0, 3725);
    }
    return cluster;
}
