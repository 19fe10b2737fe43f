#include "demo_plan.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

using namespace Qt::StringLiterals;

bool PlanAction::changesCluster() const
{
    switch (type) {
    case Type::RunSql:
    case Type::Scale:
    case Type::Backup:
    case Type::StopNode:
    case Type::KeepDown:
    case Type::StartNode:
    case Type::KillNode:
    case Type::PauseNode:
    case Type::ResumeNode:
    case Type::HealAll:
        return true;
    case Type::LoadStart:
    case Type::LoadStop:
    case Type::Spike:
        break;
    }
    return false;
}

static QString mixText(const QMap<QString, double> &mix)
{
    if (mix.isEmpty()) {
        return {};
    }
    QStringList parts;
    for (auto it = mix.cbegin(); it != mix.cend(); ++it) {
        parts.append(u"%1 %2%"_s.arg(it.key()).arg(std::lround(it.value() * 100)));
    }
    return u" ("_s + parts.join(u", "_s) + u")"_s;
}

QString PlanAction::describe() const
{
    switch (type) {
    case Type::RunSql:
        return u"Run %1"_s.arg(file);
    case Type::Scale:
        return u"Scale the cluster to %1 node%2"_s.arg(nodes).arg(nodes == 1 ? u""_s : u"s"_s);
    case Type::LoadStart:
        return u"Start load at %1 req/s"_s.arg(rps) + mixText(mix);
    case Type::LoadStop:
        return u"Stop the load"_s;
    case Type::Spike:
        return u"Spike: %1 req/s for %2 s"_s.arg(rps).arg(seconds) + mixText(mix);
    case Type::Backup:
        return u"Back up the database (%1)"_s.arg(file);
    case Type::StopNode:
        return u"Stop node crdb-%1 (SIGTERM to its CockroachDB process; the kubelet restarts it)"_s.arg(ordinal);
    case Type::KeepDown:
        return u"Keep node crdb-%1 down (SIGTERM; it stays down until started)"_s.arg(ordinal) + majorityLossText();
    case Type::StartNode:
        return u"Start node crdb-%1 again"_s.arg(ordinal);
    case Type::KillNode:
        return u"Kill node crdb-%1 (SIGKILL: a crash, no drain; the kubelet restarts it)"_s.arg(ordinal)
            + majorityLossText();
    case Type::PauseNode:
        return u"Pause node crdb-%1 (SIGSTOP: a hung node, until resumed)"_s.arg(ordinal) + majorityLossText();
    case Type::ResumeNode:
        return u"Resume node crdb-%1 (SIGCONT)"_s.arg(ordinal);
    case Type::HealAll:
        return u"Heal all: undo every fault, wait until every node is ready"_s;
    }
    return {};
}

QString PlanAction::majorityLossText() const
{
    return allowMajorityLoss ? u" [MAJORITY LOSS: ranges become unavailable]"_s : QString();
}

bool PlanAction::isFault() const
{
    switch (type) {
    case Type::StopNode:
    case Type::KeepDown:
    case Type::KillNode:
    case Type::PauseNode:
        return true;
    default:
        return false;
    }
}

QString PlanAction::typeName(Type type)
{
    switch (type) {
    case Type::RunSql:
        return u"run_sql"_s;
    case Type::Scale:
        return u"scale"_s;
    case Type::LoadStart:
        return u"load_start"_s;
    case Type::LoadStop:
        return u"load_stop"_s;
    case Type::Spike:
        return u"spike"_s;
    case Type::Backup:
        return u"backup"_s;
    case Type::StopNode:
        return u"stop_node"_s;
    case Type::KeepDown:
        return u"keep_down"_s;
    case Type::StartNode:
        return u"start_node"_s;
    case Type::KillNode:
        return u"kill_node"_s;
    case Type::PauseNode:
        return u"pause_node"_s;
    case Type::ResumeNode:
        return u"resume_node"_s;
    case Type::HealAll:
        return u"heal_all"_s;
    }
    return {};
}

bool PlanExpectation::holds(double observed) const
{
    if (std::isnan(observed)) {
        return false;
    }
    switch (op) {
    case Op::Less:
        return observed < value;
    case Op::LessEqual:
        return observed <= value;
    case Op::Equal:
        return observed == value;
    case Op::GreaterEqual:
        return observed >= value;
    case Op::Greater:
        return observed > value;
    }
    return false;
}

