#include "zone_config.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pgkit {

namespace {

QString stripComments(const QString &sql)
{
    static const QRegularExpression lineComment(u"--[^\\n]*"_s);
    QString out = sql;
    out.remove(lineComment);
    out = out.trimmed();
    if (out.endsWith(u';')) {
        out.chop(1);
    }
    return out.simplified();
}

// Splits "a = 1, constraints = '[+x, -y]', b = 2" on commas outside single quotes.
QStringList splitAssignments(const QString &text)
{
    QStringList out;
    QString current;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == u'\'') {
            quoted = !quoted;
        }
        if (c == u',' && !quoted) {
            out << current.trimmed();
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.trimmed().isEmpty()) {
        out << current.trimmed();
    }
    return out;
}

std::optional<qint64> parseInteger(const QString &value)
{
    bool ok = false;
    const qint64 v = value.toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace

QString ZoneTarget::toString() const
{
    switch (kind) {
    case Kind::Range:
        return u"RANGE "_s + name;
    case Kind::Database:
        return u"DATABASE "_s + name;
    case Kind::Table:
        return u"TABLE "_s + name;
    case Kind::Index:
        return u"INDEX "_s + name;
    case Kind::Partition:
        return u"PARTITION "_s + name;
    }
    return name;
}

bool isConfigureZone(const QString &sql)
{
    static const QRegularExpression re(u"^\\s*ALTER\\b.*\\bCONFIGURE\\s+ZONE\\b"_s,
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    return re.match(stripComments(sql)).hasMatch();
}

std::optional<ZoneConfigStatement> parseConfigureZone(const QString &sql, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<ZoneConfigStatement> {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    const QString text = stripComments(sql);
    static const QRegularExpression head(
        u"^ALTER\\s+(RANGE|DATABASE|TABLE|INDEX|PARTITION)\\s+(.+?)\\s+CONFIGURE\\s+ZONE\\s+(USING\\s+(.*)|DISCARD)$"_s,
        QRegularExpression::CaseInsensitiveOption);
    const auto m = head.match(text);
    if (!m.hasMatch()) {
        return fail(u"not an ALTER ... CONFIGURE ZONE USING/DISCARD statement: "_s + text.left(80));
    }
    ZoneConfigStatement out;
    const QString kind = m.captured(1).toUpper();
    using K = ZoneTarget::Kind;
    out.target.kind = kind == "RANGE"_L1 ? K::Range
        : kind == "DATABASE"_L1          ? K::Database
        : kind == "TABLE"_L1             ? K::Table
        : kind == "INDEX"_L1             ? K::Index
                                         : K::Partition;
    out.target.name = m.captured(2).remove(u'"');
    if (m.captured(3).compare(u"DISCARD"_s, Qt::CaseInsensitive) == 0) {
        out.discard = true;
        return out;
    }
    for (const QString &assignment : splitAssignments(m.captured(4))) {
        const qsizetype eq = assignment.indexOf(u'=');
        if (eq <= 0) {
            return fail(u"expected field = value, got: "_s + assignment);
        }
        const QString field = assignment.left(eq).trimmed().toLower();
        const QString value = assignment.mid(eq + 1).trimmed();
        if (value.compare(u"COPY FROM PARENT"_s, Qt::CaseInsensitive) == 0) {
            out.fields.copiedFromParent << field;
            continue;
        }
        std::optional<qint64> *slot = field == "num_replicas"_L1 ? &out.fields.numReplicas
            : field == "num_voters"_L1                           ? &out.fields.numVoters
            : field == "range_min_bytes"_L1                      ? &out.fields.rangeMinBytes
            : field == "range_max_bytes"_L1                      ? &out.fields.rangeMaxBytes
            : field == "gc.ttlseconds"_L1                        ? &out.fields.gcTtlSeconds
                                                                 : nullptr;
        if (!slot) {
            out.fields.others << field;
            continue;
        }
        *slot = parseInteger(value);
        if (!slot->has_value()) {
            return fail(u"%1 = %2: not an integer"_s.arg(field, value));
        }
    }
    return out;
}

namespace {

void fillFrom(ZoneFields &zone, const ZoneFields &parent)
{
    for (auto field : {&ZoneFields::numReplicas, &ZoneFields::numVoters, &ZoneFields::rangeMinBytes,
             &ZoneFields::rangeMaxBytes, &ZoneFields::gcTtlSeconds}) {
        if (!(zone.*field).has_value()) {
            zone.*field = parent.*field;
        }
    }
}

ZoneFields systemZone()
{
    ZoneFields z;
    z.numReplicas = 5;
    z.rangeMinBytes = qint64(128) << 20;
    z.rangeMaxBytes = qint64(512) << 20;
    z.gcTtlSeconds = 25 * 60 * 60;
    return z;
}

} // namespace

ZoneModel ZoneModel::atBootstrap()
{
    ZoneModel m;
    ZoneFields def = systemZone();
    def.numReplicas = 3;
    m.zones.insert(u"RANGE default"_s, def);
    ZoneFields meta = systemZone();
    meta.gcTtlSeconds = 60 * 60;
    m.zones.insert(u"RANGE meta"_s, meta);
    m.zones.insert(u"RANGE liveness"_s, systemZone());
    m.zones.insert(u"RANGE system"_s, systemZone());
    m.zones.insert(u"DATABASE system"_s, systemZone());
    return m;
}

std::optional<ZoneTarget> parentZone(const ZoneTarget &target)
{
    using K = ZoneTarget::Kind;
    switch (target.kind) {
    case K::Range:
        if (target.name == "default"_L1) {
            return std::nullopt;
        }
        return ZoneTarget {K::Range, u"default"_s};
    case K::Database:
        return ZoneTarget {K::Range, u"default"_s};
    case K::Table:
        return ZoneTarget {K::Database, target.name.section(u'.', 0, 0)};
    case K::Index:
        return ZoneTarget {K::Table, target.name.section(u'@', 0, 0)};
    case K::Partition:
        return std::nullopt;
    }
    return std::nullopt;
}

ZoneFields ZoneModel::complete(const ZoneTarget &target) const
{
    ZoneFields z = zones.value(target.toString());
    for (auto parent = parentZone(target); parent; parent = parentZone(*parent)) {
        fillFrom(z, zones.value(parent->toString()));
    }
    return z;
}

QString validateZone(const ZoneFields &z)
{
    // The order and the messages are Validate's (pkg/config/zonepb/zone.go).
    if (z.numReplicas) {
        if (*z.numReplicas <= 0) {
            return u"at least one replica is required"_s;
        }
        if (*z.numReplicas == 2 && !(z.numVoters && *z.numVoters > 0)) {
            return u"at least 3 replicas are required for multi-replica configurations"_s;
        }
    }
    if (z.numVoters) {
        if (*z.numVoters <= 0) {
            return u"at least one voting replica is required"_s;
        }
        if (*z.numVoters == 2) {
            return u"at least 3 voting replicas are required for multi-replica configurations"_s;
        }
        if (z.numReplicas && *z.numVoters > *z.numReplicas) {
            return u"num_voters cannot be greater than num_replicas"_s;
        }
    }
    // base.MinRangeMaxBytes is 64 KiB (pkg/base/constants.go).
    constexpr qint64 minRangeMaxBytes = 64 << 10;
    if (z.rangeMaxBytes && *z.rangeMaxBytes < minRangeMaxBytes) {
        return u"RangeMaxBytes %1 less than minimum allowed %2"_s.arg(*z.rangeMaxBytes).arg(minRangeMaxBytes);
    }
    if (z.rangeMinBytes && *z.rangeMinBytes < 0) {
        return u"RangeMinBytes %1 less than minimum allowed 0"_s.arg(*z.rangeMinBytes);
    }
    if (z.rangeMinBytes && z.rangeMaxBytes && *z.rangeMinBytes >= *z.rangeMaxBytes) {
        return u"RangeMinBytes %1 is greater than or equal to RangeMaxBytes %2"_s.arg(*z.rangeMinBytes)
            .arg(*z.rangeMaxBytes);
    }
    if (z.gcTtlSeconds && *z.gcTtlSeconds < 1) {
        return u"GC.TTLSeconds %1 less than minimum allowed 1"_s.arg(*z.gcTtlSeconds);
    }
    return {};
}

int reachableVoters(int zoneVoters, int liveNodes)
{
    // GetNeededVoters: the target the allocator works towards.
    int need = std::min(zoneVoters, liveNodes);
    if (need != zoneVoters) {
        if (need % 2 == 0) {
            --need;
        }
        need = std::min(std::max(need, 3), zoneVoters);
    }
    // A target above the live nodes cannot be met; the queue then adds a voter only while the
    // next odd count is reachable (CheckAvoidsFragileQuorum), so it stops at the largest odd
    // count the nodes allow.
    if (need > liveNodes) {
        need = liveNodes % 2 == 0 ? liveNodes - 1 : liveNodes;
    }
    return std::max(need, 0);
}

ZoneVerdict applyZoneStatement(ZoneModel &model, const ZoneConfigStatement &statement, int liveNodes)
{
    ZoneVerdict v;
    const QString key = statement.target.toString();
    const auto parent = parentZone(statement.target);
    if (statement.target.kind == ZoneTarget::Kind::Partition) {
        v.rule = ZoneVerdict::Rule::Unsupported;
        v.message = u"PARTITION zones are not modelled"_s;
        return v;
    }
    if (statement.discard) {
        if (!parent) {
            v.rule = ZoneVerdict::Rule::Unsupported;
            v.message = u"RANGE default cannot be discarded"_s;
            return v;
        }
        model.zones.remove(key);
        return v;
    }
    ZoneFields partial = model.zones.value(key);
    const ZoneFields &set = statement.fields;
    for (auto field : {&ZoneFields::numReplicas, &ZoneFields::numVoters, &ZoneFields::rangeMinBytes,
             &ZoneFields::rangeMaxBytes, &ZoneFields::gcTtlSeconds}) {
        if ((set.*field).has_value()) {
            partial.*field = set.*field;
        }
    }
    const ZoneFields parentComplete = parent ? model.complete(*parent) : ZoneFields {};
    const QList<std::pair<const char *, std::optional<qint64> ZoneFields::*>> names {
        {"num_replicas", &ZoneFields::numReplicas}, {"num_voters", &ZoneFields::numVoters},
        {"range_min_bytes", &ZoneFields::rangeMinBytes}, {"range_max_bytes", &ZoneFields::rangeMaxBytes},
        {"gc.ttlseconds", &ZoneFields::gcTtlSeconds}};
    for (const auto &[name, field] : names) {
        if (set.copiedFromParent.contains(QLatin1String(name))) {
            partial.*field = parentComplete.*field;
        }
    }
    ZoneFields complete = partial;
    fillFrom(complete, parentComplete);
    const QString invalid = validateZone(complete);
    if (!invalid.isEmpty()) {
        v.rule = ZoneVerdict::Rule::Validate;
        v.sqlState = u"23514"_s;
        v.message = u"could not validate zone config: "_s + invalid;
        return v;
    }
    const qint64 voters = complete.numVoters.value_or(complete.numReplicas.value_or(0));
    if (voters > liveNodes) {
        v.rule = ZoneVerdict::Rule::VotersOverLiveNodes;
        v.message = u"%1 asks for %2 voting replicas with %3 live node(s): never more replicas than live nodes; "
                    "the replicate queue would reach %4 voter(s) and report the rest under-replicated"_s.arg(key)
                        .arg(voters)
                        .arg(liveNodes)
                        .arg(reachableVoters(int(voters), liveNodes));
        return v;
    }
    model.zones.insert(key, partial);
    return v;
}

} // namespace pgkit
