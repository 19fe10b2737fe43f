// DemoPlan::fromJson and DemoPlan::load: the plan's JSON read into its structs (demo/PLAN.md),
// every problem one sentence naming its beat and field; then the cluster steps checked
// (plan_steps.h).
#include "chart_catalog.h"
#include "demo_plan.h"
#include "enum_names.h"
#include "feed_schema.h"
#include "plan_reader.h"
#include "plan_steps.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// The sample app's own guardrail defaults (APP_MAX_RPS, APP_MAX_SECONDS): a plan beyond them
// would be refused on stage, so refuse it here.
constexpr double kMaxRps = 1000;
constexpr double kMaxSeconds = 300;
constexpr double kMaxBudgetS = 3600; // one beat of an hour is a plan mistake, not a pace
constexpr double kMaxTalkMinutes = 480;

using Type = PlanAction::Type;

void readSqlFields(PlanReader &r, const QJsonObject &o, const QString &where, PlanAction &a)
{
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
}

// load_start and spike: a rate, a mix, and for a spike its length.
void readLoadFields(PlanReader &r, const QJsonObject &o, const QString &where, PlanAction &a)
{
    const bool spike = a.type == Type::Spike;
    r.rejectUnknown(o, where,
        spike ? QStringList {u"type"_s, u"seconds"_s, u"rps"_s, u"mix"_s}
              : QStringList {u"type"_s, u"rps"_s, u"mix"_s});
    if (spike) {
        if (auto n = r.number(o, where, u"seconds"_s, 0.001, kMaxSeconds)) {
            a.seconds = *n;
        }
    }
    if (auto n = r.number(o, where, u"rps"_s, 0.001, kMaxRps)) {
        a.rps = *n;
    }
    if (auto m = r.mix(o, where)) {
        a.mix = *m;
    }
}

// The actions on one node: an ordinal, and for the faults that can lose a majority the flag that
// allows it.
void readNodeFields(PlanReader &r, const QJsonObject &o, const QString &where, PlanAction &a)
{
    const bool canLoseMajority = a.type == Type::KeepDown || a.type == Type::KillNode || a.type == Type::PauseNode;
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
}

void readActionFields(PlanReader &r, const QJsonObject &o, const QString &where, PlanAction &a)
{
    switch (a.type) {
    case Type::RunSql:
        readSqlFields(r, o, where, a);
        break;
    case Type::Scale:
        r.rejectUnknown(o, where, {u"type"_s, u"nodes"_s});
        if (auto n = r.number(o, where, u"nodes"_s, 1, 99, true)) {
            a.nodes = static_cast<int>(*n);
        }
        break;
    case Type::LoadStart:
    case Type::Spike:
        readLoadFields(r, o, where, a);
        break;
    case Type::Backup:
        r.rejectUnknown(o, where, {u"type"_s});
        a.file = QString::fromLatin1(DemoPlan::kBackupFile);
        break;
    case Type::StopNode:
    case Type::KeepDown:
    case Type::StartNode:
    case Type::KillNode:
    case Type::PauseNode:
    case Type::ResumeNode:
        readNodeFields(r, o, where, a);
        break;
    case Type::LoadStop:
    case Type::HealAll:
        r.rejectUnknown(o, where, {u"type"_s});
        break;
    }
}

