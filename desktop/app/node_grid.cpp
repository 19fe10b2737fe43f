#include "node_grid.h"

#include "typed_confirm_dialog.h"

#include "model/cluster_view.h"
#include "session/presenter_session.h"
#include "sources/cluster/fault_table.h"

#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// The tiles are filled on every feed tick; a style sheet set again, even the same one, re-polishes
// the tile and its labels (the replay's costliest call at 10x).
void setSheetIfChanged(QWidget *widget, const QString &sheet)
{
    if (widget->styleSheet() != sheet) {
        widget->setStyleSheet(sheet);
    }
}

QString number(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'f', 0) : u"–"_s;
}

QString colourOf(NodeRow::State state)
{
    switch (state) {
    case NodeRow::State::Down:
        return u"#fde2e2"_s;
    case NodeRow::State::NotLive:
        return u"#f3e5f5"_s; // running but not live: neither down (red) nor on its way (amber)
    case NodeRow::State::Draining:
    case NodeRow::State::NotReady:
    case NodeRow::State::Suspect:
        return u"#fff4d6"_s;
    case NodeRow::State::Up:
        return u"#e3f4e6"_s;
    case NodeRow::State::Unknown:
        break;
    }
    return u"#eeeeee"_s;
}

QString borderOf(NodeRow::State state)
{
    switch (state) {
    case NodeRow::State::Down:
        return u"#c62828"_s;
    case NodeRow::State::NotLive:
        return u"#6a1b9a"_s;
    case NodeRow::State::Draining:
    case NodeRow::State::NotReady:
    case NodeRow::State::Suspect:
        return u"#b26a00"_s;
    case NodeRow::State::Up:
        return u"#2e7d32"_s;
    case NodeRow::State::Unknown:
        break;
    }
    return u"#9e9e9e"_s;
}

// The actions of a tile, in display order: each fault (sources/cluster/fault_table.h), then the
// action that ends it when it needs one (Keep down, Start; Pause, Resume).
struct Action
{
    QString key, label, tip;
};
const QList<Action> &faultActions()
{
    static const QList<Action> list = [] {
        QList<Action> actions;
        for (const kube::FaultRow &row : kube::faultTable()) {
            actions.append({row.name, row.label, row.tooltip});
            if (const kube::ReleaseRow *release = kube::releaseRow(row.endedBy)) {
                actions.append({release->name, release->label, release->tooltip});
            }
        }
        return actions;
    }();
    return list;
}

} // namespace

