#include "kubectl_commands.h"

#include "sources/kubectl_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

namespace kube {

namespace {

const QString kPodSelector = u"app.kubernetes.io/name=cockroachdb"_s;

std::optional<QJsonObject> jsonObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error) {
            *error = u"kubectl printed no JSON object (%1)"_s.arg(parseError.errorString());
        }
        return std::nullopt;
    }
    return doc.object();
}

std::optional<int> specField(const QByteArray &json, const QString &field, QString *error)
{
    const auto o = jsonObject(json, error);
    if (!o) {
        return std::nullopt;
    }
    const QJsonValue v = o->value("spec"_L1).toObject().value(field);
    if (!v.isDouble()) {
        if (error) {
            *error = u"%1 %2 has no spec.%3"_s.arg(
                o->value("kind"_L1).toString(), o->value("metadata"_L1).toObject().value("name"_L1).toString(), field);
        }
        return std::nullopt;
    }
    return v.toInt();
}

// The StatefulSet of k8s/crdb-cluster.yaml: `kubectl scale statefulset`, signals to the PID the
// container command wrote.
class StatefulSetCommands final : public KubectlCommands
{
public:
    explicit StatefulSetCommands(const QString &workload) : KubectlCommands(workload) { }

    // k8s/crdb-cluster.yaml names it cockroachdb.
    QString containerName() const override { return u"cockroachdb"_s; }
    QStringList scale(int nodes) const override
    {
        return {u"scale"_s, u"statefulset"_s, m_workload, u"--replicas=%1"_s.arg(nodes)};
    }
    QStringList workloadStatus() const override { return {u"get"_s, u"statefulset"_s, m_workload, u"-o"_s, u"json"_s}; }
    std::optional<int> parseDesiredNodes(const QByteArray &json, QString *error) const override
    {
        return specField(json, u"replicas"_s, error);
    }
    // To the PID the container command wrote (k8s/crdb-cluster.yaml: `echo $BASHPID >
    // /cockroach/faults/cockroach.pid` then `exec`, which keeps the PID). With shareProcessNamespace
    // PID 1 is the pod's pause process (kubernetes.io docs "Share Process Namespace between Containers
    // in a Pod": `kill -HUP 1` signals the sandbox), so `kill 1` would miss cockroach. Exit 2: no PID
    // file (an older manifest); exit 3: cockroach is PID 1 (no shared PID namespace: Linux then
    // ignores SIGKILL / SIGSTOP from inside, pid_namespaces(7)).
    QString signalCommand(const QString &signal) const override
    {
        return u"pid=$(cat %1) || exit 2; test \"$pid\" != 1 || exit 3; kill -%2 \"$pid\""_s.arg(
            QLatin1StringView(kPidFile), signal);
    }
    QString explainExecFailure(const QString &pod, const CommandResult &r) const override;
    bool healsByExec() const override { return true; }
    QString healingText() const override
    {
        return u"healing: removing every hold file, continuing every paused node, waiting until every node is ready"_s;
    }
};

QString StatefulSetCommands::explainExecFailure(const QString &pod, const CommandResult &r) const
{
    // The exit codes of signalCommand() (kubectl exec exits with the remote command's code).
    switch (r.exitCode) {
    case 2:
        return u"%1 has no %2: it runs a CockroachDB pod spec from before the faults; apply k8s/crdb-cluster.yaml "
               u"(demo/apply-cluster.sh) and let the pods restart one at a time (%3)"_s.arg(
                   pod, QLatin1StringView(kPidFile), r.error);
    case 3:
        return u"cockroach is PID 1 in %1 (no shared process namespace): Linux ignores SIGKILL and SIGSTOP sent to it "
               u"from kubectl exec; apply k8s/crdb-cluster.yaml, which sets shareProcessNamespace (%2)"_s.arg(
                   pod, r.error);
    case 4:
        return u"cannot create %1 in %2 (%3)"_s.arg(QLatin1StringView(kHoldFile), pod, r.error);
    default:
        return r.error;
    }
}

// The CockroachDB Operator's CrdbCluster: `kubectl patch crdbcluster` (N ≥ 3, the CRD's minimum;
// the operator decommissions on the way down), signals to PID 1.
class OperatorCommands final : public KubectlCommands
{
public:
    explicit OperatorCommands(const QString &workload) : KubectlCommands(workload) { }

    // cockroachdb/cockroach-operator pkg/resource/statefulset.go, DbContainerName.
    QString containerName() const override { return u"db"_s; }
    QStringList scale(int nodes) const override
    {
        return {u"patch"_s, u"crdbcluster"_s, m_workload, u"--type=merge"_s, u"-p"_s,
            u"{\"spec\":{\"nodes\":%1}}"_s.arg(nodes)};
    }
    QStringList workloadStatus() const override { return {u"get"_s, u"crdbcluster"_s, m_workload, u"-o"_s, u"json"_s}; }
    std::optional<int> parseDesiredNodes(const QByteArray &json, QString *error) const override
    {
        return specField(json, u"nodes"_s, error);
    }
    // Cockroach is PID 1 (cockroach-operator pkg/resource/statefulset.go commandArgs runs
    // `exec /cockroach/cockroach.sh start`, which execs cockroach: cockroachdb/cockroach
    // build/deploy/cockroach.sh _main), and it handles SIGTERM.
    QString signalCommand(const QString &signal) const override { return u"kill -%1 1"_s.arg(signal); }
    bool healsByExec() const override { return false; }
    QString healingText() const override
    {
        return u"healing: waiting until every node is ready (the operator's cluster has no hold file or paused node)"_s;
    }
};

} // namespace

