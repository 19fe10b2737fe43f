#include "session/refusing_commands.h"

#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

using namespace presenter;

// A replay's commands: every cluster and SQL command refused at once with the one reason; every
// load command answered later, like a request, by the control's commandFinished with the id it
// returned (a fresh one from the control) and its own typed command.
class TestRefusingCommands : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clusterAndSqlCommandsAreRefusedWithTheReason()
    {
        SampleAppControl control;
        RefusingCommands commands(&control);
        ClusterCommands &cluster = commands;
        SqlCommands &sql = commands;
        const QList<std::function<bool(QString *)>> calls {
            [&](QString *why) { return cluster.scaleTo(3, why); },
            [&](QString *why) { return cluster.stopNode(1, why); },
            [&](QString *why) { return cluster.keepDown(1, false, why); },
            [&](QString *why) { return cluster.startNode(1, why); },
            [&](QString *why) { return cluster.killNode(1, true, why); },
            [&](QString *why) { return cluster.pauseNode(1, false, why); },
            [&](QString *why) { return cluster.resumeNode(1, why); },
            [&](QString *why) { return cluster.healAll(why); },
            [&](QString *why) { return sql.runFile(u"sql/00-bootstrap.sql"_s, why); },
        };
        for (qsizetype i = 0; i < calls.size(); ++i) {
            QString why;
            QVERIFY2(!calls.at(i)(&why), qPrintable(QString::number(i)));
            QCOMPARE(why, RefusingCommands::reason());
            QVERIFY(!calls.at(i)(nullptr));
        }
        QCOMPARE(RefusingCommands::reason(), u"this is a replay: actions are shown as recorded, never executed"_s);
    }

    void loadCommandsAreAnsweredLaterWithTheirIds()
    {
        using C = SampleAppControl::Command;
        SampleAppControl control;
        const quint64 earlier = control.newRequestId(); // a request sent before
        RefusingCommands commands(&control);
        LoadCommands &load = commands;
        QSignalSpy answers(&control, &SampleAppControl::commandFinished);
        const QList<std::pair<quint64, C>> sent {{load.refresh(), C::Refresh}, {load.loadStart(10, {}), C::LoadStart},
            {load.loadStop(), C::LoadStop}, {load.setReaders(true), C::ReadersOn},
            {load.setReaders(false), C::ReadersOff}, {load.setWriters(true), C::WritersOn},
            {load.setWriters(false), C::WritersOff}, {load.spike(5, 50, {}), C::Spike},
            {load.spikeStop(), C::SpikeStop}};
        QCOMPARE(answers.size(), 0); // never before the caller has its id
        QTRY_COMPARE(answers.size(), sent.size());
        for (qsizetype i = 0; i < sent.size(); ++i) {
            QCOMPARE(sent.at(i).first, earlier + 1 + quint64(i));
            QCOMPARE(answers.at(i).at(0).toULongLong(), sent.at(i).first);
            QCOMPARE(answers.at(i).at(1).value<C>(), sent.at(i).second);
            QCOMPARE(answers.at(i).at(2).toBool(), false);
            QCOMPARE(answers.at(i).at(3).toString(), RefusingCommands::reason());
        }
    }

    void aControlGoneBeforeTheAnswerDropsIt()
    {
        auto control = std::make_unique<SampleAppControl>();
        RefusingCommands commands(control.get());
        QVERIFY(commands.loadStop() > 0);
        control.reset();
        QCoreApplication::processEvents(); // the queued answer had the control as its context
        QCOMPARE(commands.loadStop(), quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestRefusingCommands)
#include "tst_refusing_commands.moc"
