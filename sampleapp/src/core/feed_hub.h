#pragma once

#include <QJsonObject>
#include <QObject>
#include <QWebSocket>

#include <memory>
#include <vector>

// The timeline feed (GET /ws, protocol v1 in sampleapp/PROTOCOL.md): stamps every message with
// version, sequence number and server time, and broadcasts it to the connected clients. Slow
// clients (more than maxBufferedBytes unsent) are disconnected rather than buffered forever.
//
// Threading: GUI/main thread only (QWebSocket is not thread-safe).
class FeedHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kVersion = 1;

    explicit FeedHub(int maxClients = 64, QObject *parent = nullptr);
    ~FeedHub() override;

    // Takes the socket; sends `hello` (stamped) first. Refuses past maxClients (close code 1011).
    void addClient(std::unique_ptr<QWebSocket> socket, QJsonObject hello);
    // Stamps (v, type, seq, ts_ms) and sends to every client.
    void broadcast(const QString &type, QJsonObject message);
    // Not an override: a timeline `event` message. The using-declaration keeps QObject::event(QEvent *)
    // visible beside it instead of hiding it (clang's -Woverloaded-virtual, tests/clang-tidy.sh).
    using QObject::event;
    void event(const QString &kind, const QString &text, const QJsonObject &detail);
    void closeAll();
    int clientCount() const { return int(m_clients.size()); }
    qint64 lastSeq() const { return m_seq; }

private:
    QByteArray stamp(const QString &type, QJsonObject message);
    void removeClient(QWebSocket *socket);

    int m_maxClients;
    qint64 m_seq = 0;
    std::vector<std::unique_ptr<QWebSocket>> m_clients;
};
