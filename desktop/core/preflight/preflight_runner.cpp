#include "preflight_runner.h"

#include "sources/kubectl_process.h"
#include "sources/node_status_client.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

using Status = PreflightResult::Status;

const QString kNoKubernetes = u"skipped: no Kubernetes (local stack)"_s;
const QString kNoCockroach = u"skipped: no CockroachDB (local stack: PostgreSQL has no zone configs or licence)"_s;

// The workload's pods (k8s/loadgen-job.yaml) and the CockroachDB pods (k8s/crdb-cluster.yaml; the
// operator labels its pods the same way).
const QString kCockroachSelector = u"app.kubernetes.io/name=cockroachdb"_s;
const QString kLoadgenSelector = u"app.kubernetes.io/name=crdb-loadgen"_s;
// Prometheus job names: k8s/observability/prometheus.yaml sets job = the pod's
// app.kubernetes.io/name (cockroachdb, sampleapp); demo/local/prometheus.yml names its job sampleapp.
const QString kCockroachJob = u"cockroachdb"_s;
const QString kSampleAppJob = u"sampleapp"_s;

QUrl withPath(QUrl base, const QString &path)
{
    QString p = base.path();
    while (p.endsWith(u'/')) {
        p.chop(1);
    }
    base.setPath(p + path);
    return base;
}

// "15s", "1m", "1m30s" (Prometheus durations as the targets API prints them) -> seconds; -1 if not.
double durationSeconds(const QString &text)
{
    double total = 0;
    QString number;
    bool any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isDigit() || c == u'.') {
            number += c;
            continue;
        }
        double unit = 0;
        if (c == u'm' && text.mid(i, 2) == "ms"_L1) {
            unit = 0.001;
            ++i;
        } else if (c == u's') {
            unit = 1;
        } else if (c == u'm') {
            unit = 60;
        } else if (c == u'h') {
            unit = 3600;
        } else {
            return -1;
        }
        total += number.toDouble() * unit;
        number.clear();
        any = true;
    }
    return any && number.isEmpty() ? total : -1;
}

} // namespace

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

// --- Kubernetes -------------------------------------------------------------------------------

void PreflightRunner::checkKubeAccess()
{
    const QString id = u"kube-access"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    const QString ns = m_config.profile.kubeNamespace;
    const QString context = m_config.profile.kubeContext.isEmpty() ? u"kubectl's current context"_s
                                                                   : u"context %1"_s.arg(m_config.profile.kubeContext);
    runKubectl({u"get"_s, u"namespace"_s, ns, u"-o"_s, u"name"_s},
        [this, id, ns, context](bool ok, const QByteArray &, const QString &error) {
            if (ok) {
                report(make(id, Status::Pass, u"%1 reaches namespace %2"_s.arg(context, ns)));
            } else {
                report(make(id, Status::Fail, u"%1, namespace %2: %3"_s.arg(context, ns, error),
                    u"select the cluster's context (kube_context / --kube-context, kubectl config use-context) and "
                    u"apply k8s/ so that the namespace exists."_s));
            }
        });
}

