#include "preflight_runner.h"

#include "sources/cluster_driver.h"
#include "sources/kubectl_process.h"

using namespace Qt::StringLiterals;

namespace presenter {

// The checks that ask kubectl: access, the CockroachDB pods, the fault shell, the workload.

namespace {

using Status = PreflightResult::Status;

const QString kNoKubernetes = u"skipped: no Kubernetes (local stack)"_s;

// The workload's pods (k8s/loadgen/job.yaml) and the CockroachDB pods (k8s/base/crdb-cluster.yaml; the
// operator labels its pods the same way).
const QString kCockroachSelector = u"app.kubernetes.io/name=cockroachdb"_s;
const QString kLoadgenSelector = u"app.kubernetes.io/name=crdb-loadgen"_s;

} // namespace

void PreflightRunner::checkKubeAccess()
{
    const QString id = u"kube-access"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    const QString ns = m_config.profile.kubeNamespace;
    const QString context = m_config.profile.kubeContext.isEmpty() ? u"kubectl's current context"_s
                                                                   : u"context %1"_s.arg(m_config.profile.kubeContext);
    runKubectl({u"get"_s, u"namespace"_s, ns, u"-o"_s, u"name"_s},
        [this, id, ns, context](bool ok, const QByteArray &, const QString &error) {
            if (ok) {
                report(make(id, Status::Pass, u"%1 reaches namespace %2"_s.arg(context, ns)));
            } else {
                report(make(id, Status::Fail, u"%1, namespace %2: %3"_s.arg(context, ns, error),
                    u"select the cluster's context (kube_context / --kube-context, kubectl config use-context; "
                    u"with kind, create the cluster as demo/up.sh --kind does: name crdb-evolution, context "
                    u"kind-crdb-evolution, which demo/profiles/kind.json pins) and kubectl apply -k k8s/ so that the "
                    u"namespace exists (or demo/up.sh --context CTX)."_s));
            }
        });
}

void PreflightRunner::checkPods()
{
    const QString id = u"pods"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    const int expected = m_config.position.expectedNodes(kind);
    runKubectl({u"get"_s, u"pods"_s, u"-l"_s, kCockroachSelector, u"-o"_s, u"json"_s},
        [this, id, kind, expected](bool ok, const QByteArray &out, const QString &error) {
            QString parseError = error;
            std::optional<QList<ClusterDriver::PodStatus>> pods;
            if (ok) {
                pods = ClusterDriver::parsePods(out, &parseError, ClusterDriver::containerName(kind));
            }
            if (!pods) {
                return report(make(id, Status::Fail, u"cannot list the CockroachDB pods: %1"_s.arg(parseError),
                    u"check kubectl access (the line above) and that the cluster is applied (kubectl apply -k k8s/, or "
                    u"demo/up.sh)."_s));
            }
            QStringList notReady;
            int ready = 0;
            for (const ClusterDriver::PodStatus &p : std::as_const(*pods)) {
                if (p.ready) {
                    ++ready;
                } else {
                    notReady << u"%1 %2"_s.arg(p.name, p.phase.isEmpty() ? u"unknown"_s : p.phase);
                }
            }
            const QString where = m_config.position.describe();
            if (pods->size() == expected && ready == expected) {
                return report(make(id, Status::Pass,
                    u"%1 of %2 pod(s) Ready, as the plan expects %3"_s.arg(ready).arg(expected).arg(where)));
            }
            QString detail = u"%1 pod(s), %2 Ready; the plan expects %3 %4"_s.arg(pods->size())
                                 .arg(ready)
                                 .arg(expected)
                                 .arg(where);
            if (!notReady.isEmpty()) {
                detail += u" (not ready: %1)"_s.arg(notReady.join(u", "_s));
            }
            const QString fix = pods->size() != expected
                ? u"scale to %1 (kubectl scale statefulset crdb --replicas=%1, or spec.nodes for the operator), or "
                  u"pass --preflight-at the beat you resume at."_s.arg(expected)
                : u"wait for the pods to be Ready (kubectl get pods -w) and read kubectl describe pod for the reason."_s;
            report(make(id, Status::Fail, detail, fix));
        });
}

void PreflightRunner::checkStopShell()
{
    const QString id = u"stop-shell"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    ClusterDriver argsOnly;
    argsOnly.setKind(kind);
    argsOnly.setNamespace({}); // kubectlArgs() adds the namespace
    const QStringList args = argsOnly.shellProbeArguments(0);
    const QString shown = KubectlProcess::describe(m_config.kubectl, args);
    runKubectl(args, [this, id, shown, kind](bool ok, const QByteArray &, const QString &error) {
        if (ok) {
            report(make(id, Status::Pass,
                u"%1 works (the faults signal that process: ClusterDriver, desktop/docs/faults.md)"_s.arg(shown)));
        } else {
            // StatefulSet: exit 2 = no PID file, 3 = cockroach is PID 1 (ClusterDriver::signalCommand).
            report(make(id, Status::Fail, error,
                kind == ClusterKind::StatefulSet
                    ? u"The faults need bash in container cockroachdb of crdb-0 and today's cluster kustomization "
                      u"(shareProcessNamespace, /cockroach/faults/cockroach.pid): apply it (demo/apply-cluster.sh) "
                      u"and let the pods restart one at a time; check the profile's cluster_kind."_s
                    : u"Stop node needs bash in container db of crdb-0: use the cockroachdb/cockroach image and the "
                      u"profile's cluster_kind (statefulset: cockroachdb, operator: db)."_s));
        }
    });
}

void PreflightRunner::checkWorkload()
{
    const QString id = u"workload"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    runKubectl({u"get"_s, u"pods"_s, u"-l"_s, kLoadgenSelector, u"-o"_s, u"json"_s},
        [this, id](bool ok, const QByteArray &out, const QString &error) {
            QString parseError = error;
            std::optional<QList<ClusterDriver::PodStatus>> pods;
            if (ok) {
                pods = ClusterDriver::parsePods(out, &parseError, u"tpcc"_s);
            }
            // The set-up starts the load (demo/DEMO.md, "Before the talk"; demo/evolve.sh phase0) and
            // it never stops: no beat starts it, so it is expected at every position of the plan.
            const QString fix = u"the TPC-C load belongs to the set-up, before the talk: kubectl apply -k "
                                u"k8s/loadgen/ (demo/DEMO.md, \"Before the talk\"), then kubectl logs "
                                u"job/crdb-loadgen to see why it stopped."_s;
            if (!pods) {
                return report(make(id, Status::Fail, u"cannot list the workload pods: %1"_s.arg(parseError), fix));
            }
            QStringList seen;
            for (const ClusterDriver::PodStatus &p : std::as_const(*pods)) {
                if (p.phase == "Running"_L1) {
                    return report(make(id, Status::Pass,
                        u"%1 is Running (started at set-up, expected %2)"_s.arg(p.name, m_config.position.describe())));
                }
                seen << u"%1 %2"_s.arg(p.name, p.phase);
            }
            report(make(id, Status::Fail,
                seen.isEmpty() ? u"no pod with label %1"_s.arg(kLoadgenSelector)
                               : u"no workload pod Running (%1)"_s.arg(seen.join(u", "_s)),
                fix));
        });
}

} // namespace presenter
