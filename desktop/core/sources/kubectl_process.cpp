#include "kubectl_process.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {
QString trimmedText(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes).trimmed();
    if (text.size() > 600) {
        text = text.left(600) + u"..."_s;
    }
    return text;
}
} // namespace

KubectlProcess::KubectlProcess(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_process) {
            m_timedOut = true;
            m_process->kill(); // finished() follows and reports the timeout
        }
    });
}

KubectlProcess::~KubectlProcess()
{
    abort();
}

QString KubectlProcess::describe(const QString &program, const QStringList &args)
{
    QStringList shown;
    shown << QFileInfo(program).fileName();
    for (const QString &a : args) {
        shown << (a.contains(u' ') || a.contains(u'"') ? u"'%1'"_s.arg(a) : a);
    }
    return shown.join(u' ');
}

bool KubectlProcess::run(
    const QString &program, const QStringList &args, Callback done, int timeoutMs, const QProcessEnvironment &env)
{
    if (m_process) {
        return false;
    }
    m_done = std::move(done);
    m_description = describe(program, args);
    m_timedOut = false;
    m_process = new QProcess(this);
    if (!env.isEmpty()) {
        m_process->setProcessEnvironment(env);
    }
    QProcess *p = m_process;
    connect(p, &QProcess::errorOccurred, this, [this, p, program](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || p != m_process) {
            return; // crashes and timeouts are reported by finished()
        }
        CommandResult r;
        r.error = u"cannot run %1: %2 (is kubectl installed and on PATH?)"_s.arg(program, p->errorString());
        finish(r);
    });
    connect(p, &QProcess::finished, this, [this, p](int exitCode, QProcess::ExitStatus status) {
        if (p != m_process) {
            return;
        }
        CommandResult r;
        r.exitCode = exitCode;
        r.out = p->readAllStandardOutput();
        r.err = p->readAllStandardError();
        if (m_timedOut) {
            r.error = u"%1 timed out after %2 s"_s.arg(m_description).arg(m_timer.interval() / 1000.0);
        } else if (status == QProcess::CrashExit) {
            r.error = u"%1 crashed"_s.arg(m_description);
        } else if (exitCode != 0) {
            const QString err = trimmedText(r.err);
            r.error = u"%1 failed (exit code %2)%3"_s.arg(m_description)
                          .arg(exitCode)
                          .arg(err.isEmpty() ? QString() : u": "_s + err);
        } else {
            r.ok = true;
        }
        finish(r);
    });
    m_timer.start(timeoutMs);
    p->start(program, args);
    return true;
}

void KubectlProcess::abort()
{
    m_timer.stop();
    m_done = nullptr;
    if (m_process) {
        QProcess *p = m_process;
        m_process = nullptr;
        p->disconnect(this);
        if (p->state() != QProcess::NotRunning) {
            // Reap asynchronously: the process object deletes itself once the child is gone.
            connect(p, &QProcess::finished, p, &QObject::deleteLater);
            p->setParent(nullptr);
            p->kill();
        } else {
            p->deleteLater();
        }
    }
}

void KubectlProcess::finish(CommandResult result)
{
    m_timer.stop();
    QProcess *p = m_process;
    m_process = nullptr;
    if (p) {
        p->disconnect(this);
        p->deleteLater();
    }
    Callback done = std::move(m_done);
    m_done = nullptr;
    if (done) {
        done(result);
    }
}

} // namespace presenter
