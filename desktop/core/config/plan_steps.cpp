#include "plan_steps.h"

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// Where the replay of the plan's steps stands: the position and the nodes held down.
struct Steps
{
    PlanReader &r;
    DemoPlan::Position at = DemoPlan::kSetUpPosition;
    QMap<int, PlanAction::Type> held {}; // nodes kept down or paused, by ordinal

    void scale(const PlanAction &a, const QString &where)
    {
        if (a.nodes < at.replicationFactor) {
            r.error(where + u".nodes"_s,
                u"scales to %1 node(s), below the replication factor %2"_s.arg(a.nodes).arg(at.replicationFactor));
        }
        at.nodes = a.nodes;
    }

    void runSql(const PlanAction &a, const QString &where)
    {
        if (a.replicationFactor == 0) {
            return;
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
    }

    void nodeDown(const PlanAction &a, const QString &where)
    {
        const int tolerated = (at.replicationFactor - 1) / 2;
        if (a.ordinal >= at.nodes) {
            r.error(where + u".ordinal"_s, u"node %1 does not exist with %2 node(s)"_s.arg(a.ordinal).arg(at.nodes));
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
    }

    void nodeBack(const PlanAction &a, const QString &where)
    {
        const bool start = a.type == PlanAction::Type::StartNode;
        const auto needs = start ? PlanAction::Type::KeepDown : PlanAction::Type::PauseNode;
        if (held.value(a.ordinal, PlanAction::Type::HealAll) != needs) {
            r.error(where + u".ordinal"_s,
                u"crdb-%1 was not %2 by an earlier action"_s.arg(a.ordinal).arg(start ? u"kept down"_s : u"paused"_s));
        }
        held.remove(a.ordinal);
    }

    void step(const PlanAction &a, const QString &where)
    {
        switch (a.type) {
        case PlanAction::Type::Scale:
            scale(a, where);
            break;
        case PlanAction::Type::RunSql:
            runSql(a, where);
            break;
        case PlanAction::Type::StopNode:
        case PlanAction::Type::KeepDown:
        case PlanAction::Type::KillNode:
        case PlanAction::Type::PauseNode:
            nodeDown(a, where);
            break;
        case PlanAction::Type::StartNode:
        case PlanAction::Type::ResumeNode:
            nodeBack(a, where);
            break;
        case PlanAction::Type::HealAll:
            held.clear();
            break;
        default:
            break;
        }
    }
};

} // namespace

void checkClusterSteps(PlanReader &r, const DemoPlan &plan)
{
    Steps steps {r};
    for (const Beat &beat : plan.beats) {
        for (qsizetype j = 0; j < beat.actions.size(); ++j) {
            steps.step(beat.actions[j], u"beat '%1'.actions[%2]"_s.arg(beat.id).arg(j));
        }
    }
    if (!steps.held.isEmpty()) {
        r.error(u"plan"_s,
            u"ends with crdb-%1 still down (%2): start_node, resume_node or heal_all before the end"_s
                .arg(steps.held.firstKey())
                .arg(PlanAction::typeName(steps.held.first())));
    }
}

} // namespace presenter
