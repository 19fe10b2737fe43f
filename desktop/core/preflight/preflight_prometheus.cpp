#include "preflight_prometheus.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace presenter {

namespace preflight {

QUrl withPath(QUrl base, const QString &path)
{
    QString p = base.path();
    while (p.endsWith(u'/')) {
        p.chop(1);
    }
    base.setPath(p + path);
    return base;
}

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

TargetsScan scanTargets(const QByteArray &body, bool needScrape)
{
    TargetsScan scan;
    const QJsonArray all
        = QJsonDocument::fromJson(body).object().value("data"_L1).toObject().value("activeTargets"_L1).toArray();
    bool anyScraped = false;
    QStringList unscraped;
    for (const QJsonValue &v : all) {
        const QJsonObject t = v.toObject();
        const bool scraped = t.value("health"_L1).toString() != "unknown"_L1;
        anyScraped = anyScraped || scraped;
        const QJsonObject labels = t.value("labels"_L1).toObject();
        const QString job = labels.value("job"_L1).toString();
        if (job != kCockroachJob && job != kSampleAppJob) {
            continue;
        }
        scan.targets.append(t);
        if (!scraped) {
            unscraped << u"%1/%2"_s.arg(job, labels.value("instance"_L1).toString());
            scan.longestUnscrapedIntervalS
                = std::max(scan.longestUnscrapedIntervalS, durationSeconds(t.value("scrapeInterval"_L1).toString()));
        }
    }
    scan.waitingFor = needScrape ? unscraped : QStringList();
    if (scan.targets.isEmpty() && !anyScraped) {
        scan.waitingFor << u"no target discovered yet"_s;
    }
    return scan;
}

qint64 scrapeWaitBoundMs(double longestIntervalS, int expectedIntervalS, int maxWaitMs)
{
    const double intervalS = longestIntervalS > 0 ? longestIntervalS : double(expectedIntervalS);
    return std::min<qint64>(qint64(2.0 * intervalS * 1000.0), maxWaitMs);
}

TargetsTally tallyTargets(const QJsonArray &targets)
{
    TargetsTally tally;
    for (const QJsonValue &v : targets) {
        const QJsonObject t = v.toObject();
        const QJsonObject labels = t.value("labels"_L1).toObject();
        const QString job = labels.value("job"_L1).toString();
        if (t.value("health"_L1).toString() == "up"_L1) {
            (job == kCockroachJob ? tally.cockroachUp : tally.sampleAppUp) += 1;
            continue;
        }
        const QString lastError = t.value("lastError"_L1).toString();
        tally.down << u"%1/%2 %3%4"_s.arg(job, labels.value("instance"_L1).toString(), t.value("health"_L1).toString(),
            lastError.isEmpty() ? QString() : u" ("_s + lastError + u')');
    }
    return tally;
}

QStringList wrongIntervals(const QJsonArray &targets, int expectedS)
{
    QStringList wrong;
    for (const QJsonValue &v : targets) {
        const QJsonObject t = v.toObject();
        const QString job = t.value("labels"_L1).toObject().value("job"_L1).toString();
        const QString interval = t.value("scrapeInterval"_L1).toString();
        if (std::abs(durationSeconds(interval) - expectedS) > 0.001) {
            wrong << u"%1 every %2"_s.arg(job, interval.isEmpty() ? u"(unknown)"_s : interval);
        }
    }
    wrong.removeDuplicates();
    return wrong;
}

std::optional<ClockSkew> clockSkew(const QByteArray &timeAnswer, const QDateTime &sent, const QDateTime &received)
{
    const QJsonArray result
        = QJsonDocument::fromJson(timeAnswer).object().value("data"_L1).toObject().value("result"_L1).toArray();
    bool ok = false;
    const double promSeconds = result.at(1).toString().toDouble(&ok);
    if (!ok) {
        return std::nullopt;
    }
    const double midMs = (double(sent.toMSecsSinceEpoch()) + double(received.toMSecsSinceEpoch())) / 2.0;
    return ClockSkew {promSeconds * 1000.0 - midMs, double(sent.msecsTo(received)) / 2.0};
}

} // namespace preflight

} // namespace presenter