void PreflightRunner::checkPods()
{
    const QString id = u"pods"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    const int expected = m_config.position.expectedNodes(kind);
    runKubectl({u"get"_s, u"pods"_s, u"-l"_s, kCockroachSelector, u"-o"_s, u"json"_s},
        [this, id, kind, expected](bool ok, const QByteArray &out, const QString &error) {
            QString parseError = error;
            std::optional<QList<ClusterDriver::PodStatus>> pods;
            if (ok) {
                pods = ClusterDriver::parsePods(out, &parseError, ClusterDriver::containerName(kind));
            }
            if (!pods) {
                return report(make(id, Status::Fail, u"cannot list the CockroachDB pods: %1"_s.arg(parseError),
                    u"check kubectl access (the line above) and that k8s/crdb-cluster.yaml is applied."_s));
            }
            QStringList notReady;
            int ready = 0;
            for (const ClusterDriver::PodStatus &p : std::as_const(*pods)) {
                if (p.ready) {
                    ++ready;
                } else {
                    notReady << u"%1 %2"_s.arg(p.name, p.phase.isEmpty() ? u"unknown"_s : p.phase);
                }
            }
            const QString where = m_config.position.describe();
            if (pods->size() == expected && ready == expected) {
                return report(make(id, Status::Pass,
                    u"%1 of %2 pod(s) Ready, as the plan expects %3"_s.arg(ready).arg(expected).arg(where)));
            }
            QString detail = u"%1 pod(s), %2 Ready; the plan expects %3 %4"_s.arg(pods->size())
                                 .arg(ready)
                                 .arg(expected)
                                 .arg(where);
            if (!notReady.isEmpty()) {
                detail += u" (not ready: %1)"_s.arg(notReady.join(u", "_s));
            }
            const QString fix = pods->size() != expected
                ? u"scale to %1 (kubectl scale statefulset crdb --replicas=%1, or spec.nodes for the operator), or "
                  u"pass --preflight-at the beat you resume at."_s.arg(expected)
                : u"wait for the pods to be Ready (kubectl get pods -w) and read kubectl describe pod for the reason."_s;
            report(make(id, Status::Fail, detail, fix));
        });
}

void PreflightRunner::checkStopShell()
{
    const QString id = u"stop-shell"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    ClusterDriver argsOnly;
    argsOnly.setKind(kind);
    argsOnly.setNamespace({}); // kubectlArgs() adds the namespace
    const QStringList args = argsOnly.shellProbeArguments(0);
    const QString shown = KubectlProcess::describe(m_config.kubectl, args);
    runKubectl(args, [this, id, shown, kind](bool ok, const QByteArray &, const QString &error) {
        if (ok) {
            report(make(id, Status::Pass,
                u"%1 works (the faults signal that process: ClusterDriver, desktop/docs/faults.md)"_s.arg(shown)));
        } else {
            // StatefulSet: exit 2 = no PID file, 3 = cockroach is PID 1 (ClusterDriver::signalCommand).
            report(make(id, Status::Fail, error,
                kind == ClusterKind::StatefulSet
                    ? u"The faults need bash in container cockroachdb of crdb-0 and today's k8s/crdb-cluster.yaml "
                      u"(shareProcessNamespace, /cockroach/faults/cockroach.pid): apply it (demo/apply-cluster.sh) "
                      u"and let the pods restart one at a time; check the profile's cluster_kind."_s
                    : u"Stop node needs bash in container db of crdb-0: use the cockroachdb/cockroach image and the "
                      u"profile's cluster_kind (statefulset: cockroachdb, operator: db)."_s));
        }
    });
}

void PreflightRunner::checkWorkload()
{
    const QString id = u"workload"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoKubernetes));
    }
    runKubectl({u"get"_s, u"pods"_s, u"-l"_s, kLoadgenSelector, u"-o"_s, u"json"_s},
        [this, id](bool ok, const QByteArray &out, const QString &error) {
            QString parseError = error;
            std::optional<QList<ClusterDriver::PodStatus>> pods;
            if (ok) {
                pods = ClusterDriver::parsePods(out, &parseError, u"tpcc"_s);
            }
            // The set-up starts the load (demo/DEMO.md, "Before the talk"; demo/evolve.sh phase0) and
            // it never stops: no beat starts it, so it is expected at every position of the plan.
            const QString fix = u"the TPC-C load belongs to the set-up, before the talk: kubectl apply -f "
                                u"k8s/loadgen-job.yaml (demo/DEMO.md, \"Before the talk\"), then kubectl logs "
                                u"job/crdb-loadgen to see why it stopped."_s;
            if (!pods) {
                return report(make(id, Status::Fail, u"cannot list the workload pods: %1"_s.arg(parseError), fix));
            }
            QStringList seen;
            for (const ClusterDriver::PodStatus &p : std::as_const(*pods)) {
                if (p.phase == "Running"_L1) {
                    return report(make(id, Status::Pass,
                        u"%1 is Running (started at set-up, expected %2)"_s.arg(p.name, m_config.position.describe())));
                }
                seen << u"%1 %2"_s.arg(p.name, p.phase);
            }
            report(make(id, Status::Fail,
                seen.isEmpty() ? u"no pod with label %1"_s.arg(kLoadgenSelector)
                               : u"no workload pod Running (%1)"_s.arg(seen.join(u", "_s)),
                fix));
        });
}

