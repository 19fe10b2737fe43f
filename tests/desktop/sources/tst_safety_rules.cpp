#include "sources/cluster/safety_rules.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using kube::Fault;
using kube::safety::Action;
using kube::safety::Request;
using kube::safety::Situation;

Q_DECLARE_METATYPE(Situation)
Q_DECLARE_METATYPE(Request)

namespace {

// "RRN": pods crdb-0.. ready (R) or not (N); desired = their count unless given. "" = no status yet.
kube::ClusterStatus statusOf(const QString &pods, int desired = -1)
{
    kube::ClusterStatus s;
    if (pods.isEmpty() && desired < 0) {
        return s;
    }
    s.valid = true;
    s.desiredNodes = desired < 0 ? int(pods.size()) : desired;
    for (qsizetype i = 0; i < pods.size(); ++i) {
        s.pods.append({u"crdb-%1"_s.arg(i), u"Running"_s, pods.at(i) == u'R', 0});
        s.readyNodes += pods.at(i) == u'R' ? 1 : 0;
    }
    return s;
}

Situation at(
    ClusterKind kind, int rf, const QString &pods, QMap<int, Fault> faults = {}, bool busy = false, int desired = -1)
{
    return {kind, rf, statusOf(pods, desired), faults, busy, u"crdb"_s};
}

Request scale(int nodes)
{
    return {.action = Action::Scale, .nodes = nodes};
}
Request stop(int ordinal)
{
    return {.action = Action::StopNode, .ordinal = ordinal};
}
Request fault(Fault f, int ordinal, bool allowMajorityLoss = false)
{
    return {.action = Action::InjectFault, .ordinal = ordinal, .fault = f, .allowMajorityLoss = allowMajorityLoss};
}
Request release(Fault ends, int ordinal)
{
    return {.action = Action::Release, .ordinal = ordinal, .fault = ends};
}

const auto sts = ClusterKind::StatefulSet;
const auto op = ClusterKind::Operator;
const auto none = ClusterKind::None;

} // namespace

