// pgkit::RetryPolicy: the one retry rule of both sample-app database paths.
#include "pgkit/retry_policy.h"

#include <QTest>

#include <set>

using pgkit::RetryPolicy;
using ms = std::chrono::milliseconds;

class TestRetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backoffDoublesUpToTheCap_data();
    void backoffDoublesUpToTheCap();
    void jitterSpreadsRetries();
    void budgetAndAttemptsBoundRetries_data();
    void budgetAndAttemptsBoundRetries();
};

void TestRetryPolicy::backoffDoublesUpToTheCap_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("base");
    QTest::addRow("first retry") << 1 << qint64(20);
    QTest::addRow("second") << 2 << qint64(40);
    QTest::addRow("fifth") << 5 << qint64(320);
    QTest::addRow("capped") << 6 << qint64(500);
    QTest::addRow("far past the cap") << 40 << qint64(500);
    QTest::addRow("attempt 0 is the first") << 0 << qint64(20);
}

void TestRetryPolicy::backoffDoublesUpToTheCap()
{
    QFETCH(int, attempt);
    QFETCH(qint64, base);
    const RetryPolicy p;
    QCOMPARE(p.backoff(attempt, 0.0).count(), base); // no jitter drawn: the base
    QCOMPARE(p.backoff(attempt, 0.999999).count(), base + base / 2 - 1); // less than half more
    QVERIFY(p.backoff(attempt, 0.5).count() >= base && p.backoff(attempt, 0.5).count() <= base + base / 2);
}

void TestRetryPolicy::jitterSpreadsRetries()
{
    // Requests failing together must not retry together: the same attempt spreads over the band.
    const RetryPolicy p;
    std::set<qint64> delays;
    for (int i = 0; i < 100; ++i) {
        delays.insert(p.backoff(4, i / 100.0).count());
    }
    QVERIFY2(delays.size() > 50, qPrintable(QString::number(delays.size())));
    QCOMPARE(*delays.begin(), 160);
    QVERIFY(*delays.rbegin() <= 240);
}

void TestRetryPolicy::budgetAndAttemptsBoundRetries_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("elapsed");
    QTest::addColumn<qint64>("delay");
    QTest::addColumn<bool>("retry");
    QTest::addRow("early") << 1 << qint64(5) << qint64(20) << true;
    QTest::addRow("next would start past the budget") << 3 << qint64(3990) << qint64(20) << false;
    QTest::addRow("just inside") << 3 << qint64(3900) << qint64(99) << true;
    QTest::addRow("attempt cap") << 12 << qint64(100) << qint64(20) << false;
    QTest::addRow("last allowed") << 11 << qint64(100) << qint64(20) << true;
}

void TestRetryPolicy::budgetAndAttemptsBoundRetries()
{
    QFETCH(int, attempt);
    QFETCH(qint64, elapsed);
    QFETCH(qint64, delay);
    QFETCH(bool, retry);
    QCOMPARE(RetryPolicy::sampleApp().mayRetry(attempt, ms(elapsed), ms(delay)), retry);
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retry_policy.moc"
