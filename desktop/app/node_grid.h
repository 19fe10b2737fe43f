#pragma once

#include "model/node_view.h"
#include "sources/cluster_driver.h"

#include <QMap>
#include <QWidget>

class QFrame;
class QGridLayout;
class QLabel;
class QPushButton;

namespace presenter {

class ClusterView;
class PresenterSession;

// One tile per CockroachDB node: Kubernetes' pod state joined with CockroachDB's own view
// (ClusterView: liveness, address, ranges, replicas, leaseholders, under-replicated, uptime, and
// the fast path's "not answering"). Without a ClusterView it shows the pods only.
//
// Presenter mode adds the manual fault controls per node (stop, keep down, start, kill, pause,
// resume) and "Heal all"; each asks for confirmation, and a fault that would lose a majority of
// replicas needs the pod's name typed. The grid does not touch the cluster itself: it emits the
// requests below (the session connects them to the ClusterDriver) and shows refusals given to
// showRefusal(). Kiosk mode: no controls, big type.
class NodeGrid : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Presenter, Kiosk };
    NodeGrid(
        PresenterSession *session, ClusterView *view = nullptr, Mode mode = Mode::Presenter, QWidget *parent = nullptr);
    void setStatus(const ClusterDriver::ClusterStatus &status); // pods only (no ClusterView)
    int tileCount() const { return static_cast<int>(m_tiles.size()); }
    // The text of a pod's tile (tests and screenshots check what the audience reads).
    QString tileText(const QString &pod) const;
    QPushButton *button(const QString &pod, const QString &action) const; // "stop", "keep down", ...
    QPushButton *healAllButton() const { return m_healAll; }
    QString messageText() const;
    QString summaryText() const; // "CockroachDB: 2 of 3 nodes live"

public Q_SLOTS:
    void showRefusal(const QString &whyNot);
    // A short screen (the kiosk at 960x540, a 1920x1080 projector at 200 %): each tile shows its
    // name and state only; the details (ranges, pod, uptime) come back when there is room.
    void setDetailsVisible(bool visible);
    void showMessage(const QString &text);

Q_SIGNALS:
    void faultRequested(int ordinal, ClusterDriver::Fault fault, bool allowMajorityLoss);
    void startRequested(int ordinal);
    void resumeRequested(int ordinal);
    void healAllRequested();

private:
    struct Tile
    {
        QFrame *frame = nullptr;
        QLabel *head = nullptr;
        QLabel *state = nullptr;
        QLabel *details = nullptr;
        QMap<QString, QPushButton *> buttons;
    };
    bool m_detailsVisible = true;
    void refreshFromView();
    void syncTiles(const QStringList &keys);
    void fillTile(Tile &tile, const NodeRow &row);
    void requestFault(const QString &pod, int ordinal, ClusterDriver::Fault fault);
    void requestPlain(const QString &pod, int ordinal, const QString &action);
    bool confirm(const QString &title, const QString &text);

    PresenterSession *m_session;
    ClusterView *m_view;
    Mode m_mode;
    QGridLayout *m_grid;
    QLabel *m_summary;
    QLabel *m_progress;
    QPushButton *m_healAll = nullptr;
    QMap<QString, Tile> m_tiles;
    QStringList m_order;
};

} // namespace presenter
