#include "feed_client.h"

#include <QScopeGuard>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace presenter {

FeedClient::FeedClient(QObject *parent) : DataSource(u"sample app feed"_s, parent)
{
    qRegisterMetaType<FeedTick>();
    qRegisterMetaType<FeedEvent>();
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &FeedClient::openSocket);
}

FeedClient::~FeedClient()
{
    if (m_socket) {
        // No signals into a half-destroyed object.
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void FeedClient::setUrl(const QUrl &wsUrl)
{
    m_url = wsUrl;
    if (isRunning()) {
        stop();
        start();
    }
}

void FeedClient::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    m_backoffMs = kInitialBackoffMs;
    m_awaitingFirstMessage = true;
    openSocket();
}

void FeedClient::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    m_retryTimer.stop();
    if (m_socket) {
        QWebSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    setConnected(false);
}

void FeedClient::openSocket()
{
    if (!isRunning()) {
        return;
    }
    if (!m_url.isValid() || (m_url.scheme() != "ws"_L1 && m_url.scheme() != "wss"_L1)) {
        reportFailure(u"sample app feed: invalid URL '%1' (expected ws://host:port/ws)"_s.arg(m_url.toString()));
        return;
    }
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &FeedClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &FeedClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &FeedClient::onTextMessage);
    m_awaitingFirstMessage = true;
    m_socket->open(m_url);
}

void FeedClient::onConnected()
{
    setConnected(true);
}

void FeedClient::onDisconnected()
{
    // QWebSocket emits disconnected() both for a lost connection and for a failed attempt.
    QString why = m_socket ? m_socket->errorString() : QString();
    if (why.isEmpty() || why == "Unknown error"_L1) {
        why = u"connection closed"_s;
    }
    const bool wasConnected = m_connected;
    setConnected(false);
    const QString reason = wasConnected
        ? u"sample app feed lost (%1): %2; reconnecting"_s.arg(m_url.toString(), why)
        : u"sample app feed unreachable (%1): %2; retrying"_s.arg(m_url.toString(), why);
    // One report per outage, plus one whenever the reason changes, not one per retry.
    if (isHealthy() || lastError() != reason) {
        reportFailure(reason);
    }
    scheduleReconnect();
}

void FeedClient::scheduleReconnect()
{
    if (!isRunning()) {
        return;
    }
    m_retryTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void FeedClient::setConnected(bool connected)
{
    if (m_connected == connected) {
        return;
    }
    m_connected = connected;
    Q_EMIT connectedChanged(connected);
}

void FeedClient::track(qint64 seq, qint64 tsMs)
{
    if (m_lastTsMs >= 0) {
        // After a reconnect every message the server sent meanwhile is lost to us, whatever the
        // seq says (a restarted server starts counting again).
        const bool missed = m_awaitingFirstMessage || seq != m_lastSeq + 1;
        if (missed && tsMs > m_lastTsMs) {
            Q_EMIT gap(m_lastTsMs, tsMs);
        }
    }
    m_awaitingFirstMessage = false;
    m_lastSeq = seq;
    m_lastTsMs = std::max(m_lastTsMs, tsMs);
}

void FeedClient::applyConnected(bool connected)
{
    if (connected) {
        m_awaitingFirstMessage = true; // as openSocket() does for a new connection
    }
    setConnected(connected);
}

void FeedClient::reset()
{
    setConnected(false);
    m_lastSeq = -1;
    m_lastTsMs = -1;
    m_awaitingFirstMessage = true;
}

void FeedClient::onTextMessage(const QString &text)
{
    const qint64 receivedMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT messageReceived(text, receivedMs);
    handleMessage(text, receivedMs);
}

void FeedClient::handleMessage(const QString &text, qint64 receivedMs)
{
    m_handlingReceivedMs = receivedMs;
    const auto done = qScopeGuard([this] { m_handlingReceivedMs = 0; });
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!doc.isObject()) {
        Q_EMIT malformedMessage(u"not a JSON object: %1"_s.arg(parseError.errorString()));
        return;
    }
    const QJsonObject o = doc.object();
    const QString type = o.value("type"_L1).toString();
    QString error;
    if (type == "tick"_L1) {
        const auto tick = parseTick(o, &error);
        if (!tick) {
            Q_EMIT malformedMessage(u"tick: %1"_s.arg(error));
            return;
        }
        track(tick->seq, tick->tsMs);
        Q_EMIT messageLatency(double(receivedMs - tick->tsMs));
        Q_EMIT tickReceived(*tick);
    } else if (type == "event"_L1) {
        const auto event = parseEvent(o, &error);
        if (!event) {
            Q_EMIT malformedMessage(u"event: %1"_s.arg(error));
            return;
        }
        track(event->seq, event->tsMs);
        Q_EMIT messageLatency(double(receivedMs - event->tsMs));
        Q_EMIT eventReceived(*event);
    } else if (type == "hello"_L1) {
        const auto hello = parseHello(o, &error);
        if (!hello) {
            Q_EMIT malformedMessage(u"hello: %1"_s.arg(error));
            return;
        }
        track(hello->seq, hello->tsMs);
        Q_EMIT messageLatency(double(receivedMs - hello->tsMs));
        Q_EMIT helloReceived(o);
    } else {
        Q_EMIT malformedMessage(u"unknown message type '%1'"_s.arg(type));
        return;
    }
    // A message proves the feed works; a bare TCP connect does not.
    m_backoffMs = kInitialBackoffMs;
    reportRecovered();
}

} // namespace presenter
