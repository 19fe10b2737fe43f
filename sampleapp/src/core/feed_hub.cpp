#include "feed_hub.h"

#include "log.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kMaxBufferedBytes = qint64 {4} * 1024 * 1024;
}

FeedHub::FeedHub(int maxClients, QObject *parent) : QObject(parent), m_maxClients(maxClients) { }

FeedHub::~FeedHub()
{
    closeAll();
}

QByteArray FeedHub::stamp(const QString &type, QJsonObject message)
{
    // A hello carries the last sequence number without using one: a new client must not make the
    // others see a jump (a gap) in the numbers.
    const bool hello = type == u"hello";
    message.insert(u"v"_s, kVersion);
    message.insert(u"type"_s, type);
    message.insert(u"seq"_s, double(hello ? m_seq : ++m_seq));
    message.insert(u"ts_ms"_s, double(QDateTime::currentMSecsSinceEpoch()));
    return QJsonDocument(message).toJson(QJsonDocument::Compact);
}

void FeedHub::addClient(std::unique_ptr<QWebSocket> socket, QJsonObject hello)
{
    if (int(m_clients.size()) >= m_maxClients) {
        socket->close(QWebSocketProtocol::CloseCodeBadOperation, QStringLiteral("too many feed clients"));
        socket.release()->deleteLater();
        return;
    }
    QWebSocket *raw = socket.get();
    connect(raw, &QWebSocket::disconnected, this, [this, raw] { removeClient(raw); });
    // Clients only read; anything they send is ignored.
    m_clients.push_back(std::move(socket));
    raw->sendTextMessage(QString::fromUtf8(stamp(QStringLiteral("hello"), std::move(hello))));
    applog::logger()->info("feed: client {} connected ({} clients)", raw->peerAddress().toString(), m_clients.size());
}

void FeedHub::broadcast(const QString &type, QJsonObject message)
{
    if (m_clients.empty()) {
        ++m_seq; // the sequence counts messages produced, so a client sees gaps it missed
        return;
    }
    const QString text = QString::fromUtf8(stamp(type, std::move(message)));
    std::vector<QWebSocket *> slow;
    for (const auto &c : m_clients) {
        if (c->bytesToWrite() > kMaxBufferedBytes) {
            slow.push_back(c.get());
            continue;
        }
        c->sendTextMessage(text);
    }
    for (QWebSocket *s : slow) {
        applog::logger()->warn("feed: dropping slow client {}", s->peerAddress().toString());
        s->abort();
        removeClient(s);
    }
}

void FeedHub::event(const QString &kind, const QString &text, const QJsonObject &detail)
{
    broadcast(QStringLiteral("event"), QJsonObject {{u"kind"_s, kind}, {u"text"_s, text}, {u"detail"_s, detail}});
}

void FeedHub::removeClient(QWebSocket *socket)
{
    auto it = std::find_if(m_clients.begin(), m_clients.end(), [socket](const auto &c) { return c.get() == socket; });
    if (it != m_clients.end()) {
        it->release()->deleteLater(); // we may be inside one of its signals
        m_clients.erase(it);
    }
}

void FeedHub::closeAll()
{
    for (auto &c : m_clients) {
        c->disconnect(this);
        c->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
        c.release()->deleteLater();
    }
    m_clients.clear();
}
