#pragma once

#include <QLabel>

namespace presenter {

class TimeSeriesStore;

// The newest event markers with their full text and time ("12:03:04  applied sql/00-bootstrap.sql"),
// newest first: what a chart's elided or dropped marker label said, one glance away.
// Polls the store's marker revision twice a second (GUI thread; the store locks itself).
class EventList : public QLabel
{
    Q_OBJECT
public:
    EventList(const TimeSeriesStore *store, int rows, QWidget *parent = nullptr);
    void refresh();

Q_SIGNALS:
    // The lines shown changed in number or in the height they need (a longer line that wraps): a
    // window that fits its text to its height re-fits.
    void lineCountChanged(int lines);

private:
    const TimeSeriesStore *m_store;
    int m_rows;
    quint64 m_shownRevision = 0;
    int m_lines = 1;
};

} // namespace presenter
