#include "sample_app_control.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

SampleAppControl::SampleAppControl(QObject *parent) : QObject(parent), m_nam(new QNetworkAccessManager(this)) { }

void SampleAppControl::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url;
}

static QJsonObject mixObject(const QMap<QString, double> &mix)
{
    QJsonObject o;
    for (auto it = mix.cbegin(); it != mix.cend(); ++it) {
        o.insert(it.key(), it.value());
    }
    return o;
}

void SampleAppControl::refresh()
{
    send(u"load state"_s, "GET", u"/load"_s);
}

void SampleAppControl::loadStart(double rps, const QMap<QString, double> &mix)
{
    QJsonObject body;
    if (rps > 0) {
        body.insert(u"rps"_s, rps);
    }
    if (!mix.isEmpty()) {
        body.insert(u"mix"_s, mixObject(mix));
    }
    send(u"load start"_s, "POST", u"/load/start"_s,
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void SampleAppControl::loadStop()
{
    send(u"load stop"_s, "POST", u"/load/stop"_s);
}

void SampleAppControl::setReaders(bool on)
{
    send(on ? u"readers on"_s : u"readers off"_s, "POST", on ? u"/load/readers/start"_s : u"/load/readers/stop"_s);
}

void SampleAppControl::setWriters(bool on)
{
    send(on ? u"writers on"_s : u"writers off"_s, "POST", on ? u"/load/writers/start"_s : u"/load/writers/stop"_s);
}

void SampleAppControl::spike(double seconds, double rps, const QMap<QString, double> &mix)
{
    QJsonObject body {{u"seconds"_s, seconds}, {u"rps"_s, rps}};
    if (!mix.isEmpty()) {
        body.insert(u"mix"_s, mixObject(mix));
    }
    send(u"spike"_s, "POST", u"/spike"_s, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void SampleAppControl::spikeStop()
{
    send(u"spike stop"_s, "POST", u"/spike/stop"_s);
}

void SampleAppControl::send(const QString &what, const QByteArray &method, const QString &path, const QByteArray &body)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + path);
    QNetworkRequest req(url);
    req.setTransferTimeout(m_timeoutMs);
    if (!body.isEmpty()) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    if (!m_token.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(req, method, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, what] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        if (status >= 200 && status < 300 && doc.isObject()) {
            m_state = parseLoadState(doc.object());
            m_hasState = true;
            Q_EMIT stateReceived(m_state);
            Q_EMIT commandFinished(what, true, {});
            return;
        }
        QString message;
        if (doc.isObject() && doc.object().contains(u"message"_s)) {
            message = doc.object().value(u"message"_s).toString();
        } else if (status == 0) {
            message = reply->errorString();
        } else {
            message = u"HTTP %1"_s.arg(status);
        }
        Q_EMIT commandFinished(what, false, message);
    });
}