// --- SQL --------------------------------------------------------------------------------------

void PreflightRunner::checkReplicationFactor()
{
    const QString id = u"replication-factor"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    if (m_config.profile.sqlConninfo.isEmpty()) {
        return report(make(id, Status::Fail, u"no SQL URL in the profile"_s,
            u"set sql_url / --sql-url to an admin user of the cluster (forward svc/crdb-writer to 26257)."_s));
    }
    const int expected = m_config.position.expectedReplicationFactor(kind);
    const quint64 round = m_round;
    runPreflightQuery(this, m_config.profile.sqlConninfo, m_config.queries.zoneConfig,
        [this, id, expected, round](const QList<SqlRow> &rows, const QString &error) {
            if (round != m_round) {
                return;
            }
            if (!error.isEmpty()) {
                return report(make(id, Status::Fail, u"cannot read the zone config: %1"_s.arg(error),
                    u"check the SQL URL (an admin user) and that svc/crdb-writer is forwarded."_s));
            }
            QString parseError;
            const auto rf = replicationFactorFromZoneRows(rows, &parseError);
            if (!rf) {
                return report(make(
                    id, Status::Fail, parseError, u"read it by hand: SHOW ZONE CONFIGURATION FROM RANGE default."_s));
            }
            const QString where = m_config.position.describe();
            if (*rf == expected) {
                return report(make(id, Status::Pass,
                    u"RANGE default num_replicas = %1, as the plan expects %2"_s.arg(*rf).arg(where)));
            }
            report(make(id, Status::Fail,
                u"RANGE default num_replicas = %1; the plan expects %2 %3"_s.arg(*rf).arg(expected).arg(where),
                u"run the phase SQL that sets RF %1 (sql/01-phase0-rf1.sql for RF 1, sql/20-phase2-rf3.sql for RF 3) "
                u"or pass --preflight-at the beat you resume at."_s.arg(expected)));
        });
}

void PreflightRunner::checkLicence()
{
    const QString id = u"licence"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    if (m_config.profile.sqlConninfo.isEmpty()) {
        return report(make(id, Status::Fail, u"no SQL URL in the profile"_s,
            u"set sql_url / --sql-url to an admin user of the cluster (forward svc/crdb-writer to 26257)."_s));
    }
    // Two answers: the key and the init time (SQL), the enforcer's own dates (/_status/throttling,
    // preflight_sql.h). The verdict waits for both.
    struct Pending
    {
        int left = 2;
        std::optional<LicenceState> sql;
        QString sqlError;
        std::optional<ThrottlingMetadata> throttling;
        QString throttlingError;
    };
    auto pending = std::make_shared<Pending>();
    auto judge = [this, id, pending] {
        if (--pending->left > 0) {
            return;
        }
        if (!pending->sql) {
            return report(make(id, Status::Fail, u"cannot read the licence state: %1"_s.arg(pending->sqlError),
                u"check the SQL URL (an admin user can read enterprise.license and system.migrations)."_s));
        }
        LicenceState state = *pending->sql;
        state.throttling = pending->throttling;
        state.throttlingError = pending->throttlingError;
        report(judgeLicence(state, m_config.now(), m_config.licenceMarginHours));
    };
    const quint64 round = m_round;
    runPreflightQuery(this, m_config.profile.sqlConninfo, m_config.queries.licence,
        [this, round, pending, judge](const QList<SqlRow> &rows, const QString &error) {
            if (round != m_round) {
                return;
            }
            pending->sqlError = error;
            if (error.isEmpty()) {
                pending->sql = licenceStateFromRows(rows, &pending->sqlError);
            }
            judge();
        });
    nodeLogin([this, pending, judge](const QByteArray &session, int, const QString &loginError) {
        if (!loginError.isEmpty()) {
            pending->throttlingError = loginError;
            return judge();
        }
        const QUrl url = withPath(m_config.nodeHttpUrl, u"/_status/throttling"_s);
        // The session as DB Console sends it (cookie) and as the v2 API takes it (header); which one
        // the /_status gateway reads on a secure cluster is unverified, so both.
        Headers headers;
        if (!session.isEmpty()) {
            headers = {{"X-Cockroach-API-Session", session}, {"Cookie", "session=" + session}};
        }
        get(
            url,
            [pending, judge](int status, const QByteArray &body, const QString &error) {
                if (status != 200) {
                    pending->throttlingError
                        = error.isEmpty() ? u"/_status/throttling answered HTTP %1"_s.arg(status) : error;
                } else {
                    pending->throttling = parseThrottlingMetadata(body, &pending->throttlingError);
                }
                judge();
            },
            headers);
    });
}

