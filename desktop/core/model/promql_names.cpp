#include "promql_names.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {
bool isIdentStart(QChar c)
{
    return c.isLetter() || c == u'_' || c == u':';
}
bool isIdentChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u':';
}
} // namespace

QStringList promqlMetricNames(const QString &promql)
{
    static const QSet<QString> keywords = {u"by"_s, u"without"_s, u"on"_s, u"ignoring"_s, u"group_left"_s,
        u"group_right"_s, u"and"_s, u"or"_s, u"unless"_s, u"bool"_s, u"offset"_s, u"inf"_s, u"nan"_s, u"atan2"_s,
        // Aggregation operators may be written "sum by (x) (...)".
        u"sum"_s, u"min"_s, u"max"_s, u"avg"_s, u"count"_s, u"group"_s, u"stddev"_s, u"stdvar"_s, u"topk"_s,
        u"bottomk"_s, u"quantile"_s, u"count_values"_s};
    static const QSet<QString> labelListKeywords
        = {u"by"_s, u"without"_s, u"on"_s, u"ignoring"_s, u"group_left"_s, u"group_right"_s};
    QStringList names;
    const qsizetype n = promql.size();
    qsizetype i = 0;
    bool skipNextParenGroup = false;
    while (i < n) {
        const QChar c = promql[i];
        if (c == u'"' || c == u'\'' || c == u'`') {
            const QChar quote = c;
            ++i;
            while (i < n && promql[i] != quote) {
                i += promql[i] == u'\\' ? 2 : 1;
            }
            ++i;
            continue;
        }
        if (c == u'{' || c == u'[') {
            const QChar close = c == u'{' ? u'}' : u']';
            while (i < n && promql[i] != close) {
                if (promql[i] == u'"') {
                    ++i;
                    while (i < n && promql[i] != u'"') {
                        i += promql[i] == u'\\' ? 2 : 1;
                    }
                }
                ++i;
            }
            ++i;
            continue;
        }
        if (c == u'(' && skipNextParenGroup) {
            while (i < n && promql[i] != u')') {
                ++i;
            }
            ++i;
            skipNextParenGroup = false;
            continue;
        }
        if (c.isDigit() || (c == u'.' && i + 1 < n && promql[i + 1].isDigit())) {
            // Numbers, including 1e6 and durations like 5m: consume letters too.
            while (i < n && (promql[i].isLetterOrNumber() || promql[i] == u'.')) {
                ++i;
            }
            continue;
        }
        if (isIdentStart(c)) {
            const qsizetype start = i;
            while (i < n && isIdentChar(promql[i])) {
                ++i;
            }
            const QString word = promql.mid(start, i - start);
            qsizetype j = i;
            while (j < n && promql[j].isSpace()) {
                ++j;
            }
            const bool call = j < n && promql[j] == u'(';
            if (labelListKeywords.contains(word.toLower())) {
                // group_left/group_right may stand without a label list.
                skipNextParenGroup = call;
            } else if (!call && !keywords.contains(word.toLower()) && !names.contains(word)) {
                names.append(word);
            }
            continue;
        }
        ++i;
    }
    return names;
}

QString promqlBaseMetricName(const QString &name)
{
    for (const char *suffix : {"_bucket", "_sum", "_count"}) {
        const QLatin1StringView sfx(suffix);
        if (name.endsWith(sfx)) {
            return name.left(name.size() - sfx.size());
        }
    }
    return name;
}

} // namespace presenter
