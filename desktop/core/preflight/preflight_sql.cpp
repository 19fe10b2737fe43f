#include "preflight_sql.h"

#include "pgkit/pg_connection.h"
#include "pgkit/zone_config.h"

#include <QCoreApplication>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

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

PreflightResult judgeLicence(const LicenceState &state, const QDateTime &now, int marginHours)
{
    PreflightResult r;
    r.id = u"licence"_s;
    r.name = u"licence and throttle"_s;
    const QString format = u"yyyy-MM-dd HH:mm 'UTC'"_s;
    if (state.licensed) {
        r.status = PreflightResult::Status::Pass;
        r.detail = u"a licence key is set (enterprise.license)"_s;
        return r;
    }
    const QDateTime throttle = state.throttleAt();
    const double hoursLeft = double(now.secsTo(throttle)) / 3600.0;
    const QString fix = u"set a licence key (SET CLUSTER SETTING enterprise.license = '...'; an Enterprise Free or "
                        u"Trial key from the CockroachDB Cloud Console) or rebuild the cluster less than 7 days "
                        u"before the talk."_s;
    if (hoursLeft <= 0) {
        r.status = PreflightResult::Status::Fail;
        r.detail = u"no licence, and the cluster (initialised %1) has been throttled to 5 concurrent open transactions "
                   u"since %2"_s.arg(state.initialisedAt.toString(format), throttle.toString(format));
        r.fix = fix;
    } else if (hoursLeft < marginHours) {
        r.status = PreflightResult::Status::Fail;
        r.detail = u"no licence: throttling to 5 concurrent open transactions starts %1, in %2 h"_s.arg(
            throttle.toString(format), QString::number(hoursLeft, 'f', 1));
        r.fix = fix;
    } else {
        r.status = PreflightResult::Status::Pass;
        r.detail = u"no licence; throttling starts %1 (in %2 days): set a key before then"_s.arg(
            throttle.toString(format), QString::number(hoursLeft / 24.0, 'f', 1));
    }
    return r;
}
