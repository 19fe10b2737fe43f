#include "preflight_cli.h"

#include "config/data_paths.h"
#include "session/presenter_session.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSet>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

std::optional<DemoPlan> loadPlan(const AppOptions &options, QString *error)
{
    QStringList planErrors;
    auto plan = DemoPlan::load(options.profile.planPath, &planErrors);
    if (!plan) {
        *error = u"the demo plan does not validate: %1"_s.arg(planErrors.join(u"; "_s));
    }
    return plan;
}

bool configFor(const AppOptions &options, const DemoPlan &plan, PreflightConfig *config, QString *error)
{
    PreflightConfig c;
    c.profile = options.profile;
    if (options.preflightAt.isEmpty()) {
        c.position = PlanPosition::before(plan, 0);
    } else {
        const auto position = PlanPosition::beforeBeat(plan, options.preflightAt, error);
        if (!position) {
            *error = u"--preflight-at: %1"_s.arg(*error);
            return false;
        }
        c.position = *position;
    }
    // Where the node-status client reads crdb-0 (its port-forward, PresenterSession).
    c.nodeHttpUrl = PreflightConfig::nodeHttpUrlFor(c.profile, PresenterSession::kNodeStatusBasePort);
    QString uidError;
    c.dashboardUids = PreflightConfig::dashboardUidsIn(DataPaths::forThisProcess().root(), &uidError);
    *config = c;
    return true;
}

// Which files this run reads (the checkout's or the installed ones): the plan, the SQL its beats
// run (each there, or named as missing) and the dashboards.
void printFiles(const AppOptions &options, const DemoPlan &plan, const PreflightConfig &config)
{
    const DataPaths paths = DataPaths::forThisProcess();
    const QString planRoot = DataPaths::rootOfPlan(options.profile.planPath);
    const QStringList sql = plan.sqlFiles();
    const QStringList missing = DataPaths::missingUnder(planRoot, sql);
    std::printf("Files: %s\n", qPrintable(paths.describe()));
    std::printf("  plan %s\n", qPrintable(QFileInfo(options.profile.planPath).absoluteFilePath()));
    std::printf("  SQL %s/sql: %s\n", qPrintable(planRoot),
        qPrintable(missing.isEmpty() ? u"the %1 files the plan runs are there"_s.arg(sql.size())
                                     : u"MISSING %1"_s.arg(missing.join(u", "_s))));
    std::printf("  dashboards %s/grafana/dashboards: %lld with a uid\n", qPrintable(paths.root()),
        static_cast<long long>(config.dashboardUids.size()));
}

} // namespace

bool preflightConfigFor(const AppOptions &options, PreflightConfig *config, QString *error)
{
    const auto plan = loadPlan(options, error);
    return plan && configFor(options, *plan, config, error);
}

int runPreflightCli(const AppOptions &options)
{
    PreflightConfig config;
    QString error;
    const auto plan = loadPlan(options, &error);
    if (!plan || !configFor(options, *plan, &config, &error)) {
        std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
        return 2;
    }
    printFiles(options, *plan, config);
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
