#include "preflight_runner.h"

#include "sources/kubectl_process.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>

using namespace Qt::StringLiterals;

namespace presenter {

// The runner: the checklist (ids, names), one round (run(), report(), progress()) and the ways
// a check asks (kubectl, HTTP). The checks live by what they ask: preflight_kube_checks.cpp
// (kubectl), preflight_cluster_checks.cpp (CockroachDB's SQL and HTTP port),
// preflight_prometheus_checks.cpp (Prometheus, with the bounded re-checks),
// preflight_http_checks.cpp (Grafana, the port-forwards).

using Status = PreflightResult::Status;

QStringList PreflightConfig::dashboardUidsIn(const QString &repoRoot, QString *error)
{
    QStringList uids;
    const QDir dir(repoRoot + u"/grafana/dashboards"_s);
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        QFile file(dir.filePath(f));
        if (file.open(QIODevice::ReadOnly)) {
            const QString uid = QJsonDocument::fromJson(file.readAll()).object().value("uid"_L1).toString();
            if (!uid.isEmpty()) {
                uids << uid;
            }
        }
    }
    if (uids.isEmpty() && error) {
        *error = u"no dashboard with a uid in %1"_s.arg(dir.path());
    }
    return uids;
}

PreflightRunner::PreflightRunner(QObject *parent) : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
    m_clock.start();
}

PreflightRunner::~PreflightRunner()
{
    for (KubectlProcess *p : std::as_const(m_processes)) {
        p->abort();
    }
}

QStringList PreflightRunner::checkIds()
{
    return {u"kube-access"_s, u"pods"_s, u"stop-shell"_s, u"replication-factor"_s, u"licence"_s, u"node-api"_s,
        u"workload"_s, u"prometheus-targets"_s, u"scrape-interval"_s, u"grafana"_s, u"clock-skew"_s,
        u"port-forwards"_s};
}

QString PreflightRunner::checkName(const QString &id)
{
    static const QMap<QString, QString> names {
        {u"kube-access"_s, u"kubectl context and namespace"_s},
        {u"pods"_s, u"CockroachDB pods Ready"_s},
        {u"stop-shell"_s, u"fault shell and PID in the CockroachDB container"_s},
        {u"replication-factor"_s, u"replication factor (zone config)"_s},
        {u"licence"_s, u"licence and throttle"_s},
        {u"node-api"_s, u"the presenter's login reads /api/v2/nodes/"_s},
        {u"workload"_s, u"TPC-C workload running (started at set-up)"_s},
        {u"prometheus-targets"_s, u"Prometheus scraping CockroachDB and the sample app"_s},
        {u"scrape-interval"_s, u"Prometheus scrape interval"_s},
        {u"grafana"_s, u"Grafana dashboards"_s},
        {u"clock-skew"_s, u"clock skew (laptop vs Prometheus)"_s},
        {u"port-forwards"_s, u"port-forwards up (the profile's URLs answer)"_s},
    };
    return names.value(id, id);
}

PreflightResult PreflightRunner::make(const QString &id, Status status, const QString &detail, const QString &fix) const
{
    PreflightResult r;
    r.id = id;
    r.name = checkName(id);
    r.status = status;
    r.detail = detail;
    r.fix = status == Status::Fail || status == Status::Warn ? fix : QString();
    return r;
}

bool PreflightRunner::run()
{
    if (m_pending > 0) {
        return false;
    }
    ++m_round;
    m_results.clear();
    const QStringList ids = checkIds();
    for (const QString &id : ids) {
        PreflightResult r = make(id, Status::Wait, u"running"_s);
        m_results.append(r);
    }
    m_pending = int(ids.size());
    checkKubeAccess();
    checkPods();
    checkStopShell();
    checkReplicationFactor();
    checkLicence();
    checkNodeApi();
    checkWorkload();
    checkPrometheusTargets();
    checkScrapeInterval();
    checkGrafana();
    checkClockSkew();
    checkPortForwards();
    return true;
}