std::unique_ptr<KubectlCommands> KubectlCommands::forKind(ClusterKind kind, const QString &workload)
{
    if (kind == ClusterKind::Operator) {
        return std::make_unique<OperatorCommands>(workload);
    }
    return std::make_unique<StatefulSetCommands>(workload);
}

QString KubectlCommands::podName(int ordinal) const
{
    return u"%1-%2"_s.arg(m_workload).arg(ordinal);
}

QStringList KubectlCommands::podsStatus() const
{
    return {u"get"_s, u"pods"_s, u"-l"_s, kPodSelector, u"-o"_s, u"json"_s};
}

QStringList KubectlCommands::execInCockroach(int ordinal, const QString &shellCommand) const
{
    // The image has no kill binary (cockroachdb/cockroach build/deploy/Dockerfile: ubi-minimal
    // plus tzdata hostname tar), so the shell's builtin does the work. bash is there: the image's
    // entrypoint build/deploy/cockroach.sh is #!/bin/bash, and the operator starts the container
    // with /bin/bash -ecx (pkg/resource/statefulset.go, commandArgs).
    return {u"exec"_s, podName(ordinal), u"-c"_s, containerName(), u"--"_s, u"bash"_s, u"-c"_s, shellCommand};
}

QStringList KubectlCommands::fault(int ordinal, Fault fault) const
{
    switch (fault) {
    case Fault::Stop:
        // SIGTERM: cockroach drains and exits; the kubelet restarts the container. This is a node
        // failure the cluster must survive, not a deletion.
        return execInCockroach(ordinal, signalCommand(u"TERM"_s));
    case Fault::KeepDown:
        // The hold file first, so the restarted container finds it and waits (not Ready).
        return execInCockroach(
            ordinal, u"touch %1 || exit 4; "_s.arg(QLatin1StringView(kHoldFile)) + signalCommand(u"TERM"_s));
    case Fault::Kill:
        return execInCockroach(ordinal, signalCommand(u"KILL"_s));
    case Fault::Pause:
        return execInCockroach(ordinal, signalCommand(u"STOP"_s));
    }
    return {};
}

QStringList KubectlCommands::startNode(int ordinal) const
{
    // The waiting container is running, so exec works; it starts cockroach within a second.
    return execInCockroach(ordinal, u"rm -f %1"_s.arg(QLatin1StringView(kHoldFile)));
}

QStringList KubectlCommands::resumeNode(int ordinal) const
{
    return execInCockroach(ordinal, signalCommand(u"CONT"_s));
}

QStringList KubectlCommands::release(int ordinal, EndedBy endedBy) const
{
    switch (endedBy) {
    case EndedBy::Start:
        return startNode(ordinal);
    case EndedBy::Resume:
        return resumeNode(ordinal);
    case EndedBy::Restart:
        break; // the kubelet ends it
    }
    return {};
}

QStringList KubectlCommands::heal(int ordinal) const
{
    // Whatever the state: no hold file, and a stopped cockroach continues (SIGCONT to a running
    // process does nothing). Succeeds on a pod of an older manifest too (nothing to undo there).
    return execInCockroach(ordinal,
        u"rm -f %1; pid=$(cat %2) && test \"$pid\" != 1 && kill -CONT \"$pid\"; exit 0"_s.arg(
            QLatin1StringView(kHoldFile), QLatin1StringView(kPidFile)));
}

QStringList KubectlCommands::shellProbe(int ordinal) const
{
    // Signal 0 only checks that the process exists and may be signalled: nothing is delivered.
    return execInCockroach(ordinal, signalCommand(u"0"_s));
}

QString KubectlCommands::explainExecFailure(const QString &, const CommandResult &r) const
{
    return r.error;
}

std::optional<QList<PodStatus>> parsePods(const QByteArray &json, QString *error, const QString &container)
{
    const auto o = jsonObject(json, error);
    if (!o) {
        return std::nullopt;
    }
    if (!o->value("items"_L1).isArray()) {
        if (error) {
            *error = u"pod list without items"_s;
        }
        return std::nullopt;
    }
    QList<PodStatus> pods;
    const QJsonArray items = o->value("items"_L1).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject pod = item.toObject();
        const QJsonObject metadata = pod.value("metadata"_L1).toObject();
        const QJsonObject status = pod.value("status"_L1).toObject();
        PodStatus p;
        p.name = metadata.value("name"_L1).toString();
        p.phase = status.value("phase"_L1).toString();
        const QJsonArray conditions = status.value("conditions"_L1).toArray();
        for (const QJsonValue &c : conditions) {
            const QJsonObject condition = c.toObject();
            if (condition.value("type"_L1).toString() == "Ready"_L1) {
                p.ready = condition.value("status"_L1).toString() == "True"_L1;
            }
        }
        const QJsonArray containers = status.value("containerStatuses"_L1).toArray();
        for (const QJsonValue &c : containers) {
            const QJsonObject cs = c.toObject();
            if (cs.value("name"_L1).toString() == container || containers.size() == 1) {
                p.restarts = cs.value("restartCount"_L1).toInt();
            }
        }
        if (metadata.contains("deletionTimestamp"_L1)) {
            p.phase = u"Terminating"_s;
            p.ready = false;
        }
        pods.append(p);
    }
    std::sort(pods.begin(), pods.end(), [](const PodStatus &a, const PodStatus &b) {
        const int oa = ordinalOf(a.name);
        const int ob = ordinalOf(b.name);
        return oa != ob ? oa < ob : a.name < b.name;
    });
    return pods;
}

} // namespace kube

} // namespace presenter
