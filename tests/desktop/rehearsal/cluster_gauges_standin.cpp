#include "cluster_gauges_standin.h"

#include "standins_follow_fake.h"

#include <QDateTime>
#include <QTcpSocket>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr int kRanges = 24; // as the node stand-ins (StandInsFollowFake)
constexpr int kLive = 3; // livenesspb NODE_STATUS_LIVE
constexpr int kBehindWhileAway = 500; // above the heal verdict's threshold of 100
} // namespace

ClusterGaugesStandIn::ClusterGaugesStandIn(
    StandInsFollowFake *nodes, int nodeCount, int lagMs, int catchUpMs, QObject *parent)
    : QObject(parent), m_nodes(nodeCount), m_lagMs(lagMs), m_catchUpMs(catchUpMs)
{
    connect(nodes, &StandInsFollowFake::livenessChanged, this, [this](int ordinal, int liveness, qint64 atMs) {
        m_changes.append({atMs, ordinal, liveness == kLive});
    });
    connect(&m_server, &QTcpServer::newConnection, this, &ClusterGaugesStandIn::onConnection);
}

bool ClusterGaugesStandIn::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QByteArray ClusterGaugesStandIn::metricsAt(qint64 atMs) const
{
    QList<bool> live(m_nodes, true);
    qint64 lastBackMs = 0; // when a node was last live again
    for (const Change &c : m_changes) {
        if (c.atMs > atMs) {
            break;
        }
        if (c.live && !live.value(c.ordinal)) {
            lastBackMs = c.atMs;
        }
        live[c.ordinal] = c.live;
    }
    const int liveCount = int(live.count(true));
    const bool majority = liveCount * 2 > m_nodes;
    const bool away = liveCount < m_nodes || (lastBackMs != 0 && atMs - lastBackMs < m_catchUpMs);
    return u"# TYPE liveness_livenodes gauge\nliveness_livenodes %1\n"
           "# TYPE ranges_underreplicated gauge\nranges_underreplicated %2\n"
           "# TYPE ranges_unavailable gauge\nranges_unavailable %3\n"
           "# TYPE raftlog_behind gauge\nraftlog_behind %4\n"_s.arg(majority ? liveCount : 0)
               .arg(away ? kRanges : 0)
               .arg(majority ? 0 : kRanges)
               .arg(away ? kBehindWhileAway : 0)
               .toUtf8();
}

void ClusterGaugesStandIn::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto request = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
            *request += socket->readAll();
            if (!request->contains("\r\n\r\n")) {
                return; // the end of the headers (a GET has no body)
            }
            const QByteArray body = metricsAt(QDateTime::currentMSecsSinceEpoch() - m_lagMs);
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}
