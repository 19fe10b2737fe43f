// The fast path to CockroachDB's view of each node: parsing the Cluster API v2 nodes answer and a
// pod's /_status/vars, and the client against stand-ins of three nodes' HTTP ports (real HTTP,
// real sockets): a node whose port stops answering is marked down at once.
#include "crdb_status_standin.h"

#include "sources/node_status_client.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

class TestNodeStatusClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseEveryLiveness_data();
    void parseEveryLiveness();
    void parseRejects_data();
    void parseRejects();
    void parseTheStandInsShape();
    void parseVars();
    void readinessSaysWhy_data();
    void readinessSaysWhy();
    void parseOutOfRange();
    void fastPathMarksANodeDown();
    void secureClusterNeedsASession();
};

void TestNodeStatusClient::parseEveryLiveness_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("known");
    // livenesspb.NodeLivenessStatus (pkg/kv/kvserver/liveness/livenesspb/liveness.proto).
    QTest::addRow("UNKNOWN") << u"0"_s << u"unknown"_s << true;
    QTest::addRow("DEAD") << u"1"_s << u"dead"_s << true;
    QTest::addRow("UNAVAILABLE") << u"2"_s << u"suspect"_s << true;
    QTest::addRow("LIVE") << u"3"_s << u"live"_s << true;
    QTest::addRow("DECOMMISSIONING") << u"4"_s << u"decommissioning"_s << true;
    QTest::addRow("DECOMMISSIONED") << u"5"_s << u"decommissioned"_s << true;
    QTest::addRow("DRAINING") << u"6"_s << u"draining"_s << true;
    QTest::addRow("STARTING") << u"7"_s << u"starting"_s << true;
    QTest::addRow("a value this build does not know") << u"42"_s << u"unknown"_s << false;
    QTest::addRow("missing") << QString() << u"unknown"_s << false;
    QTest::addRow("a string") << u"\"LIVE\""_s << u"unknown"_s << false;
}

void TestNodeStatusClient::parseEveryLiveness()
{
    QFETCH(QString, field);
    QFETCH(QString, name);
    QFETCH(bool, known);
    const QString liveness = field.isEmpty() ? QString() : u", \"liveness_status\": %1"_s.arg(field);
    const QByteArray json = uR"({"nodes": [{"node_id": 2, "address": {"network_field": "tcp",
        "address_field": "crdb-1.crdb.crdb-evolution.svc.cluster.local:26257"}, "started_at": 1700000000000000000%1}]})"_s
                                .arg(liveness)
                                .toUtf8();
    QString error;
    const auto nodes = parseNodesResponse(json, &error);
    QVERIFY2(nodes, qPrintable(error));
    QCOMPARE(nodes->size(), 1);
    QCOMPARE(nodes->at(0).nodeId, 2);
    QCOMPARE(nodes->at(0).address, u"crdb-1.crdb.crdb-evolution.svc.cluster.local:26257"_s);
    QCOMPARE(livenessName(nodes->at(0).liveness), name);
    QCOMPARE(nodes->at(0).livenessKnown, known);
    QCOMPARE(nodes->at(0).startedAtNs / 1000000000, 1700000000);
}

void TestNodeStatusClient::parseRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("why");
    QTest::addRow("bad JSON") << QByteArray("{\"nodes\": [") << u"not a CockroachDB nodes answer"_s;
    QTest::addRow("an array") << QByteArray("[]") << u"not a JSON object"_s;
    QTest::addRow("an HTML error page") << QByteArray("<html>502</html>") << u"not a CockroachDB nodes answer"_s;
    QTest::addRow("no nodes") << QByteArray("{\"next\": 3}") << u"no \"nodes\" array"_s;
    QTest::addRow("no node_id") << QByteArray(R"({"nodes": [{"address": {"address_field": "a:1"}}]})")
                                << u"nodes[0]: no node_id"_s;
    QTest::addRow("no address") << QByteArray(R"({"nodes": [{"node_id": 4, "liveness_status": 3}]})")
                                << u"nodes[0] (node 4): no address.address_field"_s;
}

