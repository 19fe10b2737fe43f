#include "recording/session_player.h"
#include "session/presenter_session.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

// The player's table of handlers, one per kind: every kind the recorder writes is played, a kind
// registered twice keeps its first handler, a kind nobody registered is skipped and the player
// moves on. A real session (never started) is what the handlers feed.
class TestSessionPlayer : public QObject
{
    Q_OBJECT

    static ConnectionProfile localProfile()
    {
        ConnectionProfile p;
        p.clusterKind = ClusterKind::None;
        p.replicationFactor = 1;
        return p;
    }

    static QStringList markerTexts(const TimeSeriesStore &store)
    {
        QStringList out;
        for (const EventMarker &m : store.markers()) {
            out << m.text;
        }
        return out;
    }

    static recording::Record marker(qint64 tMs, const QString &text)
    {
        return {tMs, u"marker"_s, {{u"x"_s, tMs}, {u"kind"_s, u"other"_s}, {u"text"_s, text}}};
    }

private Q_SLOTS:
    void everyRecordedKindIsPlayed()
    {
        PresenterSession session(localProfile());
        session.setReplayMode();
        SessionPlayer player(&session);
        // RECORDING.md "Kinds": every kind SessionRecorder writes that feeds something.
        for (const char *kind : {"feed", "feed_connected", "prom_poll", "prom_query", "cluster_status", "fault",
                 "cluster_op", "node_status", "app_state", "app_command", "sql", "story", "beat_run", "action_outcome",
                 "action", "beat_finished", "marker"}) {
            QVERIFY2(player.hasHandler(QString::fromLatin1(kind)), kind);
        }
        // Kept for readers, nothing to feed.
        QVERIFY(!player.hasHandler(u"plan"_s));
        QVERIFY(!player.hasHandler(u"user"_s));
        QVERIFY(!player.hasHandler(u"verdict"_s)); // a replay judges again
    }

    void aKindRegisteredTwiceKeepsItsFirstHandler()
    {
        PresenterSession session(localProfile());
        session.setReplayMode();
        SessionPlayer player(&session);
        int stolen = 0;
        QVERIFY(!player.setHandler(u"marker"_s, [&stolen](const recording::Record &) { ++stolen; }));
        player.load({marker(1'000, u"first"_s)});
        player.advanceTo(1'000);
        QCOMPARE(stolen, 0);
        QCOMPARE(markerTexts(session.store()), QStringList {u"first"_s});
    }

    void aKindWithoutHandlerIsSkipped()
    {
        PresenterSession session(localProfile());
        session.setReplayMode();
        SessionPlayer player(&session);
        QList<qint64> played;
        QVERIFY(player.setHandler(u"new_kind"_s, [&](const recording::Record &r) {
            played << r.tMs;
            QCOMPARE(session.clock().nowMs(), r.tMs); // the clock at the record's time
        }));
        player.load({marker(1'000, u"before"_s), {2'000, u"from_a_newer_presenter"_s, {{u"x"_s, 1}}},
            {3'000, u"new_kind"_s, {}}, marker(4'000, u"after"_s)});
        player.advanceTo(4'000);
        QVERIFY(player.atEnd());
        QCOMPARE(played, QList<qint64> {3'000});
        QCOMPARE(markerTexts(session.store()), (QStringList {u"before"_s, u"after"_s}));
        QCOMPARE(session.clock().nowMs(), 4'000);
    }
};

QTEST_GUILESS_MAIN(TestSessionPlayer)
#include "tst_session_player.moc"
