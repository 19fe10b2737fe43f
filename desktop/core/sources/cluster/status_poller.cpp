#include "status_poller.h"

#include "kubectl_setup.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

StatusPoller::StatusPoller(const KubectlSetup &setup, QObject *parent) : QObject(parent), m_setup(setup)
{
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &StatusPoller::due);
}

void StatusPoller::refresh(Callback then)
{
    if (then) {
        m_waiters.append(std::move(then));
    }
    if (m_refreshing) {
        return; // the answer in flight serves every waiter
    }
    m_refreshing = true;
    const int timeout = std::min(m_setup.statusTimeoutMs, m_setup.commandTimeoutMs);
    m_process.run(
        m_setup.program, m_setup.withGlobals(m_setup.commands().workloadStatus()),
        [this](const CommandResult &r) {
            QString error = r.error;
            std::optional<int> desired;
            if (r.ok) {
                desired = m_setup.commands().parseDesiredNodes(r.out, &error);
            }
            if (!desired) {
                finish(false, error);
                return;
            }
            m_pendingDesired = *desired;
            readPods();
        },
        timeout, m_setup.env);
}

void StatusPoller::readPods()
{
    const int timeout = std::min(m_setup.statusTimeoutMs, m_setup.commandTimeoutMs);
    m_process.run(
        m_setup.program, m_setup.withGlobals(m_setup.commands().podsStatus()),
        [this](const CommandResult &r) {
            QString error = r.error;
            std::optional<QList<kube::PodStatus>> pods;
            if (r.ok) {
                pods = kube::parsePods(r.out, &error, m_setup.commands().containerName());
            }
            if (!pods) {
                finish(false, error);
                return;
            }
            kube::ClusterStatus s;
            s.valid = true;
            s.desiredNodes = m_pendingDesired;
            s.pods = *pods;
            s.readyNodes
                = int(std::count_if(s.pods.cbegin(), s.pods.cend(), [](const kube::PodStatus &p) { return p.ready; }));
            m_status = s;
            Q_EMIT read(m_status);
            finish(true, {});
        },
        timeout, m_setup.env);
}

void StatusPoller::finish(bool ok, const QString &error)
{
    m_refreshing = false;
    Q_EMIT readFinished(ok, error);
    const QList<Callback> waiters = std::exchange(m_waiters, {});
    for (const Callback &w : waiters) {
        w(ok, error);
    }
}

} // namespace presenter