NodeGrid::NodeGrid(PresenterSession *session, ClusterView *view, Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_view(view)
    , m_mode(mode)
    , m_grid(new QGridLayout)
    , m_summary(new QLabel(this))
    , m_progress(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addLayout(m_grid);
    m_progress->setWordWrap(true);
    m_progress->setObjectName(u"nodeGridMessage"_s);
    if (mode == Mode::Presenter) {
        m_healAll = new QPushButton(u"Heal all…"_s, this);
        m_healAll->setToolTip(u"Undo every fault the presenter injected, in any state; safe to repeat"_s);
        connect(m_healAll, &QPushButton::clicked, this, [this] {
            if (confirm(u"Heal all"_s,
                    u"Undo every injected fault: start nodes kept down, resume paused ones, and wait until every "
                    u"pod is Ready?"_s)) {
                Q_EMIT healAllRequested();
            }
        });
        layout->addWidget(m_healAll, 0, Qt::AlignLeft);
        layout->addWidget(m_progress);
    } else {
        m_progress->hide();
        m_summary->hide(); // the kiosk's "Live nodes" number says it bigger
    }
    m_summary->setText(u"Cluster: no status yet"_s);
    ClusterDriver *driver = session->cluster();
    if (m_view) {
        connect(m_view, &ClusterView::changed, this, &NodeGrid::refreshFromView);
    } else {
        connect(driver, &ClusterDriver::statusChanged, this, &NodeGrid::setStatus);
    }
    if (mode == Mode::Presenter) {
        connect(driver, &ClusterDriver::operationProgress, this, &NodeGrid::showMessage);
        connect(driver, &ClusterDriver::operationFinished, this,
            [this](bool ok, const QString &summary) { showMessage((ok ? u"Done: "_s : u"FAILED: "_s) + summary); });
        connect(driver, &ClusterDriver::busyChanged, this, [this] {
            if (m_view) {
                refreshFromView();
            } else {
                setStatus(m_session->cluster()->status());
            }
        });
    }
    if (m_view) {
        refreshFromView();
    }
}

void NodeGrid::showRefusal(const QString &whyNot)
{
    showMessage(u"Refused: "_s + whyNot);
}

void NodeGrid::showMessage(const QString &text)
{
    m_progress->setText(text);
}

QString NodeGrid::messageText() const
{
    return m_progress->text();
}

QString NodeGrid::summaryText() const
{
    return m_summary->text();
}

QString NodeGrid::tileText(const QString &pod) const
{
    const auto it = m_tiles.find(pod);
    if (it == m_tiles.end()) {
        return {};
    }
    return it->head->text() + u'\n' + it->state->text() + u'\n' + it->details->text();
}

void NodeGrid::setDetailsVisible(bool visible)
{
    m_detailsVisible = visible;
    for (Tile &t : m_tiles) {
        t.details->setVisible(visible);
    }
}

QPushButton *NodeGrid::button(const QString &pod, const QString &action) const
{
    const auto it = m_tiles.find(pod);
    return it == m_tiles.end() ? nullptr : it->buttons.value(action);
}

void NodeGrid::syncTiles(const QStringList &keys)
{
    if (keys == m_order) {
        return;
    }
    // Tiles are kept while their pod stays, so a confirmation open on a tile's button survives
    // the once-a-second refresh; gone tiles are deleted later, never inside their own click.
    for (auto it = m_tiles.begin(); it != m_tiles.end();) {
        if (!keys.contains(it.key())) {
            it->frame->hide();
            it->frame->deleteLater();
            it = m_tiles.erase(it);
        } else {
            ++it;
        }
    }
    const bool big = m_mode == Mode::Kiosk;
    for (const QString &key : keys) {
        if (m_tiles.contains(key)) {
            continue;
        }
        Tile tile;
        tile.frame = new QFrame(this);
        tile.frame->setObjectName(u"nodeTile"_s);
        auto *v = new QVBoxLayout(tile.frame);
        v->setContentsMargins(8, 6, 8, 6);
        tile.head = new QLabel(tile.frame);
        tile.state = new QLabel(tile.frame);
        tile.details = new QLabel(tile.frame);
        tile.state->setWordWrap(true);
        tile.details->setWordWrap(true);
        QFont hf = tile.head->font();
        hf.setBold(true);
        hf.setPointSizeF(big ? 22 : 11);
        tile.head->setFont(hf);
        QFont sf = tile.state->font();
        sf.setBold(true);
        sf.setPointSizeF(big ? 19 : 10);
        tile.state->setFont(sf);
        QFont df = tile.details->font();
        df.setPointSizeF(big ? 13 : 9);
        tile.details->setFont(df);
        v->addWidget(tile.head);
        v->addWidget(tile.state);
        v->addWidget(tile.details);
        tile.details->setVisible(m_detailsVisible);
        if (m_mode == Mode::Presenter && !key.startsWith(u"node "_s)) {
            auto *buttons = new QGridLayout;
            buttons->setSpacing(2);
            const int ordinal = key.section(u'-', -1).toInt();
            int i = 0;
            for (const Action &a : faultActions()) {
                auto *b = new QPushButton(a.label + u"…"_s, tile.frame);
                b->setToolTip(a.tip);
                const QString actionKey = a.key;
                connect(b, &QPushButton::clicked, this,
                    [this, key, ordinal, actionKey] { requestPlain(key, ordinal, actionKey); });
                buttons->addWidget(b, i / 3, i % 3);
                tile.buttons.insert(a.key, b);
                ++i;
            }
            v->addLayout(buttons);
        }
        v->addStretch(1);
        m_tiles.insert(key, tile);
    }
    // The kiosk puts the nodes side by side across the room's screen; the presenter's narrow side
    // panel stacks them.
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (m_mode == Mode::Kiosk) {
            m_grid->addWidget(m_tiles[keys[i]].frame, 0, static_cast<int>(i));
        } else {
            m_grid->addWidget(m_tiles[keys[i]].frame, static_cast<int>(i), 0);
        }
    }
    m_order = keys;
}

