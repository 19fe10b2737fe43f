#pragma once

#include <QWidget>

class BeatPanel;
class FrameClock;
class PresenterSession;
class TimeChart;

// The audience's screen: read-only, big type, the current beat and its verdicts (never the
// narration), the key charts with their event markers. B (through the story controller) blanks
// it to black.
class KioskWindow : public QWidget
{
    Q_OBJECT
public:
    KioskWindow(PresenterSession *session, FrameClock *clock, QWidget *parent = nullptr);

    // Full screen on screen `index` (QGuiApplication::screens()); false if there is no such screen.
    bool showOnScreen(int index);
    BeatPanel *beatPanel() const { return m_beat; }
    const QList<TimeChart *> &charts() const { return m_charts; }
    bool isBlanked() const;

private:
    void setBlanked(bool blanked);

    BeatPanel *m_beat;
    QList<TimeChart *> m_charts;
    QWidget *m_content;
    QWidget *m_blank;
};
