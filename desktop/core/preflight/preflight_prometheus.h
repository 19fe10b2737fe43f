#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace presenter {

// Prometheus's answers as the pre-flight reads them, pure functions of the answer (PreflightRunner
// asks, re-checks and words the verdicts): the active targets (GET /api/v1/targets?state=active)
// and its clock (GET /api/v1/query?query=time()).
namespace preflight {

// Prometheus job names: k8s/observability/prometheus.yaml sets job = the pod's
// app.kubernetes.io/name (cockroachdb, sampleapp); demo/local/prometheus.yml names its job sampleapp.
inline const QString kCockroachJob = QStringLiteral("cockroachdb");
inline const QString kSampleAppJob = QStringLiteral("sampleapp");

// base + path, without doubling a trailing slash of base's path; base's query is kept.
QUrl withPath(QUrl base, const QString &path);

// "15s", "1m", "1m30s", "500ms" (Prometheus durations as the targets API prints them) -> seconds;
// -1 when it is not one.
double durationSeconds(const QString &text);

// The story's targets in a targets answer, and what the pre-flight would still wait for.
// Prometheus lists a target before its first scrape with health "unknown" and, for its first few
// seconds, lists none (discovery sends its first batch after a delay).
struct TargetsScan
{
    QJsonArray targets; // of the story's jobs (kCockroachJob, kSampleAppJob), in the answer's order
    // "job/instance" of each story target not scraped yet (only when asked to wait for scrapes),
    // then "no target discovered yet" when no story target is listed and nothing was scraped.
    QStringList waitingFor;
    double longestUnscrapedIntervalS = 0; // 0: none known
};
TargetsScan scanTargets(const QByteArray &body, bool needScrape);

// How long to wait for the first scrapes: 2 of the longest unscraped target's intervals (the
// expected interval when none is known), never more than maxWaitMs.
qint64 scrapeWaitBoundMs(double longestIntervalS, int expectedIntervalS, int maxWaitMs);

// The story's targets by health: up per job, and "job/instance health (lastError)" for the rest.
struct TargetsTally
{
    int cockroachUp = 0;
    int sampleAppUp = 0;
    QStringList down;
};
TargetsTally tallyTargets(const QJsonArray &targets);

// "job every 30s" for each target scraped at another interval than expectedS ("(unknown)" when it
// has none), each once.
QStringList wrongIntervals(const QJsonArray &targets, int expectedS);

// Prometheus's time() against the laptop's clock around the request: skew > 0 when Prometheus is
// ahead; the uncertainty is half the round trip. Nothing when the answer holds no time.
struct ClockSkew
{
    double skewMs = 0;
    double uncertaintyMs = 0;
};
std::optional<ClockSkew> clockSkew(const QByteArray &timeAnswer, const QDateTime &sent, const QDateTime &received);

} // namespace preflight

} // namespace presenter
