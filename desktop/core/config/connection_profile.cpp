#include "connection_profile.h"

#include "data_paths.h"
#include "demo_plan.h"

#include "pgkit/pg_connection.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

bool checkHttpUrl(const QUrl &url, const QString &what, QString *error)
{
    if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1) || url.host().isEmpty()) {
        // Errors are shown and logged: never with the password a URL may carry, also where a
        // malformed URL puts it (in the path of "http:/user:password@host"; in the fragment or the
        // query of "htxp://user:#password@host", which QUrl reads as host "user", an empty port
        // and a fragment: neither is quoted).
        const QUrl::FormattingOptions shown = QUrl::RemovePassword | QUrl::RemoveQuery | QUrl::RemoveFragment;
        *error = u"%1: expected an http:// or https:// URL with a host, got '%2'"_s.arg(
            what, pgkit::maskPasswords(url.toString(shown), url.toString()));
        return false;
    }
    return true;
}

void setError(QString *error, const QString &text)
{
    if (error) {
        *error = text;
    }
}

} // namespace

QString ConnectionProfile::kindName(ClusterKind kind)
{
    switch (kind) {
    case ClusterKind::Operator:
        return u"operator"_s;
    case ClusterKind::None:
        return u"none"_s;
    case ClusterKind::StatefulSet:
        break;
    }
    return u"statefulset"_s;
}

std::optional<ClusterKind> ConnectionProfile::kindFromName(const QString &name)
{
    if (name == "statefulset"_L1) {
        return ClusterKind::StatefulSet;
    }
    if (name == "operator"_L1) {
        return ClusterKind::Operator;
    }
    if (name == "none"_L1) {
        return ClusterKind::None;
    }
    return std::nullopt;
}

QUrl ConnectionProfile::feedUrl() const
{
    QUrl u = sampleAppUrl;
    u.setScheme(sampleAppUrl.scheme() == "https"_L1 ? u"wss"_s : u"ws"_s);
    QString path = u.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    u.setPath(path + u"/ws"_s);
    u.setQuery(QString());
    return u;
}

QString ConnectionProfile::clusterCaFile() const
{
    const QString mode = pgkit::conninfoValue(sqlConninfo, "sslmode");
    if (mode != u"verify-ca" && mode != u"verify-full") {
        return {};
    }
    return pgkit::conninfoValue(sqlConninfo, "sslrootcert");
}

QStringList ConnectionProfile::kubectlGlobalArgs() const
{
    QStringList args;
    if (!kubeContext.isEmpty()) {
        args << u"--context"_s << kubeContext;
    }
    return args;
}

bool ConnectionProfile::validate(QString *error) const
{
    QString e;
    if (!checkHttpUrl(sampleAppUrl, u"sample app URL (sampleapp_url, --sampleapp-url)"_s, &e)
        || !checkHttpUrl(prometheusUrl, u"Prometheus URL (prometheus_url, --prometheus-url)"_s, &e)
        || (!grafanaUrl.isEmpty() && !checkHttpUrl(grafanaUrl, u"Grafana URL (grafana_url, --grafana-url)"_s, &e))) {
        setError(error, e);
        return false;
    }
    if (!sqlConninfo.isEmpty() && !pgkit::validateConninfo(sqlConninfo, &e)) {
        setError(error, u"SQL URL (sql_url, --sql-url): %1"_s.arg(e));
        return false;
    }
    if (kubeNamespace.isEmpty()) {
        setError(error, u"namespace (namespace, --namespace) must not be empty"_s);
        return false;
    }
    if (replicationFactor < 1 || replicationFactor > 9) {
        setError(error,
            u"replication factor (replication_factor, --replication-factor) must be 1..9, got %1"_s.arg(
                replicationFactor));
        return false;
    }
    if (const QString why = DemoPlan::replicationFactorRefusal(replicationFactor); !why.isEmpty()) {
        setError(error,
            u"replication factor (replication_factor, --replication-factor) %1: %2"_s.arg(replicationFactor).arg(why));
        return false;
    }
    if (planPath.isEmpty()) {
        setError(error, u"plan (plan, --plan) must not be empty"_s);
        return false;
    }
    return true;
}

