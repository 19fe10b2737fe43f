#include "cluster_driver.h"

#include "cluster/fault_table.h"

using namespace Qt::StringLiterals;

namespace presenter {

using kube::safety::Action;
using kube::safety::Request;

ClusterDriver::ClusterDriver(QObject *parent) : DataSource(u"cluster (kubectl)"_s, parent)
{
    qRegisterMetaType<ClusterDriver::ClusterStatus>();
    connect(&m_poller, &StatusPoller::due, this, &ClusterDriver::refreshStatus);
    connect(&m_poller, &StatusPoller::read, this, &ClusterDriver::onStatusRead);
    connect(&m_poller, &StatusPoller::readFinished, this, [this](bool ok, const QString &error) {
        if (ok) {
            reportRecovered();
        } else {
            reportFailure(u"cluster status: %1"_s.arg(error));
        }
    });
    connect(&m_faults, &FaultTracker::watchDue, this, &ClusterDriver::refreshStatus);
    connect(&m_faults, &FaultTracker::ended, this, &ClusterDriver::faultEnded);
    connect(&m_operations, &OperationRunner::progress, this, &ClusterDriver::operationProgress);
    connect(&m_operations, &OperationRunner::busyChanged, this, &ClusterDriver::busyChanged);
    connect(&m_operations, &OperationRunner::finished, this, &ClusterDriver::onOperationFinished);
}

ClusterDriver::~ClusterDriver() = default;

void ClusterDriver::setKind(Kind kind)
{
    m_setup.setKind(kind);
}

void ClusterDriver::setKubectl(const QString &program, const QStringList &globalArgs)
{
    m_setup.program = program;
    m_setup.globalArgs = globalArgs;
}

void ClusterDriver::setStatusIntervalMs(int ms)
{
    m_poller.setIntervalMs(ms);
}

QString ClusterDriver::podName(int ordinal) const
{
    return m_setup.podName(ordinal);
}

void ClusterDriver::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    if (!kube::safety::hasCluster(m_setup.kind())) {
        return; // nothing to watch
    }
    m_poller.startPolling();
    refreshStatus();
}

void ClusterDriver::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    m_poller.stopPolling();
}

// The argument lists (kubectl_commands.h), for display and tests.
QStringList ClusterDriver::scaleArguments(int nodes) const
{
    return m_setup.commands().scale(nodes);
}

QStringList ClusterDriver::stopNodeArguments(int ordinal) const
{
    return m_setup.commands().fault(ordinal, Fault::Stop);
}

QStringList ClusterDriver::faultArguments(int ordinal, Fault fault) const
{
    return m_setup.commands().fault(ordinal, fault);
}

QStringList ClusterDriver::startNodeArguments(int ordinal) const
{
    return m_setup.commands().startNode(ordinal);
}

QStringList ClusterDriver::resumeNodeArguments(int ordinal) const
{
    return m_setup.commands().resumeNode(ordinal);
}

QStringList ClusterDriver::healArguments(int ordinal) const
{
    return m_setup.commands().heal(ordinal);
}

QStringList ClusterDriver::shellProbeArguments(int ordinal) const
{
    return m_setup.commands().shellProbe(ordinal);
}

QStringList ClusterDriver::workloadStatusArguments() const
{
    return m_setup.commands().workloadStatus();
}

QStringList ClusterDriver::podsStatusArguments() const
{
    return m_setup.commands().podsStatus();
}

QString ClusterDriver::containerName(Kind kind)
{
    return kube::KubectlCommands::forKind(kind, {})->containerName();
}

std::optional<int> ClusterDriver::parseDesiredNodes(Kind kind, const QByteArray &json, QString *error)
{
    return kube::KubectlCommands::forKind(kind, {})->parseDesiredNodes(json, error);
}

std::optional<QList<ClusterDriver::PodStatus>> ClusterDriver::parsePods(
    const QByteArray &json, QString *error, const QString &container)
{
    return kube::parsePods(json, error, container);
}

