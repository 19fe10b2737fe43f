#pragma once

#include "plan_position.h"
#include "preflight_result.h"
#include "preflight_sql.h"
#include "sources/connection_profile.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

#include <functional>

class KubectlProcess;
class QNetworkAccessManager;
class QNetworkReply;

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
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };

    // The uids of grafana/dashboards/*.json under `repoRoot`; *error when none is found.
    static QStringList dashboardUidsIn(const QString &repoRoot, QString *error);
};

// Runs the pre-flight checklist against the profile's cluster, asynchronously: every check starts
// at once (kubectl as QProcess, HTTP through QNetworkAccessManager, SQL on a worker thread) and
// reports checkFinished(); finished() comes once with every result in the order of checkIds().
// Checks (ids): kube-access, pods, stop-shell, workload (kubectl; "skipped" with cluster kind
// none), replication-factor, licence (SQL; skipped with kind none: PostgreSQL has neither),
// prometheus-targets, scrape-interval, clock-skew (Prometheus), grafana (skipped without a
// Grafana URL), port-forwards (every URL of the profile answers).
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
    void finished(const QList<PreflightResult> &results);

private:
    using Done = std::function<void(PreflightResult)>;
    void report(PreflightResult result);
    QStringList kubectlArgs(const QStringList &args) const;
    void runKubectl(
        const QStringList &args, std::function<void(bool ok, const QByteArray &out, const QString &error)> then);
    void get(const QUrl &url, std::function<void(int status, const QByteArray &body, const QString &error)> then);

    void checkKubeAccess();
    void checkPods();
    void checkStopShell();
    void checkWorkload();
    void checkReplicationFactor();
    void checkLicence();
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
};
