#pragma once

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class FrameClock;
class KioskWindow;
class MainWindow;
class PresenterSession;
class QTimer;
class QWidget;
class ReplayBadge;
class ReplaySession;
class SessionPlayer;

// The replay's keys, installed on the application after ClickerKeys (so it sees keys first):
// while a replay is on screen (setPlayer), Space pauses/plays, PageDown/PageUp (clicker) and
// Right/Left seek to the next/previous recorded beat, +/- change the speed, Home restarts; the
// live story never sees those keys then. F9 calls the fallback toggle when one is set.
class ReplayKeys : public QObject
{
    Q_OBJECT
public:
    explicit ReplayKeys(QObject *parent = nullptr);
    void setPlayer(SessionPlayer *player); // null: no replay on screen, keys pass through
    void setFallbackToggle(std::function<void()> toggle) { m_toggle = std::move(toggle); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<SessionPlayer> m_player;
    std::function<void()> m_toggle;
};

// A replay's windows: the same MainWindow and KioskWindow classes as live, built on a
// ReplaySession, each with a REPLAY badge that follows the player (position, speed, paused).
class ReplayWindows : public QObject
{
    Q_OBJECT
public:
    // withMain / withKiosk: which windows to build (like the live ones).
    ReplayWindows(
        ReplaySession *replay, bool withMain, bool withKiosk, int maxFps, bool highContrast, QObject *parent = nullptr);
    ~ReplayWindows() override;
    MainWindow *main() const { return m_main.get(); }
    KioskWindow *kiosk() const { return m_kiosk.get(); }
    FrameClock *clock() const { return m_clock.get(); }
    ReplayBadge *mainBadge() const { return m_mainBadge; }
    ReplayBadge *kioskBadge() const { return m_kioskBadge; }
    void updateBadges();

private:
    ReplaySession *m_replay;
    std::unique_ptr<FrameClock> m_clock;
    std::unique_ptr<MainWindow> m_main;
    std::unique_ptr<KioskWindow> m_kiosk;
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
    FallbackSwitcher(PresenterSession *live, QString rehearsalPath, ReplayKeys *keys, int maxFps, bool highContrast,
        QObject *parent = nullptr);
    ~FallbackSwitcher() override;
    void setLiveWindows(QWidget *main, QWidget *kiosk);

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
    ReplayKeys *m_keys;
    int m_maxFps;
    bool m_highContrast;
    QPointer<QWidget> m_liveMain, m_liveKiosk;
    std::unique_ptr<ReplaySession> m_replay;
    std::unique_ptr<ReplayWindows> m_windows;
    bool m_replaying = false;
};
