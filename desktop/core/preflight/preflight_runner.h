#pragma once

#include "config/connection_profile.h"
#include "plan_position.h"
#include "preflight_result.h"
#include "preflight_sql.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace presenter {

class KubectlProcess;

// What the pre-flight checks against, and how strict it is.
struct PreflightConfig
{
    ConnectionProfile profile;
    PlanPosition position; // the story's position (PlanPosition::before / beforeBeat)
    QString kubectl = QStringLiteral("kubectl");
    QStringList kubectlExtraArgs; // after the profile's --context (tests: --server=..., --cache-dir=...)
    QProcessEnvironment env; // for kubectl; empty = inherit
    PreflightSqlQueries queries;
    QStringList dashboardUids; // Grafana dashboards that must exist (grafana/dashboards/*.json uids)
    int expectedScrapeIntervalS = 15; // the story's arithmetic (chart delays) assumes 15 s
    int maxClockSkewMs = 2000;
    int licenceMarginHours = 24;
    int timeoutMs = 15000; // per kubectl call and HTTP request
    // CockroachDB's HTTP port of one node, where the presenter's node-status client reads it:
    // crdb-0's port-forward (PresenterSession::kNodeStatusBasePort + 0). The node-api and licence
    // checks read it.
    // A secure cluster's HTTP port speaks TLS: nodeHttpUrlFor() gives https when the profile's SQL
    // URL verifies the server (ConnectionProfile::clusterCaFile), and https requests then trust that
    // CA alone, as the node-status client does.
    QUrl nodeHttpUrl {QStringLiteral("http://127.0.0.1:18080")};
    static QUrl nodeHttpUrlFor(const ConnectionProfile &profile, int port);
    // Prometheus up but not scraped yet (just started): the Prometheus checks re-check every
    // scrapeRecheckMs for up to 2 of the targets' scrape intervals, and never longer than
    // maxScrapeWaitMs; then they fail with the reason.
    int scrapeRecheckMs = 2000;
    int maxScrapeWaitMs = 60000;
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };

    // The uids of grafana/dashboards/*.json under `repoRoot`; *error when none is found.
    static QStringList dashboardUidsIn(const QString &repoRoot, QString *error);
};

// Runs the pre-flight checklist against the profile's cluster, asynchronously: every check starts
// at once (kubectl as QProcess, HTTP through QNetworkAccessManager, SQL on a worker thread) and
// reports checkFinished(); finished() comes once with every result in the order of checkIds().
// Checks (ids): kube-access, pods, stop-shell, workload (kubectl; "skipped" with cluster kind
// none), replication-factor, licence (SQL and the node's /_status/throttling; skipped with kind
// none: PostgreSQL has neither), node-api (the presenter's login reads /api/v2/nodes/; skipped
// with kind none), prometheus-targets, scrape-interval, clock-skew (Prometheus), grafana (skipped
// without a Grafana URL), port-forwards (every URL of the profile answers).
// A check that cannot know yet (Prometheus has not scraped) reports checkUpdated() with status
// Wait and re-checks by itself, bounded (PreflightConfig::maxScrapeWaitMs); finished() carries
// verdicts only.
//
// Threading: GUI thread only; never blocks it. run() again after finished() starts a new round.
class PreflightRunner : public QObject
{
    Q_OBJECT
public:
    explicit PreflightRunner(QObject *parent = nullptr);
    ~PreflightRunner() override;

    void setConfig(const PreflightConfig &config) { m_config = config; }
    const PreflightConfig &config() const { return m_config; }

    // False when a round is still running.
    bool run();
    bool isRunning() const { return m_pending > 0; }
    QList<PreflightResult> results() const { return m_results; }

    static QStringList checkIds();
    static QString checkName(const QString &id);

Q_SIGNALS:
    void checkFinished(const PreflightResult &result);
    // A check's interim state (status Wait: it re-checks by itself); results() shows it too.
    void checkUpdated(const PreflightResult &result);
    void finished(const QList<PreflightResult> &results);

private:
    using Done = std::function<void(PreflightResult)>;
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    using HttpThen = std::function<void(int status, const QByteArray &body, const QString &error)>;
    void report(PreflightResult result);
    void progress(PreflightResult result);
    QStringList kubectlArgs(const QStringList &args) const;
    void runKubectl(
        const QStringList &args, std::function<void(bool ok, const QByteArray &out, const QString &error)> then);
    void get(const QUrl &url, HttpThen then, const Headers &headers = {});
    void post(const QUrl &url, const QByteArray &form, HttpThen then);
    // An https request to a node trusts the cluster's CA (the profile's sslrootcert) alone.
    void trustClusterCa(QNetworkRequest *request) const;
    void finishReply(QNetworkReply *reply, const QUrl &target, HttpThen then);

    // Prometheus's active targets of the story's jobs (cockroachdb, sampleapp). Waits while
    // Prometheus has discovered none and scraped nothing yet, and (needScrape) while one of them
    // has not been scraped yet (health "unknown"): reports Wait for `id` and asks again, up to
    // the bound; `unscraped` then names what was still missing.
    struct TargetsAnswer
    {
        int status = 0;
        QString error;
        QJsonArray targets; // of the story's jobs
        QStringList unscraped; // empty unless the bound was reached
        int boundS = 0;
    };
    void fetchTargets(
        const QString &id, bool needScrape, std::function<void(const TargetsAnswer &)> then, qint64 startedMs = -1);
    // Reports the line of `id` when Prometheus did not answer or never scraped within the bound.
    bool reportTargetsFailure(const QString &id, const TargetsAnswer &answer);
    // POST /api/v2/login/ as the profile's SQL user when its URL has a password; `then` gets the
    // session ("" without a password: insecure clusters need none) or an error sentence.
    void nodeLogin(std::function<void(const QByteArray &session, int status, const QString &error)> then);
    // The licence enforcer's own dates, GET /_status/throttling after nodeLogin(): nothing and why
    // when they cannot be read.
    void readThrottling(std::function<void(std::optional<ThrottlingMetadata> throttling, const QString &error)> then);

    void checkKubeAccess();
    void checkPods();
    void checkStopShell();
    void checkWorkload();
    void checkReplicationFactor();
    void checkLicence();
    void checkNodeApi();
    void checkPrometheusTargets();
    void checkScrapeInterval();
    void checkClockSkew();
    void checkGrafana();
    void checkPortForwards();

    PreflightResult make(
        const QString &id, PreflightResult::Status status, const QString &detail, const QString &fix = {}) const;

    PreflightConfig m_config;
    QNetworkAccessManager *m_nam;
    QList<KubectlProcess *> m_processes;
    QList<PreflightResult> m_results;
    int m_pending = 0;
    quint64 m_round = 0;
    QElapsedTimer m_clock; // monotonic, for the bounded re-checks
};

} // namespace presenter