ConnectionProfile ConnectionProfile::fromJsonFile(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        setError(error, u"profile %1: %2"_s.arg(path, f.errorString()));
        return {};
    }
    return fromJson(f.readAll(), error, path);
}

ConnectionProfile ConnectionProfile::fromJson(const QByteArray &json, QString *error, const QString &origin)
{
    const QString where = origin.isEmpty() ? u"profile"_s : u"profile %1"_s.arg(origin);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        setError(error,
            u"%1: not a JSON object (%2 at offset %3)"_s.arg(where, parseError.errorString()).arg(parseError.offset));
        return {};
    }
    const QJsonObject o = doc.object();
    static const QStringList known = {u"sampleapp_url"_s, u"prometheus_url"_s, u"grafana_url"_s, u"sql_url"_s,
        u"kube_context"_s, u"namespace"_s, u"cluster_kind"_s, u"replication_factor"_s, u"control_token"_s,
        u"port_forward"_s, u"plan"_s, u"description"_s};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            setError(error, u"%1: unknown field '%2' (known: %3)"_s.arg(where, it.key(), known.join(u", "_s)));
            return {};
        }
    }
    ConnectionProfile p;
    QString e;
    auto string = [&](const QString &key, QString *out) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) {
            return true;
        }
        if (!v.isString()) {
            e = u"%1: field %2 must be a string"_s.arg(where, key);
            return false;
        }
        *out = v.toString();
        return true;
    };
    QString sampleApp = p.sampleAppUrl.toString();
    QString prometheus = p.prometheusUrl.toString();
    QString sql;
    QString grafana;
    QString kind = kindName(p.clusterKind);
    QString description;
    if (!string(u"sampleapp_url"_s, &sampleApp) || !string(u"prometheus_url"_s, &prometheus)
        || !string(u"grafana_url"_s, &grafana) || !string(u"sql_url"_s, &sql)
        || !string(u"kube_context"_s, &p.kubeContext) || !string(u"namespace"_s, &p.kubeNamespace)
        || !string(u"cluster_kind"_s, &kind) || !string(u"control_token"_s, &p.controlToken)
        || !string(u"plan"_s, &p.planPath) || !string(u"description"_s, &description)) {
        setError(error, e);
        return {};
    }
    p.sampleAppUrl = QUrl(sampleApp, QUrl::StrictMode);
    p.prometheusUrl = QUrl(prometheus, QUrl::StrictMode);
    p.grafanaUrl = grafana.isEmpty() ? QUrl() : QUrl(grafana, QUrl::StrictMode);
    p.sqlConninfo = sql.toUtf8();
    const auto k = kindFromName(kind);
    if (!k) {
        setError(error,
            u"%1: field cluster_kind must be \"statefulset\", \"operator\" or \"none\", got \"%2\""_s.arg(where, kind));
        return {};
    }
    p.clusterKind = *k;
    if (o.contains("replication_factor"_L1)) {
        const QJsonValue v = o.value("replication_factor"_L1);
        if (!v.isDouble() || v.toDouble() != double(v.toInt())) {
            setError(error, u"%1: field replication_factor must be an integer"_s.arg(where));
            return {};
        }
        p.replicationFactor = v.toInt();
    }
    if (o.contains("port_forward"_L1)) {
        const QJsonValue v = o.value("port_forward"_L1);
        if (!v.isBool()) {
            setError(error, u"%1: field port_forward must be true or false"_s.arg(where));
            return {};
        }
        p.portForward = v.toBool();
    }
    if (!p.validate(&e)) {
        setError(error, u"%1: %2"_s.arg(where, e));
        return {};
    }
    return p;
}

