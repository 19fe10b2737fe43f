#include "source_banner.h"

#include "sources/data_source.h"

#include <QDateTime>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

SourceBanner::SourceBanner(const QList<DataSource *> &sources, QWidget *parent)
    : QLabel(parent), m_sources(sources), m_timer(new QTimer(this))
{
    setObjectName(u"sourceBanner"_s);
    setWordWrap(true);
    setStyleSheet(u"QLabel { background: #cc0022; color: white; font-weight: bold; padding: 6px; }"_s);
    for (DataSource *s : sources) {
        connect(s, &DataSource::failed, this, &SourceBanner::refresh);
        connect(s, &DataSource::recovered, this, &SourceBanner::refresh);
    }
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &SourceBanner::refresh);
    m_timer->start();
    refresh();
}

void SourceBanner::refresh()
{
    QStringList lines;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const DataSource *s : std::as_const(m_sources)) {
        if (s->isHealthy()) {
            continue;
        }
        const QDateTime since = s->downSince();
        // kubectl errors run over many lines; the banner names the source, the details are in the log.
        QString why = s->lastError().section(u'\n', 0, 0);
        if (why.size() > 160) {
            why = why.left(157) + u"..."_s;
        }
        lines.append(u"%1 down since %2 (%3 s): %4"_s.arg(s->name(), since.toLocalTime().toString(u"HH:mm:ss"_s))
                         .arg(since.secsTo(now))
                         .arg(why));
    }
    setText(lines.join(u'\n'));
    setVisible(!lines.isEmpty());
}

} // namespace presenter
