#pragma once
// FakeKubeApi: THE ONE FAKE of the presenter tests. Nothing real can run a Kubernetes API server
// here, so this small HTTP server answers exactly the calls the real `kubectl` binary (v1.32)
// makes for the cluster driver: legacy discovery, get/scale a StatefulSet, get/patch a CrdbCluster,
// list/get pods, and (when it can) the `kubectl exec` WebSocket. It simulates pods becoming ready
// one by one after a scale. Every request is logged so tests can assert what kubectl asked for.

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTcpServer>

class FakeKubeObjects;
class QTcpSocket;
class QWebSocketServer;

class FakeKubeApi : public QObject
{
    Q_OBJECT
public:
    explicit FakeKubeApi(QObject *parent = nullptr);
    ~FakeKubeApi() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QString serverArg() const; // --server=http://127.0.0.1:PORT
    // What a kubectl client needs to reach this fake and nothing else: the global arguments (its
    // --server and a private discovery cache) and an environment without a kubeconfig.
    QStringList kubectlArgs(const QString &cacheDir) const;
    static QProcessEnvironment kubectlEnvironment();

    // Initial state: a StatefulSet/CrdbCluster named "crdb" in namespace `ns` with `nodes` ready pods.
    void reset(const QString &ns, int nodes);
    // A new pod becomes ready this long after the previous one (StatefulSet ordered start).
    void setReadyDelayMs(int ms) { m_readyDelayMs = ms; }
    // Every answer is held back this long (a slow API server).
    void setResponseDelayMs(int ms) { m_responseDelayMs = ms; }
    // A restarted container (or a held one, once its hold file is gone) is ready this long after
    // cockroach started.
    void setRestartDelayMs(int ms) { m_restartDelayMs = ms; }
    // SIGTERM's drain (pkg/server/drain.go, drainClients; k8s/README.md): cockroach keeps running,
    // not Ready, for this long before it exits (a real node: server.shutdown.initial_wait, 15 s
    // here, then transactions and leases, 15-30 s in all). 0 (default): it exits at once. A KILL
    // ends a drain at once; a held container's bash has no handler and always dies at once.
    void setDrainMs(int ms) { m_drainMs = ms; }
    // CrashLoopBackOff: the first restart of a container is immediate, then the kubelet waits
    // 10 s, 20 s, 40 s ... capped at 300 s, reset after 10 min of running (kubernetes.io docs "Pod
    // Lifecycle", container restarts). Here: the n-th restart (n >= 2) waits backoffMs * 2^(n-2).
    void setCrashBackoffMs(int ms) { m_backoffMs = ms; }
    // What the CockroachDB pods run. true (default): today's k8s/base/crdb-cluster.yaml: shareProcessNamespace
    // (PID 1 is the pause process, cockroach another PID), an emptyDir at /cockroach/faults, the
    // command writes cockroach.pid there and waits while /cockroach/faults/hold exists. false: the
    // operator's pod (or an older manifest): cockroach is PID 1 of the container's PID namespace and
    // there is no /cockroach/faults.
    void setFaultSupport(bool on);
    // The CockroachDB container's name: "cockroachdb" in k8s/base/crdb-cluster.yaml, "db" for the
    // operator (cockroach-operator pkg/resource/statefulset.go, DbContainerName). An exec naming
    // another container fails the way the API server refuses it.
    void setContainerName(const QString &name) { m_containerName = name; }
    // The programs on the container's PATH. Default: what cockroachdb/cockroach ships
    // (build/deploy/Dockerfile: ubi-minimal, whose bash runs the /bin/bash entrypoint
    // cockroach.sh, plus tzdata hostname tar, and cockroach itself): no `kill` binary.
    void setExecutables(const QStringList &programs) { m_executables = programs; }
    // The TPC-C workload's pod (k8s/loadgen/job.yaml, label app.kubernetes.io/name=crdb-loadgen)
    // in this phase ("Running", "Failed", ...); empty = no such pod (the default).
    void setLoadgenPhase(const QString &phase) { m_loadgenPhase = phase; }