QString ClusterDriver::faultRefusal(Kind kind, Fault fault, int ordinal)
{
    return kube::safety::faultRefusal(kind, fault, ordinal);
}

QString ClusterDriver::faultName(Fault fault)
{
    return kube::faultRow(fault).name;
}

void ClusterDriver::refreshStatus()
{
    m_poller.refresh();
}

void ClusterDriver::onStatusRead(const ClusterStatus &status)
{
    Q_EMIT statusChanged(status);
    m_faults.judge(status);
}

void ClusterDriver::applyStatus(const ClusterStatus &status)
{
    m_poller.setStatus(status);
    Q_EMIT statusChanged(status);
}

void ClusterDriver::applyFaultEvent(bool started, int ordinal, const QString &pod, Fault fault)
{
    m_faults.apply(started, ordinal, fault);
    if (started) {
        Q_EMIT faultStarted(ordinal, pod, fault);
    } else {
        Q_EMIT faultEnded(ordinal, pod, fault);
    }
}

kube::safety::Situation ClusterDriver::situation() const
{
    return {m_setup.kind(), m_minimumNodes, m_poller.status(), m_faults.active(), m_operations.isBusy(),
        m_setup.workload()};
}

bool ClusterDriver::refuse(const QString &reason, QString *whyNot)
{
    if (whyNot) {
        *whyNot = reason;
    }
    Q_EMIT failed(reason); // a refused click, not an outage: health unchanged
    return false;
}

void ClusterDriver::onOperationFinished(bool ok, const QString &summary)
{
    if (!ok) {
        reportFailure(summary);
    }
    Q_EMIT operationFinished(ok, summary);
}

