#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QAction;
class QWidget;

namespace presenter {

class SessionPlayer;
class StoryController;

// What a key asks for. Story*: the live talk (StoryController); Replay*: a replay on screen
// (SessionPlayer); Fallback: live <-> rehearsal (FallbackSwitcher); None: the key does nothing there.
enum class KeyIntent {
    None,
    StoryNext,
    StoryBack,
    StoryCancel,
    StoryBlank,
    ReplayPause,
    ReplayNextBeat,
    ReplayPreviousBeat,
    ReplayFaster,
    ReplaySlower,
    ReplayHome,
    Fallback,
    ExportReport,
};

// One row of the presenter's key table: the key, what it asks for live and in a replay, and the
// action's words (its text in menus and tooltips).
struct KeyBinding
{
    QKeySequence key;
    KeyIntent live;
    KeyIntent replay;
    QString text;
};

namespace keybindings {

// Every key of both windows, in one place. Clickers send PageDown / PageUp (some Escape and B).
const QList<KeyBinding> &table();
// What `key` asks for in a window showing a replay (or the live talk); None when nothing.
KeyIntent intentFor(const QKeySequence &key, bool replay);

} // namespace keybindings

// The key table as QActions for the windows of one session, live or replay: one action per key
// that does something in that mode, Qt::ApplicationShortcut (the key works in whichever of the
// presenter's windows has the focus, and over a focused spin box; a line edit keeps the letters it
// types; an open dialog keeps its keys), no auto-repeat (a held clicker button runs one beat).
// Hidden windows' actions do not fire: while the fallback shows a replay, the live talk's keys sleep.
//
// Threading: GUI thread. The story or player must outlive it; it owns its actions.
class KeyActions : public QObject
{
    Q_OBJECT
public:
    // story: live keys; player: a replay's keys (then the story is not asked).
    KeyActions(StoryController *story, SessionPlayer *player, QObject *parent = nullptr);

    // Adds every action to `window` (QWidget::addAction): its keys work while it shows.
    void attachTo(QWidget *window);
    // F9. Without a toggle F9 does nothing (no fallback recording).
    void setFallback(std::function<void()> toggle) { m_fallback = std::move(toggle); }
    // Ctrl+E; called with the window the key was pressed in.
    void setExportReport(std::function<void(QWidget *)> exportReport) { m_export = std::move(exportReport); }
    const QList<QAction *> &actions() const { return m_actions; }

private:
    void trigger(KeyIntent intent);
    QWidget *exportParent() const;

    StoryController *m_story;
    SessionPlayer *m_player;
    std::function<void()> m_fallback;
    std::function<void(QWidget *)> m_export;
    QList<QAction *> m_actions;
    QList<QPointer<QWidget>> m_windows;
};

} // namespace presenter
