#pragma once

#include "sources/feed_messages.h"

#include <QMap>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

// The sample app's load and spike commands (sampleapp/PROTOCOL.md, "HTTP routes") over
// QNetworkAccessManager: POST /load/start|stop, /load/readers|writers/start|stop, /spike,
// /spike/stop, GET /load. Every answer carries the load state, including the guardrails
// (`limits`) the spike dialog shows. A refused command (guardrail, auth) reports the app's own
// message.
//
// Threading: GUI thread only; never blocks.
class SampleAppControl : public QObject
{
    Q_OBJECT
public:
    explicit SampleAppControl(QObject *parent = nullptr);

    void setBaseUrl(const QUrl &url); // http://host:8080
    QUrl baseUrl() const { return m_baseUrl; }
    void setControlToken(const QString &token) { m_token = token; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void refresh(); // GET /load
    void loadStart(double rps = 0, const QMap<QString, double> &mix = {}); // rps 0 = the app's default
    void loadStop();
    void setReaders(bool on);
    void setWriters(bool on);
    void spike(double seconds, double rps, const QMap<QString, double> &mix = {});
    void spikeStop();

    bool hasState() const { return m_hasState; }
    LoadState lastState() const { return m_state; }

Q_SIGNALS:
    void stateReceived(const LoadState &state);
    // `what` names the command ("load start"); on failure `message` is the app's error text.
    void commandFinished(const QString &what, bool ok, const QString &message);

private:
    void send(const QString &what, const QByteArray &method, const QString &path, const QByteArray &body = {});

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    QString m_token;
    int m_timeoutMs = 10000;
    LoadState m_state;
    bool m_hasState = false;
};
