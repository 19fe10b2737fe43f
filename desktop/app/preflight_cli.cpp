#include "preflight_cli.h"

#include "session/presenter_session.h"

#include <QCoreApplication>
#include <QSet>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace presenter {

bool preflightConfigFor(const AppOptions &options, PreflightConfig *config, QString *error)
{
    QStringList planErrors;
    const auto plan = DemoPlan::load(options.profile.planPath, &planErrors);
    if (!plan) {
        *error = u"the demo plan does not validate: %1"_s.arg(planErrors.join(u"; "_s));
        return false;
    }
    PreflightConfig c;
    c.profile = options.profile;
    if (options.preflightAt.isEmpty()) {
        c.position = PlanPosition::before(*plan, 0);
    } else {
        const auto position = PlanPosition::beforeBeat(*plan, options.preflightAt, error);
        if (!position) {
            *error = u"--preflight-at: %1"_s.arg(*error);
            return false;
        }
        c.position = *position;
    }
    // Where the node-status client reads crdb-0 (its port-forward, PresenterSession).
    c.nodeHttpUrl = PreflightConfig::nodeHttpUrlFor(c.profile, PresenterSession::kNodeStatusBasePort);
    QString uidError;
    c.dashboardUids = PreflightConfig::dashboardUidsIn(u"."_s, &uidError);
    *config = c;
    return true;
}

int runPreflightCli(const AppOptions &options)
{
    PreflightConfig config;
    QString error;
    if (!preflightConfigFor(options, &config, &error)) {
        std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
        return 2;
    }
    std::printf("Pre-flight %s (cluster kind %s, namespace %s):\n", qPrintable(config.position.describe()),
        qPrintable(ConnectionProfile::kindName(config.profile.clusterKind)), qPrintable(config.profile.kubeNamespace));
    PreflightRunner runner;
    runner.setConfig(config);
    // A check that cannot know yet says so once, then re-checks by itself (bounded).
    QSet<QString> waitingShown;
    QObject::connect(&runner, &PreflightRunner::checkUpdated, &runner, [&waitingShown](const PreflightResult &r) {
        if (r.status == PreflightResult::Status::Wait && !waitingShown.contains(r.id)) {
            waitingShown.insert(r.id);
            std::printf("%s\n", qPrintable(r.line()));
            std::fflush(stdout);
        }
    });
    int rc = 1;
    QObject::connect(&runner, &PreflightRunner::finished, &runner, [&rc](const QList<PreflightResult> &results) {
        for (const PreflightResult &r : results) {
            std::printf("%s\n", qPrintable(r.line()));
        }
        rc = preflightPassed(results) ? 0 : 1;
        std::printf("%s\n", rc == 0 ? "Pre-flight passed (SKIP and WARN count as passed)." : "Pre-flight FAILED.");
        std::fflush(stdout);
        QCoreApplication::quit();
    });
    runner.run();
    QCoreApplication::exec();
    return rc;
}

} // namespace presenter