std::optional<PlanAction> readAction(PlanReader &r, const QJsonValue &value, const QString &where)
{
    if (!value.isObject()) {
        r.error(where, u"must be an object"_s);
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    const auto typeName = r.string(o, where, u"type"_s);
    if (!typeName) {
        return std::nullopt;
    }
    const auto type = PlanAction::typeFromName(*typeName);
    if (!type) {
        r.error(where + u".type"_s,
            u"unknown action '%1' (%2)"_s.arg(*typeName, enumKeys<Type>(KeyStyle::Snake).join(u", "_s)));
        return std::nullopt;
    }
    PlanAction a;
    a.type = *type;
    const bool wasOk = r.ok();
    readActionFields(r, o, where, a);
    if (wasOk && !r.ok()) {
        return std::nullopt;
    }
    return a;
}

// What an expectation reads: a PromQL expression, or a field of the feed's table.
bool readSubject(PlanReader &r, const QJsonObject &o, const QString &where, PlanExpectation &e)
{
    const auto kind = r.string(o, where, u"kind"_s);
    if (!kind) {
        return false;
    }
    const QStringList common {u"op"_s, u"value"_s, u"within_s"_s, u"label"_s, u"mode"_s, u"from"_s};
    if (*kind == u"promql") {
        e.kind = PlanExpectation::Kind::PromQL;
        r.rejectUnknown(o, where, QStringList {u"kind"_s, u"expr"_s} + common);
        if (auto x = r.string(o, where, u"expr"_s)) {
            e.expr = *x;
        }
    } else if (*kind == u"feed") {
        e.kind = PlanExpectation::Kind::Feed;
        r.rejectUnknown(o, where, QStringList {u"kind"_s, u"field"_s} + common);
        if (auto f = r.string(o, where, u"field"_s)) {
            if (const QStringList fields = feedschema::fieldNames(); !fields.contains(*f)) {
                r.error(where + u".field"_s, u"unknown feed field '%1' (one of %2)"_s.arg(*f, fields.join(u", "_s)));
            }
            e.field = *f;
        }
    } else {
        r.error(where + u".kind"_s, u"must be \"promql\" or \"feed\" (got '%1')"_s.arg(*kind));
        return false;
    }
    return true;
}

// How it is judged: the condition, its window, and the mode's "from".
void readJudgement(PlanReader &r, const QJsonObject &o, const QString &where, PlanExpectation &e)
{
    if (auto op = r.string(o, where, u"op"_s)) {
        if (const auto known = PlanExpectation::opFromName(*op)) {
            e.op = *known;
        } else {
            r.error(where + u".op"_s, u"must be one of <, <=, ==, >=, > (got '%1')"_s.arg(*op));
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
        const auto mode = enumFromKey<PlanExpectation::Mode>(o.value(u"mode"_s).toString(), KeyStyle::Snake);
        if (!mode) {
            r.error(where + u".mode"_s, u"must be \"eventually\", \"holds\" or \"recovers\""_s);
        } else {
            e.mode = *mode;
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
}

std::optional<PlanExpectation> readExpectation(PlanReader &r, const QJsonValue &value, const QString &where)
{
    if (!value.isObject()) {
        r.error(where, u"must be an object"_s);
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    PlanExpectation e;
    if (!readSubject(r, o, where, e)) {
        return std::nullopt;
    }
    readJudgement(r, o, where, e);
    return e;
}

// A beat's "focus": chart ids of the catalog, each once.
void readFocus(PlanReader &r, const QJsonValue &f, const QString &where, Beat &beat)
{
    const QJsonArray names = f.toArray();
    if (!f.isArray() || names.isEmpty()) {
        r.error(where + u".focus"_s, u"must be a non-empty array of chart ids"_s);
    }
    const QStringList ids = chartcatalog::presenterIds();
    for (qsizetype j = 0; j < names.size(); ++j) {
        const QString name = names[j].toString();
        if (!names[j].isString() || !ids.contains(name)) {
            r.error(where + u".focus[%1]"_s.arg(j), u"unknown chart '%1' (one of %2)"_s.arg(name, ids.join(u", "_s)));
        } else if (beat.focus.contains(name)) {
            r.error(where + u".focus[%1]"_s.arg(j), u"chart '%1' named twice"_s.arg(name));
        } else {
            beat.focus.append(name);
        }
    }
}

// A beat's actions and expectations, in order; a broken one is left out after saying why.
void readSteps(PlanReader &r, const QJsonObject &b, const QString &where, Beat &beat)
{
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
}

Beat readBeat(PlanReader &r, const QJsonObject &b, qsizetype index, QSet<QString> &seen)
{
    static const QRegularExpression idPattern(u"^[a-z0-9]+(-[a-z0-9]+)*$"_s);
    QString where = u"beats[%1]"_s.arg(index);
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
    r.rejectUnknown(
        b, where, {u"id"_s, u"title"_s, u"narration"_s, u"actions"_s, u"expectations"_s, u"focus"_s, u"budget_s"_s});
    if (auto t = r.string(b, where, u"title"_s)) {
        beat.title = *t;
    }
    if (auto n = r.string(b, where, u"narration"_s)) {
        beat.narration = *n;
    }
    if (const QJsonValue f = b.value(u"focus"_s); !f.isUndefined()) {
        readFocus(r, f, where, beat);
    }
    if (b.contains(u"budget_s"_s)) {
        if (auto n = r.number(b, where, u"budget_s"_s, 1, kMaxBudgetS)) {
            beat.budgetS = *n;
        }
    }
    readSteps(r, b, where, beat);
    return beat;
}

// The document's root: an object of version 1 with a title and a non-empty array of beats.
std::optional<QJsonObject> readRoot(PlanReader &r, const QByteArray &json)
{
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
    r.rejectUnknown(root, u"plan"_s, {u"version"_s, u"title"_s, u"talk_minutes"_s, u"beats"_s});
    if (root.value(u"version"_s).toInt(-1) != 1) {
        r.error(u"plan.version"_s, u"must be 1"_s);
    }
    return root;
}

} // namespace

std::optional<DemoPlan> DemoPlan::fromJson(const QByteArray &json, QStringList *errors)
{
    QStringList local;
    QStringList *errs = errors ? errors : &local;
    errs->clear();
    PlanReader r(errs);
    const auto root = readRoot(r, json);
    if (!root) {
        return std::nullopt;
    }
    DemoPlan plan;
    if (auto t = r.string(*root, u"plan"_s, u"title"_s)) {
        plan.title = *t;
    }
    if (root->contains(u"talk_minutes"_s)) {
        if (auto n = r.number(*root, u"plan"_s, u"talk_minutes"_s, 1, kMaxTalkMinutes)) {
            plan.talkMinutes = *n;
        }
    }
    const QJsonValue beatsValue = root->value(u"beats"_s);
    if (!beatsValue.isArray() || beatsValue.toArray().isEmpty()) {
        r.error(u"plan.beats"_s, u"must be a non-empty array"_s);
        return std::nullopt;
    }
    QSet<QString> seen;
    const QJsonArray beats = beatsValue.toArray();
    for (qsizetype i = 0; i < beats.size(); ++i) {
        if (!beats[i].isObject()) {
            r.error(u"beats[%1]"_s.arg(i), u"must be an object"_s);
            continue;
        }
        plan.beats.append(readBeat(r, beats[i].toObject(), i, seen));
    }
    if (r.ok()) {
        checkClusterSteps(r, plan);
    }
    if (!r.ok()) {
        return std::nullopt;
    }
    return plan;
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

} // namespace presenter