void NodeGrid::fillTile(Tile &tile, const NodeRow &row)
{
    const QString id = row.nodeId ? u"n%1"_s.arg(*row.nodeId) : QString();
    QString head = row.pod.isEmpty() ? u"node %1 (no pod)"_s.arg(id.mid(1)) : row.pod;
    if (!row.pod.isEmpty() && !id.isEmpty()) {
        head += u"  ·  "_s + id;
    }
    tile.head->setText(head);
    QStringList lines;
    if (m_mode == Mode::Kiosk) {
        // Four short lines that fit a third of a 1280 px screen in big type.
        tile.state->setText(row.shortState);
        QString crdb = row.hasLiveness ? livenessName(row.liveness) : u"no view yet"_s;
        if ((row.state == NodeRow::State::Down || row.state == NodeRow::State::Draining)
            && row.liveness == CrdbLiveness::Live && !row.livenessStale) {
            crdb = u"still live (not expired yet)"_s;
        } else if (row.hasLiveness && row.livenessStale) {
            crdb = u"no fresh view (said %1 %2 ago)"_s.arg(
                livenessName(row.liveness), nodeview::formatDuration(row.livenessAgeMs));
        }
        if (row.state != NodeRow::State::Up) {
            lines << u"CockroachDB: "_s + crdb; // when up, the state line already says "live"
        }
        lines << u"ranges %1 · replicas %2 · leases %3"_s.arg(
            number(row.ranges), number(row.replicas), number(row.leaseholders));
        lines << u"under-replicated %1 · unavailable %2"_s.arg(number(row.underReplicated), number(row.unavailable));
        QString where = row.address.section(u'.', 0, 0);
        if (!row.address.isEmpty() && where != row.address) {
            where += u".…:"_s + row.address.section(u':', -1);
        }
        lines << (row.hasPod ? u"pod %1%2 · "_s.arg(row.podPhase, row.podReady ? u" ready"_s : u" not ready"_s)
                             : QString())
                + u"up %1"_s.arg(row.uptimeS ? nodeview::formatDuration(*row.uptimeS * 1000) : u"–"_s)
                + (where.isEmpty() ? QString() : u" · "_s + where);
        if (!row.mismatch.isEmpty()) {
            lines << u"MISMATCH: "_s + row.mismatch;
        }
        tile.details->setText(lines.join(u'\n'));
        setSheetIfChanged(tile.frame,
            u"QFrame#nodeTile { background: %1; border: 3px solid %2; border-radius: 6px; }"
            u" QLabel { background: transparent; color: #111; }"_s.arg(colourOf(row.state), borderOf(row.state)));
        return;
    }
    tile.state->setText(row.stateText);
    if (row.hasPod) {
        lines << u"pod: %1%2, restarts %3"_s.arg(row.podPhase, row.podReady ? u", ready"_s : u", not ready"_s)
                     .arg(row.restarts);
    }
    lines << u"CockroachDB: %1"_s.arg(!row.hasLiveness ? u"no view yet"_s
            : row.livenessStale                        ? u"%1 as of %2 ago (no node can list the nodes now)"_s.arg(
                                         livenessName(row.liveness), nodeview::formatDuration(row.livenessAgeMs))
                                : livenessName(row.liveness));
    lines << u"ranges %1 · replicas %2 · leaseholders %3"_s.arg(
        number(row.ranges), number(row.replicas), number(row.leaseholders));
    lines << u"under-replicated %1 · unavailable %2"_s.arg(number(row.underReplicated), number(row.unavailable));
    lines << u"uptime %1"_s.arg(row.uptimeS ? nodeview::formatDuration(*row.uptimeS * 1000) : u"–"_s);
    if (!row.address.isEmpty()) {
        lines << row.address;
    }
    if (!row.mismatch.isEmpty()) {
        lines << u"MISMATCH: "_s + row.mismatch;
    }
    tile.details->setText(lines.join(u'\n'));
    setSheetIfChanged(tile.frame,
        u"QFrame#nodeTile { background: %1; border: 2px solid %2; border-radius: 6px; }"
        u" QLabel { background: transparent; color: #111; }"_s.arg(colourOf(row.state), borderOf(row.state)));
    if (!tile.buttons.isEmpty()) {
        ClusterDriver *driver = m_session->cluster();
        const bool busy = driver->isBusy();
        const auto faults = driver->activeFaults();
        const bool up = row.state == NodeRow::State::Up;
        for (const kube::FaultRow &fault : kube::faultTable()) {
            tile.buttons[fault.name]->setEnabled(!busy && up);
            if (const kube::ReleaseRow *release = kube::releaseRow(fault.endedBy)) {
                // Start / Resume end the fault this node has now.
                const bool hasIt = faults.contains(row.ordinal) && faults.value(row.ordinal) == fault.fault;
                tile.buttons[release->name]->setEnabled(!busy && hasIt);
            }
        }
    }
}

