#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace presenter {

// One annotation as Grafana's HTTP API creates it (POST /api/annotations,
// https://grafana.com/docs/grafana/latest/developers/http_api/annotations/, "Create Annotation"):
// `time` in epoch milliseconds, `tags`, `text`. No dashboardUID or panelId: an organization
// annotation, which every dashboard shows through an annotation query on the built-in Grafana data
// source filtered by tags (grafana/dashboards/*.json, "annotations").
struct GrafanaAnnotation
{
    qint64 timeMs = 0;
    QStringList tags;
    QString text;

    friend bool operator==(const GrafanaAnnotation &, const GrafanaAnnotation &) = default;
};

// Writes the talk's markers to Grafana as annotations, so the backup view shows the same moments
// the presenter draws. Every annotation carries kTag plus one tag of its own (the marker's kind).
//
// Credentials come from the base URL's user info, as for the pre-flight's Grafana check, and travel
// only in the Authorization header (never in a URL, a log line or a recording): a user and password
// as basic auth; the user `api_key` with a service account token as its password as
// "Bearer <token>" (https://grafana.com/docs/grafana/latest/developers/http_api/authentication/;
// Grafana also takes that user in basic auth: grafana/grafana pkg/services/authn/clients/api_key.go,
// getTokenFromRequest, so the pre-flight's basic header passes with the same URL).
//
// Never in the talk's way: post() only queues (at most kQueueLimit waiting; beyond that, dropped),
// one request is in flight at a time, each with a time limit. A network error, a time-out or a 5xx
// is tried once more after retryDelayMs; a 4xx is not (the request itself is refused: 401 wrong
// credentials, 403 no annotations:create permission, 400 bad data). What cannot be posted is
// dropped and counted; the first failure is logged once (a warning naming the reason and the URL
// without credentials), the rest only counted.
//
// Threading: GUI thread only; never blocks (QNetworkAccessManager is asynchronous).
class GrafanaAnnotations : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kQueueLimit = 64;
    static constexpr int kAttempts = 2; // the first try and one retry
    static const QString kTag; // "crdb-live-evolution": the dashboards' annotation queries filter on it

    explicit GrafanaAnnotations(QObject *parent = nullptr);

    // Grafana's base URL (http://host:3000, or with a sub-path), credentials in its user info.
    void setBaseUrl(const QUrl &url);
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    void setRetryDelayMs(int ms) { m_retryDelayMs = ms; }

    // Tags every later annotation also carries ("rehearsal": a dashboard can tell last night's
    // rehearsal from the talk).
    void setExtraTags(const QStringList &tags) { m_extraTags = tags; }

    // Queues one annotation at `timeMs` tagged kTag, `kindTag` and the extra tags.
    void post(qint64 timeMs, const QString &kindTag, const QString &text);

    qint64 postedCount() const { return m_posted; } // Grafana answered "Annotation added"
    qint64 retriedCount() const { return m_retried; }
    qint64 droppedCount() const { return m_dropped; } // queue full, or failed kAttempts times / refused
    qsizetype pendingCount() const { return m_queue.size(); } // the head is the one in flight
    QString firstFailure() const { return m_firstFailure; } // empty until one; no credentials

    // Pure parts, tested on their own.
    // The request body: {"time": ms, "tags": [...], "text": "..."}.
    static QJsonObject requestBody(const GrafanaAnnotation &annotation);
    // The Authorization header's value for the URL's user info (empty without a user).
    static QByteArray authorization(const QUrl &baseUrl);
    // <base>/api/annotations, the base's own path kept, without user info.
    static QUrl endpoint(const QUrl &baseUrl);
    // The id of Grafana's answer {"message":"Annotation added","id":N}; -1 when it is not one.
    static qint64 addedId(const QByteArray &body);

Q_SIGNALS:
    // One annotation's end: posted (ok) or dropped (after its retry, or refused).
    void settled(bool ok);

private:
    QStringList m_extraTags;
    void sendNext();
    void onFinished(QNetworkReply *reply);
    void drop(const QString &why);

    QNetworkAccessManager *m_nam;
    QUrl m_endpoint;
    QByteArray m_authorization;
    int m_timeoutMs = 3000;
    int m_retryDelayMs = 1000;
    QList<GrafanaAnnotation> m_queue;
    bool m_inFlight = false;
    int m_attempt = 0; // of the annotation at the queue's head
    qint64 m_posted = 0;
    qint64 m_retried = 0;
    qint64 m_dropped = 0;
    QString m_firstFailure;
};

} // namespace presenter
