#include "preflight_runner.h"

#include "preflight_prometheus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace presenter {

// The checks that only ask whether a URL answers: Grafana's dashboards, the profile's port-forwards.

namespace {

using Status = PreflightResult::Status;
using preflight::withPath;

} // namespace

void PreflightRunner::checkGrafana()
{
    const QString id = u"grafana"_s;
    const QUrl base = m_config.profile.grafanaUrl;
    if (base.isEmpty()) {
        return report(
            make(id, Status::Skip, u"skipped: no Grafana URL in the profile (grafana_url / --grafana-url)"_s));
    }
    QUrl url = withPath(base, u"/api/search"_s);
    url.setQuery(u"type=dash-db"_s);
    const QStringList wanted = m_config.dashboardUids;
    get(url, [this, id, wanted](int status, const QByteArray &body, const QString &error) {
        if (status == 401 || status == 403) {
            return report(make(id, Status::Fail, u"Grafana refused the search (HTTP %1)"_s.arg(status),
                u"put the Grafana user in the URL (http://admin:PASSWORD@127.0.0.1:3000) or enable anonymous viewing."_s));
        }
        if (status != 200) {
            return report(make(id, Status::Fail, error.isEmpty() ? u"HTTP %1 from /api/search"_s.arg(status) : error,
                u"forward Grafana (kubectl -n crdb-observability port-forward svc/grafana 3000)."_s));
        }
        QStringList found;
        const QJsonArray items = QJsonDocument::fromJson(body).array();
        for (const QJsonValue &v : items) {
            found << v.toObject().value("uid"_L1).toString();
        }
        QStringList missing;
        for (const QString &uid : wanted) {
            if (!found.contains(uid)) {
                missing << uid;
            }
        }
        if (missing.isEmpty() && !wanted.isEmpty()) {
            return report(make(id, Status::Pass, u"dashboards %1 provisioned"_s.arg(wanted.join(u", "_s))));
        }
        report(make(id, Status::Fail,
            wanted.isEmpty() ? u"no dashboard uid to look for"_s
                             : u"missing dashboard(s): %1"_s.arg(missing.join(u", "_s)),
            u"kubectl apply -k k8s/observability/ (ConfigMap grafana-dashboards is generated from grafana/dashboards/ "
            u"by "
            u"grafana/kustomization.yaml) and restart Grafana."_s));
    });
}

void PreflightRunner::checkPortForwards()
{
    const QString id = u"port-forwards"_s;
    struct Target
    {
        QString what;
        QUrl url;
    };
    QList<Target> targets {{u"sample app"_s, withPath(m_config.profile.sampleAppUrl, u"/healthz"_s)},
        {u"Prometheus"_s, withPath(m_config.profile.prometheusUrl, u"/-/ready"_s)}};
    if (!m_config.profile.grafanaUrl.isEmpty()) {
        targets.append({u"Grafana"_s, withPath(m_config.profile.grafanaUrl, u"/api/health"_s)});
    }
    auto state = std::make_shared<std::pair<int, QStringList>>(int(targets.size()), QStringList());
    auto shown = std::make_shared<QStringList>();
    for (const Target &t : std::as_const(targets)) {
        QUrl display = t.url;
        display.setUserInfo({});
        *shown << u"%1 %2"_s.arg(t.what, display.toString());
        get(t.url, [this, id, t, state, shown, display](int status, const QByteArray &, const QString &error) {
            if (status == 0) {
                state->second << u"%1 (%2)"_s.arg(t.what, error);
            }
            if (--state->first > 0) {
                return;
            }
            if (state->second.isEmpty()) {
                return report(make(id, Status::Pass, u"answering: %1"_s.arg(shown->join(u", "_s))));
            }
            report(make(id, Status::Fail, u"not answering: %1"_s.arg(state->second.join(u"; "_s)),
                m_config.profile.clusterKind == ClusterKind::None
                    ? u"start the local stack (demo/local-stack.sh)."_s
                    : u"start the port-forwards (--port-forward, or kubectl port-forward for each URL of the profile)."_s));
        });
    }
}

} // namespace presenter
