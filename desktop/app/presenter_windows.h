#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QPushButton;

namespace presenter {

class ClusterView;
class FrameClock;
class KeyActions;
class KioskWindow;
class MainWindow;
class PresenterSession;
class SessionPlayer;
struct AppOptions;
struct PreflightConfig;

// Which windows to build on a session, and how.
struct WindowsOptions
{
    bool main = true; // the presenter's window
    bool kiosk = false; // the audience's
    int maxFps = 15;
    bool highContrast = false; // the kiosk's --theme high-contrast
    // A replay's player: the keys drive it instead of the live story.
    SessionPlayer *player = nullptr;
    // CockroachDB's view of the nodes in both windows. Unset: the session's where there is a
    // cluster, none on the local stack. Tests set a stand-in's view, or nullptr for none.
    std::optional<ClusterView *> clusterView;
    // --fallback as given: the rehearsal the report's pace section compares with (ReportExporter).
    QString rehearsal;

    // --kiosk, --kiosk-screen, --max-fps, --theme.
    static WindowsOptions from(const AppOptions &app);
};

// A session's windows, wired once for the live talk, a replay, the fallback and the GUI tests: the
// main window and/or the kiosk on one frame clock, the node view where there is a cluster, the key
// table's actions on both (key_bindings.h), the pre-flight checklist and the fallback's button.
// Owns the windows and the clock; the session outlives it. GUI thread only.
class PresenterWindows : public QObject
{
    Q_OBJECT
public:
    PresenterWindows(PresenterSession *session, const WindowsOptions &options, QObject *parent = nullptr);
    ~PresenterWindows() override;

    MainWindow *main() const { return m_main.get(); }
    KioskWindow *kiosk() const { return m_kiosk.get(); }
    FrameClock *clock() const { return m_clock.get(); }
    KeyActions *keys() const { return m_keys; }
    ClusterView *clusterView() const { return m_view; }

    // The checklist on the presenter's window (none without one), run now.
    void runPreflight(const PreflightConfig &config);
    // F9 calls `toggle`; with a main window, also a button on its status bar saying `buttonText`
    // (returned; null without the window).
    QPushButton *setFallback(std::function<void()> toggle, const QString &buttonText, const QString &toolTip = {});
    // A line on the presenter's status bar for `ms` (nothing without the window).
    void showStatus(const QString &text, int ms);
    // The presenter's window where it was last time (or 1600x900, never larger than its screen);
    // the kiosk full screen on `kioskScreen` (a remembered normal window when there is no such screen).
    void show(int kioskScreen);
    // Saves the window(s) to `path` (the kiosk to path-kiosk.ext when both are open).
    void saveScreenshots(const QString &path);

private:
    PresenterSession *m_session;
    ClusterView *m_view;
    std::unique_ptr<FrameClock> m_clock;
    std::unique_ptr<MainWindow> m_main;
    std::unique_ptr<KioskWindow> m_kiosk;
    KeyActions *m_keys;
};

} // namespace presenter
