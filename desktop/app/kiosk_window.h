#pragma once

#include <QWidget>

class QLabel;
class QLayout;
class QVBoxLayout;

namespace presenter {

class BeatPanel;
class BigNumberTile;
class EventList;
class ClusterView;
class NodeGrid;
class FrameClock;
class PresenterSession;
class TimeChart;

// The audience's screen: read-only, big type, the current beat and its verdicts (never the
// narration), the key charts with their event markers. With a ClusterView, also the node grid
// (CockroachDB's view, no controls), four big numbers (live nodes, unavailable ranges,
// under-replicated ranges, share of app requests that succeeded during the current beat), the
// heal stopwatch and the app's experience during the fault. B (through the story controller)
// blanks it to black.
class KioskWindow : public QWidget
{
    Q_OBJECT
public:
    KioskWindow(PresenterSession *session, FrameClock *clock, ClusterView *view = nullptr, QWidget *parent = nullptr);

    // Full screen on screen `index` (QGuiApplication::screens()); false if there is no such screen.
    bool showOnScreen(int index);
    BeatPanel *beatPanel() const { return m_beat; }
    const QList<TimeChart *> &charts() const { return m_charts; }
    bool isBlanked() const;
    NodeGrid *nodeGrid() const { return m_nodes; }
    const QList<BigNumberTile *> &tiles() const { return m_tiles; }
    QString stopwatchText() const;
    QString appExperienceText() const;
    // --theme high-contrast: pure white, black text, thick lines in saturated colours.
    void setHighContrast(bool on);
    bool isHighContrast() const { return m_highContrast; }
    EventList *eventList() const { return m_events; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    // The big numbers, the heal stopwatch, the app's experience and the node grid.
    void addClusterRows(QVBoxLayout *v, PresenterSession *session, ClusterView *view);
    void addCharts(QVBoxLayout *v, PresenterSession *session, FrameClock *clock, bool withView);
    void addEventLine(QVBoxLayout *v, PresenterSession *session);
    void setBlanked(bool blanked);
    void setDense(bool dense, double scale);
    void scheduleFit();
    void fit(); // the largest type that fits the window's height (resizeEvent, new text) // dense: node details and
                // tile captions hidden
    void showClusterView();
    static bool rowsOverlap(QLayout *layout); // two widgets it manages laid over each other
    bool clippedByParents(const QWidget *w) const; // cut by a parent given less room than it needs

    BeatPanel *m_beat;
    QList<TimeChart *> m_charts;
    QWidget *m_content;
    QWidget *m_blank;
    ClusterView *m_view = nullptr;
    NodeGrid *m_nodes = nullptr;
    QList<BigNumberTile *> m_tiles;
    QLabel *m_stopwatch = nullptr;
    QLabel *m_appExperience = nullptr;
    EventList *m_events = nullptr;
    bool m_highContrast = false;
    bool m_fitPending = false;
    // The cluster rows' text with every digit as '0': a count that ticks up (digits are equally
    // wide) needs no new fit; a longer or different text does.
    QString m_fittedShape;
};

} // namespace presenter
