#pragma once

#include "sources/kubectl_process.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace presenter {

class FaultTracker;
class KubectlSetup;
class StatusPoller;

// The one cluster operation at a time (scale, a fault, start / resume, heal): busy from begin() to
// finish(), which emits finished() exactly once. After kubectl accepted a change the operation waits
// for the cluster to settle: every poll interval it reads the status and judges it for what it waits
// for (a scale's node count, a stopped pod's restart, a pod Ready, every pod Ready), reporting
// progress(), until done or the settle timeout.
// Threading: GUI thread only.
class OperationRunner : public QObject
{
    Q_OBJECT
public:
    OperationRunner(const KubectlSetup &setup, StatusPoller &poller, FaultTracker &faults, QObject *parent = nullptr);

    bool isBusy() const { return m_busy; }
    void begin(const QString &text);
    void finish(bool ok, const QString &summary);
    // Runs kubectl with the global arguments and the command time limit.
    void run(const QStringList &args, KubectlProcess::Callback done);
    QString describe(const QStringList &args) const; // "kubectl --namespace ns exec ..."

    void waitForScale(int nodes); // desired == ready == running == nodes
    void waitForRestart(const QString &pod, int restartsBefore); // restarted (or seen not ready), then Ready
    void waitForReady(int ordinal, const QString &pod); // Ready, and its fault ended
    // healAll: heal every pod (when the kind heals by exec), then every pod Ready and no fault active.
    void heal();

Q_SIGNALS:
    void progress(const QString &text);
    void finished(bool ok, const QString &summary);
    void busyChanged(bool busy);

private:
    enum class Waiting { Nothing, Scale, Restart, Ready, AllReady };
    void settleStep();
    void settleScale();
    void settleRestart();
    void settleReady();
    void settleAllReady();
    void continueWaiting(const QString &text); // progress, then again after the poll interval or a timeout
    QString readinessText() const;
    QString seconds() const;
    void healRound(QList<int> ordinals);

    const KubectlSetup &m_setup;
    StatusPoller &m_poller;
    FaultTracker &m_faults;
    KubectlProcess m_process;
    bool m_busy = false;
    QTimer m_settleTimer;
    QElapsedTimer m_clock;
    Waiting m_waiting = Waiting::Nothing;
    int m_targetNodes = 0;
    int m_targetOrdinal = -1;
    QString m_targetPod;
    int m_restartsBefore = 0;
    bool m_sawNotReady = false;
};

} // namespace presenter