void TestNodeStatusClient::parseRejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, why);
    QString error;
    QVERIFY(!parseNodesResponse(json, &error));
    QVERIFY2(error.contains(why), qPrintable(error));
}

void TestNodeStatusClient::parseTheStandInsShape()
{
    const QByteArray json
        = CrdbStatusStandIn::nodesJson({{1, u"crdb-0.crdb:26257"_s, 3, 1}, {2, u"crdb-1.crdb:26257"_s, 1, 1}});
    const auto nodes = parseNodesResponse(json);
    QVERIFY(nodes);
    QCOMPARE(nodes->size(), 2);
    QCOMPARE(nodes->at(1).liveness, CrdbLiveness::Dead);
    QCOMPARE(nodes->at(0).sqlAddress, u"crdb-0.crdb:26257"_s);
}

void TestNodeStatusClient::parseVars()
{
    const QByteArray text = "# HELP node_id node ID\n# TYPE node_id gauge\n"
                            "node_id{advertise_addr=\"crdb-2.crdb.ns.svc.cluster.local:26257\",http_addr=\"x\"} 3\n"
                            "ranges{store=\"3\"} 40\nranges{store=\"4\"} 2\n"
                            "ranges_underreplicated{store=\"3\"} 5\n"
                            "ranges_unavailable{store=\"3\"} 0\n"
                            "replicas{store=\"3\"} 71\nreplicas_leaseholders{store=\"3\"} 23 1700000000000\n"
                            "replicas_leaders{store=\"3\"} 999\nranges_overreplicated{store=\"3\"} 7\n"
                            "sys_uptime 125\nmalformed{store=\"3\" 4\n";
    const NodeVars v = parseStatusVars(text);
    QCOMPARE(v.nodeId, 3);
    QCOMPARE(v.advertiseAddress, u"crdb-2.crdb.ns.svc.cluster.local:26257"_s);
    QCOMPARE(v.ranges, 42.0); // summed over stores
    QCOMPARE(v.underReplicated, 5.0);
    QCOMPARE(v.unavailable, 0.0);
    QCOMPARE(v.replicas, 71.0);
    QCOMPARE(v.leaseholders, 23.0); // a timestamp after the value is not the value
    QCOMPARE(v.uptimeS, 125.0);
    const NodeVars empty = parseStatusVars("# nothing\n");
    QVERIFY(!empty.nodeId && !empty.ranges && !empty.underReplicated);
}

// Found by tests/fuzz.sh (fuzz_node_status, UBSan): a node id or a timestamp beyond its type's
// range. Converting such a double to an integer is undefined behaviour; they count as not given.
void TestNodeStatusClient::parseOutOfRange()
{
    QVERIFY(!parseStatusVars("node_id{advertise_addr=\"a:26257\"} 167380000000\n").nodeId);
    QVERIFY(!parseStatusVars("node_id{advertise_addr=\"a:26257\"} NaN\n").nodeId);
    QVERIFY(!parseStatusVars("node_id{advertise_addr=\"a:26257\"} -Inf\n").nodeId);
    QVERIFY(!parseStatusVars("node_id{advertise_addr=\"a:26257\"} 2.5\n").nodeId);
    QCOMPARE(parseStatusVars("node_id{advertise_addr=\"a:26257\"} 7\n").nodeId, 7);
    const auto nodes = parseNodesResponse(R"({"nodes":[{"node_id":1,"address":{"address_field":"a:26257"},
        "started_at":1e300,"updated_at":-1e300}]})");
    QVERIFY(nodes && nodes->size() == 1);
    QCOMPARE(nodes->at(0).startedAtNs, 0);
    QCOMPARE(nodes->at(0).updatedAtNs, 0);
}

