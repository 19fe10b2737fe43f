#include "port_forward_supervisor.h"

#include "kubectl_process.h"

#include <QProcess>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

PortForwardSupervisor::PortForwardSupervisor(QObject *parent) : DataSource(u"port-forward"_s, parent) { }

PortForwardSupervisor::~PortForwardSupervisor()
{
    stop();
}

void PortForwardSupervisor::setKubectl(const QString &program, const QStringList &globalArgs)
{
    m_program = program;
    m_globalArgs = globalArgs;
}

void PortForwardSupervisor::addForward(const Forward &forward)
{
    Running r;
    r.forward = forward;
    m_forwards.append(r);
    // Forwards added while running (one per CockroachDB pod as pods appear) start at once.
    if (isRunning()) {
        launch(static_cast<int>(m_forwards.size() - 1));
    }
}

QList<PortForwardSupervisor::Forward> PortForwardSupervisor::standardForwards(
    const QString &appNamespace, quint16 sampleAppPort, quint16 prometheusPort, quint16 sqlPort)
{
    return {{u"sampleapp"_s, appNamespace, u"svc/sampleapp"_s, sampleAppPort, 8080},
        {u"prometheus"_s, u"crdb-observability"_s, u"svc/prometheus"_s, prometheusPort, 9090},
        {u"sql"_s, appNamespace, u"svc/crdb-writer"_s, sqlPort, 26257}};
}

QStringList PortForwardSupervisor::arguments(const Forward &forward) const
{
    QStringList args = m_globalArgs;
    args << u"--namespace"_s << forward.kubeNamespace << u"port-forward"_s << u"--address"_s << u"127.0.0.1"_s
         << forward.target << u"%1:%2"_s.arg(forward.localPort).arg(forward.remotePort);
    return args;
}

bool PortForwardSupervisor::isUp(const QString &name) const
{
    for (const Running &r : m_forwards) {
        if (r.forward.name == name) {
            return r.up;
        }
    }
    return false;
}

void PortForwardSupervisor::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    for (int i = 0; i < m_forwards.size(); ++i) {
        m_forwards[i].backoffMs = 1000;
        launch(i);
    }
}

void PortForwardSupervisor::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    for (Running &r : m_forwards) {
        delete r.retry;
        r.retry = nullptr;
        if (r.process) {
            QProcess *p = r.process;
            r.process = nullptr;
            p->disconnect(this);
            // Let the child be reaped asynchronously instead of waiting on the GUI thread.
            p->setParent(nullptr);
            connect(p, &QProcess::finished, p, &QObject::deleteLater);
            p->terminate();
        }
        r.up = false;
    }
}

void PortForwardSupervisor::launch(int index)
{
    if (!isRunning()) {
        return;
    }
    Running &r = m_forwards[index];
    r.output.clear();
    r.up = false;
    auto *p = new QProcess(this);
    r.process = p;
    if (!m_env.isEmpty()) {
        p->setProcessEnvironment(m_env);
    }
    p->setProcessChannelMode(QProcess::MergedChannels);
    connect(p, &QProcess::readyRead, this, [this, index, p] {
        Running &run = m_forwards[index];
        if (run.process != p) {
            return;
        }
        run.output += p->readAll();
        if (!run.up && run.output.contains("Forwarding from")) {
            run.up = true;
            run.backoffMs = 1000;
            Q_EMIT forwardUp(run.forward.name);
            bool allUp = true;
            for (const Running &other : std::as_const(m_forwards)) {
                allUp = allUp && other.up;
            }
            if (allUp) {
                reportRecovered();
            }
        }
        if (run.output.size() > 8192) {
            run.output = run.output.right(4096);
        }
    });
    connect(p, &QProcess::errorOccurred, this, [this, index, p](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart && m_forwards[index].process == p) {
            onExited(index, u"cannot run %1: %2"_s.arg(m_program, p->errorString()));
        }
    });
    connect(p, &QProcess::finished, this, [this, index, p](int exitCode, QProcess::ExitStatus status) {
        if (m_forwards[index].process != p) {
            return;
        }
        const QString out = QString::fromUtf8(m_forwards[index].output).trimmed().right(300);
        // A forward killed by a signal (OOM killer, `kill -9`, a crash) is not an exit code: on
        // Unix, QProcess reports the signal's number as exitCode() with CrashExit.
        const QString how = status == QProcess::CrashExit ? u"was killed by signal %1"_s.arg(exitCode)
                                                          : u"exited with code %1"_s.arg(exitCode);
        onExited(index, how + (out.isEmpty() ? QString() : u": "_s + out));
    });
    p->start(m_program, arguments(r.forward));
}

void PortForwardSupervisor::onExited(int index, const QString &reason)
{
    Running &r = m_forwards[index];
    if (r.process) {
        r.process->disconnect(this);
        r.process->deleteLater();
        r.process = nullptr;
    }
    r.up = false;
    const QString text = u"port-forward %1 (%2): %3; retrying in %4 s"_s
                             .arg(r.forward.name, KubectlProcess::describe(m_program, arguments(r.forward)), reason)
                             .arg(r.backoffMs / 1000.0);
    Q_EMIT forwardDown(r.forward.name, text);
    reportFailure(text);
    if (!isRunning()) {
        return;
    }
    if (!r.retry) {
        r.retry = new QTimer(this);
        r.retry->setSingleShot(true);
        connect(r.retry, &QTimer::timeout, this, [this, index] { launch(index); });
    }
    r.retry->start(r.backoffMs);
    r.backoffMs = std::min(r.backoffMs * 2, 10000);
}

} // namespace presenter
