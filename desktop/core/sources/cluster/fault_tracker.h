#pragma once

#include "cluster_types.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QTimer>

namespace presenter {

class KubectlSetup;

// The faults injected and not yet ended, and when each ends (fault_table.h, EndedBy): judge() after
// every status read emits ended() for a fault whose pod is Ready again after it was seen down (not
// ready, or restarted), and for KeepDown / Pause only after release() (startNode / resumeNode /
// healAll). While a fault is active it asks for a status read at the operation's pace (watchDue),
// not the slower status interval, so ended() comes within a poll of the pod being Ready again.
// Threading: GUI thread only.
class FaultTracker : public QObject
{
    Q_OBJECT
public:
    explicit FaultTracker(const KubectlSetup &setup, QObject *parent = nullptr);

    QMap<int, kube::Fault> active() const { return m_active; }
    // The fault went in just now; `status` gives the pod's restart count before it.
    void start(int ordinal, kube::Fault fault, const kube::ClusterStatus &status);
    // Its start / resume was sent (only when the active fault on ordinal is `expected`).
    void release(int ordinal, kube::Fault expected);
    void releaseAll();
    void judge(const kube::ClusterStatus &status);
    // A recorded fault event: the set changes, nothing is watched.
    void apply(bool started, int ordinal, kube::Fault fault);

Q_SIGNALS:
    void ended(int ordinal, const QString &pod, kube::Fault fault);
    void watchDue();

private:
    struct Track
    {
        int restartsBefore = 0;
        bool sawDown = false;
        bool released = false;
        QElapsedTimer since;
    };
    bool observe(Track &track, kube::Fault fault, const kube::PodStatus *pod) const; // true: it has ended
    void watch();

    const KubectlSetup &m_setup;
    QMap<int, Track> m_tracks;
    QMap<int, kube::Fault> m_active;
    QTimer m_watchTimer;
};

} // namespace presenter
