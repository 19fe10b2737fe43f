#pragma once

#include "config/demo_plan.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace pgkit {
struct ApplyResult;
}

namespace presenter {

// What became of one action: applied, skipped (and why), refused as expected (a statement's
// `-- @expect-error`, sql/README.md) or failed (and why). Decided once, where the action ran
// (BeatExecutor for a plan action, PresenterSession for a manual SQL run), and shown in the same
// words everywhere: the controls' status line, the chart markers and the event list, the
// recording ("action_outcome", desktop/docs/RECORDING.md) and the report. Nothing that was not run
// is ever called applied. Plain value.
struct ActionOutcome
{
    Q_GADGET
public:
    enum class Kind { Applied, Skipped, RefusedAsExpected, Failed };
    Q_ENUM(Kind) // the recording's key is the snake_case name: "refused_as_expected"

    Kind kind = Kind::Applied;
    PlanAction::Type type = PlanAction::Type::RunSql;
    QString subject; // what: "sql/20-phase2-rf3.sql", "scale the cluster to 3 nodes"
    QString reason; // why (skipped, refused, failed); what it did (applied; may be empty)

    // The one line: "applied sql/00-bootstrap.sql", "skipped sql/01-phase0-rf1.sql: CockroachDB only:
    // the local stack's database is PostgreSQL", "refused as expected sql/15-phase1-rf2-refused.sql:
    // SQLSTATE 23514: could not validate zone config: ...", "failed scale the cluster to 3 nodes: ...".
    QString text() const;
    // It reached the server and the server answered as meant: applied, or refused as expected. The
    // markers draw these in the action's colour and the rest (skipped, failed) in the neutral one.
    bool ran() const { return kind == Kind::Applied || kind == Kind::RefusedAsExpected; }
    // A SQL file (run_sql, backup, a manual run): the SQL status line shows it.
    bool isSql() const { return type == PlanAction::Type::RunSql || type == PlanAction::Type::Backup; }
    // A skipped action that would have changed the cluster (scale, a fault, a start, heal all): the
    // beat's verdicts would be about a change that was never made. A skipped CockroachDB-only SQL
    // file does not void the app-level verdicts.
    bool skipsTheBeatsChange() const;

    static QString kindName(Kind kind); // "applied", "skipped", "refused as expected", "failed"
    static QString kindKey(Kind kind); // the recording's: "applied", "skipped", "refused_as_expected", "failed"
    static std::optional<Kind> kindFromKey(const QString &key);
    static std::optional<PlanAction::Type> typeFromName(const QString &name); // PlanAction::typeName back

    // The subject of a plan action: its file for SQL, else describe() starting in lower case.
    static QString subjectOf(const PlanAction &action);
    static ActionOutcome of(const PlanAction &action, Kind kind, const QString &reason = {});
    // A finished SQL run (SqlRunner::finished): applied, refused as expected when every statement was
    // refused as its @expect-error said, skipped when the file is CockroachDB-only and the local stack's
    // database (PostgreSQL) refused it before anything ran, else failed with the runner's summary.
    static ActionOutcome ofSqlRun(PlanAction::Type type, const QString &file, bool ok, const QString &summary,
        const pgkit::ApplyResult &result, bool localStack);

    friend bool operator==(const ActionOutcome &, const ActionOutcome &) = default;
};

} // namespace presenter

Q_DECLARE_METATYPE(presenter::ActionOutcome)
