#pragma once

#include <QObject>
#include <QPointer>

#include <memory>

class QTimer;
class QWidget;

namespace presenter {

class FrameClock;
class KioskWindow;
class MainWindow;
class PresenterSession;
class PresenterWindows;
class ReplayBadge;
class ReplaySession;
class SessionPlayer;

// A replay's windows: the same PresenterWindows as live, built on a ReplaySession, its keys driving
// the player, each window with a REPLAY badge that follows the player (position, speed, paused).
class ReplayWindows : public QObject
{
    Q_OBJECT
public:
    // withMain / withKiosk: which windows to build (like the live ones).
    ReplayWindows(
        ReplaySession *replay, bool withMain, bool withKiosk, int maxFps, bool highContrast, QObject *parent = nullptr);
    ~ReplayWindows() override;
    PresenterWindows *windows() const { return m_windows.get(); }
    MainWindow *main() const;
    KioskWindow *kiosk() const;
    FrameClock *clock() const;
    ReplayBadge *mainBadge() const { return m_mainBadge; }
    ReplayBadge *kioskBadge() const { return m_kioskBadge; }
    void updateBadges();

private:
    ReplaySession *m_replay;
    std::unique_ptr<PresenterWindows> m_windows;
    ReplayBadge *m_mainBadge = nullptr;
    ReplayBadge *m_kioskBadge = nullptr;
    QTimer *m_badgeTimer;
};

// The live talk's fallback: F9 (or the "Fall back to rehearsal" button; "Back to live" on the
// replay's presenter window) switches both windows to
// a rehearsal recording, positioned at the live story's shown beat (its first run in the
// recording; the start when the recording never ran it), and back to live. The live session keeps
// running (and recording) underneath; the replay pauses while live is on screen. The recording
// is opened on first use; an unreadable file is reported and live stays on screen.
class FallbackSwitcher : public QObject
{
    Q_OBJECT
public:
    FallbackSwitcher(
        PresenterSession *live, QString rehearsalPath, int maxFps, bool highContrast, QObject *parent = nullptr);
    ~FallbackSwitcher() override;
    // The live talk's windows: F9 there switches, and the presenter's window gets the
    // "Fall back to rehearsal (F9)" button (and a failure's reason on its status bar).
    void setLiveWindows(PresenterWindows *live);
    void setLiveWindows(QWidget *main, QWidget *kiosk); // the windows only, no key nor button

    // Live -> replay or replay -> live; false with *error when the recording cannot be opened.
    bool toggle(QString *error = nullptr);
    bool isReplaying() const { return m_replaying; }
    ReplaySession *replay() const { return m_replay.get(); }
    ReplayWindows *windows() const { return m_windows.get(); }

Q_SIGNALS:
    void switched(bool replaying);
    void failed(const QString &error);

private:
    static void swap(QWidget *from, QWidget *to);

    PresenterSession *m_live;
    QString m_path;
    int m_maxFps;
    bool m_highContrast;
    QPointer<QWidget> m_liveMain, m_liveKiosk;
    std::unique_ptr<ReplaySession> m_replay;
    std::unique_ptr<ReplayWindows> m_windows;
    bool m_replaying = false;
};

} // namespace presenter
