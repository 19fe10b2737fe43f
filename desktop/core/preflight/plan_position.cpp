#include "plan_position.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

PlanPosition PlanPosition::before(const DemoPlan &plan, int beatIndex)
{
    PlanPosition p;
    p.beatIndex = std::clamp(beatIndex, 0, int(plan.beats.size()));
    const DemoPlan::Position at = plan.positionBefore(p.beatIndex);
    p.nodes = at.nodes;
    p.replicationFactor = at.replicationFactor;
    p.beatId = p.beatIndex < plan.beats.size() ? plan.beats.at(p.beatIndex).id : QString();
    return p;
}

std::optional<PlanPosition> PlanPosition::beforeBeat(const DemoPlan &plan, const QString &beatId, QString *error)
{
    const int index = plan.indexOf(beatId);
    if (index < 0) {
        if (error) {
            *error = u"no beat '%1' in the plan (beats: %2)"_s.arg(beatId, plan.beatIds().join(u", "_s));
        }
        return std::nullopt;
    }
    return before(plan, index);
}

int PlanPosition::expectedNodes(ClusterKind kind) const
{
    return kind == ClusterKind::Operator ? std::max(nodes, ClusterDriver::kOperatorMinimumNodes) : nodes;
}

int PlanPosition::expectedReplicationFactor(ClusterKind kind) const
{
    return kind == ClusterKind::Operator ? std::max(replicationFactor, 3) : replicationFactor;
}

QString PlanPosition::describe() const
{
    if (beatId.isEmpty()) {
        return u"after the last beat"_s;
    }
    return beatIndex == 0 ? u"before beat '%1' (the set-up state)"_s.arg(beatId) : u"before beat '%1'"_s.arg(beatId);
}

} // namespace presenter
