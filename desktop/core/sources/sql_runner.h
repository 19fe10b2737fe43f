#pragma once

#include "commands.h"
#include "data_source.h"

#include "pgkit/sql_apply.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <memory>

namespace presenter {

// Runs a SQL file (sql/README.md directives) statement by statement with pgkit::applyScript on a
// worker thread (QtConcurrent), one run at a time.
//
// runFile() returns at once; progress() follows each statement, finished() ends every accepted
// run. The run stops at the first error: finished(false, ...) then names the statement, its line
// and the server's message (ApplyResult::failedStatement / message / sqlState). A CockroachDB-only
// file (-- @dialect cockroachdb) is refused on any other server before anything runs, with the
// reason in the summary. A statement refused as its @expect-error said counts as done; the
// summary then says "refused as expected (SQLSTATE): <server message>" for it; one that succeeds
// instead fails the run.
// cancel() stops before the next statement; the statement already sent to the server finishes.
// Health: failed() on a failed run (connection or statement), recovered() on the next good run.
// A refused call (busy, unreadable file) emits failed() without marking the source down.
//
// Threading: lives on the GUI thread; every signal is emitted there. The worker reports back with
// queued calls that carry a job id and a QPointer, so a result from an older run or for a
// destroyed runner is dropped. The conninfo is copied per run; the password is never logged.
class SqlRunner : public DataSource, public SqlCommands
{
    Q_OBJECT
public:
    explicit SqlRunner(QObject *parent = nullptr);
    ~SqlRunner() override;

    void setConninfo(const QByteArray &conninfo);
    QByteArray conninfo() const { return m_conninfo; }

    // False (and failed(reason), and *whyNot if given) when busy, or when the file cannot be
    // read or parsed; the checks on the file happen before any thread starts.
    bool runFile(const QString &path, QString *whyNot = nullptr) override;
    void cancel();
    bool isBusy() const { return m_busy; }
    QString currentFile() const { return m_currentFile; }

    // A run's end observed elsewhere (a recording): emitted like a live one, without the
    // per-statement result.
    void reportFinished(bool ok, const QString &summary);

    // A SqlRunner has nothing to poll: start()/stop() only set the running flag.
    void start() override;
    void stop() override;

Q_SIGNALS:
    void progress(int index, int total, const QString &statement);
    void finished(bool ok, const QString &summary, const pgkit::ApplyResult &result);
    void busyChanged(bool busy);

private:
    void refuse(const QString &reason, QString *whyNot);
    void onProgress(quint64 jobId, const pgkit::ApplyProgress &p);
    void onDone(quint64 jobId, const pgkit::ApplyResult &result);

    QByteArray m_conninfo;
    bool m_busy = false;
    quint64 m_jobId = 0;
    QString m_currentFile;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace presenter

Q_DECLARE_METATYPE(pgkit::ApplyResult)
