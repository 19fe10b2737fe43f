#pragma once

#include "action_outcome.h"
#include "config/demo_plan.h"
#include "sources/commands.h"
#include "time_series_store.h"

#include <QMap>
#include <QObject>
#include <QPointer>

namespace presenter {

class SqlRunner;
class ClusterDriver;
class SampleAppControl;

// Runs a beat's actions one after the other, stopping at the first failure: it asks through the
// commands it is given (sources/commands.h: the live sources, or an object refusing them all),
// learns how each went from the sources' own signals, and drops markers in the store (the beat
// itself, scale, node stopped, and every SQL file's, skipped and failed action's outcome). Load
// and spike markers come from the sample app's own feed events, so they are not doubled.
//
// One outcome per action (ActionOutcome): applied, skipped: why, refused as expected, or failed:
// why, decided here once and emitted as actionOutcome(); its text() is the marker's, the
// summary's and (through PresenterSession) the status line's, the recording's and the report's.
// On the local stack (cluster kind none) CockroachDB-only SQL and cluster actions are skipped, never
// applied and never failed.
//
// When an action counts as done:
//  - run_sql / backup: the SqlRunner finished the file;
//  - scale: the ClusterDriver reports the nodes ready;
//  - stop_node, keep_down, kill_node, pause_node: the signal reached the node
//    (ClusterDriver::faultStarted; the restart and the healing are what the expectations time, so
//    the story does not wait for them);
//  - start_node / resume_node: that node is Ready again; heal_all: every node is Ready;
//  - load_start / load_stop / spike: the sample app accepted the command.
// A missing command or source (null) fails the action that needs it with a sentence saying so.
// The executor only reads the sources (signals, the SQL connection, the cluster kind); an applied
// replication factor moves the driver's scale floor in the session (PresenterSession), not here.
// Fault markers: every ClusterDriver::faultStarted / faultEnded, whoever caused it (a plan action or
// a manual control), becomes a marker ("crdb-2 down (keep down)", Failure; "crdb-2 back after 14 s",
// Recovery), and a completed heal_all one more ("healed: every node ready after 41 s", Recovery).
//
// Threading: GUI thread only.
class BeatExecutor : public QObject
{
    Q_OBJECT
public:
    // What the executor asks of the world, and the sources whose signals answer it (read only).
    struct Wiring
    {
        SqlCommands *sqlCommands = nullptr;
        ClusterCommands *clusterCommands = nullptr;
        LoadCommands *loadCommands = nullptr;
        const SqlRunner *sql = nullptr;
        const ClusterDriver *cluster = nullptr;
        const SampleAppControl *app = nullptr;
        // Live: each source answers its own commands.
        static Wiring of(SqlRunner *sql, ClusterDriver *cluster, SampleAppControl *app);
    };

    BeatExecutor(TimeSeriesStore *store, const Wiring &wiring, QObject *parent = nullptr);

    // Replaces what the executor asks through (the session's commands), keeping the signals.
    void setCommands(SqlCommands *sql, ClusterCommands *cluster, LoadCommands *load);
    // Stops reacting to the sources' signals (a session whose inputs are a recording: the markers
    // and outcomes those signals would make live are recorded themselves, and a fault event played
    // back must not draw its marker again at the wall clock's time).
    void stopFollowingSources();

    // SQL paths in the plan ("sql/20-phase2-rf3.sql") are relative to this directory (the
    // repository root: the plan file's parent's parent).
    void setRootDir(const QString &dir) { m_rootDir = dir; }
    QString resolve(const QString &planPath) const;

    bool run(const Beat &beat); // false when a beat is still running
    bool isBusy() const { return m_index >= 0; }

Q_SIGNALS:
    void progress(const QString &text);
    // What became of action `index` of the running beat, once, before actionCompleted (or before
    // finished(false) for a failure).
    void actionOutcome(int index, const PlanAction &action, const ActionOutcome &outcome);
    // Action `index` of the running beat completed (applied, skipped or refused as expected) at atMs
    // (QDateTime::currentMSecsSinceEpoch): the moment its expectations start being judged.
    void actionCompleted(int index, const PlanAction &action, qint64 atMs);
    void finished(bool ok, const QString &summary);
    // A marker the executor put in the store (the session recorder's input: markers not derived
    // from the feed).
    void markerAdded(const EventMarker &marker);

private:
    // The local stack (cluster kind none): PostgreSQL stands in for CockroachDB and there is no
    // Kubernetes. CockroachDB-only SQL and cluster actions are skipped there ("skipped: ..."), never
    // failed; with a real cluster nothing is skipped.
    bool isLocalStack() const;
    void startAction();
    void addMarker(const EventMarker &marker);
    void actionDone(const ActionOutcome &outcome);
    void fail(const QString &why); // the running action failed
    PlanAction current() const { return m_beat.actions.value(m_index); }

    TimeSeriesStore *m_store;
    SqlCommands *m_sqlCommands;
    ClusterCommands *m_clusterCommands;
    LoadCommands *m_loadCommands;
    QPointer<const SqlRunner> m_sql;
    QPointer<const ClusterDriver> m_cluster;
    QPointer<const SampleAppControl> m_app;
    QString m_rootDir;
    Beat m_beat;
    int m_index = -1; // action running, -1 = idle
    enum class Waiting { Nothing, Sql, Cluster, NodeStop, App } m_waiting = Waiting::Nothing;
    QMap<int, qint64> m_faultStartMs; // by ordinal: when faultStarted came
    qint64 m_healStartMs = 0;
    QStringList m_done;
    quint64 m_appRequest = 0; // the sample app request the running action waits for
};

} // namespace presenter
