#pragma once

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace presenter {

// The story as data (demo/plan.json, schema in demo/PLAN.md): beats in order, each with what the
// presenter says, what it does and what it expects to see. Plain values; parsing never touches
// the network or the cluster.

struct PlanAction
{
    Q_GADGET
public:
    // The plan's names of the types are their snake_case keys: RunSql is "run_sql" (typeName()).
    enum class Type {
        RunSql,
        Scale,
        LoadStart,
        LoadStop,
        Spike,
        Backup,
        StopNode,
        // Faults (ClusterDriver): ordinal; keep_down/kill_node/pause_node may set
        // allow_majority_loss (a labelled beat, typed confirmation).
        KeepDown,
        StartNode,
        KillNode,
        PauseNode,
        ResumeNode,
        HealAll,
    };
    Q_ENUM(Type)

    Type type = Type::LoadStop;
    QString file; // run_sql (backup: sql/90-backup.sql)
    int nodes = 0; // scale
    double rps = 0; // load_start, spike
    QMap<QString, double> mix; // load_start, spike: "login", "search" (empty = the app's default)
    double seconds = 0; // spike
    int ordinal = -1; // stop_node, keep_down, start_node, kill_node, pause_node, resume_node
    bool allowMajorityLoss = false; // keep_down, kill_node, pause_node
    // run_sql: the replication factor the file sets (0 = unchanged); once it ran, the cluster
    // driver's floor follows it, so scale-down and stop_node guards match the cluster.
    int replicationFactor = 0;

    // True for actions that change the cluster or its data (not for load commands).
    bool changesCluster() const;
    // One line for the armed preview: "Run sql/20-phase2-rf3.sql", "Scale to 3 nodes".
    QString describe() const;
    static QString typeName(Type type); // "run_sql", "keep_down": the plan's and the recording's key
    static std::optional<Type> typeFromName(QStringView name); // typeName() back
    // stop_node, keep_down, kill_node, pause_node: the node goes down.
    bool isFault() const;
    QString majorityLossText() const; // the label of an allowed majority loss, or empty
};

struct PlanExpectation
{
    Q_GADGET
public:
    enum class Kind { PromQL, Feed };
    enum class Op { Less, LessEqual, Equal, GreaterEqual, Greater };
    // How the condition is judged (demo/PLAN.md):
    //  - Eventually: passes at the first true sample within within_s; already true when evaluation
    //    starts is shown as "already true", never as a pass in 0 s;
    //  - Holds: an invariant over its window of within_s: fails at the first false sample, passes
    //    ("held for N s") when the window ends with every sample true;
    //  - Recovers: must first be seen false, then true; timed from the first false sample, or from
    //    the marker named in `from` (e.g. "fault": the latest fault action's completion).
    enum class Mode { Eventually, Holds, Recovers };
    Q_ENUM(Mode) // the plan's "mode": the snake_case key ("eventually")
    Mode mode = Mode::Eventually;
    QString from; // recovers: the marker its time counts from ("fault"); empty = first false sample

    Kind kind = Kind::PromQL;
    QString expr; // promql
    QString field; // feed: one of feedschema::fieldNames() (config/feed_schema.h)
    Op op = Op::Equal;
    double value = 0;
    int withinS = 0;
    QString label; // optional human wording; describe() falls back to the condition

    bool holds(double observed) const;
    QString condition() const; // "sum(ranges_underreplicated) == 0"
    QString describe() const; // label, or the condition, plus " within N s"
    static QString opName(Op op); // "<", "<=", "==", ">=", ">"
    static std::optional<Op> opFromName(QStringView name);
};

struct Beat
{
    QString id;
    QString title;
    QString narration; // presenter only, never on the kiosk
    QList<PlanAction> actions;
    QList<PlanExpectation> expectations;
    // The charts this beat is about, by stable chart id (DemoPlan::chartIds()): the presenter
    // shows them big and the others small. Empty = the presenter's default.
    QStringList focus {}; // (an initializer: aggregate initializations that stop at expectations stay warning-free)
    // The seconds the presenter means to spend on this beat (pace display, rehearsal table); 0 = none.
    double budgetS = 0;
};

class DemoPlan
{
public:
    QString title;
    QList<Beat> beats;
    // The talk's planned length in minutes (pace display); 0 = not given.
    double talkMinutes = 0;

    // The sum of the beats' budgets in seconds (beats without one count 0).
    double budgetTotalS() const;

    // Parses and validates; on failure returns nothing and fills *errors with one sentence per
    // problem, each naming the beat and the field ("beat 'heal' expectations[0].within_s: ...").
    static std::optional<DemoPlan> fromJson(const QByteArray &json, QStringList *errors);
    static std::optional<DemoPlan> load(const QString &path, QStringList *errors);

    // Where the cluster stands between beats: live nodes and replication factor. Before the first
    // beat it is the set-up's (demo/DEMO.md "Before the talk": one node, sql/01-phase0-rf1.sql).
    struct Position
    {
        int nodes = 1;
        int replicationFactor = 1;
        friend bool operator==(const Position &, const Position &) = default;
    };
    static constexpr Position kSetUpPosition {1, 1};
    // The position once every beat before `beatIndex` ran (beatIndex = beats.size(): the end).
    Position positionBefore(int beatIndex) const;

    // Why CockroachDB refuses this replication factor, or empty when it accepts it. Two voting
    // copies are refused: cockroachdb/cockroach pkg/config/zonepb/zone.go, ZoneConfig.Validate
    // ("at least 3 replicas are required for multi-replica configurations", SQLSTATE 23514).
    static QString replicationFactorRefusal(int replicationFactor);

    int indexOf(const QString &beatId) const;
    QStringList beatIds() const;
    QStringList sqlFiles() const; // every file an action runs, in order, without duplicates
    QStringList promqlExpressions() const;

    // The presenter's charts by stable id, the names a beat's "focus" may use: the chart catalog's
    // (config/chart_catalog.h), which desktop/app/chart_specs.cpp draws.
    static QStringList chartIds();
    // The focus charts while beat `index` is shown: its own focus, else the latest earlier beat's,
    // else `requests` and `latency` (before the first beat, index -1).
    QStringList focusAt(int index) const;
    static constexpr const char *kBackupFile = "sql/90-backup.sql";
};

} // namespace presenter
