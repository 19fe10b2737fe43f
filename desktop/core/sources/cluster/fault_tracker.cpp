#include "fault_tracker.h"

#include "fault_table.h"
#include "kubectl_setup.h"

namespace presenter {

FaultTracker::FaultTracker(const KubectlSetup &setup, QObject *parent) : QObject(parent), m_setup(setup)
{
    m_watchTimer.setSingleShot(true);
    connect(&m_watchTimer, &QTimer::timeout, this, &FaultTracker::watchDue);
}

void FaultTracker::start(int ordinal, kube::Fault fault, const kube::ClusterStatus &status)
{
    Track t;
    if (const kube::PodStatus *p = kube::findPod(status, m_setup.podName(ordinal))) {
        t.restartsBefore = p->restarts;
    }
    t.since.start();
    m_tracks.insert(ordinal, t);
    m_active.insert(ordinal, fault);
    watch();
}

void FaultTracker::release(int ordinal, kube::Fault expected)
{
    if (m_active.contains(ordinal) && m_active.value(ordinal) == expected) {
        m_tracks[ordinal].released = true;
    }
}

void FaultTracker::releaseAll()
{
    for (Track &t : m_tracks) {
        t.released = true;
    }
}

void FaultTracker::apply(bool started, int ordinal, kube::Fault fault)
{
    if (started) {
        m_active.insert(ordinal, fault);
    } else {
        m_active.remove(ordinal);
    }
}

bool FaultTracker::observe(Track &t, kube::Fault fault, const kube::PodStatus *pod) const
{
    if (!pod) {
        t.sawDown = true;
        return false;
    }
    if (!pod->ready || pod->restarts > t.restartsBefore) {
        t.sawDown = true;
    }
    return kube::hasEnded(kube::faultRow(fault).endedBy, pod->ready, t.sawDown, t.released);
}

void FaultTracker::judge(const kube::ClusterStatus &status)
{
    const QList<int> ordinals = m_tracks.keys();
    for (int ordinal : ordinals) {
        const kube::Fault fault = m_active.value(ordinal);
        const QString pod = m_setup.podName(ordinal);
        if (observe(m_tracks[ordinal], fault, kube::findPod(status, pod))) {
            m_tracks.remove(ordinal);
            m_active.remove(ordinal);
            Q_EMIT ended(ordinal, pod, fault);
        }
    }
    if (!m_tracks.isEmpty()) {
        watch();
    }
}

void FaultTracker::watch()
{
    if (!m_watchTimer.isActive()) {
        m_watchTimer.start(m_setup.pollIntervalMs);
    }
}

} // namespace presenter
