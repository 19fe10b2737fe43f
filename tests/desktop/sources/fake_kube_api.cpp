#include "fake_kube_api.h"
#include "fake_kube_objects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
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

QStringList FakeKubeApi::kubectlArgs(const QString &cacheDir) const
{
    return {serverArg(), u"--cache-dir="_s + cacheDir};
}

QProcessEnvironment FakeKubeApi::kubectlEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"KUBECONFIG"_s, u"/dev/null"_s);
    return env;
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
    m_pauseSignals.clear();
    for (int i = 0; i < nodes; ++i) {
        Pod p;
        startContainer(p);
        p.readyAtMs = 0;
        m_pods.insert(i, p);
    }
}

void FakeKubeApi::setFaultSupport(bool on)
{
    m_faultSupport = on;
    for (Pod &p : m_pods) {
        p.files.clear();
        startContainer(p);
        p.readyAtMs = 0;
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
            Pod p;
            startContainer(p);
            p.readyAtMs = readyAt;
            m_pods.insert(i, p);
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
    advance(m_pods[ordinal]);
    const Pod pod = m_pods.value(ordinal);
    const bool ready = isReady(pod);
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
    for (auto it = m_pods.begin(); it != m_pods.end(); ++it) {
        advance(*it);
        ready += isReady(*it) ? 1 : 0;
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
        ShellResult shell;
        if (!ok || !m_pods.contains(ordinal)) {
            failure = u"pods \"%1\" not found"_s.arg(pod);
        } else if (container != m_containerName) {
            failure = u"container %1 is not valid for pod %2"_s.arg(container, pod);
        } else if (!m_executables.contains(command.value(0))) {
            // The container runtime's words when argv[0] is not on the image's PATH.
            failure = u"Internal error occurred: error executing command in container: failed to exec in container: "
                      u"OCI runtime exec failed: exec failed: unable to start container process: exec: \"%1\": "
                      u"executable file not found in $PATH: unknown"_s.arg(command.value(0));
        } else if (advance(m_pods[ordinal]); m_clock.elapsed() < m_pods[ordinal].startAtMs) {
            // The container exited and the kubelet has not started it again: nothing to exec into.
            failure = u"unable to upgrade connection: container not found (\"%1\")"_s.arg(container);
        } else if (command.value(0) == "bash"_L1 && command.value(1) == "-c"_L1 && command.size() == 3) {
            shell = runShell(ordinal, command.value(2));
        } else if (command.value(0) == "bash"_L1 || command.value(0) == "sh"_L1) {
            shell.exitCode = 2;
            shell.err = u"the fake runs only `bash -c SCRIPT`"_s;
        }
        // Anything else that is on the PATH succeeds without doing anything.
        QByteArray stderrFrame;
        if (!shell.err.isEmpty()) {
            stderrFrame = QByteArray(1, '\x02') + shell.err.toUtf8() + '\n';
        }
        QByteArray statusFrame(1, '\x03');
        if (failure.isEmpty() && shell.exitCode == 0) {
            statusFrame += R"({"metadata":{},"status":"Success"})";
        } else if (failure.isEmpty()) {
            // What the kubelet reports for a command that exited non-zero; kubectl exits with that code
            // (client-go remotecommand: reason NonZeroExitCode, cause ExitCode).
            statusFrame += QJsonDocument(
                QJsonObject {{u"metadata"_s, QJsonObject()}, {u"status"_s, u"Failure"_s},
                    {u"message"_s, u"command terminated with non-zero exit code: exit status %1"_s.arg(shell.exitCode)},
                    {u"reason"_s, u"NonZeroExitCode"_s},
                    {u"details"_s,
                        QJsonObject {{u"causes"_s,
                            QJsonArray {QJsonObject {
                                {u"reason"_s, u"ExitCode"_s}, {u"message"_s, QString::number(shell.exitCode)}}}}}}})
                               .toJson(QJsonDocument::Compact);
        } else {
            statusFrame += QJsonDocument(
                QJsonObject {{u"metadata"_s, QJsonObject()}, {u"status"_s, u"Failure"_s}, {u"message"_s, failure},
                    {u"reason"_s, u"InternalError"_s},
                    {u"code"_s,
                        500}}).toJson(QJsonDocument::Compact);
        }
        // The frames go out 20 ms after the upgrade, as a real exec's output comes after the
        // container runtime started the command: sent at once, kubectl (client-go's websocket
        // executor) can read them before it registered its streams and drops them ("Unknown stream
        // id 2, discarding message"; seen once in tst_preflight on a loaded machine).
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        QTimer::singleShot(20, ws, [ws, stderrFrame, statusFrame] {
            if (!stderrFrame.isEmpty()) {
                ws->sendBinaryMessage(stderrFrame);
            }
            ws->sendBinaryMessage(statusFrame);
            QTimer::singleShot(50, ws, [ws] { ws->close(); });
        });
    }
}

// ---- the container's processes (what a real node does for the commands the presenter sends)

namespace {
const QString kFaultDir = u"/cockroach/faults"_s;
const QString kPidFile = u"/cockroach/faults/cockroach.pid"_s;
const QString kHoldFile = u"/cockroach/faults/hold"_s;
} // namespace

void FakeKubeApi::startContainer(Pod &pod) const
{
    // The container command of k8s/base/crdb-cluster.yaml: PID file, hold wait, exec cockroach.
    pod.started = true;
    pod.stopped = false;
    pod.pendingTerm = false;
    pod.pid = m_faultSupport ? m_nextPid++ : 1;
    if (m_faultSupport) {
        pod.files.insert(kPidFile, QString::number(pod.pid));
    }
    pod.held = m_faultSupport && pod.files.contains(kHoldFile);
    pod.readyAtMs = m_clock.elapsed() + m_restartDelayMs;
}

void FakeKubeApi::advance(Pod &pod) const
{
    if (pod.started && pod.drainEndsAtMs >= 0 && !pod.stopped && m_clock.elapsed() >= pod.drainEndsAtMs) {
        containerExited(pod); // the drain is over: cockroach exits
    }
    if (!pod.started && m_clock.elapsed() >= pod.startAtMs) {
        startContainer(pod);
    }
}

bool FakeKubeApi::isReady(const Pod &pod) const
{
    return pod.started && !pod.held && !pod.stopped && pod.drainEndsAtMs < 0 && m_clock.elapsed() >= pod.readyAtMs;
}

void FakeKubeApi::terminate(Pod &pod) const
{
    if (m_drainMs > 0 && pod.started && !pod.held) {
        if (pod.drainEndsAtMs < 0) { // a second SIGTERM does not restart the drain
            pod.drainEndsAtMs = m_clock.elapsed() + m_drainMs;
        }
        return;
    }
    containerExited(pod);
}

void FakeKubeApi::containerExited(Pod &pod) const
{
    // The kubelet restarts it: at once the first time, then with CrashLoopBackOff's growing delay.
    pod.restarts += 1;
    pod.started = false;
    pod.held = false;
    pod.stopped = false;
    pod.drainEndsAtMs = -1;
    const qint64 backoff = pod.restarts >= 2 ? qint64(m_backoffMs) << std::min(pod.restarts - 2, 5) : 0;
    pod.startAtMs = m_clock.elapsed() + backoff;
}

void FakeKubeApi::signal(int ordinal, const QString &sig, int pid, ShellResult &out)
{
    Pod &pod = m_pods[ordinal];
    if (m_faultSupport && pid == 1) {
        m_pauseSignals << u"crdb-%1: %2"_s.arg(ordinal).arg(sig);
        return;
    }
    if (pid != pod.pid) {
        out.exitCode = 1;
        out.err = u"bash: line 1: kill: (%1) - No such process"_s.arg(pid);
        return;
    }
    const bool init = !m_faultSupport; // cockroach (or the waiting bash) is PID 1 of its namespace
    if (sig == "0"_L1) {
        return;
    }
    if (sig == "TERM"_L1) {
        // cockroach handles SIGTERM (drain, then exit); the waiting bash has no handler and dies
        // (bash is not init here: init ignores unhandled signals).
        if (pod.stopped) {
            pod.pendingTerm = true;
        } else {
            terminate(pod);
        }
    } else if (sig == "KILL"_L1) {
        // Linux delivers to a namespace's init, from inside it, only signals it handles.
        if (!init) {
            containerExited(pod);
        }
    } else if (sig == "STOP"_L1) {
        if (!init) {
            pod.stopped = true;
        }
    } else if (sig == "CONT"_L1) {
        if (pod.stopped) {
            pod.stopped = false;
            if (pod.pendingTerm) {
                pod.pendingTerm = false;
                terminate(pod);
            }
        }
    } else {
        out.exitCode = 1;
        out.err = u"bash: line 1: kill: %1: invalid signal specification"_s.arg(sig);
    }
}

// A small bash: statements separated by `;`, chains of `&&` / `||` (left to right, as bash), words
// with "double" quotes and $name, `name=$(cat FILE)`, and the commands the presenter sends: kill,
// test, touch, rm -f, exit, true. Anything else is "command not found" (127), as bash says.
FakeKubeApi::ShellResult FakeKubeApi::runShell(int ordinal, const QString &script)
{
    struct Token
    {
        QString text; // raw, quotes kept
        bool op = false;
    };
    QList<Token> tokens;
    QString word;
    bool inWord = false;
    auto flush = [&] {
        if (inWord) {
            tokens.append({word, false});
        }
        word.clear();
        inWord = false;
    };
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script.at(i);
        if (c == u'"' || c == u'\'') {
            const qsizetype end = script.indexOf(c, i + 1);
            word += script.mid(i, end - i + 1);
            inWord = true;
            i = end;
        } else if (c == u'$' && script.mid(i, 2) == "$("_L1) {
            const qsizetype end = script.indexOf(u')', i);
            word += script.mid(i, end - i + 1);
            inWord = true;
            i = end;
        } else if (c == u';') {
            flush();
            tokens.append({u";"_s, true});
        } else if ((c == u'&' || c == u'|') && script.mid(i, 2) == QString(2, c)) {
            flush();
            tokens.append({QString(2, c), true});
            ++i;
        } else if (c.isSpace()) {
            flush();
        } else {
            word += c;
            inWord = true;
        }
    }
    flush();

    QMap<QString, QString> vars;
    Pod &pod = m_pods[ordinal];
    auto expand = [&vars](QString raw) {
        QString out;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            const QChar c = raw.at(i);
            if (c == u'"') {
                continue;
            }
            if (c == u'\'') {
                const qsizetype end = raw.indexOf(u'\'', i + 1);
                out += raw.mid(i + 1, end - i - 1);
                i = end;
            } else if (c == u'$') {
                qsizetype j = i + 1;
                while (j < raw.size() && (raw.at(j).isLetterOrNumber() || raw.at(j) == u'_')) {
                    ++j;
                }
                out += vars.value(raw.mid(i + 1, j - i - 1));
                i = j - 1;
            } else {
                out += c;
            }
        }
        return out;
    };
    ShellResult result;
    int status = 0;
    QString pendingOp; // the operator before the command being read
    auto execute = [&](const QStringList &raw) -> std::optional<int> { // nullopt: the script exits
        if (raw.isEmpty()) {
            return 0;
        }
        static const QRegularExpression assignment(uR"(^(\w+)=\$\(cat ([^)]+)\)$)"_s);
        if (const auto m = assignment.match(raw.first()); m.hasMatch() && raw.size() == 1) {
            const QString file = m.captured(2).trimmed();
            if (!pod.files.contains(file)) {
                result.err += u"cat: %1: No such file or directory\n"_s.arg(file);
                return 1;
            }
            vars.insert(m.captured(1), pod.files.value(file).trimmed());
            return 0;
        }
        QStringList args;
        for (const QString &r : raw) {
            args << expand(r);
        }
        const QString cmd = args.takeFirst();
        if (cmd == "true"_L1 || cmd == ":"_L1) {
            return 0;
        }
        if (cmd == "exit"_L1) {
            result.exitCode = args.value(0, QString::number(status)).toInt();
            return std::nullopt;
        }
        if (cmd == "test"_L1 && args.size() == 3 && (args[1] == "!="_L1 || args[1] == "="_L1)) {
            return (args[0] == args[2]) == (args[1] == "="_L1) ? 0 : 1;
        }
        if (cmd == "touch"_L1 && args.size() == 1) {
            if (!m_faultSupport || !args[0].startsWith(kFaultDir + u'/')) {
                result.err += u"touch: cannot touch '%1': No such file or directory\n"_s.arg(args[0]);
                return 1;
            }
            pod.files.insert(args[0], QString());
            return 0;
        }
        if (cmd == "rm"_L1 && args.size() == 2 && args[0] == "-f"_L1) {
            pod.files.remove(args[1]);
            if (args[1] == kHoldFile && pod.held) {
                // The wait loop sees the file gone within its 1 s sleep and execs cockroach.
                pod.held = false;
                pod.readyAtMs = m_clock.elapsed() + m_restartDelayMs;
            }
            return 0;
        }
        if (cmd == "kill"_L1 && args.size() == 2 && args[0].startsWith(u'-')) {
            bool numeric = false;
            const int pid = args[1].toInt(&numeric);
            if (!numeric) {
                result.err += u"bash: line 1: kill: %1: arguments must be process or job IDs\n"_s.arg(args[1]);
                return 1;
            }
            ShellResult one;
            signal(ordinal, args[0].mid(1), pid, one);
            if (!one.err.isEmpty()) {
                result.err += one.err + u'\n';
            }
            return one.exitCode;
        }
        result.err += u"bash: line 1: %1: command not found\n"_s.arg(cmd);
        return 127;
    };
    QStringList raw;
    auto runPending = [&]() -> bool { // false: exit
        const bool skip = (pendingOp == "&&"_L1 && status != 0) || (pendingOp == "||"_L1 && status == 0);
        if (!skip) {
            const auto s = execute(raw);
            if (!s) {
                return false;
            }
            status = *s;
        }
        raw.clear();
        return true;
    };
    for (const Token &t : std::as_const(tokens)) {
        if (!t.op) {
            raw << t.text;
            continue;
        }
        if (!runPending()) {
            return result;
        }
        pendingOp = t.text == ";"_L1 ? QString() : t.text;
    }
    if (!runPending()) {
        return result;
    }
    result.exitCode = status;
    return result;
}

QString FakeKubeApi::processState(int ordinal) const
{
    advance(m_pods[ordinal]);
    const Pod &p = m_pods[ordinal];
    return !p.started          ? u"restarting"_s
        : p.held               ? u"held"_s
        : p.stopped            ? u"stopped"_s
        : p.drainEndsAtMs >= 0 ? u"draining"_s
                               : u"running"_s;
}

bool FakeKubeApi::holdFile(int ordinal) const
{
    return m_pods.value(ordinal).files.contains(kHoldFile);
}

bool FakeKubeApi::ready(int ordinal) const
{
    advance(m_pods[ordinal]);
    return isReady(m_pods[ordinal]);
}