void PreflightRunner::nodeLogin(std::function<void(const QByteArray &session, int status, const QString &error)> then)
{
    const NodeApiLogin login = nodeApiLoginFrom(m_config.profile.sqlConninfo);
    if (login.password.isEmpty()) {
        return then({}, 0, {});
    }
    // pkg/server/authserver/api_v2_auth.go, login: form fields username and password.
    // Encoded by hand: QUrlQuery leaves '+' alone, which a form decoder reads as a space.
    const QByteArray form
        = "username=" + QUrl::toPercentEncoding(login.user) + "&password=" + QUrl::toPercentEncoding(login.password);
    post(withPath(m_config.nodeHttpUrl, u"/api/v2/login/"_s), form,
        [login, then](int status, const QByteArray &body, const QString &error) {
            if (status != 200) {
                return then({}, status,
                    error.isEmpty() ? u"login as %1 refused by /api/v2/login/ (HTTP %2: %3)"_s.arg(login.user)
                                          .arg(status)
                                          .arg(QString::fromUtf8(body).simplified().left(120))
                                    : error);
            }
            const QByteArray session = QJsonDocument::fromJson(body).object().value("session"_L1).toString().toUtf8();
            if (session.isEmpty()) {
                return then({}, status, u"/api/v2/login/ answered without a session"_s);
            }
            then(session, status, {});
        });
}

void PreflightRunner::checkNodeApi()
{
    // /api/v2/nodes/ is registered for the admin role (cockroachdb/cockroach pkg/server/api_v2.go,
    // registerRoutes: {"nodes/", a.listNodes, true, adminRole, noOption}; "If the user is not at
    // least of type `role` ... an HTTP 403 forbidden error is returned"). The node-status client
    // reads it with the profile's login; this proves that login can, before the talk.
    const QString id = u"node-api"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    const NodeApiLogin login = nodeApiLoginFrom(m_config.profile.sqlConninfo);
    const QString user = login.user.isEmpty() ? u"(the SQL URL names no user)"_s : login.user;
    const QString forwardFix
        = u"forward crdb-0's HTTP port as the presenter does (kubectl -n %1 port-forward "
          u"pod/crdb-0 %2:8080; the presenter with --port-forward starts it)."_s.arg(m_config.profile.kubeNamespace)
              .arg(m_config.nodeHttpUrl.port(18080));
    const QString adminFix = u"log in as an admin user: put one in the profile's sql_url (GRANT admin TO %1, or "
                             u"the cluster's root user with a password)."_s.arg(user);
    nodeLogin([this, id, user, forwardFix, adminFix](
                  const QByteArray &session, int loginStatus, const QString &loginError) {
        if (!loginError.isEmpty()) {
            return report(make(id, Status::Fail, loginError, loginStatus == 0 ? forwardFix : adminFix));
        }
        Headers headers;
        if (!session.isEmpty()) {
            headers = {{"X-Cockroach-API-Session", session}};
        }
        get(
            withPath(m_config.nodeHttpUrl, u"/api/v2/nodes/"_s),
            [this, id, user, forwardFix, adminFix, withSession = !session.isEmpty()](
                int status, const QByteArray &body, const QString &error) {
                const QString as = withSession ? u"user %1"_s.arg(user) : u"no login (no password in the SQL URL)"_s;
                if (status == 0) {
                    return report(make(id, Status::Fail, error, forwardFix));
                }
                if (status == 403) {
                    return report(make(id, Status::Fail,
                        u"user %1 is not admin: /api/v2/nodes/ answered 403 (it is registered for the admin role)"_s
                            .arg(user),
                        adminFix));
                }
                if (status == 401) {
                    return report(make(id, Status::Fail,
                        u"%1: /api/v2/nodes/ answered 401 (a secure cluster needs a login: a password in the SQL "
                        u"URL)"_s.arg(as),
                        adminFix));
                }
                QString parseError;
                const auto nodes = status == 200 ? parseNodesResponse(body, &parseError) : std::nullopt;
                if (!nodes || nodes->isEmpty()) {
                    return report(make(id, Status::Fail,
                        status == 200 ? u"%1: /api/v2/nodes/ answered 200 without nodes (%2)"_s.arg(as, parseError)
                                      : u"%1: /api/v2/nodes/ answered HTTP %2"_s.arg(as).arg(status),
                        forwardFix));
                }
                report(make(id, Status::Pass,
                    u"%1 read /api/v2/nodes/ at %2: %3 node(s), as the node-status client will"_s.arg(as)
                        .arg(m_config.nodeHttpUrl.toString())
                        .arg(nodes->size())));
            },
            headers);
    });
}

