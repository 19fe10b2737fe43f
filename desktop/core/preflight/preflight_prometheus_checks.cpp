#include "preflight_runner.h"

#include "preflight_prometheus.h"

#include <QTimer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

// The checks that ask Prometheus: its targets, their scrape interval, its clock. A Prometheus
// that has not scraped yet is waited for, bounded (fetchTargets).

namespace {

using Status = PreflightResult::Status;
using namespace preflight;

QString notScrapedDetail(const QStringList &unscraped, int boundS)
{
    return u"Prometheus has still not scraped after %1 s (2 scrape intervals, bounded): %2"_s.arg(boundS).arg(
        unscraped.join(u", "_s));
}

const QString kNotScrapedFix = u"open Prometheus's /targets page and its log: a target that is never scraped is "
                               u"not discovered or not reachable (annotations, network policy, the port)."_s;

const QString kStartPrometheusFix = u"start or forward Prometheus (prometheus_url / --prometheus-url)."_s;

} // namespace

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
        TargetsScan scan = scanTargets(body, needScrape);
        answer.targets = scan.targets;
        if (scan.waitingFor.isEmpty()) {
            return then(answer);
        }
        const qint64 boundMs = scrapeWaitBoundMs(
            scan.longestUnscrapedIntervalS, m_config.expectedScrapeIntervalS, m_config.maxScrapeWaitMs);
        answer.boundS = int((boundMs + 999) / 1000);
        if (m_clock.elapsed() - startedMs >= boundMs) {
            answer.unscraped = scan.waitingFor;
            return then(answer);
        }
        progress(make(id, Status::Wait,
            u"waiting: Prometheus has not scraped yet (%1); re-checking every %2 s for up to %3 s (2 scrape "
            u"intervals, at most %4 s)"_s.arg(scan.waitingFor.join(u", "_s))
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

bool PreflightRunner::reportTargetsFailure(const QString &id, const TargetsAnswer &answer)
{
    if (answer.status != 200) {
        report(make(id, Status::Fail,
            answer.error.isEmpty() ? u"HTTP %1 from /api/v1/targets"_s.arg(answer.status) : answer.error,
            kStartPrometheusFix));
        return true;
    }
    if (!answer.unscraped.isEmpty()) {
        report(make(id, Status::Fail, notScrapedDetail(answer.unscraped, answer.boundS), kNotScrapedFix));
        return true;
    }
    return false;
}

void PreflightRunner::checkPrometheusTargets()
{
    const QString id = u"prometheus-targets"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    const int expectedCockroach = kind == ClusterKind::None ? 0 : m_config.position.expectedNodes(kind);
    fetchTargets(id, true, [this, id, kind, expectedCockroach](const TargetsAnswer &answer) {
        const QString fix = u"check the Prometheus targets page (/targets): the pods need their prometheus.io "
                            u"annotations (k8s/observability/prometheus.yml scrapes annotated pods)."_s;
        if (reportTargetsFailure(id, answer)) {
            return;
        }
        const TargetsTally tally = tallyTargets(answer.targets);
        QStringList problems;
        if (kind != ClusterKind::None && tally.cockroachUp != expectedCockroach) {
            problems << u"%1 of %2 CockroachDB target(s) up (job %3)"_s.arg(tally.cockroachUp)
                            .arg(expectedCockroach)
                            .arg(kCockroachJob);
        }
        if (tally.sampleAppUp < 1) {
            problems << u"no sample app target up (job %1)"_s.arg(kSampleAppJob);
        }
        if (!tally.down.isEmpty()) {
            problems << u"down: %1"_s.arg(tally.down.join(u", "_s));
        }
        if (problems.isEmpty()) {
            const QString cockroach = kind == ClusterKind::None
                ? u"no CockroachDB expected (local stack)"_s
                : u"%1 CockroachDB target(s) up"_s.arg(tally.cockroachUp);
            return report(
                make(id, Status::Pass, u"%1, %2 sample app target(s) up"_s.arg(cockroach).arg(tally.sampleAppUp)));
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
        if (reportTargetsFailure(id, answer)) {
            return;
        }
        if (answer.targets.isEmpty()) {
            return report(make(id, Status::Fail, u"no CockroachDB or sample app target to read an interval from"_s,
                u"fix the targets first (the line above)."_s));
        }
        const QStringList wrong = wrongIntervals(answer.targets, expected);
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
            u"set scrape_interval: %1s in k8s/observability/prometheus.yml, then kubectl apply -k k8s/observability/ "
            u"and restart Prometheus."_s.arg(expected)));
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
        const auto skew = clockSkew(body, sent, m_config.now());
        if (status != 200 || !skew) {
            return report(make(id, Status::Fail,
                error.isEmpty() ? u"no time() from Prometheus (HTTP %1)"_s.arg(status) : error, kStartPrometheusFix));
        }
        const QString text
            = u"Prometheus is %1 ms %2 the laptop (± %3 ms)"_s.arg(QString::number(std::abs(skew->skewMs), 'f', 0),
                skew->skewMs >= 0 ? u"ahead of"_s : u"behind"_s, QString::number(skew->uncertaintyMs, 'f', 0));
        if (std::abs(skew->skewMs) - skew->uncertaintyMs <= maxSkewMs) {
            return report(make(id, Status::Pass, text));
        }
        report(make(id, Status::Fail, u"%1: event markers would sit off their lines by that much"_s.arg(text),
            u"sync the laptop's clock (timedatectl set-ntp true) and the cluster nodes' clocks."_s));
    });
}

} // namespace presenter