QString PlanExpectation::opName(Op op)
{
    switch (op) {
    case Op::Less:
        return u"<"_s;
    case Op::LessEqual:
        return u"<="_s;
    case Op::Equal:
        return u"=="_s;
    case Op::GreaterEqual:
        return u">="_s;
    case Op::Greater:
        return u">"_s;
    }
    return {};
}

QString PlanExpectation::condition() const
{
    return u"%1 %2 %3"_s.arg(kind == Kind::PromQL ? expr : field, opName(op)).arg(value);
}

QString PlanExpectation::describe() const
{
    const QString what = label.isEmpty() ? condition() : label;
    switch (mode) {
    case Mode::Holds:
        return what + u" holds for %1 s"_s.arg(withinS);
    case Mode::Recovers:
        return what + u" recovers within %1 s"_s.arg(withinS)
            + (from.isEmpty() ? QString() : u" (timed from the "_s + from + u")"_s);
    case Mode::Eventually:
        break;
    }
    return what + u" within %1 s"_s.arg(withinS);
}

QStringList DemoPlan::chartIds()
{
    return {u"requests"_s, u"latency"_s, u"errors"_s, u"db-latency"_s, u"load"_s, u"live-nodes"_s, u"ranges"_s,
        u"replicas"_s, u"leaseholders"_s, u"sql-qps"_s, u"sql-p99"_s};
}

QStringList DemoPlan::focusAt(int index) const
{
    for (qsizetype i = std::min<qsizetype>(index, beats.size() - 1); i >= 0; --i) {
        if (!beats[i].focus.isEmpty()) {
            return beats[i].focus;
        }
    }
    return {u"requests"_s, u"latency"_s};
}

QStringList DemoPlan::feedFields()
{
    QStringList fields = {u"ready"_s, u"load.running"_s, u"load.target_rps"_s, u"load.achieved_rps"_s,
        u"load.in_flight"_s, u"load.dropped_total"_s, u"load.errors_total"_s, u"load.spike_active"_s,
        u"load.actual_p99_ms"_s, u"load.intended_p99_ms"_s};
    for (const char *route : {"login", "search"}) {
        for (const char *f : {"rps", "count", "errors", "p50_ms", "p95_ms", "p99_ms"}) {
            fields.append(u"routes.%1.%2"_s.arg(QLatin1StringView(route), QLatin1StringView(f)));
        }
    }
    for (const char *pool : {"writer", "reader"}) {
        for (const char *f : {"count", "errors", "p50_ms", "p95_ms", "p99_ms"}) {
            fields.append(u"db.%1.%2"_s.arg(QLatin1StringView(pool), QLatin1StringView(f)));
        }
    }
    return fields;
}

namespace {

// Collects errors with the path of the value being read ("beat 'heal' actions[1].nodes").
class Reader
{
public:
    explicit Reader(QStringList *errors) : m_errors(errors) { }
    void error(const QString &where, const QString &what) { m_errors->append(where + u": "_s + what); }
    bool ok() const { return m_errors->isEmpty(); }