// --- Prometheus and Grafana -------------------------------------------------------------------

void PreflightRunner::fetchTargets(
    const QString &id, bool needScrape, std::function<void(const TargetsAnswer &)> then, qint64 startedMs)
{
    if (startedMs < 0) {
        startedMs = m_clock.elapsed();
    }
    QUrl url = withPath(m_config.profile.prometheusUrl, u"/api/v1/targets"_s);
    url.setQuery(u"state=active"_s);
    get(url, [this, id, needScrape, then, startedMs](int status, const QByteArray &body, const QString &error) {
        TargetsAnswer answer;
        answer.status = status;
        answer.error = error;
        if (status != 200) {
            return then(answer);
        }
        const QJsonArray all
            = QJsonDocument::fromJson(body).object().value("data"_L1).toObject().value("activeTargets"_L1).toArray();
        // Prometheus lists a target before its first scrape with health "unknown" (and, for its
        // first few seconds, lists none: discovery sends its first batch after a delay).
        bool anyScraped = false;
        QStringList unscraped;
        double longestInterval = 0;
        for (const QJsonValue &v : all) {
            const QJsonObject t = v.toObject();
            const bool scraped = t.value("health"_L1).toString() != "unknown"_L1;
            anyScraped = anyScraped || scraped;
            const QJsonObject labels = t.value("labels"_L1).toObject();
            const QString job = labels.value("job"_L1).toString();
            if (job != kCockroachJob && job != kSampleAppJob) {
                continue;
            }
            answer.targets.append(t);
            if (!scraped) {
                unscraped << u"%1/%2"_s.arg(job, labels.value("instance"_L1).toString());
                longestInterval = std::max(longestInterval, durationSeconds(t.value("scrapeInterval"_L1).toString()));
            }
        }
        QStringList waitingFor = needScrape ? unscraped : QStringList();
        if (answer.targets.isEmpty() && !anyScraped) {
            waitingFor << u"no target discovered yet"_s;
        }
        if (waitingFor.isEmpty()) {
            return then(answer);
        }
        const double intervalS = longestInterval > 0 ? longestInterval : double(m_config.expectedScrapeIntervalS);
        const qint64 boundMs = std::min<qint64>(qint64(2.0 * intervalS * 1000.0), m_config.maxScrapeWaitMs);
        answer.boundS = int((boundMs + 999) / 1000);
        if (m_clock.elapsed() - startedMs >= boundMs) {
            answer.unscraped = waitingFor;
            return then(answer);
        }
        progress(make(id, Status::Wait,
            u"waiting: Prometheus has not scraped yet (%1); re-checking every %2 s for up to %3 s (2 scrape "
            u"intervals, at most %4 s)"_s.arg(waitingFor.join(u", "_s))
                .arg(QString::number(m_config.scrapeRecheckMs / 1000.0, 'f', 0))
                .arg(answer.boundS)
                .arg(m_config.maxScrapeWaitMs / 1000)));
        const quint64 round = m_round;
        QTimer::singleShot(m_config.scrapeRecheckMs, this, [this, round, id, needScrape, then, startedMs] {
            if (round == m_round) {
                fetchTargets(id, needScrape, then, startedMs);
            }
        });
    });
}

