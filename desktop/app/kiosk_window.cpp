#include "kiosk_window.h"

#include "beat_panel.h"
#include "chart_specs.h"
#include "frame_clock.h"
#include "time_chart.h"

#include "model/presenter_session.h"

#include <QGridLayout>
#include <QGuiApplication>
#include <QScreen>
#include <QStackedLayout>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

KioskWindow::KioskWindow(PresenterSession *session, FrameClock *clock, QWidget *parent)
    : QWidget(parent)
    , m_beat(new BeatPanel(session, BeatPanel::Mode::Kiosk))
    , m_content(new QWidget)
    , m_blank(new QWidget)
{
    setWindowTitle(u"presenter kiosk"_s);
    setObjectName(u"kiosk"_s);
    auto *v = new QVBoxLayout(m_content);
    v->addWidget(m_beat, 0);
    auto *grid = new QGridLayout;
    const auto specs = chartspecs::kioskCharts();
    for (qsizetype i = 0; i < specs.size(); ++i) {
        auto *chart = new TimeChart(specs[i], &session->store());
        chart->setBigType(true);
        grid->addWidget(chart, static_cast<int>(i / 2), static_cast<int>(i % 2));
        m_charts.append(chart);
        clock->addChart(chart);
    }
    v->addLayout(grid, 1);
    m_blank->setAutoFillBackground(true);
    QPalette p = m_blank->palette();
    p.setColor(QPalette::Window, Qt::black);
    m_blank->setPalette(p);
    auto *stack = new QStackedLayout(this);
    stack->addWidget(m_content);
    stack->addWidget(m_blank);
    connect(session->story(), &StoryController::blankChanged, this, &KioskWindow::setBlanked);
    setBlanked(session->story()->isBlanked());
    resize(1280, 720);
}

bool KioskWindow::showOnScreen(int index)
{
    const auto screens = QGuiApplication::screens();
    if (index < 0 || index >= screens.size()) {
        return false;
    }
    QScreen *screen = screens[index];
    setScreen(screen);
    setGeometry(screen->geometry());
    showFullScreen();
    return true;
}

bool KioskWindow::isBlanked() const
{
    return static_cast<QStackedLayout *>(layout())->currentWidget() == m_blank;
}

void KioskWindow::setBlanked(bool blanked)
{
    static_cast<QStackedLayout *>(layout())->setCurrentWidget(blanked ? m_blank : m_content);
}
