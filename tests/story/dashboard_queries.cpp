#include "dashboard_queries.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace story {

namespace {

void collectPanels(const QJsonArray &panels, const QString &dashboard, QList<DashboardQuery> *out)
{
    for (const auto &pv : panels) {
        const QJsonObject panel = pv.toObject();
        const QString title = panel.value("title"_L1).toString();
        for (const auto &tv : panel.value("targets"_L1).toArray()) {
            const QJsonObject target = tv.toObject();
            const QString expr = target.value("expr"_L1).toString();
            if (!expr.isEmpty()) {
                out->append(
                    {dashboard, u"panel '%1' %2"_s.arg(title, target.value("refId"_L1).toString()), expr, false});
            }
        }
        // Collapsed rows keep their panels inside the row.
        collectPanels(panel.value("panels"_L1).toArray(), dashboard, out);
    }
}

// label_values(sel, label) -> sel; label_values(label) -> ""; query_result(expr) -> expr.
QString variableExpr(const QString &query)
{
    static const QRegularExpression labelValues(u"^\\s*label_values\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$"_s,
        QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression queryResult(
        u"^\\s*query_result\\((.*)\\)\\s*$"_s, QRegularExpression::DotMatchesEverythingOption);
    if (const auto m = labelValues.match(query); m.hasMatch()) {
        return m.captured(1).trimmed();
    }
    if (const auto m = queryResult.match(query); m.hasMatch()) {
        return m.captured(1).trimmed();
    }
    return {};
}

} // namespace

QList<DashboardQuery> loadDashboardQueries(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1"_s.arg(path);
        return {};
    }
    QJsonParseError pe;
    const auto doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject() || !doc.object().contains("panels"_L1)) {
        *error = u"%1 is not a dashboard (%2)"_s.arg(path, pe.errorString());
        return {};
    }
    const QString name = QFileInfo(path).fileName();
    QList<DashboardQuery> out;
    collectPanels(doc.object().value("panels"_L1).toArray(), name, &out);
    for (const auto &vv : doc.object().value("templating"_L1).toObject().value("list"_L1).toArray()) {
        const QJsonObject var = vv.toObject();
        if (var.value("type"_L1).toString() != "query"_L1) {
            continue;
        }
        const QJsonValue q = var.value("query"_L1);
        const QString query = q.isObject() ? q.toObject().value("query"_L1).toString() : q.toString();
        const QString expr = variableExpr(query);
        if (!expr.isEmpty()) {
            out.append({name, u"variable %1"_s.arg(var.value("name"_L1).toString()), expr, true});
        }
    }
    return out;
}

QString substituteGrafanaVariables(const QString &expr, const QString &rateInterval)
{
    QString s = expr;
    s.replace("$__rate_interval"_L1, rateInterval);
    s.replace("${__rate_interval}"_L1, rateInterval);
    s.replace("$__interval"_L1, rateInterval);
    s.replace("$__range"_L1, "5m"_L1);
    static const QRegularExpression var(u"\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\\}|\\$[A-Za-z_][A-Za-z0-9_]*"_s);
    s.replace(var, ".*"_L1);
    return s;
}

QStringList metricNames(const QString &expr)
{
    // Blank out what cannot hold a metric name: strings, {} matchers, [] ranges, comments.
    QString s = expr;
    static const QRegularExpression strings(u"\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`"_s);
    static const QRegularExpression braces(u"\\{[^}]*\\}"_s);
    static const QRegularExpression ranges(u"\\[[^\\]]*\\]"_s);
    static const QRegularExpression comments(u"#[^\n]*"_s);
    s.replace(strings, " "_L1).replace(braces, " "_L1).replace(ranges, " "_L1).replace(comments, " "_L1);

    static const QSet<QString> keywords {u"by"_s, u"without"_s, u"on"_s, u"ignoring"_s, u"group_left"_s,
        u"group_right"_s, u"bool"_s, u"and"_s, u"or"_s, u"unless"_s, u"offset"_s, u"inf"_s, u"nan"_s, u"atan2"_s};
    static const QSet<QString> groupingKeywords {
        u"by"_s, u"without"_s, u"on"_s, u"ignoring"_s, u"group_left"_s, u"group_right"_s};
    static const QRegularExpression token(
        u"[0-9][0-9A-Za-z_.]*|[A-Za-z_:][A-Za-z0-9_:]*|\\(|\\)|."_s, QRegularExpression::DotMatchesEverythingOption);
    QStringList tokens;
    for (auto it = token.globalMatch(s); it.hasNext();) {
        const QString t = it.next().captured(0);
        if (!t.trimmed().isEmpty()) {
            tokens << t;
        }
    }
    QStringList names;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString &t = tokens[i];
        if (!(t[0].isLetter() || t[0] == u'_' || t[0] == u':')) {
            continue;
        }
        // `sum by (le) (x)`: an aggregation whose grouping comes before its argument.
        const bool callFollows = i + 1 < tokens.size()
            && (tokens[i + 1] == "("_L1 || tokens[i + 1].toLower() == "by"_L1
                || tokens[i + 1].toLower() == "without"_L1);
        if (groupingKeywords.contains(t.toLower())) {
            if (callFollows) { // skip the label list
                int depth = 0;
                for (++i; i < tokens.size(); ++i) {
                    if (tokens[i] == "("_L1) {
                        ++depth;
                    } else if (tokens[i] == ")"_L1 && --depth == 0) {
                        break;
                    }
                }
            }
            continue;
        }
        if (callFollows || keywords.contains(t.toLower())) {
            continue; // function or aggregation, or an operator keyword
        }
        if (!names.contains(t)) {
            names << t;
        }
    }
    return names;
}

