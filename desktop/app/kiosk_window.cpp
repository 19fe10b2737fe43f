#include "kiosk_window.h"

#include "beat_panel.h"
#include "big_number_tile.h"
#include "chart_specs.h"
#include "event_list.h"
#include "frame_clock.h"
#include "node_grid.h"
#include "time_chart.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"

#include <QCoreApplication>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QScreen>
#include <QStackedLayout>
#include <QTimer>

#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

KioskWindow::KioskWindow(PresenterSession *session, FrameClock *clock, ClusterView *view, QWidget *parent)
    : QWidget(parent)
    , m_beat(new BeatPanel(session, BeatPanel::Mode::Kiosk))
    , m_content(new QWidget)
    , m_blank(new QWidget)
    , m_view(view)
{
    setWindowTitle(u"presenter kiosk"_s);
    setObjectName(u"kiosk"_s);
    auto *v = new QVBoxLayout(m_content);
    v->addWidget(m_beat, 0);
    if (view) {
        addClusterRows(v, session, view);
    }
    addCharts(v, session, clock, view != nullptr);
    addEventLine(v, session);
    m_blank->setAutoFillBackground(true);
    QPalette p = m_blank->palette();
    p.setColor(QPalette::Window, Qt::black);
    m_blank->setPalette(p);
    auto *stack = new QStackedLayout(this);
    // The kiosk takes its screen's size and fits it (resizeEvent), rather than growing past it.
    stack->setSizeConstraint(QLayout::SetNoConstraint);
    stack->addWidget(m_content);
    stack->addWidget(m_blank);
    connect(session->story(), &StoryController::blankChanged, this, &KioskWindow::setBlanked);
    connect(session->story(), &StoryController::changed, this, &KioskWindow::scheduleFit);
    // The verdict lines come and go with the evaluator, not with the story: fit them too.
    connect(session->evaluator(), &ExpectationEvaluator::changed, this, &KioskWindow::scheduleFit);
    setBlanked(session->story()->isBlanked());
    resize(1280, 720);
}

void KioskWindow::addClusterRows(QVBoxLayout *v, PresenterSession *session, ClusterView *view)
{
    auto *numbers = new QHBoxLayout;
    for (const QString &title :
        {u"Live nodes"_s, u"Unavailable ranges"_s, u"Under-replicated ranges"_s, u"App requests OK (this beat)"_s}) {
        auto *tile = new BigNumberTile(title);
        numbers->addWidget(tile, 1);
        m_tiles.append(tile);
    }
    v->addLayout(numbers, 0);
    m_stopwatch = new QLabel;
    m_stopwatch->setObjectName(u"healStopwatch"_s);
    QFont f = m_stopwatch->font();
    f.setPointSizeF(20);
    f.setBold(true);
    m_stopwatch->setFont(f);
    m_stopwatch->setWordWrap(true);
    v->addWidget(m_stopwatch, 0);
    m_appExperience = new QLabel;
    QFont af = m_appExperience->font();
    af.setPointSizeF(16);
    m_appExperience->setFont(af);
    m_appExperience->setWordWrap(true);
    v->addWidget(m_appExperience, 0);
    m_nodes = new NodeGrid(session, view, NodeGrid::Mode::Kiosk);
    v->addWidget(m_nodes, 0);
    connect(view, &ClusterView::changed, this, &KioskWindow::showClusterView);
    showClusterView();
}

void KioskWindow::addCharts(QVBoxLayout *v, PresenterSession *session, FrameClock *clock, bool withView)
{
    auto *grid = new QGridLayout;
    auto specs = chartspecs::kioskCharts();
    if (withView) {
        // Live nodes and ranges are the big numbers and the node grid now: keep the app's charts,
        // one row, so everything fits a 1280x720 projector.
        specs = specs.mid(0, 2);
    }
    for (qsizetype i = 0; i < specs.size(); ++i) {
        auto *chart = new TimeChart(specs[i], &session->store());
        chart->setBigType(true);
        chart->setUnavailableReason(chartspecs::unavailableReason(specs[i], session->profile().clusterKind));
        grid->addWidget(chart, static_cast<int>(i / 2), static_cast<int>(i % 2));
        if (withView) {
            chart->setMinimumHeight(120);
        }
        m_charts.append(chart);
        clock->addChart(chart);
    }
    v->addLayout(grid, 1);
}

