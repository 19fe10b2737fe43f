// The node grid's rows: pods joined with CockroachDB's view by node id and address, never by name
// alone; what the audience reads when a node stops answering; the summary numbers; the majority rule.
#include "model/node_view.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
constexpr qint64 kNow = 1'700'000'100'000;

ClusterDriver::PodStatus pod(const QString &name, bool ready = true)
{
    return {name, u"Running"_s, ready, 0};
}

CrdbNode node(int id, const QString &host, CrdbLiveness liveness = CrdbLiveness::Live)
{
    CrdbNode n;
    n.nodeId = id;
    n.address = host + u":26257"_s;
    n.liveness = liveness;
    n.livenessKnown = true;
    n.startedAtNs = (kNow - 90'000) * 1'000'000;
    return n;
}

NodeEndpoint endpoint(const QString &pod, NodeEndpoint::Health health, std::optional<int> selfId = std::nullopt,
    double under = 0, double unavailable = 0)
{
    NodeEndpoint e;
    e.pod = pod;
    e.health = health;
    e.sinceMs = kNow - 3000;
    e.error = health == NodeEndpoint::Health::Unreachable ? u"connection refused (the process is not running)"_s
                                                          : QString();
    e.vars.nodeId = selfId;
    e.vars.ranges = 20;
    e.vars.replicas = 60;
    e.vars.leaseholders = 20;
    e.vars.underReplicated = under;
    e.vars.unavailable = unavailable;
    e.varsAtMs = kNow - 1000;
    return e;
}

const QString kNs = u".crdb.crdb-evolution.svc.cluster.local"_s;
} // namespace

class TestNodeView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void addressNamesPod_data();
    void addressNamesPod();
    void matchesByNodeIdAndAddress();
    void matchesByAddressWhenThePodSaysNothing();
    void aNodeIdWhoseAddressNamesAnotherPodIsAMismatch();
    void nodesWithoutPodsGetTheirOwnRow();
    void aNodeThatStopsAnsweringIsDownBeforeLivenessExpires();
    void runningIsToldFromDown_data();
    void runningIsToldFromDown();
    void losingTheMajorityShowsNoLiveNode();
    void livenessDecidesForAnAnsweringNode_data();
    void livenessDecidesForAnAnsweringNode();
    void summarySumsFreshGaugesOnly();
    void losesMajority_data();
    void losesMajority();
};

void TestNodeView::addressNamesPod_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("pod");
    QTest::addColumn<bool>("names");
    QTest::addRow("StatefulSet FQDN") << u"crdb-2.crdb.crdb-evolution.svc.cluster.local:26257"_s << u"crdb-2"_s << true;
    QTest::addRow("short name") << u"crdb-2:26257"_s << u"crdb-2"_s << true;
    QTest::addRow("another pod") << u"crdb-1.crdb.crdb-evolution.svc.cluster.local:26257"_s << u"crdb-2"_s << false;
    QTest::addRow("a prefix is not a name") << u"crdb-20.crdb:26257"_s << u"crdb-2"_s << false;
    QTest::addRow("name inside the domain") << u"x.crdb-2.svc:26257"_s << u"crdb-2"_s << false;
    QTest::addRow("an IP") << u"10.244.0.7:26257"_s << u"crdb-2"_s << false;
    QTest::addRow("IPv6") << u"[fd00::7]:26257"_s << u"crdb-2"_s << false;
}

void TestNodeView::addressNamesPod()
{
    QFETCH(QString, address);
    QFETCH(QString, pod);
    QFETCH(bool, names);
    QCOMPARE(nodeview::addressNamesPod(address, pod), names);
}

void TestNodeView::matchesByNodeIdAndAddress()
{
    // Node ids are not ordinals: crdb-0 may well be node 3 after a re-init.
    NodeStatusSnapshot s;
    s.nodes = {node(3, u"crdb-0"_s + kNs), node(1, u"crdb-1"_s + kNs), node(2, u"crdb-2"_s + kNs)};
    s.nodesAtMs = kNow;
    s.endpoints = {endpoint(u"crdb-0"_s, NodeEndpoint::Health::Ready, 3),
        endpoint(u"crdb-1"_s, NodeEndpoint::Health::Ready, 1), endpoint(u"crdb-2"_s, NodeEndpoint::Health::Ready, 2)};
    const auto rows = nodeview::buildRows({pod(u"crdb-0"_s), pod(u"crdb-1"_s), pod(u"crdb-2"_s)}, s, kNow);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].nodeId, 3);
    QCOMPARE(rows[0].matchedBy, u"node id and address"_s);
    QCOMPARE(rows[2].nodeId, 2);
    QCOMPARE(rows[2].address, u"crdb-2"_s + kNs + u":26257"_s);
    QCOMPARE(rows[2].state, NodeRow::State::Up);
    QCOMPARE(rows[2].stateText, u"live"_s);
    QCOMPARE(rows[2].ranges, 20.0);
    QCOMPARE(rows[2].uptimeS, 90);
}

