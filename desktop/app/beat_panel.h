#pragma once

#include <QWidget>

class QLabel;
class QTimer;

namespace presenter {

struct Beat;
class PresenterSession;

// The story beat on screen: title, narration (presenter mode only), the armed preview (what the
// next PageDown will do), the running beat's progress and its expectations with live verdicts.
// Read-only: keys go to the StoryController through the windows' key actions (key_bindings.h).
class BeatPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Presenter, Kiosk };
    BeatPanel(PresenterSession *session, Mode mode, QWidget *parent = nullptr);

    QString titleText() const;
    QString stageText() const;
    QString previewText() const;
    QString narrationText() const;
    QString expectationsText() const;

private:
    void refreshView();
    QString stageLine() const; // where the story stands and what PageDown does next (presenter)
    void showPreview(const Beat *armed); // what the armed beat will do (presenter)
    QStringList verdictLines(const Beat *shown) const; // the shown beat's verdicts, coloured

    PresenterSession *m_session;
    Mode m_mode;
    QLabel *m_title;
    QLabel *m_stage;
    QLabel *m_narration = nullptr;
    QLabel *m_preview;
    QLabel *m_progress;
    QLabel *m_expectations;
    QTimer *m_clock;
};

} // namespace presenter
