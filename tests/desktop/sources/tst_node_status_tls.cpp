// The presenter's HTTPS reads of a secure node's HTTP port (NodeStatusClient with the cluster's CA,
// setCaCertificateFile) against a stand-in serving real TLS (CrdbStatusStandIn::useTls, certificates
// made at test time by tests/fixtures/postgres-tls.sh certs): with the right CA it reads health and
// nodes and logs in; a certificate from another CA, a client trusting another CA, a certificate for
// another host and an expired one each leave the pod unreachable with the reason in words, on the
// endpoint and on the source's status, and nothing is read.
#include "crdb_status_standin.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "sources/node_status_client.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

class TestNodeStatusTls : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_certs;

    QString cert(const QString &name) const { return m_certs + u'/' + name; }

private Q_SLOTS:
    void initTestCase();
    void rightCaReadsNodes();
    void badCertificateIsUnreachableWithTheReason_data();
    void badCertificateIsUnreachableWithTheReason();
    void unreadableCaTrustsNothing();
    void sessionReadsNodesWithTheProfilesCa_data();
    void sessionReadsNodesWithTheProfilesCa();
};

void TestNodeStatusTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QProcess make;
    make.setProcessChannelMode(QProcess::ForwardedChannels);
    make.start(testenv::sourceDir() + u"/tests/fixtures/postgres-tls.sh"_s, {u"certs"_s, m_dir.path()});
    QVERIFY(make.waitForFinished(60000) && make.exitStatus() == QProcess::NormalExit && make.exitCode() == 0);
    m_certs = m_dir.filePath(u"certs"_s);
}

