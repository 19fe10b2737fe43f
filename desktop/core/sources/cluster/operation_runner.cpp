#include "operation_runner.h"

#include "fault_tracker.h"
#include "kubectl_setup.h"
#include "status_poller.h"

using namespace Qt::StringLiterals;

namespace presenter {

OperationRunner::OperationRunner(const KubectlSetup &setup, StatusPoller &poller, FaultTracker &faults, QObject *parent)
    : QObject(parent), m_setup(setup), m_poller(poller), m_faults(faults)
{
    m_settleTimer.setSingleShot(true);
    connect(&m_settleTimer, &QTimer::timeout, this, &OperationRunner::settleStep);
}

void OperationRunner::begin(const QString &text)
{
    m_busy = true;
    m_waiting = Waiting::Nothing;
    m_sawNotReady = false;
    m_clock.start();
    Q_EMIT busyChanged(true);
    Q_EMIT progress(text);
}

void OperationRunner::finish(bool ok, const QString &summary)
{
    m_settleTimer.stop();
    m_waiting = Waiting::Nothing;
    m_busy = false;
    Q_EMIT busyChanged(false);
    Q_EMIT finished(ok, summary);
}

void OperationRunner::run(const QStringList &args, KubectlProcess::Callback done)
{
    m_process.run(m_setup.program, m_setup.withGlobals(args), std::move(done), m_setup.commandTimeoutMs, m_setup.env);
}

QString OperationRunner::describe(const QStringList &args) const
{
    return KubectlProcess::describe(m_setup.program, m_setup.withGlobals(args));
}

void OperationRunner::waitForScale(int nodes)
{
    m_waiting = Waiting::Scale;
    m_targetNodes = nodes;
    settleStep();
}

void OperationRunner::waitForRestart(const QString &pod, int restartsBefore)
{
    m_waiting = Waiting::Restart;
    m_targetPod = pod;
    m_restartsBefore = restartsBefore;
    m_settleTimer.start(m_setup.pollIntervalMs);
}

void OperationRunner::waitForReady(int ordinal, const QString &pod)
{
    m_waiting = Waiting::Ready;
    m_targetOrdinal = ordinal;
    m_targetPod = pod;
    settleStep();
}

void OperationRunner::heal()
{
    m_waiting = Waiting::AllReady;
    if (!m_setup.commands().healsByExec()) {
        settleStep();
        return;
    }
    // Every pod, not only the faults the driver knows of: a presenter restarted mid-fault, or a
    // keep_down whose signal never went, leaves a hold file or a stopped process behind.
    m_poller.refresh([this](bool ok, const QString &error) {
        if (m_waiting != Waiting::AllReady) {
            return;
        }
        const kube::ClusterStatus &status = m_poller.status();
        QList<int> ordinals;
        for (int i = 0; i < status.desiredNodes; ++i) {
            ordinals << i;
        }
        for (const kube::PodStatus &p : status.pods) {
            if (const int n = kube::ordinalOf(p.name); n >= 0 && !ordinals.contains(n)) {
                ordinals << n;
            }
        }
        if (!ok) {
            Q_EMIT progress(u"status unavailable (%1); still healing"_s.arg(error));
        }
        healRound(ordinals);
    });
}

// One heal exec per pod, one after the other; a pod whose container is not running (restarting)
// fails the exec and is tried again on the next round. Then one settle step.
void OperationRunner::healRound(QList<int> ordinals)
{
    if (m_waiting != Waiting::AllReady) {
        return;
    }
    if (ordinals.isEmpty()) {
        m_settleTimer.start(m_setup.pollIntervalMs);
        return;
    }
    const int ordinal = ordinals.takeFirst();
    const QString pod = m_setup.podName(ordinal);
    run(m_setup.commands().heal(ordinal), [this, ordinals, pod](const CommandResult &r) {
        Q_EMIT progress(r.ok ? u"%1: no hold file, not stopped"_s.arg(pod)
                             : u"%1: %2 (tried again while waiting)"_s.arg(pod, r.error));
        healRound(ordinals);
    });
}

// One round of "are we there yet" after kubectl accepted the change: refresh, judge, report,
// and either finish or come back after the poll interval.
void OperationRunner::settleStep()
{
    if (m_waiting == Waiting::Nothing) {
        return;
    }
    m_poller.refresh([this](bool ok, const QString &error) {
        if (!ok && m_waiting != Waiting::Nothing) {
            continueWaiting(u"status unavailable (%1); still waiting"_s.arg(error));
            return;
        }
        switch (m_waiting) {
        case Waiting::Nothing:
            return;
        case Waiting::Scale:
            return settleScale();
        case Waiting::Restart:
            return settleRestart();
        case Waiting::Ready:
            return settleReady();
        case Waiting::AllReady:
            return settleAllReady();
        }
    });
}

void OperationRunner::settleScale()
{
    const kube::ClusterStatus &status = m_poller.status();
    int running = 0;
    for (const kube::PodStatus &p : status.pods) {
        running += p.phase != "Terminating"_L1 ? 1 : 0;
    }
    if (status.desiredNodes == m_targetNodes && status.readyNodes == m_targetNodes && running == m_targetNodes) {
        finish(true,
            u"scaled %1 to %2 node(s): all ready after %3 s"_s.arg(m_setup.workload())
                .arg(m_targetNodes)
                .arg(seconds()));
        return;
    }
    continueWaiting(readinessText());
}

void OperationRunner::settleRestart()
{
    const kube::PodStatus *pod = kube::findPod(m_poller.status(), m_targetPod);
    if (!pod) {
        continueWaiting(u"%1: not listed"_s.arg(m_targetPod));
        return;
    }
    if (!pod->ready) {
        m_sawNotReady = true;
    }
    if (pod->ready && (pod->restarts > m_restartsBefore || m_sawNotReady)) {
        finish(true, u"%1 was stopped and is back (restarted, ready) after %2 s"_s.arg(m_targetPod, seconds()));
        return;
    }
    continueWaiting(u"%1: %2, %3, restarts %4"_s.arg(m_targetPod, pod->phase, pod->ready ? u"ready"_s : u"not ready"_s)
                        .arg(pod->restarts));
}

void OperationRunner::settleReady()
{
    const kube::PodStatus *pod = kube::findPod(m_poller.status(), m_targetPod);
    const bool ready = pod && pod->ready;
    if (ready && !m_faults.active().contains(m_targetOrdinal)) {
        finish(true, u"%1 is back: ready after %2 s"_s.arg(m_targetPod, seconds()));
        return;
    }
    continueWaiting(!pod ? u"%1: not listed"_s.arg(m_targetPod)
                         : u"%1: %2, %3"_s.arg(m_targetPod, pod->phase, ready ? u"ready"_s : u"not ready"_s));
}

void OperationRunner::settleAllReady()
{
    const kube::ClusterStatus &status = m_poller.status();
    if (status.readyNodes == status.desiredNodes && status.pods.size() == status.desiredNodes
        && m_faults.active().isEmpty()) {
        finish(true, u"healed: every node ready after %1 s"_s.arg(seconds()));
        return;
    }
    if (m_setup.commands().healsByExec() && m_clock.elapsed() < m_setup.settleTimeoutMs) {
        // A container that was restarting during the last round runs now: heal it too.
        QList<int> notReady;
        for (const kube::PodStatus &p : status.pods) {
            if (!p.ready && kube::ordinalOf(p.name) >= 0) {
                notReady << kube::ordinalOf(p.name);
            }
        }
        Q_EMIT progress(readinessText());
        healRound(notReady);
        return;
    }
    continueWaiting(readinessText());
}

void OperationRunner::continueWaiting(const QString &text)
{
    Q_EMIT progress(text);
    if (m_clock.elapsed() >= m_setup.settleTimeoutMs) {
        finish(false, u"not settled after %1 s: %2"_s.arg(m_setup.settleTimeoutMs / 1000.0).arg(text));
        return;
    }
    m_settleTimer.start(m_setup.pollIntervalMs);
}

QString OperationRunner::readinessText() const
{
    const kube::ClusterStatus &status = m_poller.status();
    QStringList waiting;
    for (const kube::PodStatus &p : status.pods) {
        if (!p.ready) {
            waiting << u"%1: %2"_s.arg(p.name, p.phase.isEmpty() ? u"unknown"_s : p.phase);
        }
    }
    QString text = u"%1 of %2 node(s) ready"_s.arg(status.readyNodes).arg(status.desiredNodes);
    if (!waiting.isEmpty()) {
        text += u" (not ready: %1)"_s.arg(waiting.join(u", "_s));
    }
    return text;
}

QString OperationRunner::seconds() const
{
    return QString::number(double(m_clock.elapsed()) / 1000.0, 'f', 1);
}

} // namespace presenter
