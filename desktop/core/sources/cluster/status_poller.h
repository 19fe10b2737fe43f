#pragma once

#include "cluster_types.h"
#include "sources/kubectl_process.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace presenter {

class KubectlSetup;

// Reads the cluster's status (the workload's desired nodes, then the pods) with two kubectl calls,
// on demand (refresh) and every interval while started. One read at a time: a refresh asked while
// one is in flight is served by its answer. Each read's kubectl call is killed after the status
// timeout (or the command timeout, if shorter), so a hanging API shows as down within an interval.
//
// A read ends with, in this order: read(status) when it succeeded, readFinished(ok, error), then
// every waiting callback. Threading: GUI thread only.
class StatusPoller : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(bool ok, const QString &error)>;

    explicit StatusPoller(const KubectlSetup &setup, QObject *parent = nullptr);

    void refresh(Callback then = nullptr);
    void startPolling() { m_timer.start(); }
    void stopPolling() { m_timer.stop(); }
    void setIntervalMs(int ms) { m_timer.setInterval(ms); }

    const kube::ClusterStatus &status() const { return m_status; }
    void setStatus(const kube::ClusterStatus &status) { m_status = status; } // a recorded one

Q_SIGNALS:
    void read(const kube::ClusterStatus &status);
    void readFinished(bool ok, const QString &error);
    void due(); // the interval passed: the owner refreshes (or not, in a replay)

private:
    void readPods();
    void finish(bool ok, const QString &error);

    const KubectlSetup &m_setup;
    kube::ClusterStatus m_status;
    KubectlProcess m_process;
    QList<Callback> m_waiters;
    bool m_refreshing = false;
    int m_pendingDesired = 0;
    QTimer m_timer;
};

} // namespace presenter
