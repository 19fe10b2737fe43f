#pragma once

#include "sources/cluster_driver.h"

#include <QWidget>

class PresenterSession;
class QGridLayout;
class QLabel;

// One tile per CockroachDB pod (phase, ready, restarts) from the cluster driver's status, with a
// failure-injection button per pod that asks for confirmation first. While the driver is busy
// (scaling, a node restarting) the buttons are disabled and its progress is shown.
class NodeGrid : public QWidget
{
    Q_OBJECT
public:
    explicit NodeGrid(PresenterSession *session, QWidget *parent = nullptr);
    void setStatus(const ClusterDriver::ClusterStatus &status);
    int tileCount() const { return static_cast<int>(m_tiles.size()); }

private:
    void stopNode(int ordinal);

    PresenterSession *m_session;
    QGridLayout *m_grid;
    QLabel *m_summary;
    QLabel *m_progress;
    QList<QWidget *> m_tiles;
};