    // Generic object storage (fake_kube_objects.h) answers first when set, for `kubectl apply -k k8s/...`.
    void setObjects(FakeKubeObjects *objects) { m_objects = objects; }

    // "METHOD path?query" of every request, in order.
    QStringList requests() const { return m_requests; }
    // Requests the fake did not know how to answer (it answered 404).
    QStringList unexpected() const { return m_unexpected; }
    QList<QByteArray> patchBodies() const { return m_patchBodies; }
    // Command lines received through the exec WebSocket, argv joined by '|' so that a shell
    // string stays one word ("crdb-2/cockroachdb: bash|-c|kill -TERM 1").
    QStringList execs() const { return m_execs; }
    int desired() const { return m_desired; }
    int restarts(int ordinal) const;
    // The container's process as a test sees it: "running", "draining" (SIGTERM'd, not exited yet:
    // setDrainMs), "stopped" (SIGSTOP), "held" (waiting on the hold file), "restarting" (exited,
    // the kubelet has not started it again yet).
    QString processState(int ordinal) const;
    bool holdFile(int ordinal) const;
    bool ready(int ordinal) const;
    // Signals that reached the pod's pause process (PID 1 with a shared PID namespace): a fault that
    // meant cockroach. The fake does not model what the pause process does with them.
    QStringList pauseSignals() const { return m_pauseSignals; }

private:
    struct Pod
    {
        qint64 readyAtMs = 0; // on m_clock; ready once cockroach runs, is not stopped, and elapsed >= readyAtMs
        int restarts = 0;
        qint64 startAtMs = 0; // the container (re)starts at this time; before it, exec fails
        bool started = true; // the container command ran (PID file written, hold checked)
        bool held = false; // the command waits on the hold file; cockroach not exec'd yet
        bool stopped = false; // SIGSTOP
        bool pendingTerm = false; // SIGTERM while stopped: acts on SIGCONT
        qint64 drainEndsAtMs = -1; // on m_clock: SIGTERM'd cockroach exits then; -1 = not draining
        int pid = 1;
        QMap<QString, QString> files; // the emptyDir at /cockroach/faults
    };
    struct ShellResult
    {
        int exitCode = 0;
        QString err;
    };
    void advance(Pod &pod) const; // the kubelet's work due by now
    void startContainer(Pod &pod) const;
    void containerExited(Pod &pod) const;
    void terminate(Pod &pod) const; // SIGTERM reached cockroach: drain, or exit at once
    void signal(int ordinal, const QString &sig, int pid, ShellResult &out);
    ShellResult runShell(int ordinal, const QString &script);
    bool isReady(const Pod &pod) const;
    struct Request
    {
        QByteArray method;
        QByteArray target;
        QMap<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };

    void onConnection();
    void onReadable(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Request &request);
    void send(QTcpSocket *socket, int status, const QByteArray &json);
    void onExecConnection();
    QByteArray discovery(const QString &path) const;
    QByteArray podJson(int ordinal) const;
    QByteArray statefulSetJson() const;
    QByteArray crdbClusterJson() const;
    void scaleTo(int nodes);

    QTcpServer m_server;
    QWebSocketServer *m_webSockets;
    QElapsedTimer m_clock;
    QString m_namespace = QStringLiteral("crdb-evolution");
    int m_desired = 1;
    mutable QMap<int, Pod> m_pods;
    int m_readyDelayMs = 300;
    int m_responseDelayMs = 0;
    int m_restartDelayMs = 300;
    int m_drainMs = 0;
    int m_backoffMs = 0;
    bool m_faultSupport = true;
    mutable int m_nextPid = 7;
    QStringList m_pauseSignals;
    QString m_containerName = QStringLiteral("cockroachdb");
    QString m_loadgenPhase;
    QStringList m_executables {QStringLiteral("bash"), QStringLiteral("sh"), QStringLiteral("cockroach"),
        QStringLiteral("hostname"), QStringLiteral("tar")};
    QStringList m_requests;
    QStringList m_unexpected;
    QList<QByteArray> m_patchBodies;
    QStringList m_execs;
    QMap<QTcpSocket *, QByteArray> m_buffers;
    FakeKubeObjects *m_objects = nullptr;
};
