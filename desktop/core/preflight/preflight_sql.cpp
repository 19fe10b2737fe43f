#include "preflight_sql.h"

#include "pgkit/pg_connection.h"
#include "pgkit/zone_config.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <libpq-fe.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

void runPreflightQuery(QObject *context, const QByteArray &conninfo, const QString &sql,
    std::function<void(const QList<SqlRow> &rows, const QString &error)> done, int connectTimeoutSeconds)
{
    QPointer<QObject> receiver(context);
    (void)QtConcurrent::run([receiver, conninfo, sql, done = std::move(done), connectTimeoutSeconds] {
        QList<SqlRow> rows;
        QString error;
        pgkit::PgConnPtr conn = pgkit::openConnection(conninfo, {}, connectTimeoutSeconds);
        if (PQstatus(conn.get()) != CONNECTION_OK) {
            error = u"cannot connect to %1: %2"_s.arg(
                pgkit::redactConninfo(conninfo), pgkit::connectFailureMessage(conn.get()));
        } else {
            const pgkit::PgResultPtr result(PQexec(conn.get(), sql.toUtf8().constData()));
            if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
                const QString state = pgkit::sqlState(result.get());
                error = u"%1%2"_s.arg(pgkit::errorMessage(conn.get(), result.get()),
                    state.isEmpty() ? QString() : u" (SQLSTATE %1)"_s.arg(state));
            } else {
                for (int r = 0; r < PQntuples(result.get()); ++r) {
                    SqlRow row;
                    for (int c = 0; c < PQnfields(result.get()); ++c) {
                        const QString name = QString::fromUtf8(PQfname(result.get(), c));
                        if (PQgetisnull(result.get(), r, c)) {
                            row.insert(name, std::nullopt);
                        } else {
                            row.insert(name, QString::fromUtf8(PQgetvalue(result.get(), r, c)));
                        }
                    }
                    rows.append(row);
                }
            }
        }
        // Back on the GUI thread; the QPointer says whether the receiver still exists.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [receiver, done, rows, error] {
                if (receiver) {
                    done(rows, error);
                }
            },
            Qt::QueuedConnection);
    });
}

std::optional<int> replicationFactorFromZoneRows(const QList<SqlRow> &rows, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    if (rows.size() != 1) {
        return fail(u"expected one row from the zone config query, got %1"_s.arg(rows.size()));
    }
    const std::optional<QString> raw = rows.first().value(u"raw_config_sql"_s);
    if (!raw) {
        return fail(u"the zone config query returned no raw_config_sql"_s);
    }
    QString parseError;
    const auto statement = pgkit::parseConfigureZone(*raw, &parseError);
    if (!statement) {
        return fail(u"raw_config_sql does not parse (%1): %2"_s.arg(parseError, raw->simplified()));
    }
    if (!statement->fields.numReplicas) {
        return fail(u"raw_config_sql sets no num_replicas: %1"_s.arg(raw->simplified()));
    }
    return int(*statement->fields.numReplicas);
}

std::optional<LicenceState> licenceStateFromRows(const QList<SqlRow> &rows, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    if (rows.size() != 1) {
        return fail(u"expected one row from the licence query, got %1"_s.arg(rows.size()));
    }
    const SqlRow &row = rows.first();
    const std::optional<QString> licensed = row.value(u"license_set"_s);
    const std::optional<QString> epoch = row.value(u"initialised_at_epoch"_s);
    if (!licensed || !epoch) {
        return fail(u"the licence query must return license_set and initialised_at_epoch, not NULL"_s);
    }
    bool ok = false;
    const double seconds = epoch->toDouble(&ok);
    if (!ok) {
        return fail(u"initialised_at_epoch is not a number: '%1'"_s.arg(*epoch));
    }
    LicenceState s;
    s.licensed = *licensed == "t"_L1 || *licensed == "true"_L1;
    s.initialisedAt = QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), Qt::UTC);
    return s;
}

namespace {

QJsonValue field(const QJsonObject &o, const char *camel, const char *snake)
{
    const QJsonValue v = o.value(QLatin1StringView(camel));
    return v.isUndefined() ? o.value(QLatin1StringView(snake)) : v;
}

// int64 seconds since the epoch: a JSON string (proto3 JSON) or a number; 0 = not set.
QDateTime epochSeconds(const QJsonValue &v)
{
    const qint64 s = v.isString() ? v.toString().toLongLong() : qint64(v.toDouble());
    return s > 0 ? QDateTime::fromSecsSinceEpoch(s, Qt::UTC) : QDateTime();
}

QString when(const QDateTime &t)
{
    return t.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s);
}

