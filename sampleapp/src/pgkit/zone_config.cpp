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

} // namespace pgkit