void MetricCatalogue::add(const QString &name, const QString &type)
{
    m_names.insert(name);
    const QString t = type.toLower();
    if (t == "histogram"_L1 || t == "summary"_L1) {
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            m_names.insert(name + QLatin1StringView(suffix));
        }
    }
}

MetricCatalogue MetricCatalogue::fromCockroachTsv(const QString &path, QString *error)
{
    MetricCatalogue c;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = u"cannot read %1 (set CRDB_EVO_REFERENCE_DIR)"_s.arg(path);
        return c;
    }
    bool header = true;
    while (!f.atEnd()) {
        const QStringList cols = QString::fromUtf8(f.readLine()).trimmed().split(u'\t');
        if (header) {
            header = false;
            continue;
        }
        if (cols.size() >= 2 && !cols[0].isEmpty()) {
            c.add(cols[0], cols[1]);
            c.m_descriptions.insert(cols[0], cols.value(4));
        }
    }
    return c;
}

QList<QJsonObject> loadPanels(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QList<QJsonObject> out;
    QJsonArray pending = QJsonDocument::fromJson(f.readAll()).object().value("panels"_L1).toArray();
    for (qsizetype i = 0; i < pending.size(); ++i) {
        const QJsonObject panel = pending.at(i).toObject();
        out.append(panel);
        for (const auto &inner : panel.value("panels"_L1).toArray()) {
            pending.append(inner);
        }
    }
    return out;
}

QStringList rebalancingMisreads(const QJsonObject &panel, const MetricCatalogue &cockroach)
{
    const QString text = panel.value("title"_L1).toString() + u' ' + panel.value("description"_L1).toString();
    const QString title = panel.value("title"_L1).toString();
    QSet<QString> metrics;
    for (const auto &tv : panel.value("targets"_L1).toArray()) {
        for (const auto &m : metricNames(tv.toObject().value("expr"_L1).toString())) {
            metrics.insert(m);
        }
    }
    QStringList reasons;
    for (const QString &m : std::as_const(metrics)) {
        const QString description = cockroach.description(m);
        if (description.contains("motivated by store-level load imbalances"_L1, Qt::CaseInsensitive)
            && !text.contains("load-based"_L1, Qt::CaseInsensitive)) {
            reasons << u"panel '%1' reads %2 (\"%3\"): it counts only load-based moves, not the replicate queue's "
                       "up-replication and rebalancing; say \"load-based\" or read queue_replicate_* and "
                       "leases_transfers_success"_s.arg(title, m, description);
        }
    }
    if (metrics.contains(u"rebalancing_queriespersecond"_s) && text.contains("rebalanc"_L1, Qt::CaseInsensitive)) {
        reasons << u"panel '%1' shows rebalancing_queriespersecond as the rebalancer's signal, but the load-based "
                   "objective is CPU by default (kv.allocator.load_based_rebalancing.objective = cpu): read "
                   "rebalancing_cpunanospersecond"_s.arg(title);
    }
    return reasons;
}

MetricCatalogue MetricCatalogue::fromProtocolMd(const QString &path, QString *error)
{
    MetricCatalogue c;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = u"cannot read %1"_s.arg(path);
        return c;
    }
    static const QRegularExpression row(
        u"^\\|\\s*`([a-z_:][a-z0-9_:]*)`\\s*\\|\\s*(counter|gauge|histogram|summary)\\s*\\|"_s);
    while (!f.atEnd()) {
        const auto m = row.match(QString::fromUtf8(f.readLine()));
        if (m.hasMatch()) {
            c.add(m.captured(1), m.captured(2));
        }
    }
    return c;
}

MetricCatalogue MetricCatalogue::fromExposition(const QByteArray &text)
{
    MetricCatalogue c;
    static const QRegularExpression typeLine(u"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\w+)"_s);
    static const QRegularExpression sample(u"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]"_s);
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (const auto m = typeLine.match(line); m.hasMatch()) {
            c.add(m.captured(1), m.captured(2));
        } else if (const auto s = sample.match(line); s.hasMatch()) {
            c.add(s.captured(1), u"gauge"_s);
        }
    }
    return c;
}

QString talkAnnotationsProblem(const QJsonObject &dashboard, const QString &tag)
{
    const QJsonArray list = dashboard.value("annotations"_L1).toObject().value("list"_L1).toArray();
    QStringList seen;
    for (const QJsonValue &v : list) {
        const QJsonObject entry = v.toObject();
        const QJsonObject ds = entry.value("datasource"_L1).toObject();
        const QJsonObject target = entry.value("target"_L1).toObject();
        const QString name = entry.value("name"_L1).toString();
        if (ds.value("type"_L1).toString() != u"grafana"_s || ds.value("uid"_L1).toString() != u"-- Grafana --"_s) {
            seen << u"'%1' asks another data source"_s.arg(name);
        } else if (!entry.value("enable"_L1).toBool()) {
            seen << u"'%1' is not enabled"_s.arg(name);
        } else if (target.value("type"_L1).toString() != u"tags"_s) {
            seen << u"'%1' does not filter by tags"_s.arg(name);
        } else if (target.value("tags"_L1).toArray() != QJsonArray {tag}) {
            seen << u"'%1' filters on other tags than %2 alone"_s.arg(name, tag);
        } else {
            return {};
        }
    }
    return seen.isEmpty() ? u"no annotation query"_s : seen.join(u"; "_s);
}

} // namespace story
