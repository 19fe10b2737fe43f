#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgkit {

// Zone configurations as CockroachDB writes them: the statements in sql/ (`ALTER RANGE default
// CONFIGURE ZONE USING num_replicas = 1`) and the `raw_config_sql` column of
// `SHOW ZONE CONFIGURATION FROM ...`, which has the same syntax over several lines. Pure text
// functions: nothing here talks to a database (PostgreSQL has no zone configs).

// What a zone config applies to: `RANGE default`, `DATABASE system`, `TABLE evolution.public.t`.
struct ZoneTarget
{
    enum class Kind { Range, Database, Table, Index, Partition };
    Kind kind = Kind::Range;
    QString name; // as written, without quotes: "default", "system", "evolution.public.login_events"

    QString toString() const; // "RANGE default"
    friend bool operator==(const ZoneTarget &, const ZoneTarget &) = default;
};

// The fields one statement sets. Unset fields are inherited from the parent zone (the zone config
// is "partial"; pkg/config/zonepb/zone.go, InheritFromParent).
struct ZoneFields
{
    std::optional<qint64> numReplicas;
    std::optional<qint64> numVoters;
    std::optional<qint64> rangeMinBytes;
    std::optional<qint64> rangeMaxBytes;
    std::optional<qint64> gcTtlSeconds;
    QStringList copiedFromParent; // fields set to COPY FROM PARENT
    QStringList others; // other fields set (constraints, lease_preferences, ...), by name
    friend bool operator==(const ZoneFields &, const ZoneFields &) = default;
};

struct ZoneConfigStatement
{
    ZoneTarget target;
    ZoneFields fields;
    bool discard = false; // CONFIGURE ZONE DISCARD: back to inheriting everything
};

// True when the statement is an ALTER ... CONFIGURE ZONE (whatever follows).
bool isConfigureZone(const QString &sql);

// Parses one ALTER ... CONFIGURE ZONE statement (comments and a trailing ';' allowed). Returns
// nothing, and says why in *error, when it is not one or a value is not understood.
std::optional<ZoneConfigStatement> parseConfigureZone(const QString &sql, QString *error = nullptr);

// ---------------------------------------------------------------------------------------------
// A model of CockroachDB's zone configs, for checking the sql/ files without a cluster
// (tests/story/tst_zone_configs.cpp replays them in phase order). Pure functions; each rule cites
// the CockroachDB source it follows (cockroachdb/cockroach).

// The zones as stored (partial: unset fields inherit), keyed by ZoneTarget::toString().
struct ZoneModel
{
    QMap<QString, ZoneFields> zones;

    // The zones a `cockroach start` + `init` cluster has before any statement
    // (pkg/sql/catalog/bootstrap/metadata.go, InitialZoneConfigKVs): RANGE default is
    // zonepb.DefaultZoneConfig() (num_replicas 3, range 128-512 MiB, gc.ttlseconds 90000); RANGE
    // meta, RANGE liveness, RANGE system and DATABASE system are clones of
    // DefaultSystemZoneConfig() (num_replicas 5; pkg/config/zonepb/zone.go), complete, so they do
    // not follow RANGE default. RANGE timeseries and RANGE tenants have no entry: they inherit
    // RANGE default. (meta's gc.ttlseconds is 3600; other TTLs are not modelled: no rule reads them
    // beyond "at least 1".)
    static ZoneModel atBootstrap();

    // The zone with every unset field filled from its parents (zonepb InheritFromParent), as
    // set_zone_config.go builds the "complete zone" it validates.
    ZoneFields complete(const ZoneTarget &target) const;
};

// Where unset fields come from: the named zones (meta, liveness, system, timeseries, tenants) and
// every DATABASE inherit RANGE default; a TABLE "db.t" / "db.schema.t" inherits DATABASE db; an
// INDEX "db.t@i" inherits its TABLE. RANGE default has none.
std::optional<ZoneTarget> parentZone(const ZoneTarget &target);

// The checks of zonepb.ZoneConfig.Validate (pkg/config/zonepb/zone.go) that concern the fields
// modelled here, applied to a complete zone. Returns CockroachDB's own message, or empty when
// valid. CockroachDB wraps it as SQLSTATE 23514 "could not validate zone config: <message>"
// (pkg/sql/set_zone_config.go: completeZone.Validate(), pgerror.Wrap(err, pgcode.CheckViolation)).
QString validateZone(const ZoneFields &complete);

// The voters a range ends up with under a zone asking for `zoneVoters` on `liveNodes` nodes:
// the allocator's GetNeededVoters (pkg/kv/kvserver/allocator/allocatorimpl/allocator.go: fewer
// nodes than voters -> the largest odd number it can reach, at least 3 capped at the zone) and the
// replicate queue's fragile-quorum check (pkg/kv/kvserver/replicate_queue.go and
// pkg/kv/kvserver/allocator/plan/replicate.go, CheckAvoidsFragileQuorum: "avoid up-replicating to
// fragile quorum": it adds a voter to reach an even count only if it can go on to the next odd
// one). So 3 voters asked on 2 nodes stay at 1: no zone config gives 2 voting copies on 2 nodes.
int reachableVoters(int zoneVoters, int liveNodes);

struct ZoneVerdict
{
    enum class Rule {
        Accepted,
        Unsupported, // the model cannot judge this statement (DISCARD of RANGE default, PARTITION ...)
        Validate, // CockroachDB refuses it: SQLSTATE 23514 (sqlState)
        VotersOverLiveNodes, // CockroachDB accepts it; the story forbids it (context.md constraints)
    };
    Rule rule = Rule::Accepted;
    QString sqlState; // "23514" for Validate
    QString message; // CockroachDB's message for Validate; the story's reason otherwise

    bool accepted() const { return rule == Rule::Accepted; }
};

// Applies one statement to the model as CockroachDB would (the statement's fields over the
// target's stored partial zone; COPY FROM PARENT takes the parent's value; DISCARD drops the
// zone), validates the complete zone, then the story's rule: never more voters (num_voters, else
// num_replicas) than live nodes, with what the allocator would reach instead. The model changes
// only when the statement is accepted.
ZoneVerdict applyZoneStatement(ZoneModel &model, const ZoneConfigStatement &statement, int liveNodes);

} // namespace pgkit