QString inHours(double hours)
{
    return hours >= 48 ? u"in %1 days"_s.arg(QString::number(hours / 24.0, 'f', 1))
                       : u"in %1 h"_s.arg(QString::number(hours, 'f', 1));
}

} // namespace

std::optional<ThrottlingMetadata> parseThrottlingMetadata(const QByteArray &json, QString *error)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const QJsonObject o = doc.object();
    if (!doc.isObject() || field(o, "hasGracePeriod", "has_grace_period").isUndefined()) {
        if (error) {
            *error = u"not a GetThrottlingMetadataResponse (no hasGracePeriod): %1"_s.arg(
                QString::fromUtf8(json.left(120)).simplified());
        }
        return std::nullopt;
    }
    ThrottlingMetadata m;
    m.throttled = field(o, "throttled", "throttled").toBool();
    m.explanation = field(o, "throttleExplanation", "throttle_explanation").toString();
    m.hasGracePeriod = field(o, "hasGracePeriod", "has_grace_period").toBool();
    m.gracePeriodEnd = epochSeconds(field(o, "gracePeriodEndSeconds", "grace_period_end_seconds"));
    m.hasTelemetryDeadline = field(o, "hasTelemetryDeadline", "has_telemetry_deadline").toBool();
    m.telemetryDeadline = epochSeconds(field(o, "telemetryDeadlineSeconds", "telemetry_deadline_seconds"));
    m.lastTelemetryReceived = epochSeconds(field(o, "lastTelemetryReceivedSeconds", "last_telemetry_received_seconds"));
    const QJsonArray nodes = field(o, "nodeIdsWithTelemetryProblems", "node_ids_with_telemetry_problems").toArray();
    for (const QJsonValue &n : nodes) {
        m.nodesWithTelemetryProblems << (n.isString() ? n.toString() : QString::number(n.toInt()));
    }
    return m;
}

namespace {

using Status = PreflightResult::Status;

const QString kKeyFix = u"set a licence key (SET CLUSTER SETTING enterprise.license = '...'; an Enterprise Free or "
                        u"Trial key from the CockroachDB Cloud Console) or rebuild the cluster less than 7 days "
                        u"before the talk."_s;
const QString kTelemetryFix = u"let the cluster report telemetry (outbound internet to Cockroach Labs, "
                              u"diagnostics.reporting.enabled = true) or install a key that does not require it."_s;
const QString kThrottleWhat = u"throttled to 5 concurrent open transactions"_s;

PreflightResult licenceLine(Status status, const QString &detail, const QString &fix = {})
{
    PreflightResult r;
    r.id = u"licence"_s;
    r.name = u"licence and throttle"_s;
    r.status = status;
    r.detail = detail;
    r.fix = status == Status::Pass ? QString() : fix;
    return r;
}

// Without the cluster's word only the earliest throttle the rules allow is known: never a pass.
PreflightResult judgeWithoutTheClustersWord(
    const LicenceState &state, const QString &key, const QDateTime &now, int marginHours)
{
    const QString why = u"the cluster's enforcement state is unreadable (%1)"_s.arg(
        state.throttlingError.isEmpty() ? u"not asked"_s : state.throttlingError);
    const QString fix = u"forward crdb-0's HTTP port (kubectl -n crdb-evolution port-forward pod/crdb-0 "
                        u"18080:8080) so that /_status/throttling answers, then run again."_s;
    if (state.licensed) {
        return licenceLine(Status::Warn,
            u"%1, but a key is not a pass: Free and Trial keys throttle without telemetry; %2"_s.arg(key, why), fix);
    }
    const QDateTime at = state.estimatedThrottleAt();
    const double hours = double(now.secsTo(at)) / 3600.0;
    const QString detail = u"%1; %2; at the earliest (7 days after init, %3) the cluster is %4 from %5"_s.arg(
        key, why, when(state.initialisedAt), kThrottleWhat, when(at));
    return licenceLine(hours < marginHours ? Status::Fail : Status::Warn, detail, kKeyFix);
}

// A throttle the cluster reports ahead: its grace period's end or its telemetry deadline.
struct Deadline
{
    QDateTime at;
    QString what;
    QString fix;
};

QString gracePeriodWhat(const LicenceState &state, const ThrottlingMetadata &t)
{
    if (state.licensed) {
        return u"the key's grace period ends (it expired or expires before)"_s;
    }
    const qint64 graceDays
        = state.initialisedAt.isValid() ? qRound(double(state.initialisedAt.secsTo(t.gracePeriodEnd)) / 86400.0) : 0;
    return graceDays >= 20 ? u"the 30-day grace period ends (a cluster not judged new at init)"_s
        : graceDays > 0    ? u"the 7-day grace period after init ends (%1)"_s.arg(when(state.initialisedAt))
                           : u"the grace period ends"_s;
}

// The deadlines the cluster reports, the nearest first.
QList<Deadline> throttleDeadlines(const LicenceState &state, const ThrottlingMetadata &t)
{
    QList<Deadline> deadlines;
    if (t.hasGracePeriod && t.gracePeriodEnd.isValid()) {
        deadlines.append({t.gracePeriodEnd, gracePeriodWhat(state, t), kKeyFix});
    }
    if (t.hasTelemetryDeadline && t.telemetryDeadline.isValid()) {
        const QString last = t.lastTelemetryReceived.isValid() ? when(t.lastTelemetryReceived) : u"never"_s;
        deadlines.append({t.telemetryDeadline,
            u"the key requires telemetry and the last report got through %1 (7 days' allowance)%2"_s.arg(last,
                t.nodesWithTelemetryProblems.isEmpty()
                    ? QString()
                    : u"; nodes not reporting: %1"_s.arg(t.nodesWithTelemetryProblems.join(u", "_s))),
            kTelemetryFix});
    }
    std::sort(deadlines.begin(), deadlines.end(), [](const Deadline &a, const Deadline &b) { return a.at < b.at; });
    return deadlines;
}

} // namespace

