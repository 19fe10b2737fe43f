#include "report_export.h"

#include "recording/recording_writer.h"

#include "chart_specs.h"
#include "time_chart.h"

#include "report/pace_section.h"
#include "report/session_log.h"
#include "session/presenter_session.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

ReportExporter::ReportExporter(PresenterSession *session, QObject *parent)
    : QObject(parent), m_session(session), m_log(session->log())
{ }

report::Meta ReportExporter::metaFor(const PresenterSession &session)
{
    report::Meta meta;
    meta.replay = session.isReplay();
    meta.replayFile = session.replaySource();
    meta.planTitle = session.story()->plan().title;
    meta.planPath = session.profile().planPath;
    for (const Beat &beat : session.story()->plan().beats) {
        meta.beatBudgetsS.insert(beat.id, beat.budgetS);
    }
    const ConnectionProfile &p = session.profile();
    meta.profile = p.clusterKind == ClusterKind::None
        ? u"local stack (no Kubernetes) · sample app %1"_s.arg(p.sampleAppUrl.toDisplayString())
        : u"%1 in namespace %2%3 · sample app %4"_s.arg(ConnectionProfile::kindName(p.clusterKind), p.kubeNamespace,
            p.kubeContext.isEmpty() ? QString() : u" (context %1)"_s.arg(p.kubeContext),
            p.sampleAppUrl.toDisplayString(QUrl::RemoveUserInfo));
    return meta;
}

bool ReportExporter::start(const QString &path, const report::Meta &meta)
{
    if (m_running || !m_session || !m_log) {
        return false;
    }
    m_running = true;
    m_path = path;
    m_meta = meta;
    m_meta.generatedMs = m_session->clock().nowMs();
    m_log->sync();
    const TimeSeriesStore &store = m_session->store();
    const qint64 span = m_meta.generatedMs - m_log->record().startedMs;
    m_meta.chartWindowMs = std::clamp<qint64>(span + span / 20, 60'000, store.windowMs());
    m_chartStore = std::make_unique<TimeSeriesStore>(m_meta.chartWindowMs);
    for (const QString &name : store.seriesNames()) {
        for (const QPointF &p : store.points(name, m_meta.generatedMs - m_meta.chartWindowMs)) {
            if (std::isnan(p.y())) {
                m_chartStore->appendGap(name, qint64(p.x()));
            } else {
                m_chartStore->append(name, qint64(p.x()), p.y());
            }
        }
    }
    for (const EventMarker &m : store.markers(m_meta.generatedMs - m_meta.chartWindowMs)) {
        m_chartStore->addMarker(m);
    }
    m_specs = chartspecs::appCharts();
    m_specs.append(chartspecs::clusterCharts());
    m_charts.clear();
    m_todo.clear();
    for (const ChartSpec &spec : std::as_const(m_specs)) {
        const QString why = chartspecs::unavailableReason(spec, m_session->profile().clusterKind);
        m_charts.append(report::Chart {spec.id, spec.title, {}, why});
        if (why.isEmpty()) {
            m_todo.append(int(m_charts.size() - 1));
        }
    }
    QTimer::singleShot(0, this, &ReportExporter::renderNext);
    return true;
}

void ReportExporter::renderNext()
{
    if (!m_session) {
        m_running = false;
        Q_EMIT finished(false, m_path, 0, u"the session ended before the report was written"_s);
        return;
    }
    if (m_todo.isEmpty()) {
        write();
        return;
    }
    const int i = m_todo.takeFirst();
    // The chart as the windows draw it (TimeChart), offscreen, at the report's fixed size: laid out
    // by a show() that never reaches the screen, then rendered into an image.
    TimeChart chart(m_specs.at(i), m_chartStore.get());
    chart.setAttribute(Qt::WA_DontShowOnScreen);
    chart.resize(kChartSize);
    chart.show();
    chart.refresh(m_session->clock().nowMs());
    QImage image(kChartSize, QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        chart.render(&painter);
    }
    QBuffer buffer(&m_charts[i].png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        m_charts[i].png.clear();
        m_charts[i].missingReason = u"could not be drawn"_s;
    }
    QTimer::singleShot(0, this, &ReportExporter::renderNext);
}

void ReportExporter::write()
{
    const SessionRecord record = m_log->record();
    const QList<report::Chart> charts = m_charts;
    const report::Meta meta = m_meta;
    const QString path = m_path;
    QPointer<ReportExporter> self(this);
    // Reading the rehearsal, building and writing the file (a few hundred kB of base64) off the GUI thread.
    (void)QtConcurrent::run([self, record, charts, meta, path, rehearsal = m_rehearsal] {
        report::Meta withRehearsal = meta;
        report::attachRehearsal(&withRehearsal, rehearsal, recording::RecordingWriter::defaultDirectory());
        const QByteArray html = report::html(record, charts, withRehearsal);
        QString error;
        QDir().mkpath(QFileInfo(path).absolutePath());
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(html) != html.size() || !file.commit()) {
            error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        }
        QMetaObject::invokeMethod(
            self,
            [self, path, error, size = qint64(html.size())] {
                if (self) {
                    self->m_running = false;
                    Q_EMIT self->finished(error.isEmpty(), path, error.isEmpty() ? size : 0, error);
                }
            },
            Qt::QueuedConnection);
    });
}

void exportReportWithDialog(QWidget *parent, PresenterSession *session, const QString &rehearsal)
{
    // Next to the recordings: a talk's recording and its report belong together.
    const QString dir = recording::RecordingWriter::defaultDirectory();
    QDir().mkpath(dir);
    const QString suggested = dir + u"/report-"_s
        + QDateTime::fromMSecsSinceEpoch(session->clock().nowMs()).toString(u"yyyyMMdd-HHmmss"_s) + u".html"_s;
    const QString path = QFileDialog::getSaveFileName(parent, u"Export report"_s, suggested, u"HTML (*.html)"_s);
    if (path.isEmpty()) {
        return;
    }
    auto *exporter = new ReportExporter(session, parent);
    exporter->setRehearsal(rehearsal);
    QObject::connect(exporter, &ReportExporter::finished, parent,
        [parent, exporter](bool ok, const QString &file, qint64 bytes, const QString &error) {
            exporter->deleteLater();
            auto *box = new QMessageBox(ok ? QMessageBox::Information : QMessageBox::Warning, u"Export report"_s,
                ok ? u"Report written to %1 (%2 kB)."_s.arg(file).arg(bytes / 1024) : error, QMessageBox::Ok, parent);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
    exporter->start(path, ReportExporter::metaFor(*session));
}

} // namespace presenter
