#pragma once

#include <QLabel>
#include <QList>

class QTimer;

namespace presenter {

class DataSource;

// A red banner naming every source that is down and since when ("Prometheus down since
// 14:02:11 (38 s): connection refused"); hidden while all are up.
class SourceBanner : public QLabel
{
    Q_OBJECT
public:
    explicit SourceBanner(const QList<DataSource *> &sources, QWidget *parent = nullptr);
    void refresh();

private:
    QList<DataSource *> m_sources;
    QTimer *m_timer;
};

} // namespace presenter
