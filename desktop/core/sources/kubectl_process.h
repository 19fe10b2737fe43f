#pragma once

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace presenter {

// One asynchronous external command (kubectl) with an argument list, a time limit and a readable
// outcome. Never blocks: no waitFor*() anywhere. Used by ClusterDriver and PortForwardSupervisor.
struct CommandResult
{
    bool ok = false; // started, exited normally with code 0
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString error; // a sentence when !ok: not found, timed out, crashed, or exit code + stderr
};

class KubectlProcess : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const CommandResult &)>;

    explicit KubectlProcess(QObject *parent = nullptr);
    ~KubectlProcess() override;

    // Runs program + args; `done` is called once, on this object's thread, unless abort() or the
    // destructor comes first. Only one command per object at a time (returns false if busy).
    bool run(const QString &program, const QStringList &args, Callback done, int timeoutMs = 30000,
        const QProcessEnvironment &env = {});
    void abort();
    bool isRunning() const { return m_process != nullptr; }

    // "kubectl scale statefulset crdb --replicas=2" for messages (arguments never reach a shell).
    static QString describe(const QString &program, const QStringList &args);

private:
    void finish(CommandResult result);

    QProcess *m_process = nullptr;
    QTimer m_timer;
    Callback m_done;
    QString m_description;
    bool m_timedOut = false;
};

} // namespace presenter