void TestNodeStatusClient::fastPathMarksANodeDown()
{
    CrdbStatusStandIn n0, n1, n2;
    const QList<CrdbStatusStandIn::Node> cluster
        = {{1, u"crdb-0.crdb:26257"_s, 3, 1}, {2, u"crdb-1.crdb:26257"_s, 3, 1}, {3, u"crdb-2.crdb:26257"_s, 3, 1}};
    int id = 1;
    for (CrdbStatusStandIn *s : {&n0, &n1, &n2}) {
        QVERIFY(s->listen());
        s->setNodes(cluster);
        s->setVars(id, cluster[id - 1].address, 10, 30, 10, 0, 0, 60);
        ++id;
    }
    NodeStatusClient client;
    client.setIntervalMs(200);
    client.setVarsIntervalMs(200);
    client.setTimeoutMs(600);
    client.setEndpoints({{u"crdb-0"_s, n0.url()}, {u"crdb-1"_s, n1.url()}, {u"crdb-2"_s, n2.url()}});
    auto health = [&](int i) { return client.snapshot().endpoints.at(i).health; };
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(health(0) == NodeEndpoint::Health::Ready && health(1) == NodeEndpoint::Health::Ready
            && health(2) == NodeEndpoint::Health::Ready && client.snapshot().nodesAtMs > 0
            && client.snapshot().endpoints.at(2).varsAtMs > 0,
        5000);
    QCOMPARE(client.snapshot().nodes.size(), 3);
    QCOMPARE(client.snapshot().endpoints.at(2).vars.nodeId, 3);
    QVERIFY(client.isHealthy());

    // A killed process: the port refuses connections. CockroachDB would still list it live.
    QSignalSpy changes(&client, &NodeStatusClient::endpointHealthChanged);
    n2.setMode(CrdbStatusStandIn::Mode::Closed);
    QTRY_COMPARE_WITH_TIMEOUT(health(2), NodeEndpoint::Health::Unreachable, 3000);
    QVERIFY2(client.snapshot().endpoints.at(2).error.contains(u"refused"_s),
        qPrintable(client.snapshot().endpoints.at(2).error));
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.at(0).at(0).toString(), u"crdb-2"_s);
    QVERIFY(client.isHealthy()); // one node down is data, not the source failing

    // A paused process: connections are accepted and nothing answers.
    n1.setMode(CrdbStatusStandIn::Mode::Hung);
    QTRY_COMPARE_WITH_TIMEOUT(health(1), NodeEndpoint::Health::Unreachable, 3000);
    QVERIFY2(client.snapshot().endpoints.at(1).error.contains(u"no answer within"_s),
        qPrintable(client.snapshot().endpoints.at(1).error));
    // The nodes list keeps coming from the node that answers.
    const int before = n0.requestCount(u"/api/v2/nodes/"_s);
    QTRY_VERIFY_WITH_TIMEOUT(n0.requestCount(u"/api/v2/nodes/"_s) > before + 1, 3000);

    // Draining: it answers, but not ready.
    n0.setMode(CrdbStatusStandIn::Mode::NotReady);
    QTRY_COMPARE_WITH_TIMEOUT(health(0), NodeEndpoint::Health::NotReady, 3000);
    QVERIFY(client.snapshot().endpoints.at(0).error.contains(u"503"_s));
    // SIGTERM'd: the readiness answer says it drains, and the error keeps that sentence.
    n0.setMode(CrdbStatusStandIn::Mode::Draining);
    QTRY_COMPARE_WITH_TIMEOUT(
        classifyReadinessFailure(client.snapshot().endpoints.at(0).error), ReadinessFailure::Draining, 3000);
    QCOMPARE(health(0), NodeEndpoint::Health::NotReady);
    // Cannot prove its liveness: "node is not healthy"; the nodes list hangs, the last one stays.
    const qint64 listedAt = client.snapshot().nodesAtMs;
    n0.setMode(CrdbStatusStandIn::Mode::NotLive);
    QTRY_COMPARE_WITH_TIMEOUT(
        classifyReadinessFailure(client.snapshot().endpoints.at(0).error), ReadinessFailure::NotLive, 3000);
    QTest::qWait(1500);
    QVERIFY(client.snapshot().nodesAtMs <= listedAt + 1500);
    QCOMPARE(client.snapshot().nodes.size(), 3);

    // Every node back.
    for (CrdbStatusStandIn *s : {&n0, &n1, &n2}) {
        s->setMode(CrdbStatusStandIn::Mode::Serving);
    }
    QTRY_VERIFY_WITH_TIMEOUT(health(0) == NodeEndpoint::Health::Ready && health(1) == NodeEndpoint::Health::Ready
            && health(2) == NodeEndpoint::Health::Ready,
        5000);

    // All down: now the source itself is down.
    for (CrdbStatusStandIn *s : {&n0, &n1, &n2}) {
        s->setMode(CrdbStatusStandIn::Mode::Closed);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!client.isHealthy(), 5000);
    QVERIFY2(client.lastError().contains(u"no pod answers"_s), qPrintable(client.lastError()));
    client.stop();
}

