#pragma once

#include <QGroupBox>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace presenter {

class ClusterCommands;
class LoadCommands;
class SampleAppControl;
class SqlRunner;
struct LoadState;

// What the controls read and ask: the sample app's control (its load state and its commands'
// answers), the load commands (start, stop, readers, writers, spike), the cluster
// commands (scale), the SQL runner (a run's progress), the sql/ folder and the session's manual
// SQL run and scale marker.
struct ControlsInputs
{
    SampleAppControl *control = nullptr;
    LoadCommands *load = nullptr;
    ClusterCommands *cluster = nullptr;
    SqlRunner *sql = nullptr;
    QString sqlDir;
    // The manual "Run SQL" (its outcome comes back through showSqlOutcome); false with the reason.
    std::function<bool(const QString &path, QString *whyNot)> runSqlFile;
    // After an accepted scale (the event marker).
    std::function<void(int nodes)> scaled;
};

// The presenter's controls: load (rate, start, stop, readers, writers, spike), the phase SQL files
// and the scale. Anything that changes the cluster asks for confirmation first. GUI thread only.
class ControlsPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit ControlsPanel(ControlsInputs inputs, QWidget *parent = nullptr);

    QString loadStatusText() const;
    QString sqlStatusText() const; // the last SQL outcome's words
    // The load line and the readers/writers boxes (from the latest tick, else the control's state).
    void showLoadState(const LoadState &state);
    void showSqlOutcome(const QString &text);

private:
    void buildLoadRows();
    void buildSqlRows();
    void buildScaleRows();
    bool confirm(const QString &title, const QString &text);
    void runSql();
    void scale();
    void spike();

    ControlsInputs m_in;
    QSpinBox *m_rps = nullptr;
    QCheckBox *m_readers = nullptr;
    QCheckBox *m_writers = nullptr;
    QLabel *m_loadStatus = nullptr;
    QComboBox *m_sqlFile = nullptr;
    QLabel *m_sqlStatus = nullptr;
    QSpinBox *m_nodesSpin = nullptr;
    QLabel *m_commandStatus = nullptr;
};

} // namespace presenter
