// The app's experience during a window (a fault, a beat), from the sample app's feed ticks.
#include "model/request_tally.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
FeedTick tick(qint64 tsMs, int login, int loginErrors, int search, int searchErrors, int intervalMs = 1000)
{
    FeedTick t;
    t.tsMs = tsMs;
    t.intervalMs = intervalMs;
    LatencyStats l;
    l.count = login;
    l.errors = loginErrors;
    LatencyStats s;
    s.count = search;
    s.errors = searchErrors;
    t.routes.insert(u"login"_s, l);
    t.routes.insert(u"search"_s, s);
    return t;
}
} // namespace

class TestRequestTally : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windows_data();
    void windows();
};

// ticks: "ts login loginErr search searchErr" (ts in s); the window is [10 s, 20 s] unless open.
void TestRequestTally::windows_data()
{
    QTest::addColumn<QString>("ticks");
    QTest::addColumn<bool>("closed");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("percent");
    QTest::addRow("no tick yet") << QString() << false << u"no app request counted while crdb-2 was down yet"_s
                                 << u"–"_s;
    QTest::addRow("all succeeded") << u"11 40 0 160 0;12 40 0 160 0"_s << false
                                   << u"100 % of requests succeeded while crdb-2 was down (400 of 400; 0 failed)"_s
                                   << u"100 %"_s;
    QTest::addRow("a few failed") << u"11 4000 1 6000 1"_s << false
                                  << u"99.98 % of requests succeeded while crdb-2 was down (9998 of 10000; 2 failed)"_s
                                  << u"99.98 %"_s;
    QTest::addRow("one failure is never rounded to 100")
        << u"11 50000 1 50000 0"_s << false
        << u"99.99 % of requests succeeded while crdb-2 was down (99999 of 100000; 1 failed)"_s << u"99.99 %"_s;
    QTest::addRow("ticks before and after the window do not count")
        << u"9 100 100 0 0;15 10 0 0 0;20 10 1 0 0;21 100 100 0 0;25 100 100 0 0"_s << true
        << u"95.00 % of requests succeeded while crdb-2 was down (19 of 20; 1 failed)"_s << u"95.00 %"_s;
    QTest::addRow("majority lost: everything failed")
        << u"11 40 40 160 160"_s << false
        << u"0.00 % of requests succeeded while crdb-2 was down (0 of 200; 200 failed)"_s << u"0.00 %"_s;
}

void TestRequestTally::windows()
{
    QFETCH(QString, ticks);
    QFETCH(bool, closed);
    QFETCH(QString, text);
    QFETCH(QString, percent);
    RequestTally t;
    QVERIFY(!t.hasWindow());
    t.addTick(tick(11000, 5, 5, 5, 5)); // before any window: ignored
    t.begin(u"while crdb-2 was down"_s, 10000);
    if (closed) {
        t.end(20000);
    }
    for (const QString &row : ticks.split(u';', Qt::SkipEmptyParts)) {
        const QStringList f = row.split(u' ');
        t.addTick(tick(f[0].toLongLong() * 1000 + 500, f[1].toInt(), f[2].toInt(), f[3].toInt(), f[4].toInt()));
    }
    QCOMPARE(t.percentText(), percent);
    QCOMPARE(t.text(), text);
}

QTEST_GUILESS_MAIN(TestRequestTally)
#include "tst_request_tally.moc"
