#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

// A STAND-IN for Grafana's annotation API (Grafana cannot run on these machines): a real TCP server
// on loopback that checks every request against the documented API and answers as Grafana does.
// https://grafana.com/docs/grafana/latest/developers/http_api/annotations/ ("Create Annotation")
// and grafana/grafana pkg/api/annotations.go (PostAnnotation):
//  - POST /api/annotations, Content-Type application/json, a JSON object body: `text` (required, a
//    non-empty string, else 400 "Failed to save annotation"), `time` / `timeEnd` (epoch ms,
//    integers), `tags` (an array of strings), `dashboardUID` (string), `panelId` (integer);
//  - authentication (https://grafana.com/docs/grafana/latest/developers/http_api/authentication/):
//    basic auth with the user's password, or "Bearer <service account token>"; anything else is
//    answered 401 {"message":"Unauthorized"};
//  - success: 200 {"message":"Annotation added","id":N}, N counting from 1.
// What the documentation does not allow (another method or path, another content type, a field
// of the wrong type or one the API does not know) is answered 400 and listed in problems(), which a
// test expects empty.
// Modes: Serving, or Hung (accepts and never answers: a Grafana whose port-forward hangs);
// failNext(n) answers the next n valid requests 503, as a Grafana whose database is locked.
class GrafanaStandIn : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Serving, Hung };

    explicit GrafanaStandIn(QObject *parent = nullptr);
    ~GrafanaStandIn() override;
    bool listen(); // on 127.0.0.1, a free port
    // http://user:password@127.0.0.1:port (credentials as the profile's grafana_url carries them).
    QUrl url(const QString &user = {}, const QString &password = {}) const;

    void setMode(Mode mode) { m_mode = mode; }
    void setUser(const QString &user, const QString &password); // basic auth accepted for it
    void setToken(const QByteArray &token) { m_token = token; } // "Bearer <token>" accepted
    void failNext(int count) { m_failNext = count; } // answered 503 "Internal Server Error"

    int requestCount() const { return m_requests; }
    // Every annotation Grafana would have stored, in arrival order (the request bodies).
    const QList<QJsonObject> &annotations() const { return m_annotations; }
    // What broke the documented API, one sentence each.
    const QStringList &problems() const { return m_problems; }
    // Why a body is not a valid "Create Annotation" request (empty when it is): pure, tested.
    static QStringList bodyProblems(const QByteArray &body);

Q_SIGNALS:
    void requestHandled();

private:
    void onConnection();
    void onReadyRead(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const QByteArray &head, const QByteArray &body);
    bool authorized(const QByteArray &header) const;
    static void answer(QTcpSocket *socket, int status, const QJsonObject &body);

    QTcpServer m_server;
    Mode m_mode = Mode::Serving;
    QString m_user;
    QString m_password;
    QByteArray m_token;
    int m_failNext = 0;
    int m_requests = 0;
    QList<QJsonObject> m_annotations;
    QStringList m_problems;
    QList<QTcpSocket *> m_hung;
};