namespace {

QString notScrapedDetail(const QStringList &unscraped, int boundS)
{
    return u"Prometheus has still not scraped after %1 s (2 scrape intervals, bounded): %2"_s.arg(boundS).arg(
        unscraped.join(u", "_s));
}

const QString kNotScrapedFix = u"open Prometheus's /targets page and its log: a target that is never scraped is "
                               u"not discovered or not reachable (annotations, network policy, the port)."_s;

} // namespace

void PreflightRunner::checkPrometheusTargets()
{
    const QString id = u"prometheus-targets"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    const int expectedCockroach = kind == ClusterKind::None ? 0 : m_config.position.expectedNodes(kind);
    fetchTargets(id, true, [this, id, kind, expectedCockroach](const TargetsAnswer &answer) {
        const QString fix = u"check the Prometheus targets page (/targets): the pods need their prometheus.io "
                            u"annotations (k8s/observability/prometheus.yaml scrapes annotated pods)."_s;
        if (answer.status != 200) {
            return report(make(id, Status::Fail,
                answer.error.isEmpty() ? u"HTTP %1 from /api/v1/targets"_s.arg(answer.status) : answer.error,
                u"start or forward Prometheus (prometheus_url / --prometheus-url)."_s));
        }
        if (!answer.unscraped.isEmpty()) {
            return report(make(id, Status::Fail, notScrapedDetail(answer.unscraped, answer.boundS), kNotScrapedFix));
        }
        int cockroachUp = 0;
        int sampleAppUp = 0;
        QStringList down;
        for (const QJsonValue &v : answer.targets) {
            const QJsonObject t = v.toObject();
            const QJsonObject labels = t.value("labels"_L1).toObject();
            const QString job = labels.value("job"_L1).toString();
            if (t.value("health"_L1).toString() == "up"_L1) {
                (job == kCockroachJob ? cockroachUp : sampleAppUp) += 1;
            } else {
                down << u"%1/%2 %3%4"_s.arg(job, labels.value("instance"_L1).toString(),
                    t.value("health"_L1).toString(),
                    t.value("lastError"_L1).toString().isEmpty() ? QString()
                                                                 : u" ("_s + t.value("lastError"_L1).toString() + u')');
            }
        }
        QStringList problems;
        if (kind != ClusterKind::None && cockroachUp != expectedCockroach) {
            problems << u"%1 of %2 CockroachDB target(s) up (job %3)"_s.arg(cockroachUp)
                            .arg(expectedCockroach)
                            .arg(kCockroachJob);
        }
        if (sampleAppUp < 1) {
            problems << u"no sample app target up (job %1)"_s.arg(kSampleAppJob);
        }
        if (!down.isEmpty()) {
            problems << u"down: %1"_s.arg(down.join(u", "_s));
        }
        if (problems.isEmpty()) {
            const QString cockroach = kind == ClusterKind::None
                ? u"no CockroachDB expected (local stack)"_s
                : u"%1 CockroachDB target(s) up"_s.arg(cockroachUp);
            return report(make(id, Status::Pass, u"%1, %2 sample app target(s) up"_s.arg(cockroach).arg(sampleAppUp)));
        }
        report(make(id, Status::Fail, problems.join(u"; "_s), fix));
    });
}

