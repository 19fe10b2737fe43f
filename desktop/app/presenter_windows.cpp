#include "presenter_windows.h"

#include "app_options.h"
#include "frame_clock.h"
#include "key_bindings.h"
#include "kiosk_window.h"
#include "main_window.h"
#include "preflight_panel.h"
#include "report_export.h"
#include "window_memory.h"

#include "session/presenter_session.h"

#include <QFileInfo>
#include <QPushButton>
#include <QStatusBar>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace presenter {

WindowsOptions WindowsOptions::from(const AppOptions &app)
{
    WindowsOptions o;
    o.main = !app.kioskOnly;
    o.kiosk = app.kioskOnly || app.kioskScreen >= 0;
    o.maxFps = app.maxFps;
    o.highContrast = app.highContrast;
    o.rehearsal = app.fallback;
    return o;
}

namespace {

// CockroachDB's view of the nodes exists only where there is a cluster (not on the local stack).
ClusterView *clusterViewFor(PresenterSession *session, const WindowsOptions &options)
{
    if (options.clusterView) {
        return *options.clusterView;
    }
    return session->profile().clusterKind == ClusterKind::None ? nullptr : session->clusterView();
}

} // namespace

PresenterWindows::PresenterWindows(PresenterSession *session, const WindowsOptions &options, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_view(clusterViewFor(session, options))
    , m_clock(std::make_unique<FrameClock>(&session->store()))
    , m_keys(new KeyActions(session->story(), options.player, this))
{
    if (session->isReplay()) {
        m_clock->setClock([session] { return session->clock().nowMs(); });
    }
    m_clock->setMaxFps(options.maxFps);
    if (options.main) {
        m_main = std::make_unique<MainWindow>(session, m_clock.get(), m_view);
        m_keys->attachTo(m_main.get());
    }
    if (options.kiosk) {
        m_kiosk = std::make_unique<KioskWindow>(session, m_clock.get(), m_view);
        m_kiosk->setHighContrast(options.highContrast);
        m_keys->attachTo(m_kiosk.get());
    }
    m_keys->setExportReport(
        [session, rehearsal = options.rehearsal](QWidget *over) { exportReportWithDialog(over, session, rehearsal); });
}

PresenterWindows::~PresenterWindows()
{
    m_clock->stop();
}

void PresenterWindows::runPreflight(const PreflightConfig &config)
{
    if (m_main) {
        m_main->preflightPanel()->setConfig(config);
        m_main->preflightPanel()->run();
    }
}

QPushButton *PresenterWindows::setFallback(
    std::function<void()> toggle, const QString &buttonText, const QString &toolTip)
{
    m_keys->setFallback(toggle);
    if (!m_main) {
        return nullptr;
    }
    auto *button = new QPushButton(buttonText);
    button->setToolTip(toolTip);
    m_main->statusBar()->addPermanentWidget(button);
    connect(button, &QPushButton::clicked, this, [toggle] { toggle(); });
    return button;
}

void PresenterWindows::showStatus(const QString &text, int ms)
{
    if (m_main) {
        m_main->statusBar()->showMessage(text, ms);
    }
}

void PresenterWindows::show(int kioskScreen)
{
    if (m_main) {
        WindowMemory::attach(m_main.get(), u"presenter/geometry"_s, QSize(1600, 900));
        m_main->show();
    }
    if (m_kiosk) {
        const int screen = kioskScreen >= 0 ? kioskScreen : 0;
        if (!m_kiosk->showOnScreen(screen)) {
            std::fprintf(stderr, "presenter: no screen %d; the kiosk opens as a normal window\n", screen);
            WindowMemory::attach(m_kiosk.get(), u"kiosk/geometry"_s, m_kiosk->size());
            m_kiosk->show();
        }
    }
}

void PresenterWindows::saveScreenshots(const QString &path)
{
    m_clock->frame(true);
    if (m_main) {
        m_main->grab().save(path);
    }
    if (m_kiosk) {
        const QFileInfo fi(path);
        m_kiosk->grab().save(m_main ? fi.path() + u'/' + fi.completeBaseName() + u"-kiosk."_s + fi.suffix() : path);
    }
}

} // namespace presenter
