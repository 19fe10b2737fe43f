#include "fake_kube_api.h"
#include "fake_kube_objects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

namespace {

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject resource(const QString &name, const QString &kind, bool namespaced, const QStringList &verbs,
    const QStringList &shortNames = {}, const QString &group = {}, const QString &version = {})
{
    QJsonObject r {{u"name"_s, name}, {u"singularName"_s, QString()}, {u"namespaced"_s, namespaced}, {u"kind"_s, kind},
        {u"verbs"_s, QJsonArray::fromStringList(verbs)}};
    if (!shortNames.isEmpty()) {
        r.insert(u"shortNames"_s, QJsonArray::fromStringList(shortNames));
    }
    if (!group.isEmpty()) {
        r.insert(u"group"_s, group);
        r.insert(u"version"_s, version);
    }
    return r;
}

QJsonObject group(const QString &name, const QString &version)
{
    const QJsonObject v {{u"groupVersion"_s, QString(name + u'/' + version)}, {u"version"_s, version}};
    return {{u"name"_s, name}, {u"versions"_s, QJsonArray {v}}, {u"preferredVersion"_s, v}};
}

QByteArray status(int code, const QString &reason, const QString &message)
{
    return toJson({{u"kind"_s, u"Status"_s}, {u"apiVersion"_s, u"v1"_s}, {u"metadata"_s, QJsonObject()},
        {u"status"_s, u"Failure"_s}, {u"message"_s, message}, {u"reason"_s, reason}, {u"code"_s, code}});
}

const QStringList kAllVerbs = {u"create"_s, u"delete"_s, u"get"_s, u"list"_s, u"patch"_s, u"update"_s, u"watch"_s};

} // namespace

FakeKubeApi::FakeKubeApi(QObject *parent)
    : QObject(parent), m_webSockets(new QWebSocketServer(u"fake-kube-exec"_s, QWebSocketServer::NonSecureMode, this))
{
    m_clock.start();
    // kubectl 1.32 asks for the v5 channel protocol first and falls back to v4.
    m_webSockets->setSupportedSubprotocols({u"v5.channel.k8s.io"_s, u"v4.channel.k8s.io"_s});
    connect(&m_server, &QTcpServer::newConnection, this, &FakeKubeApi::onConnection);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &FakeKubeApi::onExecConnection);
    reset(m_namespace, 1);
}

FakeKubeApi::~FakeKubeApi() = default;

bool FakeKubeApi::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString FakeKubeApi::serverArg() const
{
    return u"--server=http://127.0.0.1:%1"_s.arg(port());
}

void FakeKubeApi::reset(const QString &ns, int nodes)
{
    m_namespace = ns;
    m_desired = nodes;
    m_pods.clear();
    for (int i = 0; i < nodes; ++i) {
        m_pods.insert(i, Pod {0, 0});
    }
}

int FakeKubeApi::restarts(int ordinal) const
{
    return m_pods.value(ordinal).restarts;
}

void FakeKubeApi::scaleTo(int nodes)
{
    // Like a StatefulSet with OrderedReady: pods start one after another, each ready after a delay.
    qint64 readyAt = m_clock.elapsed();
    for (const Pod &p : std::as_const(m_pods)) {
        readyAt = std::max(readyAt, p.readyAtMs);
    }
    for (int i = 0; i < nodes; ++i) {
        if (!m_pods.contains(i)) {
            readyAt += m_readyDelayMs;
            m_pods.insert(i, Pod {readyAt, 0});
        }
    }
    for (auto it = m_pods.begin(); it != m_pods.end();) {
        it = it.key() >= nodes ? m_pods.erase(it) : std::next(it);
    }
    m_desired = nodes;
}

void FakeKubeApi::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeKubeApi::onReadable(QTcpSocket *socket)
{
    // Peek first: a WebSocket upgrade must reach QWebSocketServer with its handshake unread.
    const QByteArray head = socket->peek(socket->bytesAvailable());
    if (m_buffers.value(socket).isEmpty() && head.contains("\r\n\r\n")
        && head.toLower().contains("upgrade: websocket")) {
        const QByteArray line = head.left(head.indexOf("\r\n"));
        const QList<QByteArray> parts = line.split(' ');
        const QUrl url(QString::fromLatin1(parts.value(1)));
        m_requests << QString::fromLatin1(parts.value(0) + ' ' + parts.value(1));
        socket->disconnect(this);
        m_buffers.remove(socket);
        if (url.path().startsWith(u"/api/v1/namespaces/%1/pods/"_s.arg(m_namespace))
            && url.path().endsWith("/exec"_L1)) {
            m_webSockets->handleConnection(socket);
        } else {
            m_unexpected << m_requests.last();
            socket->abort();
        }
        return;
    }
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        return;
    }
    Request request;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0) {
            request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
    }
    const qsizetype length = request.headers.value("content-length").toLongLong();
    if (buffer.size() < headerEnd + 4 + length) {
        return;
    }
    request.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, headerEnd + 4 + length);
    m_requests << QString::fromLatin1(request.method + ' ' + request.target);
    if (m_responseDelayMs > 0) {
        QTimer::singleShot(m_responseDelayMs, socket, [this, socket, request] { answer(socket, request); });
    } else {
        answer(socket, request);
    }
}

