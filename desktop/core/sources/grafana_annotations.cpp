#include "grafana_annotations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace presenter {

const QString GrafanaAnnotations::kTag = u"crdb-live-evolution"_s;

GrafanaAnnotations::GrafanaAnnotations(QObject *parent) : QObject(parent), m_nam(new QNetworkAccessManager(this)) { }

void GrafanaAnnotations::setBaseUrl(const QUrl &url)
{
    m_endpoint = endpoint(url);
    m_authorization = authorization(url);
}

QJsonObject GrafanaAnnotations::requestBody(const GrafanaAnnotation &annotation)
{
    return QJsonObject {{u"time"_s, annotation.timeMs}, {u"tags"_s, QJsonArray::fromStringList(annotation.tags)},
        {u"text"_s, annotation.text}};
}

QByteArray GrafanaAnnotations::authorization(const QUrl &baseUrl)
{
    const QString user = baseUrl.userName();
    if (user.isEmpty()) {
        return {};
    }
    if (user == u"api_key"_s) {
        return "Bearer " + baseUrl.password().toUtf8();
    }
    return "Basic " + (user + u':' + baseUrl.password()).toUtf8().toBase64();
}

QUrl GrafanaAnnotations::endpoint(const QUrl &baseUrl)
{
    if (baseUrl.isEmpty()) {
        return {};
    }
    QUrl url = baseUrl;
    url.setUserInfo({});
    QString path = url.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    url.setPath(path + u"/api/annotations"_s);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

qint64 GrafanaAnnotations::addedId(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonValue id = o.value("id"_L1);
    if (o.value("message"_L1).toString() != u"Annotation added"_s || !id.isDouble()) {
        return -1;
    }
    return id.toInteger(-1);
}

void GrafanaAnnotations::post(qint64 timeMs, const QString &kindTag, const QString &text)
{
    if (!m_endpoint.isValid() || m_endpoint.isEmpty()) {
        return;
    }
    if (m_queue.size() >= kQueueLimit) {
        ++m_dropped;
        if (m_firstFailure.isEmpty()) {
            m_firstFailure = u"more than %1 annotations waiting for %2"_s.arg(kQueueLimit).arg(m_endpoint.toString());
            qWarning("presenter: Grafana annotations: %s; the talk goes on, later failures are only counted",
                qPrintable(m_firstFailure));
        }
        Q_EMIT settled(false);
        return;
    }
    m_queue.append({timeMs, QStringList {kTag, kindTag} + m_extraTags, text});
    if (!m_inFlight) {
        m_attempt = 0;
        sendNext();
    }
}

void GrafanaAnnotations::sendNext()
{
    if (m_queue.isEmpty()) {
        m_inFlight = false;
        return;
    }
    m_inFlight = true;
    ++m_attempt;
    QNetworkRequest request(m_endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setRawHeader("Accept", "application/json");
    if (!m_authorization.isEmpty()) {
        request.setRawHeader("Authorization", m_authorization);
    }
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply
        = m_nam->post(request, QJsonDocument(requestBody(m_queue.constFirst())).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void GrafanaAnnotations::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray(); // closed when timed out
    if (status == 200 && addedId(body) >= 0) {
        ++m_posted;
        m_queue.removeFirst();
        m_attempt = 0;
        Q_EMIT settled(true);
        return sendNext();
    }
    // Grafana's own words ({"message": ...}) or the transport's; the URL carries no credentials.
    const QString message = QJsonDocument::fromJson(body).object().value("message"_L1).toString();
    const QString why = status == 0
        ? (reply->error() == QNetworkReply::OperationCanceledError ? u"no answer within %1 ms"_s.arg(m_timeoutMs)
                                                                   : reply->errorString())
        : u"HTTP %1%2"_s.arg(status).arg(message.isEmpty() ? QString() : u": "_s + message);
    const bool transient = status == 0 || status >= 500;
    if (transient && m_attempt < kAttempts) {
        ++m_retried;
        QTimer::singleShot(m_retryDelayMs, this, &GrafanaAnnotations::sendNext);
        return;
    }
    drop(u"%1 from %2"_s.arg(why, m_endpoint.toString()));
}

void GrafanaAnnotations::drop(const QString &why)
{
    ++m_dropped;
    m_queue.removeFirst();
    m_attempt = 0;
    if (m_firstFailure.isEmpty()) {
        m_firstFailure = why;
        qWarning(
            "presenter: Grafana annotations: %s; the talk goes on, later failures are only counted", qPrintable(why));
    }
    Q_EMIT settled(false);
    sendNext();
}

} // namespace presenter