void PreflightRunner::report(PreflightResult result)
{
    const qsizetype index = checkIds().indexOf(result.id);
    if (index < 0 || m_pending <= 0) {
        return;
    }
    result.name = checkName(result.id);
    m_results[index] = result;
    Q_EMIT checkFinished(result);
    if (--m_pending == 0) {
        Q_EMIT finished(m_results);
    }
}

void PreflightRunner::progress(PreflightResult result)
{
    const qsizetype index = checkIds().indexOf(result.id);
    if (index < 0 || m_pending <= 0) {
        return;
    }
    result.name = checkName(result.id);
    m_results[index] = result;
    Q_EMIT checkUpdated(result);
}

QStringList PreflightRunner::kubectlArgs(const QStringList &args) const
{
    QStringList all = m_config.profile.kubectlGlobalArgs();
    all << m_config.kubectlExtraArgs << u"--namespace"_s << m_config.profile.kubeNamespace << args;
    return all;
}

void PreflightRunner::runKubectl(
    const QStringList &args, std::function<void(bool ok, const QByteArray &out, const QString &error)> then)
{
    auto *process = new KubectlProcess(this);
    m_processes.append(process);
    const quint64 round = m_round;
    process->run(
        m_config.kubectl, kubectlArgs(args),
        [this, process, round, then = std::move(then)](const CommandResult &r) {
            m_processes.removeOne(process);
            process->deleteLater();
            if (round == m_round) {
                then(r.ok, r.out, r.error);
            }
        },
        m_config.timeoutMs, m_config.env);
}

QUrl PreflightConfig::nodeHttpUrlFor(const ConnectionProfile &profile, int port)
{
    const QString scheme = profile.clusterCaFile().isEmpty() ? u"http"_s : u"https"_s;
    return QUrl(u"%1://127.0.0.1:%2"_s.arg(scheme).arg(port));
}

void PreflightRunner::trustClusterCa(QNetworkRequest *request) const
{
    const QString ca = m_config.profile.clusterCaFile();
    if (request->url().scheme() != u"https"_s || ca.isEmpty()) {
        return;
    }
    // Exactly the cluster's CA, never the system's (NodeStatusClient::setCaCertificateFile): a file
    // with no certificate trusts nothing, and the request fails with the TLS reason.
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(ca));
    request->setSslConfiguration(ssl);
}

void PreflightRunner::get(const QUrl &url, HttpThen then, const Headers &headers)
{
    QUrl target = url;
    QNetworkRequest request;
    if (!url.userName().isEmpty()) {
        // Credentials in the URL (Grafana's admin user) go in the header, never in a log line.
        request.setRawHeader("Authorization", "Basic " + (url.userName() + u':' + url.password()).toUtf8().toBase64());
        target.setUserInfo({});
    }
    for (const auto &[name, value] : headers) {
        request.setRawHeader(name, value);
    }
    request.setUrl(target);
    request.setTransferTimeout(m_config.timeoutMs);
    trustClusterCa(&request);
    finishReply(m_nam->get(request), target, std::move(then));
}

void PreflightRunner::post(const QUrl &url, const QByteArray &form, HttpThen then)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded"_ba);
    request.setTransferTimeout(m_config.timeoutMs);
    trustClusterCa(&request);
    finishReply(m_nam->post(request, form), url, std::move(then));
}

void PreflightRunner::finishReply(QNetworkReply *reply, const QUrl &target, HttpThen then)
{
    const quint64 round = m_round;
    connect(reply, &QNetworkReply::finished, this, [this, reply, round, target, then = std::move(then)] {
        reply->deleteLater();
        if (round != m_round) {
            return;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        QString error;
        if (status == 0) {
            error = u"%1 does not answer (%2)"_s.arg(target.toString(QUrl::RemoveQuery), reply->errorString());
        }
        then(status, body, error);
    });
}

} // namespace presenter
