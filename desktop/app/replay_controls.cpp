#include "replay_controls.h"

#include "frame_clock.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "replay_badge.h"

#include "session/presenter_session.h"
#include "recording/replay_session.h"
#include "recording/session_player.h"

#include <QApplication>
#include <QFileInfo>
#include <QKeyEvent>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

using namespace Qt::StringLiterals;

ReplayKeys::ReplayKeys(QObject *parent) : QObject(parent) { }

void ReplayKeys::setPlayer(SessionPlayer *player)
{
    m_player = player;
}

bool ReplayKeys::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress || !watched->isWidgetType()) {
        return false;
    }
    auto *key = static_cast<QKeyEvent *>(event);
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) {
        return false;
    }
    if (QApplication::activeModalWidget()) {
        return false; // a dialog's keys are the dialog's
    }
    if (key->key() == Qt::Key_F9 && m_toggle) {
        if (!key->isAutoRepeat()) {
            m_toggle();
        }
        return true;
    }
    if (!m_player) {
        return false;
    }
    if (key->isAutoRepeat()) {
        return key->key() == Qt::Key_PageDown || key->key() == Qt::Key_PageUp;
    }
    if (m_player->handleKey(key->key())) {
        return true;
    }
    // The live story's clicker keys never reach it while a replay is on screen.
    return key->key() == Qt::Key_Escape || key->key() == Qt::Key_B;
}

ReplayWindows::ReplayWindows(
    ReplaySession *replay, bool withMain, bool withKiosk, int maxFps, bool highContrast, QObject *parent)
    : QObject(parent), m_replay(replay), m_badgeTimer(new QTimer(this))
{
    PresenterSession *session = replay->session();
    m_clock = std::make_unique<FrameClock>(&session->store());
    m_clock->setClock([session] { return session->clock().nowMs(); });
    m_clock->setMaxFps(maxFps);
    ClusterView *view = session->profile().clusterKind == ClusterKind::None ? nullptr : session->clusterView();
    if (withMain) {
        m_main = std::make_unique<MainWindow>(session, m_clock.get(), view);
        m_main->setWindowTitle(u"REPLAY of %1 · %2"_s.arg(QFileInfo(replay->path()).fileName(), m_main->windowTitle()));
        m_mainBadge = new ReplayBadge(m_main.get());
    }
    if (withKiosk) {
        m_kiosk = std::make_unique<KioskWindow>(session, m_clock.get(), view);
        m_kiosk->setHighContrast(highContrast);
        m_kioskBadge = new ReplayBadge(m_kiosk.get(), true);
    }
    m_badgeTimer->setInterval(250);
    connect(m_badgeTimer, &QTimer::timeout, this, &ReplayWindows::updateBadges);
    connect(replay->player(), &SessionPlayer::playingChanged, this, &ReplayWindows::updateBadges);
    m_badgeTimer->start();
    m_clock->start();
    updateBadges();
}

ReplayWindows::~ReplayWindows()
{
    m_clock->stop();
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
    PresenterSession *live, QString rehearsalPath, ReplayKeys *keys, int maxFps, bool highContrast, QObject *parent)
    : QObject(parent)
    , m_live(live)
    , m_path(std::move(rehearsalPath))
    , m_keys(keys)
    , m_maxFps(maxFps)
    , m_highContrast(highContrast)
{ }

FallbackSwitcher::~FallbackSwitcher()
{
    m_windows.reset(); // the windows read the replay session
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
            // The way back, on the replay's presenter window (F9 does the same).
            if (MainWindow *main = m_windows->main()) {
                auto *back = new QPushButton(u"Back to live (F9)"_s);
                back->setObjectName(u"backToLive"_s);
                main->statusBar()->addPermanentWidget(back);
                connect(back, &QPushButton::clicked, this, [this] { toggle(); });
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
        m_keys->setPlayer(player);
        player->play();
        m_windows->updateBadges();
        m_replaying = true;
    } else {
        m_replay->player()->pause();
        m_keys->setPlayer(nullptr);
        swap(m_windows->main(), m_liveMain);
        swap(m_windows->kiosk(), m_liveKiosk);
        m_replaying = false;
    }
    Q_EMIT switched(m_replaying);
    return true;
}
