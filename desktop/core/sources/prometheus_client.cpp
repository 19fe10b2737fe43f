#include "prometheus_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>

#include <limits>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

// A sample is [<unix seconds, float>, "<value as string>"].
bool parseSample(const QJsonValue &v, QPointF *point)
{
    const QJsonArray pair = v.toArray();
    if (pair.size() != 2 || !pair.at(0).isDouble() || !pair.at(1).isString()) {
        return false;
    }
    const QString text = pair.at(1).toString();
    double value = 0;
    if (text == "NaN"_L1) {
        value = std::numeric_limits<double>::quiet_NaN();
    } else if (text == "+Inf"_L1) {
        value = std::numeric_limits<double>::infinity();
    } else if (text == "-Inf"_L1) {
        value = -std::numeric_limits<double>::infinity();
    } else {
        bool ok = false;
        value = text.toDouble(&ok);
        if (!ok) {
            return false;
        }
    }
    *point = QPointF(pair.at(0).toDouble() * 1000.0, value);
    return true;
}

QMap<QString, QString> labelsOf(const QJsonObject &metric)
{
    QMap<QString, QString> labels;
    for (auto it = metric.begin(); it != metric.end(); ++it) {
        labels.insert(it.key(), it.value().toString());
    }
    return labels;
}

QString ellipsize(QByteArray body)
{
    body = body.trimmed();
    if (body.size() > 200) {
        body = body.left(200) + "...";
    }
    return QString::fromUtf8(body);
}

} // namespace

std::optional<QList<PromSeries>> parsePrometheusResponse(const QByteArray &body, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        return fail(u"not a Prometheus API answer (%1): %2"_s.arg(parseError.errorString(), ellipsize(body)));
    }
    const QJsonObject root = doc.object();
    const QString status = root.value("status"_L1).toString();
    if (status == "error"_L1) {
        return fail(u"%1: %2"_s.arg(root.value("errorType"_L1).toString(), root.value("error"_L1).toString()));
    }
    if (status != "success"_L1) {
        return fail(u"not a Prometheus API answer (status '%1')"_s.arg(status));
    }
    const QJsonObject data = root.value("data"_L1).toObject();
    const QString type = data.value("resultType"_L1).toString();
    const QJsonValue resultValue = data.value("result"_L1);
    QList<PromSeries> series;
    if (type == "scalar"_L1) {
        PromSeries s;
        QPointF p;
        if (!parseSample(resultValue, &p)) {
            return fail(u"malformed scalar result"_s);
        }
        s.points.append(p);
        series.append(s);
        return series;
    }
    if (type != "vector"_L1 && type != "matrix"_L1) {
        return fail(u"unsupported result type '%1'"_s.arg(type));
    }
    const QJsonArray items = resultValue.toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject o = item.toObject();
        PromSeries s;
        s.labels = labelsOf(o.value("metric"_L1).toObject());
        if (type == "vector"_L1) {
            QPointF p;
            if (!parseSample(o.value("value"_L1), &p)) {
                return fail(u"malformed vector sample"_s);
            }
            s.points.append(p);
        } else {
            const QJsonArray values = o.value("values"_L1).toArray();
            s.points.reserve(values.size());
            for (const QJsonValue &v : values) {
                QPointF p;
                if (!parseSample(v, &p)) {
                    return fail(u"malformed matrix sample"_s);
                }
                s.points.append(p);
            }
        }
        series.append(s);
    }
    return series;
}

PrometheusClient::PrometheusClient(QObject *parent)
    : DataSource(u"Prometheus"_s, parent), m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<QList<PromSeries>>();
}

PrometheusClient::~PrometheusClient()
{
    for (QNetworkReply *reply : std::as_const(m_pending)) {
        reply->disconnect(this);
        reply->abort();
    }
}

void PrometheusClient::setBaseUrl(const QUrl &baseUrl)
{
    m_baseUrl = baseUrl;
}

int PrometheusClient::instantQuery(const QString &promql)
{
    return send(u"/api/v1/query"_s, {{u"query"_s, promql}}, {});
}

int PrometheusClient::rangeQuery(const QString &promql, const QDateTime &from, const QDateTime &to, int stepSeconds)
{
    auto seconds = [](const QDateTime &t) { return QString::number(double(t.toMSecsSinceEpoch()) / 1000.0, 'f', 3); };
    return send(u"/api/v1/query_range"_s,
        {{u"query"_s, promql}, {u"start"_s, seconds(from)}, {u"end"_s, seconds(to)},
            {u"step"_s, QString::number(std::max(1, stepSeconds))}},
        {});
}