PreflightResult judgeLicence(const LicenceState &state, const QDateTime &now, int marginHours)
{
    const QString key = state.licensed ? u"a licence key is set"_s : u"no licence key"_s;
    if (!state.throttling) {
        return judgeWithoutTheClustersWord(state, key, now, marginHours);
    }
    const ThrottlingMetadata &t = *state.throttling;
    if (t.throttled) {
        return licenceLine(Status::Fail,
            u"%1; the cluster says it is %2 now%3"_s.arg(
                key, kThrottleWhat, t.explanation.isEmpty() ? QString() : u": "_s + t.explanation),
            t.hasTelemetryDeadline ? kTelemetryFix : kKeyFix);
    }
    const QList<Deadline> deadlines = throttleDeadlines(state, t);
    if (deadlines.isEmpty()) {
        return licenceLine(Status::Pass,
            u"%1 and the cluster reports no grace period and no telemetry deadline: no "
            u"throttle pending"_s.arg(key));
    }
    const Deadline &next = deadlines.first();
    const double hours = double(now.secsTo(next.at)) / 3600.0;
    if (hours <= 0) {
        return licenceLine(Status::Fail,
            u"%1; %2: the cluster is %3 since %4"_s.arg(key, next.what, kThrottleWhat, when(next.at)), next.fix);
    }
    const QString detail
        = u"%1; %2: %3 from %4 (%5)"_s.arg(key, next.what, kThrottleWhat, when(next.at), inHours(hours));
    if (hours < marginHours) {
        return licenceLine(Status::Fail, detail, next.fix);
    }
    // A key that has not expired (its grace period ends more than 30 days out: expiry plus 30 or 7
    // days) and, if it requires telemetry, reports on time (DB Console warns after a day without).
    const bool keyValid = state.licensed && (!t.hasGracePeriod || t.gracePeriodEnd > now.addDays(30));
    const bool reporting = !t.hasTelemetryDeadline
        || (t.lastTelemetryReceived.isValid() && t.lastTelemetryReceived.secsTo(now) < qint64(24) * 3600
            && t.nodesWithTelemetryProblems.isEmpty());
    return licenceLine(keyValid && reporting ? Status::Pass : Status::Warn, detail, next.fix);
}

NodeApiLogin nodeApiLoginFrom(const QByteArray &conninfo)
{
    NodeApiLogin login;
    char *err = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.constData(), &err);
    PQfreemem(err);
    if (!options) {
        return login;
    }
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val && qstrcmp(o->keyword, "user") == 0) {
            login.user = QString::fromUtf8(o->val);
        } else if (o->val && qstrcmp(o->keyword, "password") == 0) {
            login.password = QString::fromUtf8(o->val);
        }
    }
    PQconninfoFree(options);
    return login;
}

} // namespace presenter
