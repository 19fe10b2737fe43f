#pragma once

#include "preflight_result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace presenter {

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
    //  - The init time: pkg/server/license/enforcer.go, getIsNewClusterEstimate reads
    //    min(completed_at) FROM system.migrations to judge a cluster new (7 days of grace without
    //    a key) or not (30). The enforcer's own dates come from /_status/throttling (below); the
    //    init time names which grace applies and, when that endpoint is unreadable, gives the
    //    earliest throttle (init + 7 days).
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

// --- Licence (the CockroachDB-only seam: PostgreSQL has no licence) -----------------------------
// CockroachDB's licence enforcer (cockroachdb/cockroach pkg/server/license/enforcer.go):
//  - no key: throttled (at most 5 concurrent open transactions, MaybeFailIfThrottled) once the
//    cluster-init grace period ends: 7 days after init for a cluster judged new, 30 days otherwise
//    (initClusterMetadata; getIsNewClusterEstimate judges "new" when the enforcer's first start is
//    within an hour of min(completed_at) FROM system.migrations);
//  - Enterprise Free and Trial keys require telemetry: throttled 7 days after the last successful
//    report (GetTelemetryDeadline), and 30 (Free) / 7 (Trial) days after the key expires
//    (RefreshForLicenseChange: the grace period after expiry);
//  - Enterprise keys never throttle; an Evaluation key throttles 30 days after it expires.
// The cluster says which of these applies, with the dates, at GET /_status/throttling on its HTTP
// port (pkg/server/apiinternal/api_internal_status.go, getThrottlingMetadata -> the status
// server's GetThrottlingMetadata, serverpb.GetThrottlingMetadataResponse: the enforcer's grace
// period end and telemetry deadline; DB Console's ThrottleNotificationBar reads the same
// endpoint). It is a "reserved" /_status endpoint, used here because neither SQL (SHOW CLUSTER
// SETTING enterprise.license gives the key, not the enforcer's dates) nor a metric
// (seconds_until_enterprise_license_expiry is the key's expiry, 0 without a key) says when the
// throttle starts.

// GetThrottlingMetadataResponse, as /_status/throttling answers it.
struct ThrottlingMetadata
{
    bool throttled = false;
    QString explanation;
    bool hasGracePeriod = false;
    QDateTime gracePeriodEnd; // UTC; the throttle starts here
    bool hasTelemetryDeadline = false;
    QDateTime telemetryDeadline; // UTC; the throttle starts here unless a report gets through
    QDateTime lastTelemetryReceived; // UTC
    QStringList nodesWithTelemetryProblems;
};
// Accepts the gateway's camelCase (hasGracePeriod) and the proto's snake_case
// (has_grace_period) names, int64 seconds as JSON strings or numbers (unverified which the
// gateway emits). Nothing (and *error) unless the answer is an object with has_grace_period.
std::optional<ThrottlingMetadata> parseThrottlingMetadata(const QByteArray &json, QString *error);

// What the pre-flight knows about the licence; every input optional but the SQL one.
struct LicenceState
{
    bool licensed = false; // SQL: enterprise.license is not empty
    QDateTime initialisedAt; // SQL: min(completed_at) FROM system.migrations (UTC)
    std::optional<ThrottlingMetadata> throttling; // the cluster's own word
    QString throttlingError; // why it is missing
    // Without the cluster's word, the earliest throttle the rules allow (init + 7 days).
    QDateTime estimatedThrottleAt() const { return initialisedAt.addDays(7); }
};
std::optional<LicenceState> licenceStateFromRows(const QList<SqlRow> &rows, QString *error);

// The licence line, a pure function of the state and the time: FAIL when the cluster is
// throttled, or a throttle (grace period end or telemetry deadline) is past or within
// `marginHours`; WARN when one is ahead (no key, a Free/Trial key whose telemetry is late, an
// expired key in its grace period), or when the cluster's own word is missing (then the
// estimate from init, never a pass); PASS only when the cluster reports no throttle pending at
// all (an Enterprise key) or a Free/Trial key reporting on time with its deadline beyond the
// margin.
PreflightResult judgeLicence(const LicenceState &state, const QDateTime &now, int marginHours);

// --- The node API login -----------------------------------------------------------------------
// The presenter's one login: the profile's SQL URL's user and password, which the node-status
// client posts to /api/v2/login/ on a secure cluster. No password (insecure clusters): no login.
struct NodeApiLogin
{
    QString user; // empty when the URL names none
    QString password;
};
NodeApiLogin nodeApiLoginFrom(const QByteArray &conninfo);

} // namespace presenter
