#include "grafana_standin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

GrafanaStandIn::GrafanaStandIn(QObject *parent) : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &GrafanaStandIn::onConnection);
}

GrafanaStandIn::~GrafanaStandIn()
{
    qDeleteAll(m_hung);
}

bool GrafanaStandIn::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl GrafanaStandIn::url(const QString &user, const QString &password) const
{
    QUrl url(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()));
    url.setUserName(user);
    url.setPassword(password);
    return url;
}

void GrafanaStandIn::setUser(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

QStringList GrafanaStandIn::bodyProblems(const QByteArray &body)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        return {u"the body is not a JSON object"_s};
    }
    const QJsonObject o = doc.object();
    QStringList problems;
    auto isInteger = [](const QJsonValue &v) { return v.isDouble() && v.toDouble() == double(v.toInteger()); };
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (key == u"time"_s || key == u"timeEnd"_s || key == u"panelId"_s) {
            if (!isInteger(v)) {
                problems << u"%1 is not an integer (epoch ms for times)"_s.arg(key);
            }
        } else if (key == u"text"_s || key == u"dashboardUID"_s) {
            if (!v.isString()) {
                problems << u"%1 is not a string"_s.arg(key);
            }
        } else if (key == u"tags"_s) {
            const QJsonArray tags = v.toArray();
            if (!v.isArray()
                || std::any_of(tags.begin(), tags.end(), [](const QJsonValue &t) { return !t.isString(); })) {
                problems << u"tags is not an array of strings"_s;
            }
        } else {
            problems << u"unknown field %1"_s.arg(key);
        }
    }
    return problems;
}

void GrafanaStandIn::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_mode == Mode::Hung) {
            m_hung.append(socket); // accepted by the kernel, never answered
            continue;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void GrafanaStandIn::onReadyRead(QTcpSocket *socket)
{
    const QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        return;
    }
    qsizetype contentLength = 0;
    for (const QByteArray &line : buffer.left(headerEnd).split('\n')) {
        if (line.toLower().startsWith("content-length:")) {
            contentLength = line.mid(15).trimmed().toLongLong();
        }
    }
    if (buffer.size() < headerEnd + 4 + contentLength) {
        return;
    }
    handle(socket, buffer.left(headerEnd), buffer.mid(headerEnd + 4, contentLength));
}

bool GrafanaStandIn::authorized(const QByteArray &header) const
{
    if (!m_token.isEmpty() && header == "Bearer " + m_token) {
        return true;
    }
    return !m_user.isEmpty() && header == "Basic " + (m_user + u':' + m_password).toUtf8().toBase64();
}

void GrafanaStandIn::handle(QTcpSocket *socket, const QByteArray &head, const QByteArray &body)
{
    ++m_requests;
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    QByteArray contentType;
    QByteArray auth;
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-type") {
            contentType = value;
        } else if (name == "authorization") {
            auth = value;
        }
    }
    QStringList problems;
    if (requestLine.value(0) != "POST" || requestLine.value(1) != "/api/annotations") {
        problems << u"%1 %2 is not POST /api/annotations"_s.arg(
            QString::fromLatin1(requestLine.value(0)), QString::fromLatin1(requestLine.value(1)));
    }
    if (contentType != "application/json") {
        problems << u"Content-Type %1 is not application/json"_s.arg(QString::fromLatin1(contentType));
    }
    problems += bodyProblems(body);
    m_problems += problems;
    if (!authorized(auth)) {
        answer(socket, 401, {{u"message"_s, u"Unauthorized"_s}});
    } else if (!problems.isEmpty()) {
        answer(socket, 400, {{u"message"_s, u"bad request data"_s}});
    } else if (QJsonDocument::fromJson(body).object().value("text"_L1).toString().isEmpty()) {
        answer(socket, 400, {{u"message"_s, u"Failed to save annotation"_s}});
    } else if (m_failNext > 0) {
        --m_failNext;
        answer(socket, 503, {{u"message"_s, u"Internal Server Error"_s}});
    } else {
        m_annotations.append(QJsonDocument::fromJson(body).object());
        answer(socket, 200, {{u"message"_s, u"Annotation added"_s}, {u"id"_s, qint64(m_annotations.size())}});
    }
    Q_EMIT requestHandled();
}

void GrafanaStandIn::answer(QTcpSocket *socket, int status, const QJsonObject &body)
{
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + " Stand-in\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n" + json);
    socket->disconnectFromHost();
}
