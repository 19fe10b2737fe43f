#include "core/config.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void rejects_data();
    void rejects();
    void connectionLifetime_data();
    void connectionLifetime();
};

namespace {
QProcessEnvironment baseEnv()
{
    QProcessEnvironment env;
    env.insert(u"APP_DB_WRITER_URL"_s, u"postgresql://app_writer:pw1@db:26257/evolution?sslmode=verify-full"_s);
    env.insert(u"APP_DB_READER_URL"_s, u"host=db port=26257 user=app_reader password=pw2 dbname=evolution"_s);
    return env;
}
} // namespace

void TestConfig::defaults()
{
    QString error;
    const auto c = AppConfig::fromEnvironment(baseEnv(), &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->httpPort, 8080);
    QCOMPARE(c->maxRps, 1000.0);
    QCOMPARE(c->maxSeconds, 300.0);
    QCOMPARE(c->maxConcurrency, 64);
    QVERIFY(c->controlToken.isEmpty());
    QCOMPARE(c->dbMaxConnLifetimeS, 300);
    // Below k8s/app/deployment.yaml's terminationGracePeriodSeconds (20 s).
    QCOMPARE(c->shutdownDrainMs, 5000);
    QCOMPARE(c->shutdownTimeoutMs, 15000);
}

void TestConfig::rejects_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value"); // null = remove
    QTest::addRow("writer missing") << u"APP_DB_WRITER_URL"_s << QString();
    QTest::addRow("reader empty") << u"APP_DB_READER_URL"_s << u""_s;
    QTest::addRow("reader malformed") << u"APP_DB_READER_URL"_s << u"host=db port"_s;
    QTest::addRow("writer bad url") << u"APP_DB_WRITER_URL"_s << u"postgresql://u:pw1@db:notaport/x?sslmode=nope=x"_s;
    // libpq quotes a conninfo it cannot split whole (found by tests/fuzz.sh and tst_no_secrets).
    QTest::addRow("writer scheme typo") << u"APP_DB_WRITER_URL"_s << u"postgersql://u:pw1@db:26257/x"_s;
    QTest::addRow("reader bare user:password@host") << u"APP_DB_READER_URL"_s << u"u:pw2@db:26257"_s;
    QTest::addRow("port text") << u"APP_HTTP_PORT"_s << u"eighty"_s;
    QTest::addRow("port range") << u"APP_HTTP_PORT"_s << u"70000"_s;
    QTest::addRow("address") << u"APP_HTTP_ADDRESS"_s << u"localhost:80"_s;
    QTest::addRow("pool zero") << u"APP_WRITER_POOL_SIZE"_s << u"0"_s;
    QTest::addRow("max rps negative") << u"APP_MAX_RPS"_s << u"-1"_s;
    QTest::addRow("max rps nan") << u"APP_MAX_RPS"_s << u"nan"_s;
    QTest::addRow("max seconds inf") << u"APP_MAX_SECONDS"_s << u"inf"_s;
    QTest::addRow("concurrency") << u"APP_MAX_CONCURRENCY"_s << u"1e3"_s;
    QTest::addRow("token short") << u"APP_CONTROL_TOKEN"_s << u"abc"_s;
    QTest::addRow("tick") << u"APP_TICK_MS"_s << u"5"_s;
    QTest::addRow("log level") << u"APP_LOG_LEVEL"_s << u"loud"_s;
    QTest::addRow("lifetime negative") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"-1"_s;
    QTest::addRow("lifetime text") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"five minutes"_s;
    QTest::addRow("lifetime fraction") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"1.5"_s;
    QTest::addRow("lifetime unit") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"300s"_s;
    QTest::addRow("lifetime over a day") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u"86401"_s;
    QTest::addRow("drain negative") << u"APP_SHUTDOWN_DRAIN_MS"_s << u"-1"_s;
    QTest::addRow("drain not below the timeout") << u"APP_SHUTDOWN_DRAIN_MS"_s << u"15000"_s;
    QTest::addRow("shutdown timeout too short") << u"APP_SHUTDOWN_TIMEOUT_MS"_s << u"500"_s;
    QTest::addRow("lifetime empty") << u"APP_DB_MAX_CONN_LIFETIME_S"_s << u""_s;
}

void TestConfig::rejects()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QProcessEnvironment env = baseEnv();
    if (value.isNull()) {
        env.remove(name);
    } else {
        env.insert(name, value);
    }
    QString error;
    QVERIFY(!AppConfig::fromEnvironment(env, &error));
    QVERIFY2(error.contains(name), qPrintable(error)); // the message names the variable
    QVERIFY2(!error.contains(u"pw1"_s) && !error.contains(u"pw2"_s), qPrintable(error)); // never a password
}

void TestConfig::connectionLifetime_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("seconds");
    QTest::addRow("never") << u"0"_s << 0;
    QTest::addRow("one second") << u"1"_s << 1;
    QTest::addRow("ten minutes, spaces") << u" 600 "_s << 600;
    QTest::addRow("a day") << u"86400"_s << 86400;
}

void TestConfig::connectionLifetime()
{
    QFETCH(QString, value);
    QFETCH(int, seconds);
    QProcessEnvironment env = baseEnv();
    env.insert(u"APP_DB_MAX_CONN_LIFETIME_S"_s, value);
    QString error;
    const auto c = AppConfig::fromEnvironment(env, &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->dbMaxConnLifetimeS, seconds);
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
