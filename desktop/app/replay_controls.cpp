#include "replay_controls.h"

#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "presenter_windows.h"
#include "replay_badge.h"

#include "recording/replay_session.h"
#include "recording/session_player.h"
#include "session/presenter_session.h"

#include <QFileInfo>
#include <QPushButton>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

ReplayWindows::ReplayWindows(
    ReplaySession *replay, bool withMain, bool withKiosk, int maxFps, bool highContrast, QObject *parent)
    : QObject(parent), m_replay(replay), m_badgeTimer(new QTimer(this))
{
    WindowsOptions options;
    options.main = withMain;
    options.kiosk = withKiosk;
    options.maxFps = maxFps;
    options.highContrast = highContrast;
    options.player = replay->player();
    m_windows = std::make_unique<PresenterWindows>(replay->session(), options);
    if (MainWindow *main = m_windows->main()) {
        main->setWindowTitle(u"REPLAY of %1 · %2"_s.arg(QFileInfo(replay->path()).fileName(), main->windowTitle()));
        m_mainBadge = new ReplayBadge(main);
    }
    if (KioskWindow *kiosk = m_windows->kiosk()) {
        m_kioskBadge = new ReplayBadge(kiosk, true);
    }
    m_badgeTimer->setInterval(250);
    connect(m_badgeTimer, &QTimer::timeout, this, &ReplayWindows::updateBadges);
    connect(replay->player(), &SessionPlayer::playingChanged, this, &ReplayWindows::updateBadges);
    m_badgeTimer->start();
    m_windows->clock()->start();
    updateBadges();
}

ReplayWindows::~ReplayWindows() = default;

MainWindow *ReplayWindows::main() const
{
    return m_windows->main();
}

KioskWindow *ReplayWindows::kiosk() const
{
    return m_windows->kiosk();
}

FrameClock *ReplayWindows::clock() const
{
    return m_windows->clock();
}

void ReplayWindows::updateBadges()
{
    const QString text = m_replay->badgeText();
    for (ReplayBadge *b : {m_mainBadge, m_kioskBadge}) {
        if (b) {
            b->setBadgeText(text);
        }
    }
}

FallbackSwitcher::FallbackSwitcher(
    PresenterSession *live, QString rehearsalPath, int maxFps, bool highContrast, QObject *parent)
    : QObject(parent), m_live(live), m_path(std::move(rehearsalPath)), m_maxFps(maxFps), m_highContrast(highContrast)
{ }

FallbackSwitcher::~FallbackSwitcher()
{
    m_windows.reset(); // the windows read the replay session
}

void FallbackSwitcher::setLiveWindows(PresenterWindows *live)
{
    setLiveWindows(live->main(), live->kiosk());
    live->setFallback([this] { toggle(); }, u"Fall back to rehearsal (F9)"_s,
        u"Switch both windows to %1 at the current beat; F9 again returns to live."_s.arg(
            QFileInfo(m_path).fileName()));
    connect(this, &FallbackSwitcher::failed, live,
        [live](const QString &why) { live->showStatus(u"No fallback: "_s + why, 15000); });
}

void FallbackSwitcher::setLiveWindows(QWidget *main, QWidget *kiosk)
{
    m_liveMain = main;
    m_liveKiosk = kiosk;
}

void FallbackSwitcher::swap(QWidget *from, QWidget *to)
{
    if (!from || !to) {
        return;
    }
    to->setGeometry(from->geometry());
    if (from->isFullScreen()) {
        to->setScreen(from->screen());
        to->showFullScreen();
    } else {
        to->show();
    }
    to->raise();
    to->activateWindow();
    from->hide();
}

bool FallbackSwitcher::toggle(QString *error)
{
    if (!m_replaying) {
        if (!m_replay) {
            QString why;
            m_replay = ReplaySession::open(m_path, &why);
            if (!m_replay) {
                if (error) {
                    *error = why;
                }
                Q_EMIT failed(why);
                return false;
            }
            m_windows = std::make_unique<ReplayWindows>(
                m_replay.get(), !m_liveMain.isNull(), !m_liveKiosk.isNull(), m_maxFps, m_highContrast);
            // The way back: F9, or the button on the replay's presenter window.
            if (QPushButton *back = m_windows->windows()->setFallback([this] { toggle(); }, u"Back to live (F9)"_s)) {
                back->setObjectName(u"backToLive"_s);
            }
        }
        // At the beat the live talk shows: its first run in the rehearsal.
        SessionPlayer *player = m_replay->player();
        const Beat *shown = m_live->story()->shownBeat();
        const int index = shown ? m_replay->session()->story()->plan().indexOf(shown->id) : -1;
        if (index < 0 || !player->seekToBeat(index)) {
            player->seekToRecord(0);
        }
        swap(m_liveMain, m_windows->main());
        swap(m_liveKiosk, m_windows->kiosk());
        player->play();
        m_windows->updateBadges();
        m_replaying = true;
    } else {
        m_replay->player()->pause();
        swap(m_windows->main(), m_liveMain);
        swap(m_windows->kiosk(), m_liveKiosk);
        m_replaying = false;
    }
    Q_EMIT switched(m_replaying);
    return true;
}

} // namespace presenter