void PrometheusClient::addPoll(const QString &name, const QString &promql, int intervalMs)
{
    removePoll(name);
    Poll poll;
    poll.promql = promql;
    poll.timer = new QTimer(this);
    poll.timer->setInterval(std::max(100, intervalMs));
    connect(poll.timer, &QTimer::timeout, this, [this, name] { runPoll(name); });
    m_polls.insert(name, poll);
    if (isRunning()) {
        poll.timer->start();
        runPoll(name);
    }
}

void PrometheusClient::removePoll(const QString &name)
{
    const auto it = m_polls.find(name);
    if (it == m_polls.end()) {
        return;
    }
    delete it->timer;
    m_polls.erase(it);
}

void PrometheusClient::start()
{
    if (isRunning()) {
        return;
    }
    setRunning(true);
    const QStringList names = m_polls.keys();
    for (const QString &name : names) {
        m_polls[name].timer->start();
        runPoll(name);
    }
}

void PrometheusClient::stop()
{
    if (!isRunning()) {
        return;
    }
    setRunning(false);
    for (Poll &poll : m_polls) {
        poll.timer->stop();
    }
}

void PrometheusClient::runPoll(const QString &name)
{
    auto it = m_polls.find(name);
    if (it == m_polls.end() || it->inFlight != 0 || !isRunning()) {
        return;
    }
    it->inFlight = send(u"/api/v1/query"_s, {{u"query"_s, it->promql}}, name);
}

int PrometheusClient::send(
    const QString &path, const QList<std::pair<QString, QString>> &params, const QString &pollName)
{
    const int id = m_nextId++;
    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(u'/')) {
        basePath.chop(1);
    }
    url.setPath(basePath + path);
    QUrlQuery query;
    for (const auto &[key, value] : params) {
        // Percent-encode ourselves: QUrlQuery leaves '+' alone, which servers read as a space.
        query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    url.setQuery(query);
    if (!m_baseUrl.isValid() || (m_baseUrl.scheme() != "http"_L1 && m_baseUrl.scheme() != "https"_L1)) {
        const QString why = u"Prometheus: invalid base URL '%1'"_s.arg(m_baseUrl.toString());
        // Asynchronous like every other answer, so callers can connect after calling.
        QMetaObject::invokeMethod(
            this,
            [this, id, why, pollName] {
                reportFailure(why);
                if (pollName.isEmpty()) {
                    Q_EMIT queryFailed(id, why);
                } else {
                    if (auto it = m_polls.find(pollName); it != m_polls.end()) {
                        it->inFlight = 0;
                    }
                    Q_EMIT pollFailed(pollName, why);
                }
            },
            Qt::QueuedConnection);
        return id;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = m_nam->get(request);
    m_pending.insert(id, reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, pollName] { onFinished(reply, id, pollName); });
    return id;
}

void PrometheusClient::onFinished(QNetworkReply *reply, int id, const QString &pollName)
{
    reply->deleteLater();
    m_pending.remove(id);
    if (!pollName.isEmpty()) {
        auto it = m_polls.find(pollName);
        if (it == m_polls.end() || it->inFlight != id) {
            return; // the poll was removed or replaced meanwhile
        }
        it->inFlight = 0;
    }
    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    QString error;
    std::optional<QList<PromSeries>> series;
    bool transportFailure = false;
    if (httpStatus == 0) {
        transportFailure = true;
        error = u"Prometheus unreachable (%1): %2"_s.arg(m_baseUrl.toString(), reply->errorString());
    } else {
        series = parsePrometheusResponse(body, &error);
        // An HTTP error without an API error body (proxy page, 404 from another server) means we
        // are not talking to Prometheus: that is the source being down, not a bad query.
        if (!series && !body.trimmed().startsWith('{')) {
            transportFailure = true;
            error = u"Prometheus at %1 answered HTTP %2: %3"_s.arg(m_baseUrl.toString()).arg(httpStatus).arg(error);
        }
    }
    if (transportFailure) {
        reportFailure(error);
    } else {
        reportRecovered();
    }
    if (pollName.isEmpty()) {
        if (series) {
            Q_EMIT result(id, *series);
        } else {
            Q_EMIT queryFailed(id, error);
        }
    } else {
        if (series) {
            Q_EMIT polled(pollName, *series);
        } else {
            Q_EMIT pollFailed(pollName, error);
        }
    }
}

} // namespace presenter