void KioskWindow::addEventLine(QVBoxLayout *v, PresenterSession *session)
{
    // The full text of the markers the charts could only label shortly (or not at all).
    m_events = new EventList(&session->store(), 2);
    // Its second line takes height from the node tiles and charts: fit again (nothing cut).
    connect(m_events, &EventList::lineCountChanged, this, &KioskWindow::scheduleFit);
    QFont ef = m_events->font();
    ef.setPointSizeF(13);
    m_events->setFont(ef);
    v->addWidget(m_events, 0);
}

void KioskWindow::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    scheduleFit();
}

void KioskWindow::scheduleFit()
{
    // After the layouts have taken the new size or text (the same event-loop pass).
    if (!m_fitPending) {
        m_fitPending = true;
        QTimer::singleShot(0, this, [this] {
            m_fitPending = false;
            fit();
        });
    }
}

void KioskWindow::fit()
{
    // Full type when everything fits (with its wrapped lines at this width); otherwise (a 1920x1080
    // projector at 200 %, a two-line title, a down node's longer tile, a beat's verdicts) the text
    // outside the charts is set at 80 %, then the node tiles keep name and state and the big numbers
    // drop their captions, then 70 % (at 200 % still 1.4 times the 1280x720 kiosk's type), then
    // 60 %, then without the event line (the markers keep their short labels on the charts): the
    // first step that fits wins, so the charts keep a readable plot and nothing is cut.
    struct Step
    {
        bool details;
        double scale;
        bool events;
    };
    static constexpr Step steps[] = {{true, 1.0, true}, {true, 0.8, true}, {false, 0.8, true}, {false, 0.7, true},
        {false, 0.6, true}, {false, 0.6, false}};
    QLayout *layout = m_content->layout();
    for (const Step &step : steps) {
        setDense(!step.details, step.scale);
        m_events->setVisible(step.events);
        // Laid out now (nested layouts follow their widgets' resize events), then judged by what
        // the labels got: a wrapped text given fewer lines than it needs does not fit. (The
        // layout's heightForWidth under-counts the node grid, whose tiles wrap at their own width.)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        layout->activate();
        const auto labels = m_content->findChildren<QLabel *>();
        const bool textFits = std::none_of(labels.cbegin(), labels.cend(), [this](const QLabel *l) {
            return l->isVisibleTo(this) && !l->text().isEmpty()
                && ((l->wordWrap() && l->height() + 1 < l->heightForWidth(l->width())) || clippedByParents(l));
        });
        // Nor may the layout, short of height, lay its rows over each other (the charts over the
        // event line on a beat with a two-line title at 960x540).
        if (textFits && !rowsOverlap(layout)) {
            break;
        }
    }
}

namespace {

// The visible widgets a layout (and the layouts inside it) manages, in order.
void managedWidgets(QLayout *layout, QList<QWidget *> *out)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem *item = layout->itemAt(i);
        if (QWidget *w = item->widget(); w && !w->isHidden()) {
            out->append(w);
        } else if (QLayout *inner = item->layout()) {
            managedWidgets(inner, out);
        }
    }
}

} // namespace

bool KioskWindow::clippedByParents(const QWidget *w) const
{
    // A label can have every line it needs and still be cut: its panel, given less height than its
    // content, clips it (the local stack's four skipped verdicts at 1024x768 lost "4 skipped").
    QRect shown(w->mapTo(m_content, QPoint(0, 0)), w->size());
    const QRect whole = shown;
    for (const QWidget *p = w->parentWidget(); p && p != m_content; p = p->parentWidget()) {
        shown &= QRect(p->mapTo(m_content, QPoint(0, 0)), p->size());
    }
    shown &= m_content->rect();
    return shown.height() + 1 < whole.height() || shown.width() + 1 < whole.width();
}

bool KioskWindow::rowsOverlap(QLayout *layout)
{
    QList<QWidget *> widgets;
    managedWidgets(layout, &widgets);
    for (qsizetype i = 0; i < widgets.size(); ++i) {
        for (qsizetype j = i + 1; j < widgets.size(); ++j) {
            if (widgets[i]->geometry().intersects(widgets[j]->geometry())) {
                return true;
            }
        }
    }
    return false;
}