void FakeKubeApi::send(QTcpSocket *socket, int code, const QByteArray &json)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(code) + (code == 200 ? " OK" : " Error") + "\r\n";
    response += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size())
        + "\r\nConnection: close\r\n\r\n" + json;
    socket->write(response);
    socket->disconnectFromHost();
}

QByteArray FakeKubeApi::discovery(const QString &path) const
{
    if (path == "/version"_L1) {
        return toJson({{u"major"_s, u"1"_s}, {u"minor"_s, u"32"_s}, {u"gitVersion"_s, u"v1.32.0-fake"_s},
            {u"platform"_s, u"linux/amd64"_s}});
    }
    if (path == "/api"_L1) {
        return toJson({{u"kind"_s, u"APIVersions"_s}, {u"versions"_s, QJsonArray {u"v1"_s}},
            {u"serverAddressByClientCIDRs"_s,
                QJsonArray {QJsonObject {
                    {u"clientCIDR"_s, u"0.0.0.0/0"_s}, {u"serverAddress"_s, u"127.0.0.1:%1"_s.arg(port())}}}}});
    }
    if (path == "/apis"_L1) {
        return toJson({{u"kind"_s, u"APIGroupList"_s}, {u"apiVersion"_s, u"v1"_s},
            {u"groups"_s, QJsonArray {group(u"apps"_s, u"v1"_s), group(u"crdb.cockroachlabs.com"_s, u"v1alpha1"_s)}}});
    }
    auto list = [](const QString &groupVersion, const QJsonArray &resources) {
        return toJson({{u"kind"_s, u"APIResourceList"_s}, {u"apiVersion"_s, u"v1"_s}, {u"groupVersion"_s, groupVersion},
            {u"resources"_s, resources}});
    };
    if (path == "/api/v1"_L1) {
        return list(u"v1"_s,
            {resource(u"namespaces"_s, u"Namespace"_s, false, kAllVerbs, {u"ns"_s}),
                resource(u"pods"_s, u"Pod"_s, true, kAllVerbs, {u"po"_s}),
                resource(u"pods/exec"_s, u"PodExecOptions"_s, true, {u"create"_s, u"get"_s})});
    }
    if (path == "/apis/apps/v1"_L1) {
        return list(u"apps/v1"_s,
            {resource(u"statefulsets"_s, u"StatefulSet"_s, true, kAllVerbs, {u"sts"_s}),
                resource(u"statefulsets/scale"_s, u"Scale"_s, true, {u"get"_s, u"patch"_s, u"update"_s}, {},
                    u"autoscaling"_s, u"v1"_s)});
    }
    if (path == "/apis/crdb.cockroachlabs.com/v1alpha1"_L1) {
        return list(u"crdb.cockroachlabs.com/v1alpha1"_s,
            {resource(u"crdbclusters"_s, u"CrdbCluster"_s, true, kAllVerbs, {u"crdb"_s})});
    }
    return {};
}

QByteArray FakeKubeApi::podJson(int ordinal) const
{
    const Pod pod = m_pods.value(ordinal);
    const bool ready = m_clock.elapsed() >= pod.readyAtMs;
    const QString name = u"crdb-%1"_s.arg(ordinal);
    const QString readyText = ready ? u"True"_s : u"False"_s;
    return toJson({{u"kind"_s, u"Pod"_s}, {u"apiVersion"_s, u"v1"_s},
        {u"metadata"_s,
            QJsonObject {{u"name"_s, name}, {u"namespace"_s, m_namespace},
                {u"labels"_s, QJsonObject {{u"app.kubernetes.io/name"_s, u"cockroachdb"_s}}}}},
        {u"spec"_s,
            QJsonObject {{u"containers"_s,
                QJsonArray {QJsonObject {{u"name"_s, m_containerName}, {u"image"_s, u"cockroachdb/cockroach"_s}}}}}},
        {u"status"_s,
            QJsonObject {{u"phase"_s, ready || pod.restarts > 0 ? u"Running"_s : u"Pending"_s},
                {u"conditions"_s, QJsonArray {QJsonObject {{u"type"_s, u"Ready"_s}, {u"status"_s, readyText}}}},
                {u"containerStatuses"_s,
                    QJsonArray {QJsonObject {
                        {u"name"_s, m_containerName}, {u"ready"_s, ready}, {u"restartCount"_s, pod.restarts}}}}}}});
}

