// PresenterWindows: which windows a session gets from the command line, the node view only where
// there is a cluster (or the one a test gives), and the key table's actions on every window built
// (Ctrl+E on the kiosk too: a kiosk-only session exports its report). No session is started.
#include "app_options.h"
#include "frame_clock.h"
#include "key_bindings.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "presenter_windows.h"

#include "session/presenter_session.h"

#include <QAction>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

class TestPresenterWindows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windowsFromTheCommandLine_data();
    void windowsFromTheCommandLine();
    void nodeViewOnlyWithACluster_data();
    void nodeViewOnlyWithACluster();
    void everyWindowHasTheKeys();
};

void TestPresenterWindows::windowsFromTheCommandLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("main");
    QTest::addColumn<bool>("kiosk");
    QTest::addRow("default") << QStringList {} << true << false;
    QTest::addRow("--kiosk-screen 1") << QStringList {u"--kiosk-screen"_s, u"1"_s} << true << true;
    QTest::addRow("--kiosk") << QStringList {u"--kiosk"_s} << false << true;
}

void TestPresenterWindows::windowsFromTheCommandLine()
{
    QFETCH(QStringList, args);
    QFETCH(bool, main);
    QFETCH(bool, kiosk);
    AppOptions app;
    QString error;
    QVERIFY2(AppOptions::parse(QStringList {u"presenter"_s} + args, &app, &error), qPrintable(error));
    const WindowsOptions o = WindowsOptions::from(app);
    QCOMPARE(o.main, main);
    QCOMPARE(o.kiosk, kiosk);
    PresenterSession session(app.profile);
    PresenterWindows windows(&session, o);
    QCOMPARE(windows.main() != nullptr, main);
    QCOMPARE(windows.kiosk() != nullptr, kiosk);
}

void TestPresenterWindows::nodeViewOnlyWithACluster_data()
{
    QTest::addColumn<ClusterKind>("kind");
    QTest::addColumn<bool>("noneGiven"); // the test says: no node view
    QTest::addColumn<bool>("expectView");
    QTest::addRow("statefulset") << ClusterKind::StatefulSet << false << true;
    QTest::addRow("operator") << ClusterKind::Operator << false << true;
    QTest::addRow("local stack") << ClusterKind::None << false << false;
    QTest::addRow("statefulset, none given") << ClusterKind::StatefulSet << true << false;
}

void TestPresenterWindows::nodeViewOnlyWithACluster()
{
    QFETCH(ClusterKind, kind);
    QFETCH(bool, noneGiven);
    QFETCH(bool, expectView);
    ConnectionProfile profile;
    profile.clusterKind = kind;
    PresenterSession session(profile);
    WindowsOptions options;
    options.kiosk = true;
    if (noneGiven) {
        options.clusterView = nullptr;
    }
    PresenterWindows windows(&session, options);
    QCOMPARE(windows.clusterView(), expectView ? session.clusterView() : nullptr);
    // Both windows show it (the kiosk's big numbers, the presenter's stopwatch) or neither does.
    QCOMPARE(windows.kiosk()->tiles().isEmpty(), !expectView);
    QCOMPARE(windows.main()->findChild<QObject *>(u"healStopwatch"_s) != nullptr, expectView);
}

void TestPresenterWindows::everyWindowHasTheKeys()
{
    PresenterSession session({});
    WindowsOptions options;
    options.main = false;
    options.kiosk = true;
    PresenterWindows windows(&session, options);
    QStringList keys;
    for (const QAction *a : windows.kiosk()->actions()) {
        keys << a->shortcut().toString();
    }
    for (const KeyBinding &row : keybindings::table()) {
        QCOMPARE(keys.contains(row.key.toString()), row.live != KeyIntent::None);
    }
    QVERIFY(keys.contains(QKeySequence(Qt::CTRL | Qt::Key_E).toString()));
}

QTEST_MAIN(TestPresenterWindows)
#include "tst_presenter_windows.moc"