void KioskWindow::setDense(bool dense, double scale)
{
    if (m_nodes) {
        m_nodes->setDetailsVisible(!dense);
    }
    for (BigNumberTile *t : std::as_const(m_tiles)) {
        t->setCaptionVisible(!dense);
    }
    for (QLabel *label : m_content->findChildren<QLabel *>()) {
        QVariant base = label->property("kioskPointSize");
        if (!base.isValid()) {
            base = label->font().pointSizeF();
            label->setProperty("kioskPointSize", base);
        }
        QFont f = label->font();
        f.setPointSizeF(base.toDouble() * scale);
        label->setFont(f);
    }
}

void KioskWindow::setHighContrast(bool on)
{
    m_highContrast = on;
    QPalette p = m_content->palette();
    p.setColor(QPalette::Window, on ? QColor(Qt::white) : palette().color(QPalette::Window));
    p.setColor(QPalette::WindowText, on ? QColor(Qt::black) : palette().color(QPalette::WindowText));
    m_content->setAutoFillBackground(on);
    m_content->setPalette(p);
    for (TimeChart *c : std::as_const(m_charts)) {
        c->setHighContrast(on);
    }
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

QString KioskWindow::stopwatchText() const
{
    return m_stopwatch ? m_stopwatch->text() : QString();
}

QString KioskWindow::appExperienceText() const
{
    return m_appExperience ? m_appExperience->text() : QString();
}

void KioskWindow::showClusterView()
{
    using Tone = BigNumberTile::Tone;
    const ClusterSummary &s = m_view->summary();
    if (s.nodes == 0) {
        m_tiles[0]->setValue(u"–"_s, u"no status yet"_s, Tone::Neutral);
    } else {
        m_tiles[0]->setValue(u"%1 / %2"_s.arg(s.liveNodes).arg(s.nodes),
            s.clusterViewKnown ? u"answering and live in CockroachDB"_s : u"answering (no cluster view yet)"_s,
            s.liveNodes == s.nodes ? Tone::Good : Tone::Bad);
    }
    const QString from = u"from %1 of %2 nodes"_s.arg(s.reporting).arg(s.nodes);
    auto count = [&](BigNumberTile *tile, const std::optional<double> &v, Tone whenAbove) {
        if (!v) {
            tile->setValue(u"–"_s, u"no node reports it yet"_s, Tone::Neutral);
        } else {
            tile->setValue(QString::number(*v, 'f', 0), from, *v > 0 ? whenAbove : Tone::Good);
        }
    };
    count(m_tiles[1], s.unavailableRanges, Tone::Bad);
    count(m_tiles[2], s.underReplicatedRanges, Tone::Warning);
    const RequestTally &beat = m_view->beatTally();
    const auto pct = beat.successPercent();
    m_tiles[3]->setValue(beat.percentText(),
        beat.hasWindow() ? (pct ? u"%1 of %2 requests"_s.arg(beat.succeeded()).arg(beat.total()) : u"no request yet"_s)
                         : u"no beat run yet"_s,
        !pct ? Tone::Neutral : (beat.failed() == 0 ? Tone::Good : (*pct >= 99.0 ? Tone::Warning : Tone::Bad)));
    m_stopwatch->setText(u"Heal: "_s + m_view->stopwatchText());
    const RequestTally &fault = m_view->faultTally();
    m_appExperience->setText(fault.hasWindow() ? u"App: "_s + fault.text() : QString());
    m_appExperience->setVisible(fault.hasWindow());
    // The view changes on every feed tick, the shape of the text far less often; fitting lays the
    // whole window out, so only a text that may need other room (a node down) is fitted again.
    QString shape = m_stopwatch->text() + u'\n' + m_appExperience->text();
    for (const BigNumberTile *tile : std::as_const(m_tiles)) {
        shape += u'\n' + tile->number() + u'\n' + tile->caption();
    }
    for (QChar &c : shape) {
        if (c.isDigit()) {
            c = u'0';
        }
    }
    if (shape != m_fittedShape) {
        m_fittedShape = shape;
        scheduleFit();
    }
}

bool KioskWindow::isBlanked() const
{
    return static_cast<QStackedLayout *>(layout())->currentWidget() == m_blank;
}

void KioskWindow::setBlanked(bool blanked)
{
    static_cast<QStackedLayout *>(layout())->setCurrentWidget(blanked ? m_blank : m_content);
}

} // namespace presenter