QByteArray FakeKubeApi::statefulSetJson() const
{
    int ready = 0;
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        ready += m_clock.elapsed() >= it->readyAtMs ? 1 : 0;
    }
    return toJson({{u"kind"_s, u"StatefulSet"_s}, {u"apiVersion"_s, u"apps/v1"_s},
        {u"metadata"_s, QJsonObject {{u"name"_s, u"crdb"_s}, {u"namespace"_s, m_namespace}}},
        {u"spec"_s, QJsonObject {{u"replicas"_s, m_desired}}},
        {u"status"_s, QJsonObject {{u"replicas"_s, int(m_pods.size())}, {u"readyReplicas"_s, ready}}}});
}

QByteArray FakeKubeApi::crdbClusterJson() const
{
    return toJson({{u"kind"_s, u"CrdbCluster"_s}, {u"apiVersion"_s, u"crdb.cockroachlabs.com/v1alpha1"_s},
        {u"metadata"_s, QJsonObject {{u"name"_s, u"crdb"_s}, {u"namespace"_s, m_namespace}}},
        {u"spec"_s, QJsonObject {{u"nodes"_s, m_desired}}},
        {u"status"_s, QJsonObject {{u"clusterStatus"_s, u"Finished"_s}}}});
}

void FakeKubeApi::answer(QTcpSocket *socket, const Request &request)
{
    if (m_objects != nullptr) {
        const auto reply
            = m_objects->handle(request.method, request.target, request.headers.value("content-type"), request.body);
        if (reply.status != 0) {
            return send(socket, reply.status, reply.json);
        }
    }
    const QUrl url(QString::fromLatin1(request.target));
    const QString path = url.path();
    const QString ns = u"/namespaces/%1/"_s.arg(m_namespace);
    const QString sts = u"/apis/apps/v1"_s + ns + u"statefulsets/crdb"_s;
    const QString crdb = u"/apis/crdb.cockroachlabs.com/v1alpha1"_s + ns + u"crdbclusters/crdb"_s;
    const QString pods = u"/api/v1"_s + ns + u"pods"_s;

    if (request.method == "GET") {
        if (const QByteArray d = discovery(path); !d.isEmpty()) {
            return send(socket, 200, d);
        }
        if (path == sts) {
            return send(socket, 200, statefulSetJson());
        }
        const QString stsPrefix = u"/apis/apps/v1"_s + ns + u"statefulsets/"_s;
        if (path.startsWith(stsPrefix)) {
            // Any other name: what the real API server says about a missing object.
            return send(socket, 404,
                status(404, u"NotFound"_s, u"statefulsets.apps \"%1\" not found"_s.arg(path.mid(stsPrefix.size()))));
        }
        if (path == u"/api/v1/namespaces/"_s + m_namespace) {
            // kubectl looks the namespace up to explain a NotFound.
            return send(socket, 200,
                toJson({{u"kind"_s, u"Namespace"_s}, {u"apiVersion"_s, u"v1"_s},
                    {u"metadata"_s, QJsonObject {{u"name"_s, m_namespace}}},
                    {u"status"_s, QJsonObject {{u"phase"_s, u"Active"_s}}}}));
        }
        if (path.startsWith(u"/api/v1/namespaces/"_s) && path.count(u'/') == 4) {
            const QString name = path.mid(19);
            return send(socket, 404, status(404, u"NotFound"_s, u"namespaces \"%1\" not found"_s.arg(name)));
        }
        if (path == crdb) {
            return send(socket, 200, crdbClusterJson());
        }
        if (path == pods) {
            const QString selector = QUrlQuery(url).queryItemValue(u"labelSelector"_s, QUrl::FullyDecoded);
            QJsonArray items;
            if (selector == "app.kubernetes.io/name=cockroachdb"_L1) {
                for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
                    items.append(QJsonDocument::fromJson(podJson(it.key())).object());
                }
            } else if (selector == "app.kubernetes.io/name=crdb-loadgen"_L1 && !m_loadgenPhase.isEmpty()) {
                items.append(QJsonObject {{u"kind"_s, u"Pod"_s}, {u"apiVersion"_s, u"v1"_s},
                    {u"metadata"_s, QJsonObject {{u"name"_s, u"crdb-loadgen-x7k2p"_s}, {u"namespace"_s, m_namespace}}},
                    {u"status"_s, QJsonObject {{u"phase"_s, m_loadgenPhase}}}});
            }
            return send(socket, 200,
                toJson({{u"kind"_s, u"PodList"_s}, {u"apiVersion"_s, u"v1"_s},
                    {u"metadata"_s, QJsonObject {{u"resourceVersion"_s, u"1"_s}}}, {u"items"_s, items}}));
        }
        if (path.startsWith(pods + u'/')) {
            bool ok = false;
            const int ordinal = path.mid(pods.size() + 1).remove(u"crdb-"_s).toInt(&ok);
            if (ok && m_pods.contains(ordinal)) {
                return send(socket, 200, podJson(ordinal));
            }
            return send(
                socket, 404, status(404, u"NotFound"_s, u"pods \"%1\" not found"_s.arg(path.mid(pods.size() + 1))));
        }
    }
    if (request.method == "PATCH") {
        m_patchBodies << request.body;
        const QJsonObject spec = QJsonDocument::fromJson(request.body).object().value("spec"_L1).toObject();
        if (path == sts + u"/scale"_s && spec.value("replicas"_L1).isDouble()) {
            scaleTo(spec.value("replicas"_L1).toInt());
            return send(socket, 200,
                toJson({{u"kind"_s, u"Scale"_s}, {u"apiVersion"_s, u"autoscaling/v1"_s},
                    {u"metadata"_s, QJsonObject {{u"name"_s, u"crdb"_s}, {u"namespace"_s, m_namespace}}},
                    {u"spec"_s, QJsonObject {{u"replicas"_s, m_desired}}}}));
        }
        if (path == crdb && spec.value("nodes"_L1).isDouble()) {
            scaleTo(spec.value("nodes"_L1).toInt());
            return send(socket, 200, crdbClusterJson());
        }
    }
    m_unexpected << QString::fromLatin1(request.method + ' ' + request.target);
    send(socket, 404, status(404, u"NotFound"_s, u"the fake Kubernetes API does not serve %1"_s.arg(path)));
}

