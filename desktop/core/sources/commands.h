#pragma once

#include "cluster/cluster_types.h"

#include <QMap>
#include <QString>
#include <QtGlobal>

namespace presenter {

// What the presenter may ask of the world: change or break the cluster, run a SQL file, drive the
// sample app's load. The session holds one object for each (PresenterSession::clusterCommands(),
// sqlCommands(), loadCommands()): the live sources (ClusterDriver, SqlRunner, SampleAppControl),
// or in a replay one object that refuses every command with the reason. Callers (the beat
// executor, the windows) ask through these and never learn which it is; the answers come back as
// the live sources' signals, which a replay's recorded inputs reach through the same sources.
//
// Each refusal is synchronous: false and the reason in *whyNot (when given).
//
// A fault is named by its kube::Fault (the fault table, sources/cluster/fault_table.h, says what
// each is): a new fault needs no new method here.
class ClusterCommands
{
public:
    virtual ~ClusterCommands() = default;
    virtual bool scaleTo(int nodes, QString *whyNot) = 0;
    // SIGTERM, then busy until the kubelet restarted the pod and it is Ready (the plan's stop_node).
    virtual bool stopNode(int ordinal, QString *whyNot) = 0;
    // Any fault of the table that stays until it ends by itself or is released.
    virtual bool injectFault(kube::Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot) = 0;
    // Ends a fault that waits for it (its row's endedBy: start ends KeepDown, resume ends Pause).
    virtual bool releaseNode(kube::Fault expected, int ordinal, QString *whyNot) = 0;
    virtual bool healAll(QString *whyNot) = 0;

    // The faults by name, for readability at call sites.
    bool keepDown(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr)
    {
        return injectFault(kube::Fault::KeepDown, ordinal, allowMajorityLoss, whyNot);
    }
    bool killNode(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr)
    {
        return injectFault(kube::Fault::Kill, ordinal, allowMajorityLoss, whyNot);
    }
    bool pauseNode(int ordinal, bool allowMajorityLoss, QString *whyNot = nullptr)
    {
        return injectFault(kube::Fault::Pause, ordinal, allowMajorityLoss, whyNot);
    }
    bool startNode(int ordinal, QString *whyNot = nullptr)
    {
        return releaseNode(kube::Fault::KeepDown, ordinal, whyNot);
    }
    bool resumeNode(int ordinal, QString *whyNot = nullptr) { return releaseNode(kube::Fault::Pause, ordinal, whyNot); }

protected:
    ClusterCommands() = default;
    ClusterCommands(const ClusterCommands &) = default;
    ClusterCommands &operator=(const ClusterCommands &) = default;
};

class SqlCommands
{
public:
    virtual ~SqlCommands() = default;
    virtual bool runFile(const QString &path, QString *whyNot) = 0;

protected:
    SqlCommands() = default;
    SqlCommands(const SqlCommands &) = default;
    SqlCommands &operator=(const SqlCommands &) = default;
};

// The sample app's load commands. Each returns the request id its answer
// (SampleAppControl::commandFinished) will carry; a refused command is answered the same way.
class LoadCommands
{
public:
    virtual ~LoadCommands() = default;
    virtual quint64 refresh() = 0;
    virtual quint64 loadStart(double rps, const QMap<QString, double> &mix) = 0;
    virtual quint64 loadStop() = 0;
    virtual quint64 setReaders(bool on) = 0;
    virtual quint64 setWriters(bool on) = 0;
    virtual quint64 spike(double seconds, double rps, const QMap<QString, double> &mix) = 0;
    virtual quint64 spikeStop() = 0;

protected:
    LoadCommands() = default;
    LoadCommands(const LoadCommands &) = default;
    LoadCommands &operator=(const LoadCommands &) = default;
};

} // namespace presenter
