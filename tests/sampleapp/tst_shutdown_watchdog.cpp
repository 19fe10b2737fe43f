// ShutdownWatchdog: the backstop that keeps the sample app inside APP_SHUTDOWN_TIMEOUT_MS.
#include "core/shutdown_watchdog.h"

#include <QTest>

#include <atomic>

class TestShutdownWatchdog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firesWhenTheTimeIsUp();
    void destroyedInTimeItNeverFires();
    void unarmedItNeverFires();
};

void TestShutdownWatchdog::firesWhenTheTimeIsUp()
{
    std::atomic<int> fired {0};
    ShutdownWatchdog w([&] { ++fired; });
    w.arm(std::chrono::milliseconds(50));
    w.arm(std::chrono::milliseconds(5)); // ignored: armed once
    QTRY_COMPARE_WITH_TIMEOUT(fired.load(), 1, 5000);
}

void TestShutdownWatchdog::destroyedInTimeItNeverFires()
{
    std::atomic<int> fired {0};
    {
        ShutdownWatchdog w([&] { ++fired; });
        w.arm(std::chrono::milliseconds(300));
    }
    QTest::qWait(400);
    QCOMPARE(fired.load(), 0);
}

void TestShutdownWatchdog::unarmedItNeverFires()
{
    std::atomic<int> fired {0};
    {
        ShutdownWatchdog w([&] { ++fired; });
    }
    QCOMPARE(fired.load(), 0);
}

QTEST_GUILESS_MAIN(TestShutdownWatchdog)
#include "tst_shutdown_watchdog.moc"