void TestNodeStatusTls::rightCaReadsNodes()
{
    CrdbStatusStandIn node;
    QVERIFY(node.useTls(cert(u"good.crt"_s), cert(u"server.key"_s)));
    QVERIFY(node.listen());
    QCOMPARE(node.url().scheme(), u"https"_s);
    node.setNodes({{1, u"crdb-0.crdb:26257"_s, 3, 1}});
    node.requireLogin(u"presenter"_s, u"s3cret"_s); // a secure cluster: the session goes over TLS too
    NodeStatusClient client;
    QString error;
    QVERIFY2(client.setCaCertificateFile(cert(u"ca.crt"_s), &error), qPrintable(error));
    client.setCredentials(u"presenter"_s, u"s3cret"_s);
    client.setIntervalMs(200);
    client.setEndpoints({{u"crdb-0"_s, node.url()}});
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(client.snapshot().nodesAtMs > 0, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(client.snapshot().endpoints.at(0).health, NodeEndpoint::Health::Ready, 5000);
    const NodeStatusSnapshot s = client.snapshot();
    QCOMPARE(s.nodes.size(), 1);
    QVERIFY(client.isHealthy());
    QCOMPARE(node.server().handshakesFailed(), 0);
    QVERIFY(node.requestCount(u"/api/v2/login/"_s) >= 1);
    client.stop();
}

void TestNodeStatusTls::badCertificateIsUnreachableWithTheReason_data()
{
    QTest::addColumn<QString>("serverCert");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("why");
    QTest::newRow("certificate from another CA")
        << u"wrong-ca-server.crt"_s << u"ca.crt"_s
        << u"(issued by crdb-evolution wrong CA) is not signed by the cluster's CA"_s;
    QTest::newRow("client trusts another CA")
        << u"good.crt"_s << u"wrong-ca.crt"_s << u"not signed by the cluster's CA"_s;
    QTest::newRow("certificate for another host") << u"other-host.crt"_s << u"ca.crt"_s << u"does not name 127.0.0.1"_s;
    QTest::newRow("expired certificate") << u"expired.crt"_s << u"ca.crt"_s
                                         << u"has expired (valid until 2021-01-01 00:00 UTC)"_s;
}

void TestNodeStatusTls::badCertificateIsUnreachableWithTheReason()
{
    QFETCH(QString, serverCert);
    QFETCH(QString, caFile);
    QFETCH(QString, why);
    CrdbStatusStandIn node;
    QVERIFY(node.useTls(cert(serverCert), cert(u"server.key"_s)));
    QVERIFY(node.listen());
    node.setNodes({{1, u"crdb-0.crdb:26257"_s, 3, 1}});
    NodeStatusClient client;
    QVERIFY(client.setCaCertificateFile(cert(caFile)));
    client.setIntervalMs(200);
    client.setEndpoints({{u"crdb-0"_s, node.url()}});
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(!client.isHealthy(), 5000);
    const NodeStatusSnapshot s = client.snapshot();
    const NodeEndpoint &e = s.endpoints.at(0);
    QCOMPARE(e.health, NodeEndpoint::Health::Unreachable);
    QVERIFY2(e.error.contains(why), qPrintable(e.error));
    QVERIFY2(client.lastError().contains(why), qPrintable(client.lastError()));
    QCOMPARE(s.nodesAtMs, 0); // nothing read from a server the client cannot trust
    QVERIFY(node.server().handshakesFailed() > 0);
    QCOMPARE(node.requestCount(u"/health"_s), 0);
    client.stop();
}

void TestNodeStatusTls::unreadableCaTrustsNothing()
{
    // Never the system's CAs instead: a CA file that holds nothing trusts nothing, and says which.
    CrdbStatusStandIn node;
    QVERIFY(node.useTls(cert(u"good.crt"_s), cert(u"server.key"_s)));
    QVERIFY(node.listen());
    NodeStatusClient client;
    QString error;
    QVERIFY(!client.setCaCertificateFile(m_dir.filePath(u"missing-ca.crt"_s), &error));
    QVERIFY2(error.startsWith(u"no certificate in "_s), qPrintable(error));
    client.setIntervalMs(200);
    client.setEndpoints({{u"crdb-0"_s, node.url()}});
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(!client.isHealthy(), 5000);
    const QString why = client.snapshot().endpoints.at(0).error;
    QVERIFY2(why.contains(u"missing-ca.crt: no certificate could be read from it"_s), qPrintable(why));
    client.stop();
}

void TestNodeStatusTls::sessionReadsNodesWithTheProfilesCa_data()
{
    QTest::addColumn<QString>("rootCert");
    QTest::addColumn<QString>("why"); // empty: the nodes are read
    QTest::newRow("the cluster's CA") << u"ca.crt"_s << QString();
    QTest::newRow("another CA") << u"wrong-ca.crt"_s << u"is not signed by the cluster's CA"_s;
}

void TestNodeStatusTls::sessionReadsNodesWithTheProfilesCa()
{
    // The presenter's own wiring: a profile whose SQL URL verifies the server (a secure cluster)
    // gives the session's node status client that CA and https node URLs.
    QFETCH(QString, rootCert);
    QFETCH(QString, why);
    CrdbStatusStandIn node;
    QVERIFY(node.useTls(cert(u"good.crt"_s), cert(u"server.key"_s)));
    QVERIFY(node.listen());
    node.setNodes({{1, u"crdb-0.crdb:26257"_s, 3, 1}});
    ConnectionProfile profile;
    QString error;
    profile = ConnectionProfile::fromJson(
        u"{\"sql_url\": \"postgresql://root@localhost:26257/evolution?sslmode=verify-full&sslrootcert=%1\", "
        "\"cluster_kind\": \"none\"}"_s.arg(cert(rootCert))
            .toUtf8(),
        &error, u"secure.json"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    profile.planPath = testenv::sourceDir() + u"/demo/plan.json"_s;
    PresenterSession session(profile);
    QCOMPARE(session.clusterView()->nodeUrlScheme(), u"https"_s);
    NodeStatusClient *client = session.nodeStatus();
    client->setIntervalMs(200);
    client->setEndpoints({{u"crdb-0"_s, node.url()}});
    client->start();
    if (why.isEmpty()) {
        QTRY_VERIFY_WITH_TIMEOUT(client->snapshot().nodesAtMs > 0, 5000);
        // The nodes list and the pod's readiness are two requests: either may answer first.
        QTRY_COMPARE_WITH_TIMEOUT(client->snapshot().endpoints.at(0).health, NodeEndpoint::Health::Ready, 5000);
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(!client->isHealthy(), 5000);
        const QString said = client->snapshot().endpoints.at(0).error;
        QVERIFY2(said.contains(why) && said.contains(cert(rootCert)), qPrintable(said));
    }
    client->stop();
}

QTEST_GUILESS_MAIN(TestNodeStatusTls)
#include "tst_node_status_tls.moc"
