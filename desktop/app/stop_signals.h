#pragma once

#include <QObject>

#include <functional>

class QSocketNotifier;

namespace presenter {

// SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the presenter the way closing its window does, so the
// session ends cleanly (the recording gets its end record, kubectl port-forwards are stopped) and
// the exit code is 0. The usual Qt way: the handler only writes the signal's number to a socket
// pair (async-signal-safe); a QSocketNotifier reads it on the GUI thread and calls `onSignal`
// (main() passes QApplication::quit). A second signal while stopping is ignored: a hard stop would
// cut the recording (a terminal's Ctrl-C and a script's SIGTERM often come together; SIGKILL
// remains for a hung process). SIGINT and SIGHUP that the parent set to be ignored (a script's
// background job, nohup) stay ignored. One instance per process, made on the GUI thread; the
// dispositions it found come back when it is destroyed.
class StopSignals : public QObject
{
    Q_OBJECT
public:
    explicit StopSignals(std::function<void(int signal)> onSignal, QObject *parent = nullptr);
    ~StopSignals() override;

    // False when the socket pair or a handler could not be set up (then the signals keep their
    // default action).
    bool isInstalled() const { return m_installed; }

private:
    void readSignal();

    std::function<void(int)> m_onSignal;
    QSocketNotifier *m_notifier = nullptr;
    bool m_installed = false;
    bool m_stopping = false;
};

} // namespace presenter
