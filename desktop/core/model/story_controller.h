#pragma once

#include "config/demo_plan.h"

#include <QObject>

#include <functional>
#include <optional>

namespace presenter {

// The clicker's state machine over the plan's beats.
//
//  - PageDown (next()): if the shown beat is behind the furthest beat already run, it only moves
//    the display forward. Otherwise the first time it *arms* the next beat (the panel previews
//    what it will do); the second time it *runs* it (emits runRequested). While a beat's actions
//    run, PageDown does nothing.
//  - Escape (cancel()): disarms.
//  - PageUp (back()): shows the previous beat. Display only: nothing is undone, and PageDown
//    walks forward through beats already run without running them again.
//  - B (toggleBlank()): blanks / unblanks the kiosk.
// Arming is the confirmation for a beat's cluster-changing actions: nothing runs on one key.
//
// Threading: GUI thread only.
class StoryController : public QObject
{
    Q_OBJECT
public:
    enum class Stage { Showing, Armed, Running };
    Q_ENUM(Stage)

    explicit StoryController(QObject *parent = nullptr);

    void setPlan(const DemoPlan &plan);
    const DemoPlan &plan() const { return m_plan; }

    // The beat on screen (-1 before the first beat has run: "ready to start").
    int shownIndex() const { return m_shown; }
    // The beat PageDown would arm, or -1 at the end of the story.
    int nextIndex() const;
    int lastRunIndex() const { return m_lastRun; }
    int armedIndex() const { return m_stage == Stage::Armed ? nextIndex() : -1; }
    Stage stage() const { return m_stage; }
    bool isBlanked() const { return m_blanked; }
    const Beat *shownBeat() const;
    const Beat *armedBeat() const;

    // Maps clicker keys (Qt::Key_PageDown, Key_PageUp, Key_Escape, Key_B); true if handled.
    bool handleKey(int key);
    void next();
    void cancel();
    void back();
    void toggleBlank();

    // A beat with an action that may lose the majority (allow_majority_loss) runs only when this
    // returns true for it (the presenter window asks for a typed confirmation). Without one, such
    // a beat never runs: it stays armed and lastRunSummary() says why.
    void setMajorityLossConfirmation(std::function<bool(const Beat &)> confirm)
    {
        m_confirmMajorityLoss = std::move(confirm);
    }
    static bool losesMajority(const Beat &beat);

    // The state a recording keeps and a replay restores (SessionRecorder / SessionPlayer).
    struct Snapshot
    {
        int shown = -1;
        int lastRun = -1;
        Stage stage = Stage::Showing;
        bool blanked = false;
        QString lastSummary;
        bool operator==(const Snapshot &) const = default;
    };
    Snapshot snapshot() const { return {m_shown, m_lastRun, m_stage, m_blanked, m_lastSummary}; }
    // Whether the presenter's input drives the story (true unless set otherwise). Without it keys
    // are not handled (handleKey() false, so another handler may take them), next() / back() /
    // cancel() / toggleBlank() do nothing and runRequested() is never emitted: the state then comes
    // only through restore().
    void setInputEnabled(bool enabled) { m_inputEnabled = enabled; }
    bool isInputEnabled() const { return m_inputEnabled; }
    // Takes a state kept elsewhere (a recording); emits changed() (and blankChanged() when that
    // changed) like a live change.
    void restore(const Snapshot &snapshot);
    static QString stageName(Stage stage); // "showing", "armed", "running"
    static std::optional<Stage> stageFromName(const QString &name);

    // The app reports the end of a beat's actions (ok or not); back to Showing.
    void setRunFinished(bool ok, const QString &summary);
    QString lastRunSummary() const { return m_lastSummary; }

Q_SIGNALS:
    void changed();
    // The presenter confirmed (second PageDown): run this beat's actions now.
    void runRequested(int index, const Beat &beat);
    void blankChanged(bool blanked);

private:
    DemoPlan m_plan;
    int m_shown = -1;
    int m_lastRun = -1;
    Stage m_stage = Stage::Showing;
    bool m_blanked = false;
    QString m_lastSummary;
    bool m_inputEnabled = true;
    std::function<bool(const Beat &)> m_confirmMajorityLoss;
};

} // namespace presenter
