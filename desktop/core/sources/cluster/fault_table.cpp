#include "fault_table.h"

#include "sources/commands.h"

using namespace Qt::StringLiterals;

namespace presenter {

namespace kube {

const QList<FaultRow> &faultTable()
{
    static const QList<FaultRow> rows = {
        {Fault::Stop, u"Stop"_s, u"stop"_s, u"stop_node"_s, u"Stop"_s, u"stopping %1"_s, u"SIGTERM"_s,
            u"SIGTERM: graceful drain; the kubelet restarts the container at once"_s,
            u"Send SIGTERM to %1? It drains and the kubelet restarts it."_s, u"%1 down (stop)"_s, QString(),
            EndedBy::Restart,
            [](ClusterCommands &c, int ordinal, bool, QString *whyNot) { return c.stopNode(ordinal, whyNot); }},
        {Fault::KeepDown, u"KeepDown"_s, u"keep down"_s, u"keep_down"_s, u"Keep down"_s, u"keeping %1 down"_s,
            u"SIGTERM"_s, u"SIGTERM, and the node stays down until Start (a controlled outage)"_s,
            u"Stop %1 and keep it down until Start?"_s,
            u"%1 down (keep down): SIGTERM delivered; it stays down until started"_s,
            u"not keeping %1 down: on the operator's cluster the operator owns the pod spec and the container "
            u"command, so nothing can hold the restarted container (keep_down needs the StatefulSet of "
            u"k8s/base/crdb-cluster.yaml); stop_node works here"_s,
            EndedBy::Start,
            [](ClusterCommands &c, int ordinal, bool allow, QString *whyNot) {
                return c.injectFault(Fault::KeepDown, ordinal, allow, whyNot);
            }},
        {Fault::Kill, u"Kill"_s, u"kill"_s, u"kill_node"_s, u"Kill"_s, u"killing %1"_s, u"SIGKILL"_s,
            u"SIGKILL: a crash, no drain; the kubelet restarts the container"_s,
            u"Kill %1 (SIGKILL, no drain)? The kubelet restarts it."_s,
            u"%1 down (kill): SIGKILL delivered; the kubelet restarts it"_s,
            u"not killing %1: on the operator's pods cockroach is PID 1 and Linux ignores SIGKILL sent to it from "
            u"kubectl exec (pid_namespaces(7)); the other way, kubectl delete pod --force, is no crash (the "
            u"kubelet still sends SIGTERM first) and may run two pods with the same identity (Kubernetes docs, "
            u"\"Force Delete StatefulSet Pods\"); stop_node works here"_s,
            EndedBy::Restart,
            [](ClusterCommands &c, int ordinal, bool allow, QString *whyNot) {
                return c.injectFault(Fault::Kill, ordinal, allow, whyNot);
            }},
        {Fault::Pause, u"Pause"_s, u"pause"_s, u"pause_node"_s, u"Pause"_s, u"pausing %1"_s, u"SIGSTOP"_s,
            u"SIGSTOP: a hung node (alive, answering nothing) until Resume"_s,
            u"Pause %1 (SIGSTOP: a hung node) until Resume?"_s,
            u"%1 down (pause): SIGSTOP delivered; it hangs until resumed"_s,
            u"not pausing %1: on the operator's pods cockroach is PID 1 of its PID namespace, and Linux ignores "
            u"SIGSTOP sent to it from kubectl exec (pid_namespaces(7)); the operator owns the pod spec, so it "
            u"cannot share the process namespace"_s,
            EndedBy::Resume,
            [](ClusterCommands &c, int ordinal, bool allow, QString *whyNot) {
                return c.injectFault(Fault::Pause, ordinal, allow, whyNot);
            }},
    };
    return rows;
}

const FaultRow &faultRow(Fault fault)
{
    for (const FaultRow &row : faultTable()) {
        if (row.fault == fault) {
            return row;
        }
    }
    Q_UNREACHABLE(); // every Fault has its row (tst_fault_table::everyFaultHasOneRow)
}

std::optional<Fault> faultFromName(const QString &name)
{
    for (const FaultRow &row : faultTable()) {
        if (row.name == name) {
            return row.fault;
        }
    }
    return std::nullopt;
}

std::optional<Fault> faultFromKey(const QString &key)
{
    for (const FaultRow &row : faultTable()) {
        if (row.key == key) {
            return row.fault;
        }
    }
    return std::nullopt;
}

namespace {

const QList<ReleaseRow> &releaseTable()
{
    static const QList<ReleaseRow> rows = {
        {EndedBy::Start, u"start"_s, u"Start"_s, u"Ends Keep down: the node starts again"_s, u"Start a node"_s,
            u"Start %1 again (end its controlled outage)?"_s, u"starting"_s},
        {EndedBy::Resume, u"resume"_s, u"Resume"_s, u"Ends Pause: SIGCONT"_s, u"Resume a node"_s,
            u"Resume the paused CockroachDB process of %1 (SIGCONT)?"_s, u"resuming"_s},
    };
    return rows;
}

} // namespace

const ReleaseRow *releaseRow(EndedBy endedBy)
{
    for (const ReleaseRow &row : releaseTable()) {
        if (row.endedBy == endedBy) {
            return &row;
        }
    }
    return nullptr;
}

const ReleaseRow *releaseRowNamed(const QString &name)
{
    for (const ReleaseRow &row : releaseTable()) {
        if (row.name == name) {
            return &row;
        }
    }
    return nullptr;
}

std::optional<Fault> faultEndedBy(EndedBy endedBy)
{
    if (endedBy == EndedBy::Restart) {
        return std::nullopt;
    }
    for (const FaultRow &row : faultTable()) {
        if (row.endedBy == endedBy) {
            return row.fault;
        }
    }
    return std::nullopt;
}

bool hasEnded(EndedBy endedBy, bool ready, bool sawDown, bool released)
{
    switch (endedBy) {
    case EndedBy::Restart:
        return ready && sawDown;
    case EndedBy::Start:
        return ready && sawDown && released;
    case EndedBy::Resume:
        return ready && released;
    }
    return false;
}

bool injectFault(ClusterCommands &cluster, Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot)
{
    return faultRow(fault).inject(cluster, ordinal, allowMajorityLoss, whyNot);
}

} // namespace kube

} // namespace presenter
