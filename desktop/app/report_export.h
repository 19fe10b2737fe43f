#pragma once

#include "time_chart.h"

#include "report/report_writer.h"

#include <QObject>
#include <QPointer>
#include <QSize>

#include <memory>

class QWidget;

namespace presenter {

class PresenterSession;
class SessionLog;

// Exports the session report (report::html) to a file, on demand only: nothing of it runs while
// the talk does until someone asks. The charts are the presenter's own (chartspecs, TimeChart),
// drawn offscreen at a fixed size from the session's store at the session clock's "now", one chart
// per event-loop pass so the GUI thread never stalls for the whole set; the HTML is built and
// written on a worker thread, and finished() comes back on the GUI thread (the job pattern of
// KubectlProcess / SqlRunner: the QPointer to this object drops a result nobody waits for).
//
// Threading: GUI thread (the charts are widgets); the file is written on the global thread pool.
class ReportExporter : public QObject
{
    Q_OBJECT
public:
    static constexpr QSize kChartSize {900, 260};

    // Exports what the session's own log (PresenterSession::log()) collected.
    explicit ReportExporter(PresenterSession *session, QObject *parent = nullptr);

    // The rehearsal the pace section compares with: --fallback as given (a file, "latest" or empty:
    // report::attachRehearsal), looked up when the file is written, off the GUI thread.
    void setRehearsal(const QString &named) { m_rehearsal = named; }
    // Starts an export to `path`; false (and nothing happens) while one runs.
    bool start(const QString &path, const report::Meta &meta);
    bool isRunning() const { return m_running; }
    // What the header says for this session: LIVE or REPLAY, the plan, the profile.
    static report::Meta metaFor(const PresenterSession &session);

Q_SIGNALS:
    // ok: the file is written (bytes: its size); else `error` says why in one sentence.
    void finished(bool ok, const QString &path, qint64 bytes, const QString &error);

private:
    void renderNext();
    void write();

    QPointer<PresenterSession> m_session;
    QPointer<SessionLog> m_log;
    bool m_running = false;
    QString m_path;
    report::Meta m_meta;
    QString m_rehearsal;
    QList<report::Chart> m_charts;
    QList<int> m_todo; // indexes into m_charts still to draw
    QList<ChartSpec> m_specs;
    // The session's span of the store (at least a minute, at most the store's window): a report of
    // a 7-minute rehearsal should not squeeze it into the right edge of a 10-minute chart.
    std::unique_ptr<TimeSeriesStore> m_chartStore;
};

// The presenter window's "Export report…" (Ctrl+E): asks for a file (the recordings folder by
// default) and exports there, then says where it went or why it failed. Returns at once.
// `rehearsal`: --fallback as given (ReportExporter::setRehearsal).
void exportReportWithDialog(QWidget *parent, PresenterSession *session, const QString &rehearsal = {});

} // namespace presenter