void TestNodeView::matchesByAddressWhenThePodSaysNothing()
{
    NodeStatusSnapshot s;
    s.nodes = {node(7, u"crdb-1"_s + kNs)};
    s.nodesAtMs = kNow;
    s.endpoints = {endpoint(u"crdb-1"_s, NodeEndpoint::Health::Ready)};
    const auto rows = nodeview::buildRows({pod(u"crdb-1"_s)}, s, kNow);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].nodeId, 7);
    QCOMPARE(rows[0].matchedBy, u"address"_s);
}

void TestNodeView::aNodeIdWhoseAddressNamesAnotherPodIsAMismatch()
{
    NodeStatusSnapshot s;
    s.nodes = {node(1, u"crdb-0"_s + kNs), node(2, u"crdb-1"_s + kNs)};
    s.nodesAtMs = kNow;
    // crdb-1's port answers as node 1: a port-forward pointing at the wrong pod, say.
    s.endpoints = {endpoint(u"crdb-1"_s, NodeEndpoint::Health::Ready, 1)};
    const auto rows = nodeview::buildRows({pod(u"crdb-1"_s)}, s, kNow);
    QCOMPARE(rows[0].nodeId, std::nullopt);
    QVERIFY2(rows[0].mismatch.contains(u"crdb-1 says it is node 1, but CockroachDB lists node 1 at crdb-0"_s),
        qPrintable(rows[0].mismatch));
    QCOMPARE(rows.size(), 3); // both CockroachDB nodes stay visible
}

void TestNodeView::nodesWithoutPodsGetTheirOwnRow()
{
    NodeStatusSnapshot s;
    s.nodes = {node(4, u"crdb-3"_s + kNs, CrdbLiveness::Dead), node(1, u"crdb-0"_s + kNs)};
    s.nodesAtMs = kNow;
    s.endpoints = {endpoint(u"crdb-0"_s, NodeEndpoint::Health::Ready, 1)};
    const auto rows = nodeview::buildRows({pod(u"crdb-0"_s)}, s, kNow);
    QCOMPARE(rows.size(), 2);
    QVERIFY(!rows[1].hasPod);
    QCOMPARE(rows[1].nodeId, 4);
    QCOMPARE(rows[1].state, NodeRow::State::Down);
    QCOMPARE(rows[1].stateText, u"dead"_s);
}

void TestNodeView::aNodeThatStopsAnsweringIsDownBeforeLivenessExpires()
{
    NodeStatusSnapshot s;
    s.nodes = {node(3, u"crdb-2"_s + kNs, CrdbLiveness::Live)};
    s.nodesAtMs = kNow;
    s.endpoints = {endpoint(u"crdb-2"_s, NodeEndpoint::Health::Unreachable, 3, 0)};
    const auto rows = nodeview::buildRows({pod(u"crdb-2"_s, true)}, s, kNow);
    QCOMPARE(rows[0].state, NodeRow::State::Down);
    QCOMPARE(rows[0].stateText,
        u"DOWN: connection refused (the process is not running) (3 s); CockroachDB still says live (liveness not "
        u"expired yet)"_s);
    // Its last gauges are stale: not shown, not summed.
    QCOMPARE(rows[0].ranges, std::nullopt);
    QCOMPARE(rows[0].uptimeS, std::nullopt);
    QCOMPARE(rows[0].nodeId, 3); // still matched by its last word and the address
}