    // Unknown keys are errors: a typo in a plan must not silently drop an action or expectation.
    void rejectUnknown(const QJsonObject &o, const QString &where, const QStringList &known)
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!known.contains(it.key())) {
                error(where + u"."_s + it.key(), u"unknown field"_s);
            }
        }
    }
    std::optional<QString> string(const QJsonObject &o, const QString &where, const QString &key, bool required = true)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            if (required) {
                error(where + u"."_s + key, u"missing"_s);
            }
            return std::nullopt;
        }
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            error(where + u"."_s + key, u"must be a non-empty string"_s);
            return std::nullopt;
        }
        return v.toString();
    }
    std::optional<double> number(
        const QJsonObject &o, const QString &where, const QString &key, double min, double max, bool integer = false)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            error(where + u"."_s + key, u"missing"_s);
            return std::nullopt;
        }
        if (!v.isDouble()) {
            error(where + u"."_s + key, u"must be a number"_s);
            return std::nullopt;
        }
        const double d = v.toDouble();
        if (integer && d != std::floor(d)) {
            error(where + u"."_s + key, u"must be an integer"_s);
            return std::nullopt;
        }
        if (d < min || d > max) {
            error(where + u"."_s + key, u"must be between %1 and %2 (got %3)"_s.arg(min).arg(max).arg(d));
            return std::nullopt;
        }
        return d;
    }
    std::optional<QMap<QString, double>> mix(const QJsonObject &o, const QString &where)
    {
        const QJsonValue v = o.value(u"mix"_s);
        if (v.isUndefined()) {
            return QMap<QString, double> {};
        }
        const QString at = where + u".mix"_s;
        if (!v.isObject()) {
            error(at, u"must be an object like {\"login\": 0.2, \"search\": 0.8}"_s);
            return std::nullopt;
        }
        QMap<QString, double> out;
        double sum = 0;
        const QJsonObject m = v.toObject();
        for (auto it = m.begin(); it != m.end(); ++it) {
            if (it.key() != u"login" && it.key() != u"search") {
                error(at + u"."_s + it.key(), u"unknown route (login or search)"_s);
                return std::nullopt;
            }
            if (!it->isDouble() || it->toDouble() < 0 || it->toDouble() > 1) {
                error(at + u"."_s + it.key(), u"must be a number in [0, 1]"_s);
                return std::nullopt;
            }
            out.insert(it.key(), it->toDouble());
            sum += it->toDouble();
        }
        if (std::abs(sum - 1.0) > 0.001) {
            error(at, u"shares must sum to 1 (got %1)"_s.arg(sum));
            return std::nullopt;
        }
        return out;
    }

private:
    QStringList *m_errors;
};

// The sample app's own guardrail defaults (APP_MAX_RPS, APP_MAX_SECONDS): a plan beyond them
// would be refused on stage, so refuse it here.
constexpr double kMaxRps = 1000;
constexpr double kMaxSeconds = 300;

// The actions on one node, by their plan name.
std::optional<PlanAction::Type> nodeActionType(const QString &name)
{
    using T = PlanAction::Type;
    static const QMap<QString, T> types {{u"stop_node"_s, T::StopNode}, {u"keep_down"_s, T::KeepDown},
        {u"start_node"_s, T::StartNode}, {u"kill_node"_s, T::KillNode}, {u"pause_node"_s, T::PauseNode},
        {u"resume_node"_s, T::ResumeNode}};
    const auto it = types.constFind(name);
    return it == types.cend() ? std::nullopt : std::optional<T>(*it);
}