void PreflightRunner::checkScrapeInterval()
{
    const QString id = u"scrape-interval"_s;
    const int expected = m_config.expectedScrapeIntervalS;
    // The interval is known once a target is listed: no need to wait for its first scrape.
    fetchTargets(id, false, [this, id, expected](const TargetsAnswer &answer) {
        if (answer.status != 200) {
            return report(make(id, Status::Fail,
                answer.error.isEmpty() ? u"HTTP %1 from /api/v1/targets"_s.arg(answer.status) : answer.error,
                u"start or forward Prometheus (prometheus_url / --prometheus-url)."_s));
        }
        if (!answer.unscraped.isEmpty()) {
            return report(make(id, Status::Fail, notScrapedDetail(answer.unscraped, answer.boundS), kNotScrapedFix));
        }
        QStringList wrong;
        int checked = 0;
        for (const QJsonValue &v : answer.targets) {
            const QJsonObject t = v.toObject();
            const QString job = t.value("labels"_L1).toObject().value("job"_L1).toString();
            ++checked;
            const QString interval = t.value("scrapeInterval"_L1).toString();
            if (std::abs(durationSeconds(interval) - expected) > 0.001) {
                wrong << u"%1 every %2"_s.arg(job, interval.isEmpty() ? u"(unknown)"_s : interval);
            }
        }
        if (checked == 0) {
            return report(make(id, Status::Fail, u"no CockroachDB or sample app target to read an interval from"_s,
                u"fix the targets first (the line above)."_s));
        }
        wrong.removeDuplicates();
        if (m_config.profile.clusterKind == ClusterKind::None) {
            // The story's 15 s is about CockroachDB's metrics on a cluster (10 s store sampling plus
            // the scrape); the local stack scrapes the sample app faster on purpose.
            return report(make(id, Status::Skip,
                u"skipped: local stack (%1; the story's %2 s is for a cluster's CockroachDB metrics)"_s
                    .arg(wrong.isEmpty() ? u"%1 s"_s.arg(expected) : wrong.join(u", "_s))
                    .arg(expected)));
        }
        if (wrong.isEmpty()) {
            return report(
                make(id, Status::Pass, u"%1 s on every scraped target, as the story's timings assume"_s.arg(expected)));
        }
        report(make(id, Status::Fail, u"%1; the story's timings assume %2 s"_s.arg(wrong.join(u", "_s)).arg(expected),
            u"set scrape_interval: %1s in k8s/observability/prometheus.yaml and restart Prometheus."_s.arg(expected)));
    });
}

void PreflightRunner::checkClockSkew()
{
    // Prometheus stamps every sample the charts show with its own clock, the presenter stamps its
    // event markers with the laptop's: that pair is the one whose skew moves markers against the
    // lines. (The API server's Date header is another machine's clock, with 1 s resolution.)
    const QString id = u"clock-skew"_s;
    QUrl url = withPath(m_config.profile.prometheusUrl, u"/api/v1/query"_s);
    url.setQuery(u"query=time()"_s);
    const QDateTime sent = m_config.now();
    const int maxSkewMs = m_config.maxClockSkewMs;
    get(url, [this, id, sent, maxSkewMs](int status, const QByteArray &body, const QString &error) {
        const QDateTime received = m_config.now();
        const QJsonArray result
            = QJsonDocument::fromJson(body).object().value("data"_L1).toObject().value("result"_L1).toArray();
        bool ok = false;
        const double promSeconds = result.at(1).toString().toDouble(&ok);
        if (status != 200 || !ok) {
            return report(
                make(id, Status::Fail, error.isEmpty() ? u"no time() from Prometheus (HTTP %1)"_s.arg(status) : error,
                    u"start or forward Prometheus (prometheus_url / --prometheus-url)."_s));
        }
        const double midMs = (double(sent.toMSecsSinceEpoch()) + double(received.toMSecsSinceEpoch())) / 2.0;
        const double skewMs = promSeconds * 1000.0 - midMs;
        const double uncertaintyMs = double(sent.msecsTo(received)) / 2.0;
        const QString text
            = u"Prometheus is %1 ms %2 the laptop (± %3 ms)"_s.arg(QString::number(std::abs(skewMs), 'f', 0),
                skewMs >= 0 ? u"ahead of"_s : u"behind"_s, QString::number(uncertaintyMs, 'f', 0));
        if (std::abs(skewMs) - uncertaintyMs <= maxSkewMs) {
            return report(make(id, Status::Pass, text));
        }
        report(make(id, Status::Fail, u"%1: event markers would sit off their lines by that much"_s.arg(text),
            u"sync the laptop's clock (timedatectl set-ntp true) and the cluster nodes' clocks."_s));
    });
}