// What a tile says when a node does not serve: the process answering at all (any HTTP status) is
// what tells "running" from "down", and the readiness answer's sentence (CockroachDB's
// checkReadinessForHealthCheck, pkg/server/admin.go) tells draining from "cannot prove its
// liveness". Bodies as the stand-in and CockroachDB's gateway send them.
void TestNodeView::runningIsToldFromDown_data()
{
    QTest::addColumn<int>("health");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("liveness");
    QTest::addColumn<qint64>("nodesAgeMs");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("shortState");
    QTest::addColumn<QString>("textHas");
    const int notReady = int(NodeEndpoint::Health::NotReady);
    const int unreachable = int(NodeEndpoint::Health::Unreachable);
    const QString draining503
        = uR"(/health?ready=1 answered HTTP 503: {"error":"node is shutting down","code":14,"message":"node is shutting down","details":[]})"_s;
    const QString notHealthy503
        = uR"(/health?ready=1 answered HTTP 503: {"error":"node is not healthy","code":14,"message":"node is not healthy","details":[]})"_s;
    const QString noSql503 = u"/health?ready=1 answered HTTP 503: node is not accepting SQL clients"_s;
    QTest::addRow("SIGTERM'd, inside initial_wait: draining, still live")
        << notReady << draining503 << 3 << qint64(0) << int(NodeRow::State::Draining) << u"draining · 3 s"_s
        << u"CockroachDB still says live"_s;
    QTest::addRow("draining leases: liveness says draining")
        << notReady << draining503 << 6 << qint64(0) << int(NodeRow::State::Draining) << u"draining · 3 s"_s
        << u"DRAINING: the process runs and still serves SQL"_s;
    QTest::addRow("majority lost: not healthy, node list stale")
        << notReady << notHealthy503 << 3 << qint64(30'000) << int(NodeRow::State::NotLive)
        << u"running · not live · 3 s"_s << u"CockroachDB said live 30 s ago (no node can list the nodes now)"_s;
    QTest::addRow("not healthy, fresh list says suspect")
        << notReady << notHealthy503 << 2 << qint64(0) << int(NodeRow::State::NotLive) << u"running · not live · 3 s"_s
        << u"cannot prove its liveness"_s;
    QTest::addRow("not ready, CockroachDB says suspect")
        << notReady << noSql503 << 2 << qint64(0) << int(NodeRow::State::NotLive) << u"running · not live · 3 s"_s
        << u"CockroachDB says suspect"_s;
    QTest::addRow("starting: not ready, live")
        << notReady << noSql503 << 3 << qint64(0) << int(NodeRow::State::NotReady) << u"not ready"_s
        << u"CockroachDB says live"_s;
    QTest::addRow("process down: refused")
        << unreachable << u"connection refused (the process is not running)"_s << 3 << qint64(0)
        << int(NodeRow::State::Down) << u"DOWN: refused · 3 s"_s << u"still says live"_s;
    QTest::addRow("process down through a port-forward: closed")
        << unreachable << u"Connection closed"_s << 2 << qint64(0) << int(NodeRow::State::Down) << u"DOWN · 3 s"_s
        << u"CockroachDB says suspect"_s;
    QTest::addRow("process down, no node can list the nodes")
        << unreachable << u"connection refused (the process is not running)"_s << 3 << qint64(40'000)
        << int(NodeRow::State::Down) << u"DOWN: refused · 3 s"_s
        << u"CockroachDB said live 40 s ago (no node can list the nodes now)"_s;
    QTest::addRow("paused: no answer") << unreachable << u"no answer within 1000 ms (a paused or hung process)"_s << 3
                                       << qint64(0) << int(NodeRow::State::Down) << u"DOWN: no answer · 3 s"_s
                                       << u"still says live"_s;
}

void TestNodeView::runningIsToldFromDown()
{
    QFETCH(int, health);
    QFETCH(QString, error);
    QFETCH(int, liveness);
    QFETCH(qint64, nodesAgeMs);
    QFETCH(int, state);
    QFETCH(QString, shortState);
    QFETCH(QString, textHas);
    NodeStatusSnapshot s;
    s.nodes = {node(3, u"crdb-2"_s + kNs, static_cast<CrdbLiveness>(liveness))};
    s.nodesAtMs = kNow - nodesAgeMs;
    NodeEndpoint e = endpoint(u"crdb-2"_s, static_cast<NodeEndpoint::Health>(health), 3);
    e.error = error;
    s.endpoints = {e};
    const auto rows = nodeview::buildRows({pod(u"crdb-2"_s, false)}, s, kNow);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(int(rows[0].state), state);
    QCOMPARE(rows[0].shortState, shortState);
    QVERIFY2(rows[0].stateText.contains(textHas), qPrintable(rows[0].stateText));
    QCOMPARE(rows[0].livenessStale, nodesAgeMs > nodeview::kNodesStaleMs);
}

// Two of three nodes kept down: the survivor's process answers, says "node is not healthy", and
// its node list is the last one read. No node is live, and no range gauge is read: the summary
// shows unknown, never a reassuring 0 (nobody counts a range then:
// github.com/cockroachdb/cockroach/issues/19644).
void TestNodeView::losingTheMajorityShowsNoLiveNode()
{
    NodeStatusSnapshot s;
    s.nodes = {node(1, u"crdb-0"_s + kNs), node(2, u"crdb-1"_s + kNs), node(3, u"crdb-2"_s + kNs)};
    s.nodesAtMs = kNow - 40'000;
    NodeEndpoint survivor = endpoint(u"crdb-0"_s, NodeEndpoint::Health::NotReady, 1, 0, 0);
    survivor.error = uR"(/health?ready=1 answered HTTP 503: {"error":"node is not healthy","code":14})"_s;
    s.endpoints = {survivor, endpoint(u"crdb-1"_s, NodeEndpoint::Health::Unreachable, 2),
        endpoint(u"crdb-2"_s, NodeEndpoint::Health::Unreachable, 3)};
    const auto rows
        = nodeview::buildRows({pod(u"crdb-0"_s, false), pod(u"crdb-1"_s, false), pod(u"crdb-2"_s, false)}, s, kNow);
    QCOMPARE(rows[0].state, NodeRow::State::NotLive);
    QCOMPARE(rows[1].state, NodeRow::State::Down);
    QCOMPARE(rows[2].state, NodeRow::State::Down);
    const ClusterSummary sum = nodeview::summarize(rows, s);
    QCOMPARE(sum.liveNodes, 0);
    QCOMPARE(sum.nodes, 3);
    QCOMPARE(sum.reporting, 0);
    QCOMPARE(sum.unavailableRanges, std::nullopt);
    QCOMPARE(sum.underReplicatedRanges, std::nullopt);
}

void TestNodeView::livenessDecidesForAnAnsweringNode_data()
{
    QTest::addColumn<int>("liveness");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("text");
    QTest::addRow("live") << 3 << int(NodeRow::State::Up) << u"live"_s;
    QTest::addRow("suspect") << 2 << int(NodeRow::State::Suspect) << u"suspect"_s;
    QTest::addRow("draining") << 6 << int(NodeRow::State::Suspect) << u"draining"_s;
    QTest::addRow("decommissioning") << 4 << int(NodeRow::State::Suspect) << u"decommissioning"_s;
    QTest::addRow("dead") << 1 << int(NodeRow::State::Down) << u"dead"_s;
    QTest::addRow("decommissioned") << 5 << int(NodeRow::State::Down) << u"decommissioned"_s;
    QTest::addRow("starting") << 7 << int(NodeRow::State::NotReady) << u"starting"_s;
    QTest::addRow("unknown") << 0 << int(NodeRow::State::NotReady) << u"unknown"_s;
}

void TestNodeView::livenessDecidesForAnAnsweringNode()
{
    QFETCH(int, liveness);
    QFETCH(int, state);
    QFETCH(QString, text);
    NodeStatusSnapshot s;
    s.nodes = {node(1, u"crdb-0"_s + kNs, static_cast<CrdbLiveness>(liveness))};
    s.nodesAtMs = kNow;
    s.endpoints = {endpoint(u"crdb-0"_s, NodeEndpoint::Health::Ready, 1)};
    const auto rows = nodeview::buildRows({pod(u"crdb-0"_s)}, s, kNow);
    QCOMPARE(int(rows[0].state), state);
    QCOMPARE(rows[0].stateText, text);
}

void TestNodeView::summarySumsFreshGaugesOnly()
{
    NodeStatusSnapshot s;
    s.nodes = {node(1, u"crdb-0"_s + kNs), node(2, u"crdb-1"_s + kNs), node(3, u"crdb-2"_s + kNs)};
    s.nodesAtMs = kNow;
    NodeEndpoint stale = endpoint(u"crdb-1"_s, NodeEndpoint::Health::Ready, 2, 100, 100);
    stale.varsAtMs = kNow - nodeview::kVarsStaleMs - 1;
    s.endpoints = {endpoint(u"crdb-0"_s, NodeEndpoint::Health::Ready, 1, 12, 1), stale,
        endpoint(u"crdb-2"_s, NodeEndpoint::Health::Unreachable, 3, 50, 50)};
    const auto rows = nodeview::buildRows({pod(u"crdb-0"_s), pod(u"crdb-1"_s), pod(u"crdb-2"_s)}, s, kNow);
    const ClusterSummary sum = nodeview::summarize(rows, s);
    QCOMPARE(sum.nodes, 3);
    QCOMPARE(sum.liveNodes, 2);
    QCOMPARE(sum.reporting, 1);
    QCOMPARE(sum.underReplicatedRanges, 12.0);
    QCOMPARE(sum.unavailableRanges, 1.0);
    QVERIFY(sum.clusterViewKnown);
    const ClusterSummary none = nodeview::summarize({}, {});
    QCOMPARE(none.underReplicatedRanges, std::nullopt); // unknown, never a reassuring 0
}

void TestNodeView::losesMajority_data()
{
    QTest::addColumn<int>("rf");
    QTest::addColumn<int>("down");
    QTest::addColumn<bool>("loses");
    QTest::addRow("RF 3, first node") << 3 << 0 << false;
    QTest::addRow("RF 3, second node") << 3 << 1 << true;
    QTest::addRow("RF 5, second node") << 5 << 1 << false;
    QTest::addRow("RF 5, third node") << 5 << 2 << true;
    QTest::addRow("RF 1, any node") << 1 << 0 << true;
}

void TestNodeView::losesMajority()
{
    QFETCH(int, rf);
    QFETCH(int, down);
    QFETCH(bool, loses);
    QCOMPARE(nodeview::losesMajority(rf, down), loses);
}

QTEST_GUILESS_MAIN(TestNodeView)
#include "tst_node_view.moc"