std::optional<PlanAction> readAction(Reader &r, const QJsonValue &value, const QString &where)
{
    if (!value.isObject()) {
        r.error(where, u"must be an object"_s);
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    const auto type = r.string(o, where, u"type"_s);
    if (!type) {
        return std::nullopt;
    }
    PlanAction a;
    const bool wasOk = r.ok();
    if (*type == u"run_sql") {
        a.type = PlanAction::Type::RunSql;
        r.rejectUnknown(o, where, {u"type"_s, u"file"_s, u"replication_factor"_s});
        if (o.contains(u"replication_factor"_s)) {
            if (auto n = r.number(o, where, u"replication_factor"_s, 1, 9, true)) {
                a.replicationFactor = static_cast<int>(*n);
            }
        }
        if (auto f = r.string(o, where, u"file"_s)) {
            if (!f->startsWith(u"sql/") || !f->endsWith(u".sql") || f->contains(u".."_s)) {
                r.error(where + u".file"_s, u"must be a .sql file under sql/ (got %1)"_s.arg(*f));
            }
            a.file = *f;
        }
    } else if (*type == u"scale") {
        a.type = PlanAction::Type::Scale;
        r.rejectUnknown(o, where, {u"type"_s, u"nodes"_s});
        if (auto n = r.number(o, where, u"nodes"_s, 1, 99, true)) {
            a.nodes = static_cast<int>(*n);
        }
    } else if (*type == u"load_start") {
        a.type = PlanAction::Type::LoadStart;
        r.rejectUnknown(o, where, {u"type"_s, u"rps"_s, u"mix"_s});
        if (auto n = r.number(o, where, u"rps"_s, 0.001, kMaxRps)) {
            a.rps = *n;
        }
        if (auto m = r.mix(o, where)) {
            a.mix = *m;
        }
    } else if (*type == u"load_stop") {
        a.type = PlanAction::Type::LoadStop;
        r.rejectUnknown(o, where, {u"type"_s});
    } else if (*type == u"spike") {
        a.type = PlanAction::Type::Spike;
        r.rejectUnknown(o, where, {u"type"_s, u"seconds"_s, u"rps"_s, u"mix"_s});
        if (auto n = r.number(o, where, u"seconds"_s, 0.001, kMaxSeconds)) {
            a.seconds = *n;
        }
        if (auto n = r.number(o, where, u"rps"_s, 0.001, kMaxRps)) {
            a.rps = *n;
        }
        if (auto m = r.mix(o, where)) {
            a.mix = *m;
        }
    } else if (*type == u"backup") {
        a.type = PlanAction::Type::Backup;
        r.rejectUnknown(o, where, {u"type"_s});
        a.file = QString::fromLatin1(DemoPlan::kBackupFile);
    } else if (const auto node = nodeActionType(*type)) {
        a.type = *node;
        const bool canLoseMajority = a.type == PlanAction::Type::KeepDown || a.type == PlanAction::Type::KillNode
            || a.type == PlanAction::Type::PauseNode;
        QStringList known {u"type"_s, u"ordinal"_s};
        if (canLoseMajority) {
            known << u"allow_majority_loss"_s;
        }
        r.rejectUnknown(o, where, known);
        if (auto n = r.number(o, where, u"ordinal"_s, 0, 98, true)) {
            a.ordinal = static_cast<int>(*n);
        }
        if (canLoseMajority && o.contains(u"allow_majority_loss"_s)) {
            if (!o.value(u"allow_majority_loss"_s).isBool()) {
                r.error(where + u".allow_majority_loss"_s, u"must be true or false"_s);
            } else {
                a.allowMajorityLoss = o.value(u"allow_majority_loss"_s).toBool();
            }
        }
    } else if (*type == u"heal_all") {
        a.type = PlanAction::Type::HealAll;
        r.rejectUnknown(o, where, {u"type"_s});
    } else {
        r.error(where + u".type"_s,
            u"unknown action '%1' (run_sql, scale, load_start, load_stop, spike, backup, stop_node, keep_down, "
            "start_node, kill_node, pause_node, resume_node, heal_all)"_s.arg(*type));
        return std::nullopt;
    }
    if (wasOk && !r.ok()) {
        return std::nullopt;
    }
    return a;
}

std::optional<PlanExpectation> readExpectation(Reader &r, const QJsonValue &value, const QString &where)
{
    if (!value.isObject()) {
        r.error(where, u"must be an object"_s);
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    PlanExpectation e;
    const auto kind = r.string(o, where, u"kind"_s);
    if (!kind) {
        return std::nullopt;
    }
    if (*kind == u"promql") {
        e.kind = PlanExpectation::Kind::PromQL;
        r.rejectUnknown(
            o, where, {u"kind"_s, u"expr"_s, u"op"_s, u"value"_s, u"within_s"_s, u"label"_s, u"mode"_s, u"from"_s});
        if (auto x = r.string(o, where, u"expr"_s)) {
            e.expr = *x;
        }
    } else if (*kind == u"feed") {
        e.kind = PlanExpectation::Kind::Feed;
        r.rejectUnknown(
            o, where, {u"kind"_s, u"field"_s, u"op"_s, u"value"_s, u"within_s"_s, u"label"_s, u"mode"_s, u"from"_s});
        if (auto f = r.string(o, where, u"field"_s)) {
            if (!DemoPlan::feedFields().contains(*f)) {
                r.error(where + u".field"_s,
                    u"unknown feed field '%1' (one of %2)"_s.arg(*f, DemoPlan::feedFields().join(u", "_s)));
            }
            e.field = *f;
        }
    } else {
        r.error(where + u".kind"_s, u"must be \"promql\" or \"feed\" (got '%1')"_s.arg(*kind));
        return std::nullopt;
    }
    if (auto op = r.string(o, where, u"op"_s)) {
        static const QMap<QString, PlanExpectation::Op> ops = {{u"<"_s, PlanExpectation::Op::Less},
            {u"<="_s, PlanExpectation::Op::LessEqual}, {u"=="_s, PlanExpectation::Op::Equal},
            {u">="_s, PlanExpectation::Op::GreaterEqual}, {u">"_s, PlanExpectation::Op::Greater}};
        if (!ops.contains(*op)) {
            r.error(where + u".op"_s, u"must be one of <, <=, ==, >=, > (got '%1')"_s.arg(*op));
        } else {
            e.op = ops.value(*op);
        }
    }
    if (auto v = r.number(o, where, u"value"_s, -1e18, 1e18)) {
        e.value = *v;
    }
    if (auto w = r.number(o, where, u"within_s"_s, 1, 3600, true)) {
        e.withinS = static_cast<int>(*w);
    }
    if (o.contains(u"label"_s)) {
        if (auto l = r.string(o, where, u"label"_s)) {
            e.label = *l;
        }
    }
    if (o.contains(u"mode"_s)) {
        static const QMap<QString, PlanExpectation::Mode> modes = {{u"eventually"_s, PlanExpectation::Mode::Eventually},
            {u"holds"_s, PlanExpectation::Mode::Holds}, {u"recovers"_s, PlanExpectation::Mode::Recovers}};
        const QString m = o.value(u"mode"_s).toString();
        if (!modes.contains(m)) {
            r.error(where + u".mode"_s, u"must be \"eventually\", \"holds\" or \"recovers\""_s);
        } else {
            e.mode = modes.value(m);
        }
    }
    if (o.contains(u"from"_s)) {
        if (auto f = r.string(o, where, u"from"_s)) {
            if (*f != u"fault") {
                r.error(where + u".from"_s, u"must be \"fault\" (the latest fault action's completion)"_s);
            } else if (e.mode != PlanExpectation::Mode::Recovers) {
                r.error(where + u".from"_s, u"only a \"recovers\" expectation is timed from a marker"_s);
            }
            e.from = *f;
        }
    }
    return e;
}

// The plan's cluster steps, replayed from the set-up position, must each be safe on a real
// CockroachDB: never scale below the replication factor, raise the replication factor only to a
// value CockroachDB accepts and the live nodes can hold, and take a node down only where every
// range keeps a majority (RF >= 3, at most (RF - 1) / 2 nodes down at once) on a node that
// exists, unless the action says allow_majority_loss (a labelled beat). A node kept down or paused
// stays down until start_node / resume_node / heal_all, and the plan may not end with one down.
void checkClusterSteps(Reader &r, const DemoPlan &plan)
{
    DemoPlan::Position at = DemoPlan::kSetUpPosition;
    QMap<int, PlanAction::Type> held; // nodes kept down or paused, by ordinal
    for (const Beat &beat : plan.beats) {
        for (qsizetype j = 0; j < beat.actions.size(); ++j) {
            const PlanAction &a = beat.actions[j];
            const QString where = u"beat '%1'.actions[%2]"_s.arg(beat.id).arg(j);
            switch (a.type) {
            case PlanAction::Type::Scale:
                if (a.nodes < at.replicationFactor) {
                    r.error(where + u".nodes"_s,
                        u"scales to %1 node(s), below the replication factor %2"_s.arg(a.nodes).arg(
                            at.replicationFactor));
                }
                at.nodes = a.nodes;
                break;
            case PlanAction::Type::RunSql:
                if (a.replicationFactor == 0) {
                    break;
                }
                if (const QString why = DemoPlan::replicationFactorRefusal(a.replicationFactor); !why.isEmpty()) {
                    r.error(where + u".replication_factor"_s, why);
                } else if (a.replicationFactor > at.nodes) {
                    r.error(where + u".replication_factor"_s,
                        u"asks for %1 replicas with %2 node(s): scale first, never more replicas than live nodes"_s
                            .arg(a.replicationFactor)
                            .arg(at.nodes));
                }
                at.replicationFactor = a.replicationFactor;
                break;
            case PlanAction::Type::StopNode:
            case PlanAction::Type::KeepDown:
            case PlanAction::Type::KillNode:
            case PlanAction::Type::PauseNode: {
                const int tolerated = (at.replicationFactor - 1) / 2;
                if (a.ordinal >= at.nodes) {
                    r.error(where + u".ordinal"_s,
                        u"node %1 does not exist with %2 node(s)"_s.arg(a.ordinal).arg(at.nodes));
                } else if (held.contains(a.ordinal)) {
                    r.error(where + u".ordinal"_s, u"crdb-%1 is already down"_s.arg(a.ordinal));
                } else if (at.replicationFactor < 3) {
                    // Refused even with allow_majority_loss, as the cluster driver refuses it.
                    r.error(where,
                        u"takes a node down at replication factor %1: ranges on it lose their majority (needs 3)"_s.arg(
                            at.replicationFactor));
                } else if (!a.allowMajorityLoss && held.size() >= tolerated) {
                    r.error(where,
                        u"takes a second node down while crdb-%1 is down: a majority of RF %2 is lost and ranges "
                        "become unavailable; only an explicit beat with \"allow_majority_loss\": true may"_s
                            .arg(held.firstKey())
                            .arg(at.replicationFactor));
                }
                if (a.type == PlanAction::Type::KeepDown || a.type == PlanAction::Type::PauseNode) {
                    held.insert(a.ordinal, a.type);
                }
                break;
            }
            case PlanAction::Type::StartNode:
            case PlanAction::Type::ResumeNode: {
                const auto needs
                    = a.type == PlanAction::Type::StartNode ? PlanAction::Type::KeepDown : PlanAction::Type::PauseNode;
                if (held.value(a.ordinal, PlanAction::Type::HealAll) != needs) {
                    r.error(where + u".ordinal"_s,
                        u"crdb-%1 was not %2 by an earlier action"_s.arg(a.ordinal).arg(
                            a.type == PlanAction::Type::StartNode ? u"kept down"_s : u"paused"_s));
                }
                held.remove(a.ordinal);
                break;
            }
            case PlanAction::Type::HealAll:
                held.clear();
                break;
            default:
                break;
            }
        }
    }
    if (!held.isEmpty()) {
        r.error(u"plan"_s,
            u"ends with crdb-%1 still down (%2): start_node, resume_node or heal_all before the end"_s
                .arg(held.firstKey())
                .arg(PlanAction::typeName(held.first())));
    }
}

} // namespace

std::optional<DemoPlan> DemoPlan::fromJson(const QByteArray &json, QStringList *errors)
{
    QStringList local;
    QStringList *errs = errors ? errors : &local;
    errs->clear();
    Reader r(errs);

    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        r.error(u"plan"_s, u"not valid JSON at offset %1: %2"_s.arg(pe.offset).arg(pe.errorString()));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        r.error(u"plan"_s, u"must be a JSON object"_s);
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    r.rejectUnknown(root, u"plan"_s, {u"version"_s, u"title"_s, u"beats"_s});
    if (root.value(u"version"_s).toInt(-1) != 1) {
        r.error(u"plan.version"_s, u"must be 1"_s);
    }
    DemoPlan plan;
    if (auto t = r.string(root, u"plan"_s, u"title"_s)) {
        plan.title = *t;
    }
    const QJsonValue beatsValue = root.value(u"beats"_s);
    if (!beatsValue.isArray() || beatsValue.toArray().isEmpty()) {
        r.error(u"plan.beats"_s, u"must be a non-empty array"_s);
        return std::nullopt;
    }
    static const QRegularExpression idPattern(u"^[a-z0-9]+(-[a-z0-9]+)*$"_s);
    QSet<QString> seen;
    const QJsonArray beats = beatsValue.toArray();
    for (qsizetype i = 0; i < beats.size(); ++i) {
        QString where = u"beats[%1]"_s.arg(i);
        if (!beats[i].isObject()) {
            r.error(where, u"must be an object"_s);
            continue;
        }
        const QJsonObject b = beats[i].toObject();
        Beat beat;
        if (auto id = r.string(b, where, u"id"_s)) {
            beat.id = *id;
            if (!idPattern.match(*id).hasMatch()) {
                r.error(where + u".id"_s, u"must be lower-case words joined by '-' (got '%1')"_s.arg(*id));
            } else if (seen.contains(*id)) {
                r.error(where + u".id"_s, u"duplicate beat id '%1'"_s.arg(*id));
            }
            seen.insert(*id);
            where = u"beat '%1'"_s.arg(*id);
        }
        r.rejectUnknown(b, where, {u"id"_s, u"title"_s, u"narration"_s, u"actions"_s, u"expectations"_s, u"focus"_s});
        if (auto t = r.string(b, where, u"title"_s)) {
            beat.title = *t;
        }
        if (auto n = r.string(b, where, u"narration"_s)) {
            beat.narration = *n;
        }
        if (const QJsonValue f = b.value(u"focus"_s); !f.isUndefined()) {
            const QJsonArray names = f.toArray();
            if (!f.isArray() || names.isEmpty()) {
                r.error(where + u".focus"_s, u"must be a non-empty array of chart ids"_s);
            }
            for (qsizetype j = 0; j < names.size(); ++j) {
                const QString name = names[j].toString();
                if (!names[j].isString() || !DemoPlan::chartIds().contains(name)) {
                    r.error(where + u".focus[%1]"_s.arg(j),
                        u"unknown chart '%1' (one of %2)"_s.arg(name, DemoPlan::chartIds().join(u", "_s)));
                } else if (beat.focus.contains(name)) {
                    r.error(where + u".focus[%1]"_s.arg(j), u"chart '%1' named twice"_s.arg(name));
                } else {
                    beat.focus.append(name);
                }
            }
        }
        for (const auto &[key, isActions] : {std::pair {u"actions"_s, true}, std::pair {u"expectations"_s, false}}) {
            const QJsonValue v = b.value(key);
            if (v.isUndefined()) {
                continue;
            }
            if (!v.isArray()) {
                r.error(where + u"."_s + key, u"must be an array"_s);
                continue;
            }
            const QJsonArray items = v.toArray();
            for (qsizetype j = 0; j < items.size(); ++j) {
                const QString at = where + u".%1[%2]"_s.arg(key).arg(j);
                if (isActions) {
                    if (auto a = readAction(r, items[j], at)) {
                        beat.actions.append(*a);
                    }
                } else if (auto e = readExpectation(r, items[j], at)) {
                    beat.expectations.append(*e);
                }
            }
        }
        plan.beats.append(beat);
    }
    if (r.ok()) {
        checkClusterSteps(r, plan);
    }
    if (!r.ok()) {
        return std::nullopt;
    }
    return plan;
}

DemoPlan::Position DemoPlan::positionBefore(int beatIndex) const
{
    Position at = kSetUpPosition;
    for (qsizetype i = 0; i < std::min<qsizetype>(beatIndex, beats.size()); ++i) {
        for (const PlanAction &a : beats[i].actions) {
            if (a.type == PlanAction::Type::Scale) {
                at.nodes = a.nodes;
            } else if (a.type == PlanAction::Type::RunSql && a.replicationFactor > 0) {
                at.replicationFactor = a.replicationFactor;
            }
        }
    }
    return at;
}

QString DemoPlan::replicationFactorRefusal(int replicationFactor)
{
    if (replicationFactor == 2) {
        return u"CockroachDB refuses two voting copies (\"at least 3 replicas are required for multi-replica "
               "configurations\", zonepb.ZoneConfig.Validate): use 1 or 3 or more"_s;
    }
    if (replicationFactor < 1) {
        return u"at least one replica is required"_s;
    }
    return {};
}

std::optional<DemoPlan> DemoPlan::load(const QString &path, QStringList *errors)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (errors) {
            *errors = QStringList {u"%1: cannot open: %2"_s.arg(path, f.errorString())};
        }
        return std::nullopt;
    }
    auto plan = fromJson(f.readAll(), errors);
    if (!plan && errors) {
        for (QString &e : *errors) {
            e.prepend(path + u": "_s);
        }
    }
    return plan;
}

int DemoPlan::indexOf(const QString &beatId) const
{
    for (qsizetype i = 0; i < beats.size(); ++i) {
        if (beats[i].id == beatId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

QStringList DemoPlan::beatIds() const
{
    QStringList ids;
    for (const Beat &b : beats) {
        ids.append(b.id);
    }
    return ids;
}

QStringList DemoPlan::sqlFiles() const
{
    QStringList files;
    for (const Beat &b : beats) {
        for (const PlanAction &a : b.actions) {
            if (!a.file.isEmpty() && !files.contains(a.file)) {
                files.append(a.file);
            }
        }
    }
    return files;
}

QStringList DemoPlan::promqlExpressions() const
{
    QStringList exprs;
    for (const Beat &b : beats) {
        for (const PlanExpectation &e : b.expectations) {
            if (e.kind == PlanExpectation::Kind::PromQL && !exprs.contains(e.expr)) {
                exprs.append(e.expr);
            }
        }
    }
    return exprs;
}
