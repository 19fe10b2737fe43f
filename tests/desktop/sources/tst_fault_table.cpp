#include "sources/cluster/fault_table.h"
#include "sources/cluster/fault_tracker.h"
#include "sources/cluster/kubectl_setup.h"
#include "sources/cluster_driver.h"

#include <QMetaEnum>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using kube::Fault;

namespace {

kube::ClusterStatus onePod(bool ready, int restarts)
{
    kube::ClusterStatus s;
    s.valid = true;
    s.desiredNodes = 1;
    s.pods = {{u"crdb-0"_s, u"Running"_s, ready, restarts}};
    s.readyNodes = ready ? 1 : 0;
    return s;
}

} // namespace

// The one fault table: a row per fault, the keys recordings already hold, the dispatch, and when
// each fault ends (FaultTracker, no process).
class TestFaultTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFaultHasOneRow()
    {
        const QMetaEnum faults = QMetaEnum::fromType<Fault>();
        QCOMPARE(kube::faultTable().size(), faults.keyCount());
        QSet<QString> names;
        QSet<QString> keys;
        for (int i = 0; i < faults.keyCount(); ++i) {
            const auto fault = Fault(faults.value(i));
            const kube::FaultRow &row = kube::faultRow(fault);
            QCOMPARE(row.fault, fault);
            names.insert(row.name);
            keys.insert(row.key);
            QCOMPARE(kube::faultFromKey(row.key), std::optional<Fault>(fault));
            QCOMPARE(kube::faultFromName(row.name), std::optional<Fault>(fault));
            for (const QString &text :
                {row.label, row.verb, row.signal, row.tooltip, row.confirmation, row.startedSummary, row.planAction}) {
                QVERIFY2(!text.isEmpty(), qPrintable(row.name));
            }
        }
        QCOMPARE(names.size(), faults.keyCount());
        QCOMPARE(keys.size(), faults.keyCount());
        QCOMPARE(kube::faultFromKey(u"Unplug"_s), std::nullopt);
    }

    // What recordings hold and the report shows: unchanged, or old recordings stop playing.
    void keysAndNames_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("name");
        QTest::addRow("stop") << Fault::Stop << u"Stop"_s << u"stop"_s;
        QTest::addRow("keep down") << Fault::KeepDown << u"KeepDown"_s << u"keep down"_s;
        QTest::addRow("kill") << Fault::Kill << u"Kill"_s << u"kill"_s;
        QTest::addRow("pause") << Fault::Pause << u"Pause"_s << u"pause"_s;
    }

    void keysAndNames()
    {
        QFETCH(Fault, fault);
        QFETCH(QString, key);
        QFETCH(QString, name);
        QCOMPARE(kube::faultRow(fault).key, key);
        QCOMPARE(kube::faultRow(fault).name, name);
        QCOMPARE(ClusterDriver::faultName(fault), name);
    }

    void releases()
    {
        QCOMPARE(kube::releaseRow(kube::EndedBy::Restart), nullptr);
        QCOMPARE(kube::releaseRow(kube::EndedBy::Start)->name, u"start"_s);
        QCOMPARE(kube::releaseRowNamed(u"resume"_s)->endedBy, kube::EndedBy::Resume);
        QCOMPARE(kube::faultEndedBy(kube::EndedBy::Start), std::optional<Fault>(Fault::KeepDown));
        QCOMPARE(kube::faultEndedBy(kube::EndedBy::Resume), std::optional<Fault>(Fault::Pause));
        QCOMPARE(kube::faultEndedBy(kube::EndedBy::Restart), std::nullopt);
    }

    // injectFault() reaches each fault's own call: a real driver at RF 1 refuses each with its verb.
    void dispatch_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QString>("expected");
        QTest::addRow("stop") << Fault::Stop << u"refusing to stop a node with replication factor 1"_s;
        QTest::addRow("keep down") << Fault::KeepDown << u"not keeping crdb-2 down with replication factor 1"_s;
        QTest::addRow("kill") << Fault::Kill << u"not killing crdb-2 with replication factor 1"_s;
        QTest::addRow("pause") << Fault::Pause << u"not pausing crdb-2 with replication factor 1"_s;
    }

    void dispatch()
    {
        QFETCH(Fault, fault);
        QFETCH(QString, expected);
        ClusterDriver driver;
        driver.setMinimumNodes(1);
        QString why;
        QVERIFY(!kube::injectFault(driver, fault, 2, true, &why));
        QVERIFY2(why.startsWith(expected), qPrintable(why));
    }

    // When the tracker says a fault has ended, status by status: "R0" ready with 0 restarts, "N0" not
    // ready, "-" the pod not listed, "release" startNode / resumeNode sent. The expected column is the
    // index of the step after which ended() came (-1: never).
    void ending_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QStringList>("steps");
        QTest::addColumn<int>("endsAfter");
        QTest::addRow("stop: down, then ready") << Fault::Stop << QStringList {u"R0"_s, u"N0"_s, u"R0"_s} << 2;
        QTest::addRow("stop: restarted while unseen") << Fault::Stop << QStringList {u"R0"_s, u"R1"_s} << 1;
        QTest::addRow("kill: not listed, then ready") << Fault::Kill << QStringList {u"-"_s, u"R0"_s} << 1;
        QTest::addRow("kill: never down") << Fault::Kill << QStringList {u"R0"_s, u"R0"_s} << -1;
        QTest::addRow("keep down: ready but not started") << Fault::KeepDown << QStringList {u"N0"_s, u"R1"_s} << -1;
        QTest::addRow("keep down: started, then ready")
            << Fault::KeepDown << QStringList {u"N0"_s, u"release"_s, u"N1"_s, u"R1"_s} << 3;
        QTest::addRow("pause: resumed before the probe failed")
            << Fault::Pause << QStringList {u"R0"_s, u"release"_s, u"R0"_s} << 2;
        QTest::addRow("pause: not resumed") << Fault::Pause << QStringList {u"N0"_s, u"R0"_s} << -1;
    }

    void ending()
    {
        QFETCH(Fault, fault);
        QFETCH(QStringList, steps);
        QFETCH(int, endsAfter);
        KubectlSetup setup;
        setup.pollIntervalMs = 60000; // no watch timer firing during the test
        FaultTracker tracker(setup);
        QSignalSpy ended(&tracker, &FaultTracker::ended);
        tracker.start(0, fault, onePod(true, 0));
        QCOMPARE(tracker.active().value(0), fault);
        int endedAt = -1;
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const QString &step = steps.at(i);
            if (step == u"release"_s) {
                tracker.release(0, fault);
            } else if (step == u"-"_s) {
                tracker.judge(kube::ClusterStatus {1, 0, {}, true});
            } else {
                tracker.judge(onePod(step.at(0) == u'R', step.mid(1).toInt()));
            }
            if (endedAt < 0 && !ended.isEmpty()) {
                endedAt = int(i);
            }
        }
        QCOMPARE(endedAt, endsAfter);
        QCOMPARE(ended.size(), endsAfter < 0 ? 0 : 1);
        QCOMPARE(tracker.active().contains(0), endsAfter < 0);
    }

    // A release for another fault than the one active does not end it.
    void releaseOfAnotherFault()
    {
        KubectlSetup setup;
        setup.pollIntervalMs = 60000;
        FaultTracker tracker(setup);
        QSignalSpy ended(&tracker, &FaultTracker::ended);
        tracker.start(0, Fault::KeepDown, onePod(true, 0));
        tracker.judge(onePod(false, 0));
        tracker.release(0, Fault::Pause);
        tracker.judge(onePod(true, 1));
        QCOMPARE(ended.size(), 0);
        tracker.releaseAll();
        tracker.judge(onePod(true, 1));
        QCOMPARE(ended.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestFaultTable)
#include "tst_fault_table.moc"
