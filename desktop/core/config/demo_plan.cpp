#include "demo_plan.h"

#include "chart_catalog.h"
#include "enum_names.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

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
    return enumKey(type, KeyStyle::Snake);
}

std::optional<PlanAction::Type> PlanAction::typeFromName(QStringView name)
{
    return enumFromKey<Type>(name, KeyStyle::Snake);
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

namespace {
// The plan's comparison operators, as written in a plan and shown in a condition.
const QList<std::pair<PlanExpectation::Op, QString>> &opNames()
{
    using Op = PlanExpectation::Op;
    static const QList<std::pair<Op, QString>> names {{Op::Less, u"<"_s}, {Op::LessEqual, u"<="_s},
        {Op::Equal, u"=="_s}, {Op::GreaterEqual, u">="_s}, {Op::Greater, u">"_s}};
    return names;
}
} // namespace

QString PlanExpectation::opName(Op op)
{
    for (const auto &[known, name] : opNames()) {
        if (known == op) {
            return name;
        }
    }
    return {};
}

std::optional<PlanExpectation::Op> PlanExpectation::opFromName(QStringView name)
{
    for (const auto &[op, known] : opNames()) {
        if (known == name) {
            return op;
        }
    }
    return std::nullopt;
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

QStringList DemoPlan::focusAt(int index) const
{
    for (qsizetype i = std::min<qsizetype>(index, beats.size() - 1); i >= 0; --i) {
        if (!beats[i].focus.isEmpty()) {
            return beats[i].focus;
        }
    }
    return chartcatalog::defaultFocus();
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

int DemoPlan::indexOf(const QString &beatId) const
{
    for (qsizetype i = 0; i < beats.size(); ++i) {
        if (beats[i].id == beatId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

double DemoPlan::budgetTotalS() const
{
    double total = 0;
    for (const Beat &b : beats) {
        total += b.budgetS;
    }
    return total;
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

QStringList DemoPlan::chartIds()
{
    return chartcatalog::presenterIds();
}

} // namespace presenter
