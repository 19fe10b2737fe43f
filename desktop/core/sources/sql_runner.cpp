#include "sql_runner.h"

#include "pgkit/pg_connection.h"
#include "pgkit/sql_script.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// Delivers `f` on the GUI thread. The context is the application object, which outlives every
// runner; the QPointer inside `f` is what tells whether the runner still exists.
template<typename F> void postToGui(F &&f)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), std::forward<F>(f), Qt::QueuedConnection);
}

QString oneLine(QString statement)
{
    statement = statement.simplified();
    if (statement.size() > 160) {
        statement = statement.left(157) + u"..."_s;
    }
    return statement;
}

} // namespace

SqlRunner::SqlRunner(QObject *parent) : DataSource(u"SQL"_s, parent)
{
    qRegisterMetaType<pgkit::ApplyResult>();
}

SqlRunner::~SqlRunner()
{
    // The worker cannot be interrupted inside libpq; it stops before its next statement and its
    // late reports find a null QPointer.
    if (m_cancel) {
        m_cancel->store(true);
    }
}

void SqlRunner::setConninfo(const QByteArray &conninfo)
{
    m_conninfo = conninfo;
}

void SqlRunner::start()
{
    setRunning(true);
}

void SqlRunner::stop()
{
    setRunning(false);
}

void SqlRunner::refuse(const QString &reason, QString *whyNot)
{
    if (whyNot) {
        *whyNot = reason;
    }
    // A refused click is not an outage: no "down since" for the banner.
    Q_EMIT failed(reason);
}

void SqlRunner::reportFinished(bool ok, const QString &summary)
{
    Q_EMIT finished(ok, summary, pgkit::ApplyResult {});
}

bool SqlRunner::runFile(const QString &path, QString *whyNot)
{
    if (m_busy) {
        refuse(
            u"SQL runner busy with %1; wait for it to finish or cancel it"_s.arg(QFileInfo(m_currentFile).fileName()),
            whyNot);
        return false;
    }
    QString conninfoError;
    if (m_conninfo.isEmpty()) {
        refuse(u"no SQL connection configured (--sql-url)"_s, whyNot);
        return false;
    }
    if (!pgkit::validateConninfo(m_conninfo, &conninfoError)) {
        refuse(u"invalid SQL connection (--sql-url): %1"_s.arg(conninfoError), whyNot);
        return false;
    }
    if (!QFileInfo(path).isReadable()) {
        refuse(u"cannot read SQL file %1"_s.arg(path), whyNot);
        return false;
    }
    // Parsing is quick and local; doing it here lets a broken file be refused synchronously.
    pgkit::SqlScript script = pgkit::SqlScript::load(path);
    if (!script.isValid()) {
        refuse(u"%1: %2"_s.arg(QFileInfo(path).fileName(), script.error), whyNot);
        return false;
    }
    if (script.name.isEmpty()) {
        script.name = QFileInfo(path).fileName();
    }

    m_busy = true;
    m_currentFile = path;
    const quint64 jobId = ++m_jobId;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    Q_EMIT busyChanged(true);

    QPointer<SqlRunner> self(this);
    std::shared_ptr<std::atomic_bool> cancelFlag = m_cancel;
    const QByteArray conninfo = m_conninfo;
    // The future is not kept: results come back through postToGui, and the runner must not wait.
    (void)QtConcurrent::run([self, jobId, cancelFlag, conninfo, script = std::move(script)] {
        const auto onProgress = [self, jobId](const pgkit::ApplyProgress &p) {
            postToGui([self, jobId, p] {
                if (self) {
                    self->onProgress(jobId, p);
                }
            });
        };
        const pgkit::ApplyResult result = pgkit::applyScript(script, conninfo, onProgress, cancelFlag.get());
        postToGui([self, jobId, result] {
            if (self) {
                self->onDone(jobId, result);
            }
        });
    });
    return true;
}

void SqlRunner::cancel()
{
    if (m_busy && m_cancel) {
        m_cancel->store(true);
    }
}

void SqlRunner::onProgress(quint64 jobId, const pgkit::ApplyProgress &p)
{
    if (jobId != m_jobId) {
        return;
    }
    Q_EMIT progress(p.index, p.total, p.statement);
}

void SqlRunner::onDone(quint64 jobId, const pgkit::ApplyResult &result)
{
    if (jobId != m_jobId) {
        return;
    }
    const QString file = QFileInfo(m_currentFile).fileName();
    m_busy = false;
    m_cancel.reset();
    QString summary;
    if (result.ok) {
        summary = u"%1: %2 of %3 statements applied"_s.arg(file).arg(result.applied).arg(result.total);
        // A refusal the file asked for (@expect-error) is the point of its statement: say it was
        // refused, and what the server said, so nobody reads "applied" as "accepted".
        if (!result.expectedRefusals.isEmpty()) {
            summary += u", %1 of them refused as expected"_s.arg(result.expectedRefusals.size());
        }
        for (const auto &refusal : result.expectedRefusals) {
            summary += u"\nline %1: %2"_s.arg(refusal.line)
                           .arg(pgkit::describeExpectedRefusal(refusal.sqlState, refusal.message));
        }
    } else if (!result.failedStatement.isEmpty()) {
        summary = u"%1 stopped at line %2 (statement %3 of %4): %5\nstatement: %6"_s.arg(file)
                      .arg(result.failedLine)
                      .arg(result.applied + 1)
                      .arg(result.total)
                      .arg(result.sqlState.isEmpty() ? result.message
                                                     : u"%1 (SQLSTATE %2)"_s.arg(result.message, result.sqlState),
                          oneLine(result.failedStatement));
    } else {
        // pgkit's refusals already start with the file name ("x.sql is CockroachDB-only ...").
        summary = result.message.startsWith(file) ? result.message : u"%1 not applied: %2"_s.arg(file, result.message);
    }
    Q_EMIT busyChanged(false);
    if (result.ok) {
        reportRecovered();
    } else if (result.refused) {
        Q_EMIT failed(summary); // a file for another server: say why, but the server is not down
    } else {
        reportFailure(summary);
    }
    Q_EMIT finished(result.ok, summary, result);
}

} // namespace presenter
