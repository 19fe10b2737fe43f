#pragma once

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

} // namespace pgkit