void NodeGrid::refreshFromView()
{
    const QList<NodeRow> &rows = m_view->rows();
    QStringList keys;
    for (const NodeRow &row : rows) {
        keys << (row.pod.isEmpty() ? u"node %1"_s.arg(row.nodeId.value_or(0)) : row.pod);
    }
    syncTiles(keys);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        fillTile(m_tiles[keys[i]], rows[i]);
    }
    const ClusterSummary &s = m_view->summary();
    m_summary->setText(rows.isEmpty() ? u"Cluster: no status yet"_s
                                      : u"CockroachDB: %1 of %2 nodes live%3"_s.arg(s.liveNodes)
                                            .arg(s.nodes)
                                            .arg(s.clusterViewKnown ? QString() : u" (no cluster view yet)"_s));
}

void NodeGrid::setStatus(const ClusterDriver::ClusterStatus &status)
{
    if (m_view) {
        return;
    }
    QStringList keys;
    for (const auto &pod : status.pods) {
        keys << pod.name;
    }
    syncTiles(keys);
    for (const auto &pod : status.pods) {
        NodeRow row;
        row.pod = pod.name;
        row.ordinal = pod.name.section(u'-', -1).toInt();
        row.hasPod = true;
        row.podPhase = pod.phase;
        row.podReady = pod.ready;
        row.restarts = pod.restarts;
        row.state = pod.ready ? NodeRow::State::Up : NodeRow::State::NotReady;
        row.stateText = pod.ready ? u"pod ready"_s : u"pod not ready"_s;
        fillTile(m_tiles[pod.name], row);
    }
    m_summary->setText(status.valid ? u"Cluster: %1 of %2 nodes ready"_s.arg(status.readyNodes).arg(status.desiredNodes)
                                    : u"Cluster: no status yet"_s);
}

bool NodeGrid::confirm(const QString &title, const QString &text)
{
    return QMessageBox::question(this, title, text) == QMessageBox::Yes;
}

void NodeGrid::requestPlain(const QString &pod, int ordinal, const QString &action)
{
    if (const auto fault = kube::faultFromName(action)) {
        requestFault(pod, ordinal, *fault);
        return;
    }
    const kube::ReleaseRow *release = kube::releaseRowNamed(action);
    if (!release || !confirm(release->confirmTitle, release->confirmation.arg(pod))) {
        return;
    }
    if (release->endedBy == kube::EndedBy::Start) {
        Q_EMIT startRequested(ordinal);
    } else {
        Q_EMIT resumeRequested(ordinal);
    }
}

void NodeGrid::requestFault(const QString &pod, int ordinal, ClusterDriver::Fault fault)
{
    const QString name = kube::faultRow(fault).label;
    const bool majority = m_view && m_view->wouldLoseMajority();
    if (majority) {
        // Stop has no majority override in the driver (it refuses); the others take one.
        const QString text
            = u"%1 %2 with %3 node(s) already down loses the majority of replicas (RF %4): ranges become "
              u"unavailable and the app fails until Heal all. This is the consistency-over-availability beat."_s
                  .arg(name, pod)
                  .arg(m_view->nodesDown())
                  .arg(m_view->replicationFactor());
        TypedConfirmDialog dialog(u"Lose the majority"_s, text, pod, this);
        if (dialog.exec() != QDialog::Accepted) {
            return;
        }
        Q_EMIT faultRequested(ordinal, fault, true);
        return;
    }
    if (confirm(u"Fault: "_s + name, kube::faultRow(fault).confirmation.arg(pod))) {
        Q_EMIT faultRequested(ordinal, fault, false);
    }
}

} // namespace presenter