void PreflightRunner::checkGrafana()
{
    const QString id = u"grafana"_s;
    const QUrl base = m_config.profile.grafanaUrl;
    if (base.isEmpty()) {
        return report(
            make(id, Status::Skip, u"skipped: no Grafana URL in the profile (grafana_url / --grafana-url)"_s));
    }
    QUrl url = withPath(base, u"/api/search"_s);
    url.setQuery(u"type=dash-db"_s);
    const QStringList wanted = m_config.dashboardUids;
    get(url, [this, id, wanted](int status, const QByteArray &body, const QString &error) {
        if (status == 401 || status == 403) {
            return report(make(id, Status::Fail, u"Grafana refused the search (HTTP %1)"_s.arg(status),
                u"put the Grafana user in the URL (http://admin:PASSWORD@127.0.0.1:3000) or enable anonymous viewing."_s));
        }
        if (status != 200) {
            return report(make(id, Status::Fail, error.isEmpty() ? u"HTTP %1 from /api/search"_s.arg(status) : error,
                u"forward Grafana (kubectl -n crdb-observability port-forward svc/grafana 3000)."_s));
        }
        QStringList found;
        const QJsonArray items = QJsonDocument::fromJson(body).array();
        for (const QJsonValue &v : items) {
            found << v.toObject().value("uid"_L1).toString();
        }
        QStringList missing;
        for (const QString &uid : wanted) {
            if (!found.contains(uid)) {
                missing << uid;
            }
        }
        if (missing.isEmpty() && !wanted.isEmpty()) {
            return report(make(id, Status::Pass, u"dashboards %1 provisioned"_s.arg(wanted.join(u", "_s))));
        }
        report(make(id, Status::Fail,
            wanted.isEmpty() ? u"no dashboard uid to look for"_s
                             : u"missing dashboard(s): %1"_s.arg(missing.join(u", "_s)),
            u"apply k8s/observability/ (the dashboards ConfigMap, generated from grafana/dashboards/) and restart Grafana."_s));
    });
}

void PreflightRunner::checkPortForwards()
{
    const QString id = u"port-forwards"_s;
    struct Target
    {
        QString what;
        QUrl url;
    };
    QList<Target> targets {{u"sample app"_s, withPath(m_config.profile.sampleAppUrl, u"/healthz"_s)},
        {u"Prometheus"_s, withPath(m_config.profile.prometheusUrl, u"/-/ready"_s)}};
    if (!m_config.profile.grafanaUrl.isEmpty()) {
        targets.append({u"Grafana"_s, withPath(m_config.profile.grafanaUrl, u"/api/health"_s)});
    }
    auto state = std::make_shared<std::pair<int, QStringList>>(int(targets.size()), QStringList());
    auto shown = std::make_shared<QStringList>();
    for (const Target &t : std::as_const(targets)) {
        QUrl display = t.url;
        display.setUserInfo({});
        *shown << u"%1 %2"_s.arg(t.what, display.toString());
        get(t.url, [this, id, t, state, shown, display](int status, const QByteArray &, const QString &error) {
            if (status == 0) {
                state->second << u"%1 (%2)"_s.arg(t.what, error);
            }
            if (--state->first > 0) {
                return;
            }
            if (state->second.isEmpty()) {
                return report(make(id, Status::Pass, u"answering: %1"_s.arg(shown->join(u", "_s))));
            }
            report(make(id, Status::Fail, u"not answering: %1"_s.arg(state->second.join(u"; "_s)),
                m_config.profile.clusterKind == ClusterKind::None
                    ? u"start the local stack (demo/local-stack.sh)."_s
                    : u"start the port-forwards (--port-forward, or kubectl port-forward for each URL of the profile)."_s));
        });
    }
}
