#include "sources/feed_client.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>

#include "processes.h"
#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

// FeedClient against the real sample app binary (PostgreSQL fixture behind it).
class TestFeedClient : public QObject
{
    Q_OBJECT

    static QUrl wsUrl(const testenv::SampleAppProcess &app) { return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(app.port())); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!testenv::sampleappBinary().isEmpty(), "SAMPLEAPP_BIN not set: the sampleapp target is not built");
    }

    void helloTicksEventAndLatency()
    {
        testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
        QVERIFY2(app.start(), app.output().constData());

        FeedClient client;
        QSignalSpy hellos(&client, &FeedClient::helloReceived);
        QSignalSpy ticks(&client, &FeedClient::tickReceived);
        QSignalSpy events(&client, &FeedClient::eventReceived);
        QSignalSpy gaps(&client, &FeedClient::gap);
        QSignalSpy latencies(&client, &FeedClient::messageLatency);
        QSignalSpy malformed(&client, &FeedClient::malformedMessage);
        client.setUrl(wsUrl(app));
        client.start();
        QVERIFY(client.isRunning());

        QTRY_COMPARE_WITH_TIMEOUT(hellos.size(), 1, 10000);
        const QJsonObject hello = hellos.at(0).at(0).toJsonObject();
        QCOMPARE(hello.value("v"_L1).toInt(), 1);
        // (dialect may still be "unknown" right after start: the app detects it on its first query)
        QVERIFY(parseHello(hello));
        QCOMPARE(hello.value("tick_ms"_L1).toInt(), 200);

        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= 3, 10000);
        qint64 previousSeq = -1;
        for (const auto &args : std::as_const(ticks)) {
            const auto tick = args.at(0).value<FeedTick>();
            // interval_ms is the measured length of the interval, around tick_ms.
            QVERIFY2(tick.intervalMs >= 150 && tick.intervalMs <= 1000, qPrintable(QString::number(tick.intervalMs)));
            QVERIFY(tick.routes.contains(u"login"_s) && tick.routes.contains(u"search"_s));
            if (previousSeq >= 0) {
                QCOMPARE(tick.seq, previousSeq + 1);
            }
            previousSeq = tick.seq;
        }

        const auto reply = testenv::http("POST", app.url(u"/load/start"_s), R"({"rps": 20})");
        QCOMPARE(reply.status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(events.cbegin(), events.cend(),
                [](const QList<QVariant> &a) { return a.at(0).value<FeedEvent>().kind == "load_started"_L1; }),
            5000);
        // The load shows up in the ticks that follow.
        QTRY_VERIFY_WITH_TIMEOUT(ticks.last().at(0).value<FeedTick>().load.running, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(ticks.last().at(0).value<FeedTick>().routes.value(u"search"_s).count > 0, 5000);
        QCOMPARE(testenv::http("POST", app.url(u"/load/stop"_s)).status, 200);

        QCOMPARE(gaps.size(), 0);
        QCOMPARE(malformed.size(), 0);
        QVERIFY(client.isHealthy());

        // One latency per message, each the local receive time minus ts_ms on the same clock.
        QCOMPARE(latencies.size(), hellos.size() + ticks.size() + events.size());
        QList<double> values;
        for (const auto &args : std::as_const(latencies)) {
            values << args.at(0).toDouble();
        }
        std::sort(values.begin(), values.end());
        // ts_ms has millisecond resolution, so a message can look up to 1 ms "early".
        QVERIFY2(values.first() >= -1.0, qPrintable(QString::number(values.first())));
        QVERIFY2(values.last() < 5000.0, qPrintable(QString::number(values.last())));
        qInfo("feed message latency over %lld messages: median %.1f ms, max %.1f ms", qint64(values.size()),
            values.at(values.size() / 2), values.last());
        client.stop();
        QVERIFY(!client.isRunning());
    }

    // Stopping the sample app leaves a hole in the data: the client reports the outage, reconnects
    // when the app is back on the same port and marks exactly that span as a gap.
    void gapWhenSampleAppRestarts()
    {
        testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
        QVERIFY2(app.start(), app.output().constData());

        FeedClient client;
        QSignalSpy hellos(&client, &FeedClient::helloReceived);
        QSignalSpy ticks(&client, &FeedClient::tickReceived);
        QSignalSpy events(&client, &FeedClient::eventReceived);
        QSignalSpy gaps(&client, &FeedClient::gap);
        QSignalSpy failures(&client, &FeedClient::failed);
        QSignalSpy recoveries(&client, &FeedClient::recovered);
        client.setUrl(wsUrl(app));
        client.start();
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= 2, 10000);

        app.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!failures.isEmpty(), 5000);
        QVERIFY(!client.isHealthy());
        QVERIFY(!client.isConnected());
        QVERIFY2(failures.first().at(0).toString().contains(u"sample app feed"_s),
            qPrintable(failures.first().at(0).toString()));
        // The hole starts after the last message of any kind: on SIGTERM the app still sends ticks
        // while it drains, and its "not ready: shutting down" event.
        qint64 lastTsBefore = ticks.last().at(0).value<FeedTick>().tsMs;
        for (const auto &e : events) {
            lastTsBefore = std::max(lastTsBefore, e.at(0).value<FeedEvent>().tsMs);
        }
        const qsizetype ticksBefore = ticks.size();
        QCOMPARE(gaps.size(), 0); // the end of the hole is not known yet

        // Down for a while: several reconnect attempts fail, none invents data.
        QTest::qWait(1500);
        QCOMPARE(ticks.size(), ticksBefore);
        QVERIFY(client.nextRetryMs() > FeedClient::kInitialBackoffMs);

        // Same binary, same environment, same port.
        app.process().start(testenv::sampleappBinary(), {});
        QVERIFY(app.process().waitForStarted(5000));
        QTRY_COMPARE_WITH_TIMEOUT(hellos.size(), 2, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(recoveries.size(), 1, 5000);
        QVERIFY(client.isHealthy());
        QCOMPARE(gaps.size(), 1);
        const qint64 from = gaps.at(0).at(0).toLongLong();
        const qint64 to = gaps.at(0).at(1).toLongLong();
        QCOMPARE(from, lastTsBefore);
        QCOMPARE(to, hellos.last().at(0).toJsonObject().value("ts_ms"_L1).toInteger());
        QVERIFY2(to - from >= 1500, qPrintable(u"gap of %1 ms"_s.arg(to - from)));
        // Data flows again, all after the gap.
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= ticksBefore + 2, 5000);
        for (qsizetype i = ticksBefore; i < ticks.size(); ++i) {
            QVERIFY(ticks.at(i).at(0).value<FeedTick>().tsMs >= to);
        }
        QCOMPARE(gaps.size(), 1);
    }

    // Another viewer (the kiosk, the live web page) connecting must not look like lost data.
    void secondClientIsNotAGap()
    {
        testenv::SampleAppProcess app({{u"APP_TICK_MS"_s, u"200"_s}});
        QVERIFY2(app.start(), app.output().constData());
        FeedClient first;
        QSignalSpy ticks(&first, &FeedClient::tickReceived);
        QSignalSpy gaps(&first, &FeedClient::gap);
        first.setUrl(wsUrl(app));
        first.start();
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= 2, 10000);

        FeedClient second;
        QSignalSpy secondHello(&second, &FeedClient::helloReceived);
        second.setUrl(wsUrl(app));
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(secondHello.size(), 1, 10000);
        const qsizetype ticksAtHello = ticks.size();
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= ticksAtHello + 2, 5000);
        // A second viewer must not look like missed messages to the first (a hello uses no seq).
        QCOMPARE(gaps.size(), 0);
    }

    void unreachableAtStart()
    {
        FeedClient client;
        QSignalSpy failures(&client, &FeedClient::failed);
        client.setUrl(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(testenv::freePort())));
        client.start();
        QTRY_VERIFY_WITH_TIMEOUT(!failures.isEmpty(), 5000);
        QVERIFY2(failures.first().at(0).toString().contains(u"unreachable"_s),
            qPrintable(failures.first().at(0).toString()));
        QVERIFY(client.downSince().isValid());
        // Retries do not flood the banner with one failure per attempt.
        QTest::qWait(1200);
        QCOMPARE(failures.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestFeedClient)
#include "tst_feed_client.moc"
