// The presenter's key table (app/key_bindings.h): what each key asks for live and in a replay, each
// key once (two actions on one key are ambiguous and neither fires), and the actions built from it
// as the windows get them, driven by real key events.
#include "key_bindings.h"

#include "recording/session_player.h"
#include "session/presenter_session.h"

#include <QAction>
#include <QTest>
#include <QWidget>

#include <set>

using namespace Qt::StringLiterals;

using namespace presenter;

Q_DECLARE_METATYPE(KeyIntent)

class TestKeyBindings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void intents_data();
    void intents();
    void eachKeyOnce();
    void actionsFollowTheMode();
    void keysReachThePlayerOnce();
};

void TestKeyBindings::intents_data()
{
    QTest::addColumn<QKeySequence>("key");
    QTest::addColumn<KeyIntent>("live");
    QTest::addColumn<KeyIntent>("replay");
    using I = KeyIntent;
    auto row = [](const char *name, QKeySequence key, I live, I replay) {
        QTest::addRow("%s", name) << key << live << replay;
    };
    // The clicker's keys: the story live, the player in a replay (never the live story there).
    row("PageDown", QKeySequence(Qt::Key_PageDown), I::StoryNext, I::ReplayNextBeat);
    row("PageUp", QKeySequence(Qt::Key_PageUp), I::StoryBack, I::ReplayPreviousBeat);
    row("Escape", QKeySequence(Qt::Key_Escape), I::StoryCancel, I::None);
    row("B", QKeySequence(Qt::Key_B), I::StoryBlank, I::None);
    // The player's own keys.
    row("Space", QKeySequence(Qt::Key_Space), I::None, I::ReplayPause);
    row("Right", QKeySequence(Qt::Key_Right), I::None, I::ReplayNextBeat);
    row("Left", QKeySequence(Qt::Key_Left), I::None, I::ReplayPreviousBeat);
    row("Plus", QKeySequence(Qt::Key_Plus), I::None, I::ReplayFaster);
    row("Equal", QKeySequence(Qt::Key_Equal), I::None, I::ReplayFaster);
    row("Minus", QKeySequence(Qt::Key_Minus), I::None, I::ReplaySlower);
    row("Home", QKeySequence(Qt::Key_Home), I::None, I::ReplayHome);
    // Both modes.
    row("F9", QKeySequence(Qt::Key_F9), I::Fallback, I::Fallback);
    row("Ctrl+E", QKeySequence(Qt::CTRL | Qt::Key_E), I::ExportReport, I::ExportReport);
    // A modified clicker key is not the clicker's.
    row("Ctrl+PageDown", QKeySequence(Qt::CTRL | Qt::Key_PageDown), I::None, I::None);
    row("A", QKeySequence(Qt::Key_A), I::None, I::None);
}

void TestKeyBindings::intents()
{
    QFETCH(QKeySequence, key);
    QFETCH(KeyIntent, live);
    QFETCH(KeyIntent, replay);
    QCOMPARE(keybindings::intentFor(key, false), live);
    QCOMPARE(keybindings::intentFor(key, true), replay);
}

void TestKeyBindings::eachKeyOnce()
{
    std::set<QString> seen;
    for (const KeyBinding &row : keybindings::table()) {
        const QString key = row.key.toString();
        QVERIFY2(seen.insert(key).second, qPrintable(u"%1 is in the table twice"_s.arg(key)));
        QVERIFY2(!row.text.isEmpty(), qPrintable(key));
    }
}

void TestKeyBindings::actionsFollowTheMode()
{
    PresenterSession session({});
    KeyActions live(session.story(), nullptr);
    session.setReplayMode();
    SessionPlayer player(&session);
    KeyActions replay(session.story(), &player);
    for (const auto &[actions, isReplay] : {std::pair {&live, false}, std::pair {&replay, true}}) {
        QStringList keys;
        for (const QAction *a : actions->actions()) {
            QCOMPARE(a->shortcutContext(), Qt::ApplicationShortcut);
            QVERIFY(!a->autoRepeat());
            keys << a->shortcut().toString();
        }
        QStringList expected;
        for (const KeyBinding &row : keybindings::table()) {
            if ((isReplay ? row.replay : row.live) != KeyIntent::None) {
                expected << row.key.toString();
            }
        }
        QCOMPARE(keys, expected);
    }
}

void TestKeyBindings::keysReachThePlayerOnce()
{
    PresenterSession session({});
    session.setReplayMode();
    SessionPlayer player(&session);
    KeyActions keys(session.story(), &player);
    QWidget window;
    keys.attachTo(&window);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QCOMPARE(player.speed(), 1.0);
    QTest::keyClick(&window, Qt::Key_Plus);
    QCOMPARE(player.speed(), 2.0);
    QTest::keyClick(&window, Qt::Key_Minus);
    QCOMPARE(player.speed(), 1.0);
    // A held key repeats: the repeats do nothing (a held clicker button runs one beat).
    QTest::simulateEvent(&window, true, Qt::Key_Plus, Qt::NoModifier, u"+"_s, true);
    QCOMPARE(player.speed(), 1.0);
    // Hidden, its keys sleep (the live windows while the fallback shows the replay).
    window.hide();
    QWidget other;
    other.show();
    QVERIFY(QTest::qWaitForWindowActive(&other));
    QTest::keyClick(&other, Qt::Key_Plus);
    QCOMPARE(player.speed(), 1.0);
}

QTEST_MAIN(TestKeyBindings)
#include "tst_key_bindings.moc"