void ConnectionProfile::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {u"profile"_s, u"Connection profile (JSON, e.g. demo/profiles/kind.json); flags override it."_s, u"file"_s},
        {u"sampleapp-url"_s, u"Sample app base URL (default http://127.0.0.1:8080); the feed is <url>/ws."_s, u"url"_s},
        {u"prometheus-url"_s, u"Prometheus base URL (default http://127.0.0.1:9090)."_s, u"url"_s},
        {u"grafana-url"_s,
            u"Grafana base URL for the pre-flight and the talk's annotations (none by default); may carry user:password or api_key:TOKEN."_s,
            u"url"_s},
        {u"sql-url"_s, u"libpq URL used to run the phase SQL files (an admin user)."_s, u"url"_s},
        {u"kube-context"_s, u"kubectl context (default: kubectl's current context)."_s, u"name"_s},
        {u"namespace"_s, u"Kubernetes namespace of CockroachDB and the sample app (default crdb-evolution)."_s,
            u"ns"_s},
        {u"cluster-kind"_s,
            u"statefulset (scale 1..N), operator (CrdbCluster, 3 nodes and more) or none (no Kubernetes: the local stack)."_s,
            u"kind"_s},
        {u"replication-factor"_s, u"Current replication factor: the cluster is never scaled below it (default 1)."_s,
            u"n"_s},
        {u"control-token"_s, u"Bearer token for the sample app's load and spike commands (APP_CONTROL_TOKEN)."_s,
            u"token"_s},
        {u"port-forward"_s, u"Start and supervise kubectl port-forward for the sample app and Prometheus."_s},
        {u"plan"_s, u"Demo plan (default demo/plan.json)."_s, u"file"_s},
    });
}

bool ConnectionProfile::applyOptions(const QCommandLineParser &parser, QString *error)
{
    return applyOptions(parser, DataPaths::forThisProcess(), QDir::currentPath(), error);
}

bool ConnectionProfile::applyOptions(
    const QCommandLineParser &parser, const DataPaths &paths, const QString &cwd, QString *error)
{
    if (parser.isSet(u"profile"_s)) {
        const QString given = parser.value(u"profile"_s);
        const std::optional<QString> found = paths.find(given, cwd);
        if (!found) {
            setError(error, u"--profile: %1"_s.arg(paths.whereLooked(given, cwd)));
            return false;
        }
        QString e;
        ConnectionProfile loaded = fromJsonFile(*found, &e);
        if (!e.isEmpty()) {
            setError(error, u"--profile: %1"_s.arg(e));
            return false;
        }
        *this = loaded;
    }
    auto url = [&](const QString &flag, QUrl *out) {
        if (parser.isSet(flag)) {
            *out = QUrl(parser.value(flag), QUrl::StrictMode);
            QString e;
            if (!checkHttpUrl(*out, u"--"_s + flag, &e)) {
                setError(error, e);
                return false;
            }
        }
        return true;
    };
    if (!url(u"sampleapp-url"_s, &sampleAppUrl) || !url(u"prometheus-url"_s, &prometheusUrl)
        || !url(u"grafana-url"_s, &grafanaUrl)) {
        return false;
    }
    if (parser.isSet(u"sql-url"_s)) {
        sqlConninfo = parser.value(u"sql-url"_s).toUtf8();
        QString e;
        if (!pgkit::validateConninfo(sqlConninfo, &e)) {
            setError(error, u"--sql-url: %1"_s.arg(e));
            return false;
        }
    }
    if (parser.isSet(u"kube-context"_s)) {
        kubeContext = parser.value(u"kube-context"_s);
    }
    if (parser.isSet(u"namespace"_s)) {
        kubeNamespace = parser.value(u"namespace"_s);
    }
    if (parser.isSet(u"cluster-kind"_s)) {
        const auto k = kindFromName(parser.value(u"cluster-kind"_s));
        if (!k) {
            setError(error,
                u"--cluster-kind: expected statefulset, operator or none, got '%1'"_s.arg(
                    parser.value(u"cluster-kind"_s)));
            return false;
        }
        clusterKind = *k;
    }
    if (parser.isSet(u"replication-factor"_s)) {
        bool ok = false;
        replicationFactor = parser.value(u"replication-factor"_s).toInt(&ok);
        if (!ok) {
            setError(error,
                u"--replication-factor: expected an integer, got '%1'"_s.arg(parser.value(u"replication-factor"_s)));
            return false;
        }
    }
    if (parser.isSet(u"control-token"_s)) {
        controlToken = parser.value(u"control-token"_s);
    }
    if (parser.isSet(u"port-forward"_s)) {
        portForward = true;
    }
    if (parser.isSet(u"plan"_s)) {
        planPath = parser.value(u"plan"_s);
    }
    planPath = paths.resolve(planPath, cwd);
    return validate(error);
}

} // namespace presenter
