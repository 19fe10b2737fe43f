#include "node_grid.h"

#include "model/presenter_session.h"

#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

NodeGrid::NodeGrid(PresenterSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_grid(new QGridLayout)
    , m_summary(new QLabel(this))
    , m_progress(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addLayout(m_grid);
    m_progress->setWordWrap(true);
    layout->addWidget(m_progress);
    m_summary->setText(u"Cluster: no status yet"_s);
    ClusterDriver *driver = session->cluster();
    connect(driver, &ClusterDriver::statusChanged, this, &NodeGrid::setStatus);
    connect(driver, &ClusterDriver::operationProgress, m_progress, &QLabel::setText);
    connect(driver, &ClusterDriver::operationFinished, this,
        [this](bool ok, const QString &summary) { m_progress->setText((ok ? u"Done: "_s : u"FAILED: "_s) + summary); });
    connect(driver, &ClusterDriver::busyChanged, this, [this] { setStatus(m_session->cluster()->status()); });
}

void NodeGrid::setStatus(const ClusterDriver::ClusterStatus &status)
{
    qDeleteAll(m_tiles);
    m_tiles.clear();
    m_summary->setText(status.valid ? u"Cluster: %1 of %2 nodes ready"_s.arg(status.readyNodes).arg(status.desiredNodes)
                                    : u"Cluster: no status yet"_s);
    const bool busy = m_session->cluster()->isBusy();
    for (qsizetype i = 0; i < status.pods.size(); ++i) {
        const auto &pod = status.pods[i];
        auto *tile = new QWidget(this);
        auto *v = new QVBoxLayout(tile);
        v->setContentsMargins(4, 4, 4, 4);
        auto *label = new QLabel(
            u"<b>%1</b><br>%2%3<br>restarts %4"_s.arg(pod.name, pod.phase, pod.ready ? u", ready"_s : u", not ready"_s)
                .arg(pod.restarts),
            tile);
        v->addWidget(label);
        tile->setStyleSheet(pod.ready ? u"QWidget { background: #e6f5ea; }"_s : u"QWidget { background: #fde8e8; }"_s);
        // Pods are crdb-<ordinal>; the ordinal is the driver's unit.
        const int ordinal = pod.name.section(u'-', -1).toInt();
        auto *stop = new QPushButton(u"Stop node"_s, tile);
        stop->setEnabled(!busy && pod.ready);
        stop->setToolTip(
            u"SIGTERM to the CockroachDB container (kubectl exec, the shell builtin kill); the kubelet restarts it"_s);
        connect(stop, &QPushButton::clicked, this, [this, ordinal] { stopNode(ordinal); });
        v->addWidget(stop);
        m_grid->addWidget(tile, 0, static_cast<int>(i));
        m_tiles.append(tile);
    }
}

void NodeGrid::stopNode(int ordinal)
{
    ClusterDriver *driver = m_session->cluster();
    const QString pod = driver->podName(ordinal);
    if (QMessageBox::question(this, u"Stop a node"_s,
            u"Send SIGTERM to the CockroachDB container of %1?\nThe kubelet restarts it; with "
            u"RF < 3 ranges become unavailable."_s.arg(pod))
        != QMessageBox::Yes) {
        return;
    }
    QString why;
    if (!driver->stopNode(ordinal, &why)) {
        m_progress->setText(u"Refused: "_s + why);
        return;
    }
    m_session->mark(EventMarker::Kind::Failure, u"stop "_s + pod);
}