// The driver's safety policy, as data: situation + request → the reason it is refused (the start of
// it), or nothing.
class TestSafetyRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusal_data()
    {
        QTest::addColumn<Situation>("situation");
        QTest::addColumn<Request>("request");
        QTest::addColumn<QString>("expected"); // the reason's start; empty: allowed
        const QString noCluster = u"this profile has no Kubernetes cluster (cluster_kind none: the local stack)"_s;
        const QString busy = u"cluster operation already running; wait for it to finish"_s;

        QTest::addRow("scale up") << at(sts, 1, u"R"_s) << scale(2) << QString();
        QTest::addRow("scale, no cluster") << at(none, 1, u""_s) << scale(2) << noCluster;
        QTest::addRow("scale while busy") << at(sts, 1, u"R"_s, {}, true) << scale(2) << busy;
        QTest::addRow("scale to 0") << at(sts, 1, u"R"_s) << scale(0) << u"cannot scale to 0 nodes"_s;
        QTest::addRow("scale below RF") << at(sts, 3, u"RRR"_s) << scale(2)
                                        << u"refusing to scale to 2 node(s): below the replication factor 3"_s;
        QTest::addRow("operator below 3") << at(op, 1, u"RRR"_s) << scale(2)
                                          << u"refusing to scale the CrdbCluster to 2 node(s): the operator needs "
                                             u"spec.nodes >= 3"_s;
        QTest::addRow("operator to 4") << at(op, 3, u"RRR"_s) << scale(4) << QString();

        QTest::addRow("stop at RF 3") << at(sts, 3, u"RRR"_s) << stop(1) << QString();
        QTest::addRow("stop, no status yet") << at(sts, 3, u""_s) << stop(1) << QString(); // judged on the fresh one
        QTest::addRow("stop below RF 3")
            << at(sts, 1, u"RRR"_s) << stop(1)
            << u"refusing to stop a node with replication factor 1: ranges would become unavailable (needs RF >= 3)"_s;
        QTest::addRow("stop, no cluster") << at(none, 3, u""_s) << stop(1) << noCluster;
        QTest::addRow("stop node -1") << at(sts, 3, u"RRR"_s) << stop(-1) << u"no node -1"_s;
        QTest::addRow("stop, no such node")
            << at(sts, 3, u"RRR"_s) << stop(3) << u"not stopping crdb-3: no such node (the cluster has 3)"_s;
        QTest::addRow("stop, one down already")
            << at(sts, 3, u"RNR"_s) << stop(0)
            << u"not stopping crdb-0: only 2 of 3 nodes are ready; a second failure would make ranges unavailable"_s;

        QTest::addRow("kill at RF 3") << at(sts, 3, u"RRR"_s) << fault(Fault::Kill, 2) << QString();
        QTest::addRow("kill below RF 3")
            << at(sts, 2, u"RRR"_s) << fault(Fault::Kill, 2)
            << u"not killing crdb-2 with replication factor 2: ranges would become unavailable (needs RF >= 3)"_s;
        QTest::addRow("keep down, no cluster") << at(none, 3, u""_s) << fault(Fault::KeepDown, 1) << noCluster;
        QTest::addRow("pause while busy") << at(sts, 3, u"RRR"_s, {}, true) << fault(Fault::Pause, 1) << busy;
        QTest::addRow("fault node -1") << at(sts, 3, u"RRR"_s) << fault(Fault::Pause, -1) << u"no node -1"_s;
        QTest::addRow("fault on a faulted node")
            << at(sts, 3, u"RRR"_s, {{1, Fault::KeepDown}}) << fault(Fault::Kill, 1)
            << u"not killing crdb-1: it already has an active fault (keep down)"_s;
        QTest::addRow("fault on a node down") << at(sts, 3, u"RNR"_s) << fault(Fault::Pause, 1)
                                              << u"not pausing crdb-1: it is not ready (already down)"_s;
        QTest::addRow("second node down")
            << at(sts, 3, u"RNR"_s) << fault(Fault::Kill, 2)
            << u"not killing crdb-2: crdb-1 is already down; a second node down at replication factor 3 loses the "
               u"majority of ranges"_s;
        QTest::addRow("second node down, a missing pod") << at(sts, 3, u"RR"_s, {}, false,
            3) << fault(Fault::KeepDown, 0) << u"not keeping crdb-0 down: a missing pod is already down"_s;
        QTest::addRow("second node down, allowed") << at(sts, 3, u"RNR"_s) << fault(Fault::Kill, 2, true) << QString();
        QTest::addRow("RF 5 tolerates two") << at(sts, 5, u"RNRRR"_s) << fault(Fault::Kill, 2) << QString();
        QTest::addRow("RF 5, a third") << at(sts, 5, u"RNNRR"_s) << fault(Fault::Kill, 3)
                                       << u"not killing crdb-3: crdb-1, crdb-2 are already down"_s;

        QTest::addRow("operator stop fault") << at(op, 3, u"RRR"_s) << fault(Fault::Stop, 1) << QString();
        QTest::addRow("operator keep down") << at(op, 3, u"RRR"_s) << fault(Fault::KeepDown, 1)
                                            << u"not keeping crdb-1 down: on the operator's cluster the operator owns "
                                               u"the pod spec"_s;
        QTest::addRow("operator kill") << at(op, 3, u"RRR"_s) << fault(Fault::Kill, 1)
                                       << u"not killing crdb-1: on the operator's pods cockroach is PID 1"_s;
        QTest::addRow("operator pause, even allowed")
            << at(op, 3, u"RRR"_s) << fault(Fault::Pause, 1, true)
            << u"not pausing crdb-1: on the operator's pods cockroach is PID 1 of its PID namespace"_s;
        QTest::addRow("operator refusal before busy")
            << at(op, 3, u"RRR"_s, {}, true) << fault(Fault::Kill, 1) << u"not killing crdb-1: on the operator's"_s;

        QTest::addRow("start, fault unknown") << at(sts, 3, u"RRR"_s) << release(Fault::KeepDown, 1) << QString();
        QTest::addRow("start on the operator")
            << at(op, 3, u"RRR"_s) << release(Fault::KeepDown, 1)
            << u"nothing to start on crdb-1: keep_down is not done on the operator's cluster"_s;
        QTest::addRow("resume on the operator")
            << at(op, 3, u"RRR"_s) << release(Fault::Pause, 2)
            << u"nothing to resume on crdb-2: pause_node is not done on the operator's cluster"_s;
        QTest::addRow("resume, no cluster") << at(none, 3, u""_s) << release(Fault::Pause, 2) << noCluster;
        QTest::addRow("resume while busy") << at(sts, 3, u"RRR"_s, {}, true) << release(Fault::Pause, 2) << busy;
        QTest::addRow("resume node -1") << at(sts, 3, u"RRR"_s) << release(Fault::Pause, -1) << u"no node -1"_s;

        QTest::addRow("heal") << at(op, 3, u"RNR"_s) << Request {.action = Action::HealAll} << QString();
        QTest::addRow("heal, no cluster") << at(none, 3, u""_s) << Request {.action = Action::HealAll} << noCluster;
        QTest::addRow("heal while busy") << at(sts, 3, u"RRR"_s, {}, true) << Request {.action = Action::HealAll}
                                         << busy;
    }

    void refusal()
    {
        QFETCH(Situation, situation);
        QFETCH(Request, request);
        QFETCH(QString, expected);
        const QString why = kube::safety::refusal(situation, request);
        QVERIFY2(expected.isEmpty() ? why.isEmpty() : why.startsWith(expected), qPrintable(why));
    }

    // On the fresh status just before the signal: what changed since the request was accepted.
    void obstacle_data()
    {
        QTest::addColumn<Situation>("situation");
        QTest::addColumn<Request>("request");
        QTest::addColumn<QString>("expected");
        QTest::addRow("stop, all ready") << at(sts, 3, u"RRR"_s) << stop(1) << QString();
        QTest::addRow("stop, one went down")
            << at(sts, 3, u"NRR"_s) << stop(1) << u"not stopping crdb-1: only 2 of 3 nodes are ready"_s;
        QTest::addRow("stop, the pod went away") << at(sts, 3, u"RR"_s, {}, false, 3) << stop(2)
                                                 << u"not stopping crdb-2: no such node (the cluster has 3)"_s;
        QTest::addRow("stop, a fault came in") << at(sts, 3, u"RRR"_s,
            {{1, Fault::Pause}}) << stop(1) << u"not stopping crdb-1: it has an active fault (pause); heal it first"_s;
        QTest::addRow("kill, all ready") << at(sts, 3, u"RRR"_s) << fault(Fault::Kill, 0) << QString();
        QTest::addRow("kill, one went down")
            << at(sts, 3, u"RRN"_s) << fault(Fault::Kill, 0) << u"not killing crdb-0: crdb-2 is already down"_s;
        QTest::addRow("heal has none") << at(sts, 3, u"NNN"_s) << Request {.action = Action::HealAll} << QString();
    }

    void obstacle()
    {
        QFETCH(Situation, situation);
        QFETCH(Request, request);
        QFETCH(QString, expected);
        const QString why = kube::safety::obstacle(situation, request);
        QVERIFY2(expected.isEmpty() ? why.isEmpty() : why.startsWith(expected), qPrintable(why));
    }

    void faultRefusalPerKind_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<bool>("refused");
        for (Fault f : {Fault::Stop, Fault::KeepDown, Fault::Kill, Fault::Pause}) {
            const QByteArray name = QVariant::fromValue(f).toString().toLatin1();
            QTest::addRow("statefulset %s", name.constData()) << sts << f << false;
            QTest::addRow("operator %s", name.constData()) << op << f << (f != Fault::Stop);
            QTest::addRow("none %s", name.constData()) << none << f << true;
        }
    }

    void faultRefusalPerKind()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(Fault, fault);
        QFETCH(bool, refused);
        QCOMPARE(!kube::safety::faultRefusal(kind, fault, 1).isEmpty(), refused);
        QCOMPARE(kube::safety::hasCluster(kind), kind != none);
    }
};

QTEST_GUILESS_MAIN(TestSafetyRules)
#include "tst_safety_rules.moc"
