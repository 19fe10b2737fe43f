#include "key_bindings.h"

#include "model/story_controller.h"
#include "recording/session_player.h"

#include <QAction>
#include <QApplication>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace presenter {

namespace keybindings {

const QList<KeyBinding> &table()
{
    using I = KeyIntent;
    static const QList<KeyBinding> rows {
        {QKeySequence(Qt::Key_PageDown), I::StoryNext, I::ReplayNextBeat, u"Next: arm the beat, then run it"_s},
        {QKeySequence(Qt::Key_PageUp), I::StoryBack, I::ReplayPreviousBeat, u"Back"_s},
        {QKeySequence(Qt::Key_Escape), I::StoryCancel, I::None, u"Cancel the armed beat"_s},
        {QKeySequence(Qt::Key_B), I::StoryBlank, I::None, u"Blank the kiosk"_s},
        {QKeySequence(Qt::Key_Space), I::None, I::ReplayPause, u"Pause or play the replay"_s},
        {QKeySequence(Qt::Key_Right), I::None, I::ReplayNextBeat, u"Next recorded beat"_s},
        {QKeySequence(Qt::Key_Left), I::None, I::ReplayPreviousBeat, u"Previous recorded beat"_s},
        {QKeySequence(Qt::Key_Plus), I::None, I::ReplayFaster, u"Replay twice as fast"_s},
        {QKeySequence(Qt::Key_Equal), I::None, I::ReplayFaster, u"Replay twice as fast"_s},
        {QKeySequence(Qt::Key_Minus), I::None, I::ReplaySlower, u"Replay half as fast"_s},
        {QKeySequence(Qt::Key_Home), I::None, I::ReplayHome, u"Replay from the start"_s},
        {QKeySequence(Qt::Key_F9), I::Fallback, I::Fallback, u"Fall back to the rehearsal, or back to live"_s},
        {QKeySequence(Qt::CTRL | Qt::Key_E), I::ExportReport, I::ExportReport, u"Export report…"_s},
    };
    return rows;
}

KeyIntent intentFor(const QKeySequence &key, bool replay)
{
    for (const KeyBinding &row : table()) {
        if (row.key == key) {
            return replay ? row.replay : row.live;
        }
    }
    return KeyIntent::None;
}

} // namespace keybindings

KeyActions::KeyActions(StoryController *story, SessionPlayer *player, QObject *parent)
    : QObject(parent), m_story(story), m_player(player)
{
    const bool replay = player != nullptr;
    for (const KeyBinding &row : keybindings::table()) {
        const KeyIntent intent = replay ? row.replay : row.live;
        if (intent == KeyIntent::None) {
            continue;
        }
        auto *action = new QAction(row.text, this);
        action->setShortcut(row.key);
        action->setShortcutContext(Qt::ApplicationShortcut);
        action->setAutoRepeat(false);
        connect(action, &QAction::triggered, this, [this, intent] { trigger(intent); });
        m_actions.append(action);
    }
}

void KeyActions::attachTo(QWidget *window)
{
    window->addActions(m_actions);
    m_windows.append(window);
}

void KeyActions::trigger(KeyIntent intent)
{
    // Only the intents of this mode have an action (the constructor): story or player is set.
    switch (intent) {
    case KeyIntent::StoryNext:
        m_story->next();
        break;
    case KeyIntent::StoryBack:
        m_story->back();
        break;
    case KeyIntent::StoryCancel:
        m_story->cancel();
        break;
    case KeyIntent::StoryBlank:
        m_story->toggleBlank();
        break;
    case KeyIntent::ReplayPause:
        m_player->togglePause();
        break;
    case KeyIntent::ReplayNextBeat:
        m_player->seekNextBeat();
        break;
    case KeyIntent::ReplayPreviousBeat:
        m_player->seekPreviousBeat();
        break;
    case KeyIntent::ReplayFaster:
        m_player->setSpeed(m_player->speed() * 2);
        break;
    case KeyIntent::ReplaySlower:
        m_player->setSpeed(m_player->speed() / 2);
        break;
    case KeyIntent::ReplayHome:
        m_player->seekToRecord(0);
        break;
    case KeyIntent::Fallback:
        if (m_fallback) {
            m_fallback();
        }
        break;
    case KeyIntent::ExportReport:
        if (m_export) {
            m_export(exportParent());
        }
        break;
    case KeyIntent::None:
        break;
    }
}

QWidget *KeyActions::exportParent() const
{
    // The window the key was pressed in (the dialog opens over it), else the first one shown.
    QWidget *active = QApplication::activeWindow();
    for (const QPointer<QWidget> &w : m_windows) {
        if (w && w == active) {
            return w;
        }
    }
    for (const QPointer<QWidget> &w : m_windows) {
        if (w && w->isVisible()) {
            return w;
        }
    }
    return nullptr;
}

} // namespace presenter