void FakeKubeApi::onExecConnection()
{
    while (QWebSocket *ws = m_webSockets->nextPendingConnection()) {
        const QUrl url = ws->requestUrl();
        const QString prefix = u"/api/v1/namespaces/%1/pods/"_s.arg(m_namespace);
        const QString pod = url.path().mid(prefix.size()).chopped(5); // strip "/exec"
        // kubectl form-encodes the query (Go url.Values.Encode): '+' is a space there.
        const QUrlQuery query(url.query(QUrl::FullyEncoded).replace(u'+', u"%20"_s));
        const QStringList command = query.allQueryItemValues(u"command"_s, QUrl::FullyDecoded);
        const QString container = query.queryItemValue(u"container"_s, QUrl::FullyDecoded);
        m_execs << u"%1/%2: %3"_s.arg(pod, container, command.join(u'|'));
        bool ok = false;
        const int ordinal = QString(pod).remove(u"crdb-"_s).toInt(&ok);
        // What a real cluster answers on the status channel (3). Simplified: the API server
        // refuses an unknown container before the upgrade (pkg/registry/core/pod/strategy.go,
        // "container %s is not valid for pod %s"); here it comes as the exec's failure status.
        QString failure;
        if (!ok || !m_pods.contains(ordinal)) {
            failure = u"pods \"%1\" not found"_s.arg(pod);
        } else if (container != m_containerName) {
            failure = u"container %1 is not valid for pod %2"_s.arg(container, pod);
        } else if (!m_executables.contains(command.value(0))) {
            // The container runtime's words when argv[0] is not on the image's PATH.
            failure = u"Internal error occurred: error executing command in container: failed to exec in container: "
                      u"OCI runtime exec failed: exec failed: unable to start container process: exec: \"%1\": "
                      u"executable file not found in $PATH: unknown"_s.arg(command.value(0));
        } else if (command == QStringList {u"bash"_s, u"-c"_s, u"kill -TERM 1"_s}) {
            // The container stops now and the kubelet brings it back after the restart delay.
            Pod &p = m_pods[ordinal];
            p.restarts += 1;
            p.readyAtMs = m_clock.elapsed() + m_restartDelayMs;
        }
        // Anything else that is on the PATH (e.g. the probe `bash -c "kill -0 1"`) succeeds.
        QByteArray statusFrame(1, '\x03');
        if (failure.isEmpty()) {
            statusFrame += R"({"metadata":{},"status":"Success"})";
        } else {
            statusFrame += QJsonDocument(
                QJsonObject {{u"metadata"_s, QJsonObject()}, {u"status"_s, u"Failure"_s}, {u"message"_s, failure},
                    {u"reason"_s, u"InternalError"_s},
                    {u"code"_s,
                        500}}).toJson(QJsonDocument::Compact);
        }
        ws->sendBinaryMessage(statusFrame);
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        QTimer::singleShot(50, ws, [ws] { ws->close(); });
    }
}
