#pragma once

#include "data_source.h"
#include "feed_messages.h"

#include <QAbstractSocket>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

class QWebSocket;

namespace presenter {

// The sample app's timeline feed (GET /ws, sampleapp/PROTOCOL.md) as a DataSource.
//
// Reconnects after any disconnect with a backoff of 250 ms doubling to 5 s (reset once a message
// arrives). It never invents data: when messages were missed it emits gap() with the span, in the
// server's clock (ts_ms), between the last message it had and the first one after the hole:
//  - after a reconnect: from the last message before the disconnect to the new hello;
//  - within a connection: when seq jumps (seq + 1 expected).
// A message that does not parse is dropped and reported with malformedMessage().
//
// Threading: GUI thread only; every signal is emitted there.
class FeedClient : public DataSource
{
    Q_OBJECT
public:
    explicit FeedClient(QObject *parent = nullptr);
    ~FeedClient() override;

    void setUrl(const QUrl &wsUrl); // ws://host:port/ws
    QUrl url() const { return m_url; }

    void start() override;
    void stop() override;

    bool isConnected() const { return m_connected; }
    // The delay before the next reconnect attempt (for display; 0 while connected).
    int nextRetryMs() const { return m_connected ? 0 : m_backoffMs; }

    // A message or connection change received elsewhere (a recording) goes through the same path
    // as a live one (parsing, gap tracking, the same signals). Never call these on a started client.
    void ingest(const QString &text, qint64 receivedMs) { handleMessage(text, receivedMs); }
    void applyConnected(bool connected);
    // Forgets the messages seen (what is shown starting over): disconnected, no last seq/ts.
    void reset();
    // While a message is being handled (its signals are being emitted): when it was received, the
    // time its tick is judged at, live and ingested alike (ingest() passes the recorded time).
    // 0 outside that (e.g. a signal emitted by a test).
    qint64 handlingReceivedMs() const { return m_handlingReceivedMs; }

    static constexpr int kInitialBackoffMs = 250;
    static constexpr int kMaxBackoffMs = 5000;

Q_SIGNALS:
    void helloReceived(const QJsonObject &hello);
    void tickReceived(const FeedTick &tick);
    void eventReceived(const FeedEvent &event);
    // No data in [fromMs, toMs] (Unix ms, server clock): a disconnect or a seq jump.
    void gap(qint64 fromMs, qint64 toMs);
    // Local receive time minus the message's ts_ms, for every message.
    void messageLatency(double ms);
    void connectedChanged(bool connected);
    // Every text message as received, before parsing (the session recorder's input).
    void messageReceived(const QString &text, qint64 receivedMs);
    void malformedMessage(const QString &reason);

private:
    void openSocket();
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &text);
    void handleMessage(const QString &text, qint64 receivedMs);
    void scheduleReconnect();
    void setConnected(bool connected);
    // Accounts for a message's seq/ts before it is emitted; emits gap() when something was missed.
    void track(qint64 seq, qint64 tsMs);

    QUrl m_url;
    QWebSocket *m_socket = nullptr;
    QTimer m_retryTimer;
    int m_backoffMs = kInitialBackoffMs;
    bool m_connected = false;
    // Last message seen (any connection): the start of a gap.
    qint64 m_lastSeq = -1;
    qint64 m_lastTsMs = -1;
    // The first message on a new connection closes the gap left by the disconnect.
    bool m_awaitingFirstMessage = true;
    qint64 m_handlingReceivedMs = 0;
};

} // namespace presenter