// The sentence of a failed /health?ready=1 (pkg/server/admin.go, checkReadinessForHealthCheck),
// in the gateway's JSON or as plain text.
void TestNodeStatusClient::readinessSaysWhy_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("why");
    QTest::addRow("nothing") << QString() << int(ReadinessFailure::None);
    QTest::addRow("draining, JSON")
        << uR"(/health?ready=1 answered HTTP 503: {"error":"node is shutting down","code":14})"_s
        << int(ReadinessFailure::Draining);
    QTest::addRow("not live") << u"HTTP 503: node is not healthy"_s << int(ReadinessFailure::NotLive);
    QTest::addRow("no liveness record") << u"HTTP 503: liveness record not found"_s << int(ReadinessFailure::NotLive);
    QTest::addRow("SQL not ready") << u"HTTP 503: node is not accepting SQL clients"_s
                                   << int(ReadinessFailure::NotAcceptingSql);
    QTest::addRow("before init") << u"HTTP 503: node is waiting for cluster initialization"_s
                                 << int(ReadinessFailure::WaitingForInit);
    QTest::addRow("anything else") << u"HTTP 500: An internal server error has occurred"_s
                                   << int(ReadinessFailure::Other);
}

void TestNodeStatusClient::readinessSaysWhy()
{
    QFETCH(QString, text);
    QFETCH(int, why);
    QCOMPARE(int(classifyReadinessFailure(text)), why);
}

void TestNodeStatusClient::secureClusterNeedsASession()
{
    CrdbStatusStandIn node;
    QVERIFY(node.listen());
    node.setNodes({{1, u"crdb-0.crdb:26257"_s, 3, 1}});
    node.requireLogin(u"presenter"_s, u"s3cret&x"_s);
    NodeStatusClient client;
    client.setIntervalMs(200);
    client.setEndpoints({{u"crdb-0"_s, node.url()}});
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.snapshot().nodesError.contains(u"needs a session"_s), 3000);
    QCOMPARE(client.snapshot().nodesAtMs, 0);
    client.stop();

    NodeStatusClient wrong;
    wrong.setIntervalMs(200);
    wrong.setEndpoints({{u"crdb-0"_s, node.url()}});
    wrong.setCredentials(u"presenter"_s, u"nope"_s);
    wrong.start();
    QTRY_VERIFY_WITH_TIMEOUT(wrong.snapshot().nodesError.contains(u"login as presenter failed (HTTP 401)"_s), 3000);
    wrong.stop();

    NodeStatusClient logged;
    logged.setIntervalMs(200);
    logged.setEndpoints({{u"crdb-0"_s, node.url()}});
    logged.setCredentials(u"presenter"_s, u"s3cret&x"_s);
    logged.start();
    QTRY_VERIFY_WITH_TIMEOUT(logged.snapshot().nodesAtMs > 0, 3000);
    QCOMPARE(logged.snapshot().nodes.size(), 1);
    QVERIFY(node.requestCount(u"/api/v2/login/"_s) >= 1);
    logged.stop();
}

QTEST_GUILESS_MAIN(TestNodeStatusClient)
#include "tst_node_status_client.moc"
