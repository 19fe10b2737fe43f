#pragma once

#include "data_source.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QPointF>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace presenter {

struct PromSeries
{
    QMap<QString, QString> labels;
    QList<QPointF> points; // x = Unix ms, y = value (NaN / ±Inf as Prometheus sent them)
};

// Parses a Prometheus HTTP API answer (/api/v1/query or /api/v1/query_range): vector, matrix
// and scalar results. On {"status":"error"} returns nothing and sets *error to
// "<errorType>: <error>" exactly as Prometheus worded it.
std::optional<QList<PromSeries>> parsePrometheusResponse(const QByteArray &body, QString *error);

// Prometheus over HTTP (QNetworkAccessManager) as a DataSource.
//
// instantQuery()/rangeQuery() answer later with result() or queryFailed() carrying the id they
// returned. addPoll() registers instant queries repeated while the client runs; their answers
// come as polled() / pollFailed(). A poll is not sent again while its previous request is still
// out, so a slow server never piles requests up.
// Health: a transport failure (unreachable, timeout, not an API answer) reports failed(); an
// error answer from Prometheus itself (bad PromQL) only fails that query.
//
// Threading: GUI thread only; every signal is emitted there.
class PrometheusClient : public DataSource
{
    Q_OBJECT
public:
    explicit PrometheusClient(QObject *parent = nullptr);
    ~PrometheusClient() override;

    void setBaseUrl(const QUrl &baseUrl); // http://host:9090 (a path prefix is kept)
    QUrl baseUrl() const { return m_baseUrl; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    int instantQuery(const QString &promql);
    int rangeQuery(const QString &promql, const QDateTime &from, const QDateTime &to, int stepSeconds);

    void addPoll(const QString &name, const QString &promql, int intervalMs);
    void removePoll(const QString &name);
    QStringList pollNames() const { return m_polls.keys(); }
    // The PromQL a poll sends (empty for an unknown name).
    QString pollQuery(const QString &name) const { return m_polls.value(name).promql; }

    // A poll answer received elsewhere (a recording), emitted like a live one. Never call these on
    // a started client.
    void deliver(const QString &name, const QList<PromSeries> &series) { Q_EMIT polled(name, series); }
    void deliverFailure(const QString &name, const QString &error) { Q_EMIT pollFailed(name, error); }

    void start() override; // starts the polls (the first round immediately)
    void stop() override; // stops the polls; one-off queries keep working

Q_SIGNALS:
    void result(int requestId, const QList<PromSeries> &series);
    void queryFailed(int requestId, const QString &error);
    void polled(const QString &name, const QList<PromSeries> &series);
    void pollFailed(const QString &name, const QString &error);

private:
    struct Poll
    {
        QString promql;
        QTimer *timer = nullptr;
        int inFlight = 0; // request id, 0 = none
    };

    int send(const QString &path, const QList<std::pair<QString, QString>> &params, const QString &pollName);
    void onFinished(QNetworkReply *reply, int id, const QString &pollName);
    void runPoll(const QString &name);

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    int m_timeoutMs = 10000;
    int m_nextId = 1;
    QMap<QString, Poll> m_polls;
    QHash<int, QNetworkReply *> m_pending;
};

} // namespace presenter
