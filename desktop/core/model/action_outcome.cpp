#include "action_outcome.h"

#include "config/enum_names.h"
#include "pgkit/sql_apply.h"

using namespace Qt::StringLiterals;

namespace presenter {

QString ActionOutcome::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Applied:
        return u"applied"_s;
    case Kind::Skipped:
        return u"skipped"_s;
    case Kind::RefusedAsExpected:
        return u"refused as expected"_s;
    case Kind::Failed:
        break;
    }
    return u"failed"_s;
}

QString ActionOutcome::kindKey(Kind kind)
{
    return enumKey(kind, KeyStyle::Snake);
}

std::optional<ActionOutcome::Kind> ActionOutcome::kindFromKey(const QString &key)
{
    return enumFromKey<Kind>(key, KeyStyle::Snake);
}

std::optional<PlanAction::Type> ActionOutcome::typeFromName(const QString &name)
{
    return PlanAction::typeFromName(name);
}

QString ActionOutcome::text() const
{
    return kindName(kind) + u' ' + subject + (reason.isEmpty() ? QString() : u": "_s + reason);
}

bool ActionOutcome::skipsTheBeatsChange() const
{
    if (kind != Kind::Skipped || isSql()) {
        return false;
    }
    PlanAction a;
    a.type = type;
    return a.changesCluster();
}

QString ActionOutcome::subjectOf(const PlanAction &action)
{
    if ((action.type == PlanAction::Type::RunSql || action.type == PlanAction::Type::Backup)
        && !action.file.isEmpty()) {
        return action.file;
    }
    QString d = action.describe();
    if (!d.isEmpty()) {
        d[0] = d[0].toLower();
    }
    return d;
}

ActionOutcome ActionOutcome::of(const PlanAction &action, Kind kind, const QString &reason)
{
    return ActionOutcome {kind, action.type, subjectOf(action), reason};
}

ActionOutcome ActionOutcome::ofSqlRun(PlanAction::Type type, const QString &file, bool ok, const QString &summary,
    const pgkit::ApplyResult &result, bool localStack)
{
    ActionOutcome o {Kind::Failed, type, file, summary.simplified()}; // one line: a marker, the event list
    if (!ok && result.refused && localStack) {
        // PostgreSQL stands in for CockroachDB on the local stack: a CockroachDB-only file refused
        // there before anything ran is skipped. With a cluster the same refusal is a failure (the SQL
        // URL points at the wrong server).
        o.kind = Kind::Skipped;
        o.reason = u"CockroachDB only: the local stack's database is %1"_s.arg(
            result.dialect == pgkit::Dialect::PostgreSQL ? u"PostgreSQL"_s : pgkit::dialectName(result.dialect));
        return o;
    }
    if (!ok) {
        return o;
    }
    const auto refusals = result.expectedRefusals.size();
    QStringList said;
    for (const pgkit::ExpectedRefusal &r : result.expectedRefusals) {
        said << u"SQLSTATE %1: %2"_s.arg(r.sqlState, r.message);
    }
    if (refusals > 0 && refusals >= result.total) {
        o.kind = Kind::RefusedAsExpected;
        o.reason = said.join(u"; "_s);
        return o;
    }
    o.kind = Kind::Applied;
    o.reason = refusals > 0
        ? u"%1 of %2 statements refused as expected (%3)"_s.arg(refusals).arg(result.total).arg(said.join(u"; "_s))
        : QString();
    return o;
}

} // namespace presenter
