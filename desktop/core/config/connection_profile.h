#pragma once

#include "cluster_kind.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

class QCommandLineParser;

namespace presenter {

class DataPaths;

// Where the presenter's sources connect: a JSON profile file (demo/profiles/*.json) with
// command-line flags on top. Every error names the JSON field or the flag it came from.
//
// JSON fields (all optional; unknown fields are refused so that typos do not pass silently):
//   sampleapp_url  prometheus_url  grafana_url  sql_url  kube_context  namespace  cluster_kind
//   replication_factor  control_token  port_forward  plan
// Flags: --profile FILE, --sampleapp-url URL, --prometheus-url URL, --grafana-url URL, --sql-url URL,
//        --kube-context NAME, --namespace NS, --cluster-kind statefulset|operator,
//        --replication-factor N, --control-token TOKEN, --port-forward, --plan FILE
// A relative path (--profile, the plan from a profile or --plan) is read from the current folder
// first, then from the shipped data (DataPaths: the checkout, or share/crdb-live-evolution once
// installed); applyOptions leaves planPath absolute when it found the file.
struct ConnectionProfile
{
    QUrl sampleAppUrl {QStringLiteral("http://127.0.0.1:8080")};
    QUrl prometheusUrl {QStringLiteral("http://127.0.0.1:9090")};
    QUrl grafanaUrl; // empty = none (the pre-flight skips Grafana); may carry user:password
    QByteArray sqlConninfo; // libpq URL or key=value conninfo (admin user: phase SQL creates roles)
    QString kubeContext; // empty = kubectl's current context
    QString kubeNamespace {QStringLiteral("crdb-evolution")};
    ClusterKind clusterKind = ClusterKind::StatefulSet;
    int replicationFactor = 1;
    QString controlToken; // sample app APP_CONTROL_TOKEN; empty = open
    bool portForward = false; // start `kubectl port-forward` for the sample app and Prometheus
    QString planPath {QStringLiteral("demo/plan.json")};

    // ws://host:port/ws derived from sampleAppUrl (wss for https).
    QUrl feedUrl() const;
    // The cluster's CA: the SQL URL's sslrootcert when it verifies the server (sslmode verify-ca or
    // verify-full), else empty. A cluster whose SQL port is verified that way is a secure cluster,
    // whose nodes serve their HTTP port (8080) over TLS with certificates from the same CA
    // (cockroachdb/cockroach cloud/kubernetes/cockroachdb-statefulset-secure.yaml: readinessProbe
    // scheme HTTPS on port http): the presenter's node status reads then use https and this CA.
    QString clusterCaFile() const;
    // The kubectl global arguments for this profile (--context when set).
    QStringList kubectlGlobalArgs() const;
    // Checks every field; false with a sentence naming the field.
    bool validate(QString *error) const;

    // Reads and validates a profile file; on error returns defaults and sets *error.
    static ConnectionProfile fromJsonFile(const QString &path, QString *error);
    static ConnectionProfile fromJson(const QByteArray &json, QString *error, const QString &origin = {});

    static void addOptions(QCommandLineParser &parser);
    // Loads --profile first (if given), then applies every other flag on top, then validates.
    // Relative paths through DataPaths::forThisProcess() and the current folder.
    bool applyOptions(const QCommandLineParser &parser, QString *error);
    bool applyOptions(const QCommandLineParser &parser, const DataPaths &paths, const QString &cwd, QString *error);

    static QString kindName(ClusterKind kind);
    static std::optional<ClusterKind> kindFromName(const QString &name);
};

} // namespace presenter