bool ClusterDriver::scaleTo(int nodes, QString *whyNot)
{
    if (const QString why = kube::safety::refusal(situation(), {.action = Action::Scale, .nodes = nodes});
        !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    const QStringList args = m_setup.commands().scale(nodes);
    m_operations.begin(
        u"scaling %1 to %2 node(s): %3"_s.arg(m_setup.workload()).arg(nodes).arg(m_operations.describe(args)));
    m_operations.run(args, [this, nodes](const CommandResult &r) {
        if (!r.ok) {
            m_operations.finish(false, r.error);
            return;
        }
        Q_EMIT operationProgress(QString::fromUtf8(r.out).trimmed());
        m_operations.waitForScale(nodes);
    });
    return true;
}

bool ClusterDriver::stopNode(int ordinal, QString *whyNot)
{
    const Request request {.action = Action::StopNode, .ordinal = ordinal};
    if (const QString why = kube::safety::refusal(situation(), request); !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    const QString pod = podName(ordinal);
    m_operations.begin(u"stopping node %1: checking that every node is ready first"_s.arg(pod));
    // Decide on a fresh status: the last one may be seconds old.
    m_poller.refresh([this, request, pod](bool ok, const QString &error) {
        if (!ok) {
            m_operations.finish(false, u"not stopping %1: %2"_s.arg(pod, error));
            return;
        }
        if (const QString why = kube::safety::obstacle(situation(), request); !why.isEmpty()) {
            m_operations.finish(false, why);
            return;
        }
        sendStop(request.ordinal);
    });
    return true;
}

// SIGTERM: cockroach drains and exits; the kubelet restarts the container (a node failure the
// cluster must survive, not a deletion). Busy until the pod is back.
void ClusterDriver::sendStop(int ordinal)
{
    const QString pod = podName(ordinal);
    const int restartsBefore = kube::findPod(m_poller.status(), pod)->restarts; // obstacle() saw it listed
    const QStringList args = m_setup.commands().fault(ordinal, Fault::Stop);
    Q_EMIT operationProgress(u"sending SIGTERM to %1: %2"_s.arg(pod, m_operations.describe(args)));
    m_operations.run(args, [this, ordinal, pod, restartsBefore](const CommandResult &r) {
        if (!r.ok) {
            m_operations.finish(false, m_setup.commands().explainExecFailure(pod, r));
            return;
        }
        m_faults.start(ordinal, Fault::Stop, m_poller.status());
        Q_EMIT nodeStopped(ordinal, pod);
        Q_EMIT faultStarted(ordinal, pod, Fault::Stop);
        Q_EMIT operationProgress(u"%1 stopped; waiting for the kubelet to restart it"_s.arg(pod));
        m_operations.waitForRestart(pod, restartsBefore);
    });
}

bool ClusterDriver::injectFault(Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot)
{
    const Request request {
        .action = Action::InjectFault, .ordinal = ordinal, .fault = fault, .allowMajorityLoss = allowMajorityLoss};
    if (const QString why = kube::safety::refusal(situation(), request); !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    const QString what = kube::faultRow(fault).verb.arg(podName(ordinal));
    m_operations.begin(u"%1: checking the nodes first"_s.arg(what));
    m_poller.refresh([this, request, what](bool ok, const QString &error) {
        if (!ok) {
            m_operations.finish(false, u"not %1: %2"_s.arg(what, error));
            return;
        }
        if (const QString why = kube::safety::obstacle(situation(), request); !why.isEmpty()) {
            m_operations.finish(false, why);
            return;
        }
        sendFault(request.ordinal, request.fault, request.allowMajorityLoss);
    });
    return true;
}

// The fault's exec; the operation ends when the signal was delivered (faultStarted), and the
// tracker then watches the pod until the fault has ended.
void ClusterDriver::sendFault(int ordinal, Fault fault, bool allowMajorityLoss)
{
    const kube::FaultRow &row = kube::faultRow(fault);
    const QString pod = podName(ordinal);
    const QStringList args = m_setup.commands().fault(ordinal, fault);
    Q_EMIT operationProgress(u"sending %1 to %2%3: %4"_s.arg(
        row.signal, pod, allowMajorityLoss ? u" (MAJORITY LOSS allowed)"_s : QString(), m_operations.describe(args)));
    m_operations.run(args, [this, ordinal, fault, pod](const CommandResult &r) {
        if (!r.ok) {
            m_operations.finish(false, m_setup.commands().explainExecFailure(pod, r));
            return;
        }
        m_faults.start(ordinal, fault, m_poller.status());
        Q_EMIT faultStarted(ordinal, pod, fault);
        m_operations.finish(true, kube::faultRow(fault).startedSummary.arg(pod));
    });
}

// Start (KeepDown) or resume (Pause) crdb-i, then wait until it is Ready and its fault has ended.
bool ClusterDriver::releaseNode(Fault expected, int ordinal, QString *whyNot)
{
    const Request request {.action = Action::Release, .ordinal = ordinal, .fault = expected};
    if (const QString why = kube::safety::refusal(situation(), request); !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    const QString pod = podName(ordinal);
    const kube::ReleaseRow *release = kube::releaseRow(kube::faultRow(expected).endedBy);
    const QStringList args = m_setup.commands().release(ordinal, release->endedBy);
    m_operations.begin(u"%1 %2: %3"_s.arg(release->gerund, pod, m_operations.describe(args)));
    m_operations.run(args, [this, ordinal, expected, pod](const CommandResult &r) {
        if (!r.ok) {
            m_operations.finish(false, m_setup.commands().explainExecFailure(pod, r));
            return;
        }
        m_faults.release(ordinal, expected);
        Q_EMIT operationProgress(u"%1: waiting until it is ready"_s.arg(pod));
        m_operations.waitForReady(ordinal, pod);
    });
    return true;
}

bool ClusterDriver::healAll(QString *whyNot)
{
    if (const QString why = kube::safety::refusal(situation(), {.action = Action::HealAll}); !why.isEmpty()) {
        return refuse(why, whyNot);
    }
    m_operations.begin(m_setup.commands().healingText());
    m_faults.releaseAll();
    m_operations.heal();
    return true;
}

} // namespace presenter
