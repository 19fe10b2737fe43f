#include "config/connection_profile.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

class TestConnectionProfile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &json)
    {
        return testenv::writeFile(m_dir.filePath(name), json);
    }

    bool parse(const QStringList &flags, ConnectionProfile *profile, QString *error)
    {
        QCommandLineParser parser;
        ConnectionProfile::addOptions(parser);
        if (!parser.parse(QStringList {u"presenter"_s} + flags)) {
            *error = parser.errorText();
            return false;
        }
        return profile->applyOptions(parser, error);
    }

private Q_SLOTS:
    void defaults()
    {
        const ConnectionProfile p;
        QString error;
        QVERIFY2(p.validate(&error), qPrintable(error));
        QCOMPARE(p.feedUrl(), QUrl(u"ws://127.0.0.1:8080/ws"_s));
        QCOMPARE(p.kubeNamespace, u"crdb-evolution"_s);
        QCOMPARE(p.clusterKind, ClusterKind::StatefulSet);
        QVERIFY(p.kubectlGlobalArgs().isEmpty());
    }

    // The profiles shipped in demo/profiles/ load and validate.
    void shippedProfiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("portForward");
        QTest::addColumn<ClusterKind>("kind");
        QTest::addRow("local") << u"local.json"_s << false << ClusterKind::None;
        QTest::addRow("kind") << u"kind.json"_s << true << ClusterKind::StatefulSet;
        QTest::addRow("operator") << u"operator.json"_s << true << ClusterKind::Operator;
    }
    void shippedProfiles()
    {
        QFETCH(QString, file);
        QFETCH(bool, portForward);
        QFETCH(ClusterKind, kind);
        QString error;
        const ConnectionProfile p
            = ConnectionProfile::fromJsonFile(testenv::sourceDir() + u"/demo/profiles/"_s + file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(p.portForward, portForward);
        QVERIFY(!p.sqlConninfo.isEmpty());
        // The local stack has no Kubernetes; the kind cluster runs the StatefulSet story; the
        // operator's profile drives a CrdbCluster (its SQL URL's TLS names: validate-manifests.mjs).
        QCOMPARE(p.clusterKind, kind);
    }

    // The cluster's CA for the node status reads over https: the SQL URL's sslrootcert, only when
    // that URL verifies the server (a secure cluster).
    void clusterCaFile_data()
    {
        QTest::addColumn<QString>("sqlUrl");
        QTest::addColumn<QString>("ca");
        QTest::addRow("verify-full URL") << u"postgresql://root@localhost:26257/evolution?sslmode=verify-full&"
                                            "sslrootcert=certs/ca.crt&sslcert=c.crt&sslkey=c.key"_s
                                         << u"certs/ca.crt"_s;
        QTest::addRow("verify-ca key=value")
            << u"host=localhost sslmode=verify-ca sslrootcert=/etc/ca.crt"_s << u"/etc/ca.crt"_s;
        QTest::addRow("insecure") << u"postgresql://root@localhost:26257/evolution?sslmode=disable"_s << QString();
        QTest::addRow("require: encrypted, not verified")
            << u"postgresql://root@localhost:26257/evolution?sslmode=require&sslrootcert=ca.crt"_s << QString();
        QTest::addRow("no SQL URL") << QString() << QString();
    }
    void clusterCaFile()
    {
        QFETCH(QString, sqlUrl);
        QFETCH(QString, ca);
        ConnectionProfile p;
        p.sqlConninfo = sqlUrl.toUtf8();
        QCOMPARE(p.clusterCaFile(), ca);
    }
    void operatorProfileReadsNodesWithItsCa()
    {
        QString error;
        const ConnectionProfile p
            = ConnectionProfile::fromJsonFile(testenv::sourceDir() + u"/demo/profiles/operator.json"_s, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(p.clusterCaFile(), u"certs/operator/ca.crt"_s);
    }

    void fileThenFlags()
    {
        const QString path = write(u"p.json"_s,
            "{\"sampleapp_url\": \"http://10.0.0.5:18080\", \"prometheus_url\": \"http://10.0.0.5:19090\",\n"
            "            \"sql_url\": \"postgresql://root@10.0.0.5:26257/evolution?sslmode=disable\", "
            "\"kube_context\": \"kind-demo\",\n"
            "            \"namespace\": \"demo\", \"cluster_kind\": \"operator\", \"replication_factor\": 3, "
            "\"port_forward\": true,\n"
            "            \"control_token\": \"s3cret\", \"plan\": \"plans/x.json\"}");
        ConnectionProfile p;
        QString error;
        QVERIFY2(
            parse({u"--profile"_s, path, u"--namespace"_s, u"other"_s, u"--replication-factor"_s, u"5"_s}, &p, &error),
            qPrintable(error));
        QCOMPARE(p.sampleAppUrl, QUrl(u"http://10.0.0.5:18080"_s));
        QCOMPARE(p.feedUrl(), QUrl(u"ws://10.0.0.5:18080/ws"_s));
        QCOMPARE(p.prometheusUrl, QUrl(u"http://10.0.0.5:19090"_s));
        QCOMPARE(p.sqlConninfo, QByteArray("postgresql://root@10.0.0.5:26257/evolution?sslmode=disable"));
        QCOMPARE(p.kubectlGlobalArgs(), (QStringList {u"--context"_s, u"kind-demo"_s}));
        QCOMPARE(p.kubeNamespace, u"other"_s); // the flag wins
        QCOMPARE(p.clusterKind, ClusterKind::Operator);
        QCOMPARE(p.replicationFactor, 5);
        QVERIFY(p.portForward);
        QCOMPARE(p.controlToken, u"s3cret"_s);
        QCOMPARE(p.planPath, u"plans/x.json"_s);
    }

    void flagsOnly()
    {
        ConnectionProfile p;
        QString error;
        QVERIFY2(parse({u"--sampleapp-url"_s, u"https://demo.example:8443"_s, u"--cluster-kind"_s, u"operator"_s,
                           u"--sql-url"_s, u"host=127.0.0.1 port=5432 user=postgres"_s, u"--port-forward"_s},
                     &p, &error),
            qPrintable(error));
        QCOMPARE(p.feedUrl(), QUrl(u"wss://demo.example:8443/ws"_s));
        QCOMPARE(p.clusterKind, ClusterKind::Operator);
        QVERIFY(p.portForward);
    }

    void badFlags_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("url scheme") << QStringList {u"--sampleapp-url"_s, u"ftp://x"_s} << u"--sampleapp-url"_s;
        QTest::addRow("url no host") << QStringList {u"--prometheus-url"_s, u"http://"_s} << u"--prometheus-url"_s;
        QTest::addRow("kind") << QStringList {u"--cluster-kind"_s, u"helm"_s} << u"--cluster-kind"_s;
        QTest::addRow("rf text") << QStringList {u"--replication-factor"_s, u"three"_s} << u"--replication-factor"_s;
        QTest::addRow("rf zero") << QStringList {u"--replication-factor"_s, u"0"_s} << u"--replication-factor"_s;
        QTest::addRow("sql url") << QStringList {u"--sql-url"_s, u"host=x port"_s} << u"--sql-url"_s;
        QTest::addRow("empty namespace") << QStringList {u"--namespace"_s, QString()} << u"--namespace"_s;
        QTest::addRow("missing profile") << QStringList {u"--profile"_s, u"/nonexistent/p.json"_s} << u"--profile"_s;
    }
    void badFlags()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, mentions);
        ConnectionProfile p;
        QString error;
        QVERIFY(!parse(flags, &p, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("not json") << QByteArray("{ nope") << u"not a JSON object"_s;
        QTest::addRow("unknown field") << QByteArray("{\"prometheus\": \"http://x:9090\"}")
                                       << u"unknown field 'prometheus'"_s;
        QTest::addRow("url type") << QByteArray("{\"sampleapp_url\": 8080}")
                                  << u"field sampleapp_url must be a string"_s;
        QTest::addRow("kind") << QByteArray("{\"cluster_kind\": \"StatefulSet\"}") << u"field cluster_kind"_s;
        QTest::addRow("rf type") << QByteArray("{\"replication_factor\": \"3\"}")
                                 << u"field replication_factor must be an integer"_s;
        QTest::addRow("rf range") << QByteArray("{\"replication_factor\": 12}") << u"replication_factor"_s;
        QTest::addRow("rf 2, which CockroachDB refuses")
            << QByteArray("{\"replication_factor\": 2}") << u"refuses two voting copies"_s;
        QTest::addRow("port_forward type") << QByteArray("{\"port_forward\": \"yes\"}") << u"field port_forward"_s;
        QTest::addRow("bad url") << QByteArray("{\"prometheus_url\": \"localhost:9090\"}") << u"prometheus_url"_s;
    }
    void badFiles()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        ConnectionProfile::fromJson(json, &error, u"t.json"_s);
        QVERIFY2(error.contains(mentions), qPrintable(error));
        QVERIFY2(error.contains(u"t.json"_s), qPrintable(error));
    }

    // Found by tests/fuzz.sh (fuzz_connection_profile): errors are shown and logged, so they never
    // repeat a password, even when the URL around it is wrong (libpq quotes a conninfo it cannot
    // split into key=value pairs whole; QUrl::toString() keeps the password).
    void errorsNeverRepeatAPassword_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("sql_url, mistyped scheme")
            << QByteArray("{\"sql_url\":\"opstgresql://root:sql-pass@127.0.0.1:26257/defaultdb?sslmode=disable\"}")
            << u"sql_url"_s;
        QTest::addRow("sql_url, no scheme")
            << QByteArray("{\"sql_url\":\"root:sql-pass@127.0.0.1:26257\"}") << u"sql_url"_s;
        QTest::addRow("sql_url, key=value")
            << QByteArray("{\"sql_url\":\"host=h password=sql-pass port\"}") << u"sql_url"_s;
        QTest::addRow("grafana_url, not http")
            << QByteArray("{\"grafana_url\":\"ftp://admin:grafana-pass@127.0.0.1:3000\"}") << u"grafana_url"_s;
        QTest::addRow("grafana_url, a typo puts the password in the path")
            << QByteArray("{\"grafana_url\":\"http:p://admin:grafana-pass@127.0.0.1:3000\"}") << u"grafana_url"_s;
        QTest::addRow("grafana_url, '=' before the user")
            << QByteArray("{\"grafana_url\":\"http:p://=admin:grafana-pass@127.0.0.1:3000\"}") << u"grafana_url"_s;
        QTest::addRow("grafana_url, '@' in the password")
            << QByteArray("{\"grafana_url\":\"ftp://admin:grafana-pass@word@127.0.0.1:3000\"}") << u"grafana_url"_s;
        QTest::addRow("grafana_url, '#' or '?' starts the password")
            << QByteArray("{\"grafana_url\":\"htxp://admin:#grafana-pass@127.0.0.1:3000\"}") << u"grafana_url"_s;
        QTest::addRow("sampleapp_url, '?' starts the password")
            << QByteArray("{\"sampleapp_url\":\"htxp://admin:?app-pass@127.0.0.1:8080\"}") << u"sampleapp_url"_s;
        QTest::addRow("sampleapp_url, no host")
            << QByteArray("{\"sampleapp_url\":\"http://admin:app-pass@/x\"}") << u"sampleapp_url"_s;
    }
    void errorsNeverRepeatAPassword()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        ConnectionProfile::fromJson(json, &error, u"t.json"_s);
        QVERIFY2(error.contains(mentions), qPrintable(error));
        QVERIFY2(!error.contains(u"-pass"_s), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestConnectionProfile)
#include "tst_connection_profile.moc"
