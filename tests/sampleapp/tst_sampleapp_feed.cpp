// The timeline feed over a real QWebSocket from the real binary.
#include "log_check.h"
#include "pgkit/pg_connection.h"
#include "processes.h"
#include "test_env.h"

#include <libpq-fe.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;

class TestSampleAppFeed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helloTicksAndEvents();
    void readinessEventWhenReaderBreaks();
};

namespace {
struct FeedRecorder : QObject
{
    QList<QJsonObject> messages;
    QWebSocket socket;
    explicit FeedRecorder(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &m) { messages.append(QJsonDocument::fromJson(m.toUtf8()).object()); });
        socket.open(url);
    }
    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const auto &m : messages) {
            if (m.value(u"type").toString() == type) {
                out.append(m);
            }
        }
        return out;
    }
    // The first event of this kind, optionally with detail.ready == ready.
    std::optional<QJsonObject> event(const QString &kind, std::optional<bool> ready = std::nullopt) const
    {
        for (const auto &m : ofType(u"event"_s)) {
            if (m.value(u"kind").toString() == kind
                && (!ready || m.value(u"detail").toObject().value(u"ready").toBool() == *ready)) {
                return m;
            }
        }
        return std::nullopt;
    }
};
} // namespace

void TestSampleAppFeed::helloTicksAndEvents()
{
    testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(app.start(), app.output().constData());
    QUrl ws = app.url(u"/ws"_s);
    ws.setScheme(u"ws"_s);
    FeedRecorder feed(ws);
    QTRY_VERIFY_WITH_TIMEOUT(!feed.messages.isEmpty(), 5000);
    const QJsonObject hello = feed.messages.first();
    QCOMPARE(hello.value(u"type").toString(), u"hello"_s);
    QCOMPARE(hello.value(u"v").toInt(), 1);
    QCOMPARE(hello.value(u"tick_ms").toInt(), 200);
    QVERIFY(hello.value(u"load").toObject().contains(u"limits"));

    QCOMPARE(testenv::http("POST", app.url(u"/load/start"_s), R"({"rps":100})").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(feed.event(u"load_started"_s).has_value(), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(feed.ofType(u"tick"_s).size() >= 8, 5000);
    QCOMPARE(testenv::http("POST", app.url(u"/spike"_s), R"({"seconds":0.5,"rps":200})").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(feed.event(u"spike_ended"_s).has_value(), 5000);
    QVERIFY(feed.event(u"spike_started"_s).has_value());
    const QJsonObject ended = feed.event(u"spike_ended"_s)->value(u"detail").toObject();
    QVERIFY(ended.value(u"completed").toDouble() >= 95);
    QCOMPARE(testenv::http("POST", app.url(u"/load/stop"_s)).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(feed.event(u"load_stopped"_s).has_value(), 3000);

    // One client: it sees every message, so the numbers go up by exactly one (hello uses none).
    qint64 last = -1;
    for (const auto &m : feed.messages) {
        const auto seq = qint64(m.value(u"seq").toDouble());
        QVERIFY2(last < 0 || seq == last + 1, qPrintable(QStringLiteral("%1 after %2").arg(seq).arg(last)));
        last = seq;
        QVERIFY(m.value(u"ts_ms").toDouble() > 1.7e12);
    }
    double searchCount = 0;
    bool sawDb = false;
    for (const auto &t : feed.ofType(u"tick"_s)) {
        const auto search = t.value(u"routes").toObject().value(u"search").toObject();
        searchCount += search.value(u"count").toDouble();
        if (search.value(u"count").toDouble() > 0) {
            QVERIFY(search.value(u"p99_ms").isDouble());
            QVERIFY(search.value(u"rps").toDouble() > 0);
        }
        sawDb = sawDb || t.value(u"db").toObject().value(u"reader").toObject().value(u"count").toDouble() > 0;
        QVERIFY(t.value(u"load").toObject().contains(u"target_rps"));
    }
    QVERIFY2(searchCount > 50, qPrintable(QString::number(searchCount)));
    QVERIFY(sawDb);
    feed.socket.close();
    QCOMPARE(app.stop(), 0);
    VERIFY_LOG_CLEAN(app.output());
}

void TestSampleAppFeed::readinessEventWhenReaderBreaks()
{
    // A reader role of this test's own, so taking its login away touches no other test.
    pgkit::PgConnPtr admin = pgkit::openConnection(testenv::pgConninfo());
    auto exec = [&](const char *sql) {
        pgkit::PgResultPtr r(PQexec(admin.get(), sql));
        return PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK;
    };
    QVERIFY(exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tst_feed_reader') THEN "
                 "CREATE ROLE tst_feed_reader LOGIN; END IF; END $$"));
    QVERIFY(exec("ALTER ROLE tst_feed_reader LOGIN"));
    QVERIFY(exec("GRANT SELECT ON search_terms, login_events TO tst_feed_reader"));
    testenv::SampleAppProcess app(
        {{u"APP_DB_READER_URL"_s, QString::fromUtf8(testenv::pgConninfo(u"tst_feed_reader"_s))},
            {u"APP_TICK_MS"_s, u"200"_s}});
    QVERIFY2(app.start(), app.output().constData());
    QUrl ws = app.url(u"/ws"_s);
    ws.setScheme(u"ws"_s);
    FeedRecorder feed(ws);
    QTRY_VERIFY_WITH_TIMEOUT(
        !feed.ofType(u"tick"_s).isEmpty() && feed.ofType(u"tick"_s).last().value(u"ready").toBool(), 5000);

    // The reader's database path breaks: its role can no longer log in, its sessions are cut.
    QVERIFY(exec("ALTER ROLE tst_feed_reader NOLOGIN"));
    QVERIFY(exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tst_feed_reader'"));
    QTRY_VERIFY_WITH_TIMEOUT(feed.event(u"readiness_changed"_s, false).has_value(), 8000);
    const QJsonObject down = *feed.event(u"readiness_changed"_s, false);
    QVERIFY2(down.value(u"detail").toObject().value(u"reason").toString().startsWith(u"reader"_s),
        qPrintable(down.value(u"text").toString()));
    QCOMPARE(testenv::http("GET", app.url(u"/readyz"_s)).status, 503);

    // And heals.
    QVERIFY(exec("ALTER ROLE tst_feed_reader LOGIN"));
    QTRY_VERIFY_WITH_TIMEOUT(feed.ofType(u"tick"_s).last().value(u"ready").toBool(), 8000);
    QCOMPARE(testenv::http("GET", app.url(u"/readyz"_s)).status, 200);
    QCOMPARE(app.stop(), 0);
    // The reader's role losing its login is this test's fault: the readiness warning it causes, and
    // the non-blocking reader pool seeing its sessions cut, and nothing else.
    VERIFY_LOG_CLEAN(app.output(),
        {uR"(\[warning\] (still )?not ready: reader: reader: cannot connect: .*role "tst_feed_reader" is not permitted to log in)"_s,
            uR"(\[warning\] reader pool: connection lost: )"_s});
}

QTEST_GUILESS_MAIN(TestSampleAppFeed)
#include "tst_sampleapp_feed.moc"
