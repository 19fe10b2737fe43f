#pragma once

#include "sources/commands.h"
#include "sources/feed_messages.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace presenter {

// The sample app's load and spike commands (sampleapp/PROTOCOL.md, "HTTP routes") over
// QNetworkAccessManager: POST /load/start|stop, /load/readers|writers/start|stop, /spike,
// /spike/stop, GET /load. Every answer carries the load state, including the guardrails
// (`limits`) the spike dialog shows. A refused command (guardrail, auth) reports the app's own
// message. Every command returns its request id; its answer comes back as exactly one
// commandFinished() carrying that id and the typed command, so a caller waits for *its* answer,
// never for the next one that happens to arrive.
//
// Threading: GUI thread only; never blocks.
class SampleAppControl : public QObject, public LoadCommands
{
    Q_OBJECT
public:
    enum class Command { Refresh, LoadStart, LoadStop, ReadersOn, ReadersOff, WritersOn, WritersOff, Spike, SpikeStop };
    Q_ENUM(Command)
    static QString commandName(Command command); // "load start", "readers off", ...

    explicit SampleAppControl(QObject *parent = nullptr);

    void setBaseUrl(const QUrl &url); // http://host:8080
    QUrl baseUrl() const { return m_baseUrl; }
    void setControlToken(const QString &token) { m_token = token; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // Each returns the request id its commandFinished() will carry (ids start at 1, never reused).
    quint64 refresh() override; // GET /load
    quint64 loadStart(double rps = 0, const QMap<QString, double> &mix = {}) override; // rps 0 = the app's default
    quint64 loadStop() override;
    quint64 setReaders(bool on) override;
    quint64 setWriters(bool on) override;
    quint64 spike(double seconds, double rps, const QMap<QString, double> &mix = {}) override;
    quint64 spikeStop() override;

    bool hasState() const { return m_hasState; }
    LoadState lastState() const { return m_state; }
    // The latest /load answer as it came (the session recorder records it).
    QJsonObject lastStateJson() const { return m_stateJson; }

    // State entry points for what was observed elsewhere (a recording) or answered without a
    // request (a command refused before it was sent): the same state and signals as a live answer.
    // newRequestId() hands out the id such an answer carries (never one a request had).
    void applyState(const QJsonObject &load);
    quint64 newRequestId() { return ++m_lastRequestId; }
    void reportFinished(quint64 requestId, Command command, bool ok, const QString &message);

Q_SIGNALS:
    void stateReceived(const LoadState &state);
    // The answer to request `requestId`; on failure `message` is the app's error text.
    void commandFinished(quint64 requestId, SampleAppControl::Command command, bool ok, const QString &message);

private:
    quint64 send(Command command, const QByteArray &method, const QString &path, const QByteArray &body = {});

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    QString m_token;
    int m_timeoutMs = 10000;
    LoadState m_state;
    QJsonObject m_stateJson;
    bool m_hasState = false;
    quint64 m_lastRequestId = 0;
};

} // namespace presenter
