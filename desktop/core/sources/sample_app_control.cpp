#include "sample_app_control.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace presenter {

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

QString SampleAppControl::commandName(Command command)
{
    switch (command) {
    case Command::Refresh:
        return u"load state"_s;
    case Command::LoadStart:
        return u"load start"_s;
    case Command::LoadStop:
        return u"load stop"_s;
    case Command::ReadersOn:
        return u"readers on"_s;
    case Command::ReadersOff:
        return u"readers off"_s;
    case Command::WritersOn:
        return u"writers on"_s;
    case Command::WritersOff:
        return u"writers off"_s;
    case Command::Spike:
        return u"spike"_s;
    case Command::SpikeStop:
        return u"spike stop"_s;
    }
    return {};
}

quint64 SampleAppControl::refresh()
{
    return send(Command::Refresh, "GET", u"/load"_s);
}

quint64 SampleAppControl::loadStart(double rps, const QMap<QString, double> &mix)
{
    QJsonObject body;
    if (rps > 0) {
        body.insert(u"rps"_s, rps);
    }
    if (!mix.isEmpty()) {
        body.insert(u"mix"_s, mixObject(mix));
    }
    return send(Command::LoadStart, "POST", u"/load/start"_s,
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
}

quint64 SampleAppControl::loadStop()
{
    return send(Command::LoadStop, "POST", u"/load/stop"_s);
}

quint64 SampleAppControl::setReaders(bool on)
{
    return send(
        on ? Command::ReadersOn : Command::ReadersOff, "POST", on ? u"/load/readers/start"_s : u"/load/readers/stop"_s);
}

quint64 SampleAppControl::setWriters(bool on)
{
    return send(
        on ? Command::WritersOn : Command::WritersOff, "POST", on ? u"/load/writers/start"_s : u"/load/writers/stop"_s);
}

quint64 SampleAppControl::spike(double seconds, double rps, const QMap<QString, double> &mix)
{
    QJsonObject body {{u"seconds"_s, seconds}, {u"rps"_s, rps}};
    if (!mix.isEmpty()) {
        body.insert(u"mix"_s, mixObject(mix));
    }
    return send(Command::Spike, "POST", u"/spike"_s, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

quint64 SampleAppControl::spikeStop()
{
    return send(Command::SpikeStop, "POST", u"/spike/stop"_s);
}

void SampleAppControl::applyState(const QJsonObject &load)
{
    m_stateJson = load;
    m_state = parseLoadState(load);
    m_hasState = true;
    Q_EMIT stateReceived(m_state);
}

void SampleAppControl::reportFinished(quint64 requestId, Command command, bool ok, const QString &message)
{
    Q_EMIT commandFinished(requestId, command, ok, message);
}

quint64 SampleAppControl::send(Command command, const QByteArray &method, const QString &path, const QByteArray &body)
{
    const quint64 id = newRequestId();
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
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, command] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        if (status >= 200 && status < 300 && doc.isObject()) {
            m_stateJson = doc.object();
            m_state = parseLoadState(m_stateJson);
            m_hasState = true;
            Q_EMIT stateReceived(m_state);
            Q_EMIT commandFinished(id, command, true, {});
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
        Q_EMIT commandFinished(id, command, false, message);
    });
    return id;
}

} // namespace presenter
