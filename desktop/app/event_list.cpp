#include "event_list.h"

#include <algorithm>

#include "model/time_series_store.h"

#include <QDateTime>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

EventList::EventList(const TimeSeriesStore *store, int rows, QWidget *parent)
    : QLabel(parent), m_store(store), m_rows(rows)
{
    setObjectName(u"eventList"_s);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setText(u"Events: none yet"_s);
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &EventList::refresh);
    timer->start(500);
}

void EventList::refresh()
{
    if (m_store->markersRevision() == m_shownRevision) {
        return;
    }
    m_shownRevision = m_store->markersRevision();
    const QList<EventMarker> all = m_store->markers();
    QStringList lines;
    for (qsizetype i = all.size() - 1; i >= 0 && lines.size() < m_rows; --i) {
        lines << QDateTime::fromMSecsSinceEpoch(all[i].tsMs).toString(u"HH:mm:ss"_s) + u"  "_s + all[i].text;
    }
    // A longer line can wrap without the count changing: the height it needs at this width counts.
    const int heightBefore = heightForWidth(width());
    setText(lines.isEmpty() ? u"Events: none yet"_s : lines.join(u'\n'));
    const int count = static_cast<int>(std::max<qsizetype>(1, lines.size()));
    if (count != m_lines || heightForWidth(width()) != heightBefore) {
        m_lines = count;
        Q_EMIT lineCountChanged(count);
    }
}

} // namespace presenter
