#pragma once

#include "preflight_result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

// The CockroachDB-only SQL of the pre-flight, as data: the defaults are CockroachDB's text; the
// tests inject a PostgreSQL query that answers the same shape (the plainly named seam for
// CockroachDB-only SQL: PostgreSQL has no zone configs and no licence). Each query returns one
// row with the named columns.
struct PreflightSqlQueries
{
    // Column raw_config_sql: the statement that recreates RANGE default's zone config
    // (SHOW ZONE CONFIGURATION, docs v25.4 show-zone-configurations.md), parsed with
    // pgkit::parseConfigureZone. RANGE default is what sql/01, 20 and the Phase 1 refusal set;
    // every zone without its own num_replicas inherits it.
    QString zoneConfig = QStringLiteral("SHOW ZONE CONFIGURATION FROM RANGE default");
    // Columns license_set (bool) and initialised_at_epoch (seconds).
    //  - enterprise.license is the cluster setting that holds the key, empty when none is set
    //    (docs v25.4 licensing-faqs.md, "Set a license": SET CLUSTER SETTING enterprise.license).
    //  - Without a licence the throttle starts 7 days after the cluster was initialised
    //    (licensing-faqs.md; pkg/server/license/enforcer.go: initClusterMetadataLocked stores the
    //    end of that grace period at init, and getIsNewClusterEstimate dates the init with
    //    min(completed_at) FROM system.migrations, which this query reads too).
    QString licence = QStringLiteral(
        "SELECT (SELECT * FROM [SHOW CLUSTER SETTING enterprise.license]) <> '' AS license_set, "
        "extract(epoch FROM (SELECT min(completed_at) FROM system.migrations)) AS initialised_at_epoch");
};

// One row: column name -> text value (nothing for SQL NULL).
using SqlRow = QMap<QString, std::optional<QString>>;

// Runs `sql` on a worker thread (QtConcurrent; libpq blocks) and calls `done` on the GUI thread
// with the rows or a readable error, unless `context` was destroyed first. Never blocks.
void runPreflightQuery(QObject *context, const QByteArray &conninfo, const QString &sql,
    std::function<void(const QList<SqlRow> &rows, const QString &error)> done, int connectTimeoutSeconds = 5);

// RANGE default's num_replicas from SHOW ZONE CONFIGURATION's rows; nothing (and *error) when
// there is no row, no raw_config_sql, it does not parse, or it sets no num_replicas.
std::optional<int> replicationFactorFromZoneRows(const QList<SqlRow> &rows, QString *error);

struct LicenceState
{
    bool licensed = false;
    QDateTime initialisedAt; // UTC
    // No licence: the throttle to 5 concurrent open transactions starts here (init + 7 days).
    QDateTime throttleAt() const { return initialisedAt.addDays(7); }
};
std::optional<LicenceState> licenceStateFromRows(const QList<SqlRow> &rows, QString *error);

// The verdict for the licence line: pass with a licence; without one pass while the throttle is
// more than `marginHours` away, fail once it is nearer or has started.
PreflightResult judgeLicence(const LicenceState &state, const QDateTime &now, int marginHours);
