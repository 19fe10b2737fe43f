#include "preflight_runner.h"

#include "preflight_prometheus.h"
#include "sources/node_status_client.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace presenter {

// The checks that ask CockroachDB itself: its SQL (replication factor, licence) and its HTTP
// port (the licence throttle, the node API with the presenter's login).

namespace {

using Status = PreflightResult::Status;
using preflight::withPath;

const QString kNoCockroach = u"skipped: no CockroachDB (local stack: PostgreSQL has no zone configs or licence)"_s;

} // namespace

void PreflightRunner::checkReplicationFactor()
{
    const QString id = u"replication-factor"_s;
    const ClusterKind kind = m_config.profile.clusterKind;
    if (kind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    if (m_config.profile.sqlConninfo.isEmpty()) {
        return report(make(id, Status::Fail, u"no SQL URL in the profile"_s,
            u"set sql_url / --sql-url to an admin user of the cluster (forward svc/crdb-writer to 26257)."_s));
    }
    const int expected = m_config.position.expectedReplicationFactor(kind);
    const quint64 round = m_round;
    runPreflightQuery(this, m_config.profile.sqlConninfo, m_config.queries.zoneConfig,
        [this, id, expected, round](const QList<SqlRow> &rows, const QString &error) {
            if (round != m_round) {
                return;
            }
            if (!error.isEmpty()) {
                return report(make(id, Status::Fail, u"cannot read the zone config: %1"_s.arg(error),
                    u"check the SQL URL (an admin user) and that svc/crdb-writer is forwarded."_s));
            }
            QString parseError;
            const auto rf = replicationFactorFromZoneRows(rows, &parseError);
            if (!rf) {
                return report(make(
                    id, Status::Fail, parseError, u"read it by hand: SHOW ZONE CONFIGURATION FROM RANGE default."_s));
            }
            const QString where = m_config.position.describe();
            if (*rf == expected) {
                return report(make(id, Status::Pass,
                    u"RANGE default num_replicas = %1, as the plan expects %2"_s.arg(*rf).arg(where)));
            }
            report(make(id, Status::Fail,
                u"RANGE default num_replicas = %1; the plan expects %2 %3"_s.arg(*rf).arg(expected).arg(where),
                u"run the phase SQL that sets RF %1 (sql/01-phase0-rf1.sql for RF 1, sql/20-phase2-rf3.sql for RF 3) "
                u"or pass --preflight-at the beat you resume at."_s.arg(expected)));
        });
}

void PreflightRunner::checkLicence()
{
    const QString id = u"licence"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    if (m_config.profile.sqlConninfo.isEmpty()) {
        return report(make(id, Status::Fail, u"no SQL URL in the profile"_s,
            u"set sql_url / --sql-url to an admin user of the cluster (forward svc/crdb-writer to 26257)."_s));
    }
    // Two answers: the key and the init time (SQL), the enforcer's own dates (/_status/throttling,
    // preflight_sql.h). The verdict waits for both.
    struct Pending
    {
        int left = 2;
        std::optional<LicenceState> sql;
        QString sqlError;
        std::optional<ThrottlingMetadata> throttling;
        QString throttlingError;
    };
    auto pending = std::make_shared<Pending>();
    auto judge = [this, id, pending] {
        if (--pending->left > 0) {
            return;
        }
        if (!pending->sql) {
            return report(make(id, Status::Fail, u"cannot read the licence state: %1"_s.arg(pending->sqlError),
                u"check the SQL URL (an admin user can read enterprise.license and system.migrations)."_s));
        }
        LicenceState state = *pending->sql;
        state.throttling = pending->throttling;
        state.throttlingError = pending->throttlingError;
        report(judgeLicence(state, m_config.now(), m_config.licenceMarginHours));
    };
    const quint64 round = m_round;
    runPreflightQuery(this, m_config.profile.sqlConninfo, m_config.queries.licence,
        [this, round, pending, judge](const QList<SqlRow> &rows, const QString &error) {
            if (round != m_round) {
                return;
            }
            pending->sqlError = error;
            if (error.isEmpty()) {
                pending->sql = licenceStateFromRows(rows, &pending->sqlError);
            }
            judge();
        });
    readThrottling([pending, judge](std::optional<ThrottlingMetadata> throttling, const QString &error) {
        pending->throttling = std::move(throttling);
        pending->throttlingError = error;
        judge();
    });
}

void PreflightRunner::readThrottling(
    std::function<void(std::optional<ThrottlingMetadata> throttling, const QString &error)> then)
{
    nodeLogin([this, then](const QByteArray &session, int, const QString &loginError) {
        if (!loginError.isEmpty()) {
            return then(std::nullopt, loginError);
        }
        const QUrl url = withPath(m_config.nodeHttpUrl, u"/_status/throttling"_s);
        // The session as DB Console sends it (cookie) and as the v2 API takes it (header); which one
        // the /_status gateway reads on a secure cluster is unverified, so both.
        Headers headers;
        if (!session.isEmpty()) {
            headers = {{"X-Cockroach-API-Session", session}, {"Cookie", "session=" + session}};
        }
        get(
            url,
            [then](int status, const QByteArray &body, const QString &error) {
                if (status != 200) {
                    return then(
                        std::nullopt, error.isEmpty() ? u"/_status/throttling answered HTTP %1"_s.arg(status) : error);
                }
                QString parseError;
                auto throttling = parseThrottlingMetadata(body, &parseError);
                then(std::move(throttling), parseError);
            },
            headers);
    });
}

void PreflightRunner::nodeLogin(std::function<void(const QByteArray &session, int status, const QString &error)> then)
{
    const NodeApiLogin login = nodeApiLoginFrom(m_config.profile.sqlConninfo);
    if (login.password.isEmpty()) {
        return then({}, 0, {});
    }
    // pkg/server/authserver/api_v2_auth.go, login: form fields username and password.
    // Encoded by hand: QUrlQuery leaves '+' alone, which a form decoder reads as a space.
    const QByteArray form
        = "username=" + QUrl::toPercentEncoding(login.user) + "&password=" + QUrl::toPercentEncoding(login.password);
    post(withPath(m_config.nodeHttpUrl, u"/api/v2/login/"_s), form,
        [login, then](int status, const QByteArray &body, const QString &error) {
            if (status != 200) {
                return then({}, status,
                    error.isEmpty() ? u"login as %1 refused by /api/v2/login/ (HTTP %2: %3)"_s.arg(login.user)
                                          .arg(status)
                                          .arg(QString::fromUtf8(body).simplified().left(120))
                                    : error);
            }
            const QByteArray session = QJsonDocument::fromJson(body).object().value("session"_L1).toString().toUtf8();
            if (session.isEmpty()) {
                return then({}, status, u"/api/v2/login/ answered without a session"_s);
            }
            then(session, status, {});
        });
}

namespace {

// /api/v2/nodes/'s answer as the node-api line: its status, what it says, and whether the fix is
// an admin login (else: the port-forward).
struct NodesVerdict
{
    Status status = Status::Fail;
    QString detail;
    bool adminFix = false;
};

NodesVerdict judgeNodesAnswer(int status, const QByteArray &body, const QString &error, const QString &user,
    const QString &as, const QUrl &nodeUrl)
{
    if (status == 0) {
        return {Status::Fail, error};
    }
    if (status == 403) {
        return {Status::Fail,
            u"user %1 is not admin: /api/v2/nodes/ answered 403 (it is registered for the admin role)"_s.arg(user),
            true};
    }
    if (status == 401) {
        return {Status::Fail,
            u"%1: /api/v2/nodes/ answered 401 (a secure cluster needs a login: a password in the SQL URL)"_s.arg(as),
            true};
    }
    QString parseError;
    const auto nodes = status == 200 ? parseNodesResponse(body, &parseError) : std::nullopt;
    if (!nodes || nodes->isEmpty()) {
        return {Status::Fail,
            status == 200 ? u"%1: /api/v2/nodes/ answered 200 without nodes (%2)"_s.arg(as, parseError)
                          : u"%1: /api/v2/nodes/ answered HTTP %2"_s.arg(as).arg(status)};
    }
    return {Status::Pass,
        u"%1 read /api/v2/nodes/ at %2: %3 node(s), as the node-status client will"_s.arg(as)
            .arg(nodeUrl.toString())
            .arg(nodes->size())};
}

} // namespace

void PreflightRunner::checkNodeApi()
{
    // /api/v2/nodes/ is registered for the admin role (cockroachdb/cockroach pkg/server/api_v2.go,
    // registerRoutes: {"nodes/", a.listNodes, true, adminRole, noOption}; "If the user is not at
    // least of type `role` ... an HTTP 403 forbidden error is returned"). The node-status client
    // reads it with the profile's login; this proves that login can, before the talk.
    const QString id = u"node-api"_s;
    if (m_config.profile.clusterKind == ClusterKind::None) {
        return report(make(id, Status::Skip, kNoCockroach));
    }
    const NodeApiLogin login = nodeApiLoginFrom(m_config.profile.sqlConninfo);
    const QString user = login.user.isEmpty() ? u"(the SQL URL names no user)"_s : login.user;
    const QString forwardFix
        = u"forward crdb-0's HTTP port as the presenter does (kubectl -n %1 port-forward "
          u"pod/crdb-0 %2:8080; the presenter with --port-forward starts it)."_s.arg(m_config.profile.kubeNamespace)
              .arg(m_config.nodeHttpUrl.port(18080));
    const QString adminFix = u"log in as an admin user: put one in the profile's sql_url (GRANT admin TO %1, or "
                             u"the cluster's root user with a password)."_s.arg(user);
    nodeLogin(
        [this, id, user, forwardFix, adminFix](const QByteArray &session, int loginStatus, const QString &loginError) {
            if (!loginError.isEmpty()) {
                return report(make(id, Status::Fail, loginError, loginStatus == 0 ? forwardFix : adminFix));
            }
            Headers headers;
            if (!session.isEmpty()) {
                headers = {{"X-Cockroach-API-Session", session}};
            }
            const QString as = session.isEmpty() ? u"no login (no password in the SQL URL)"_s : u"user %1"_s.arg(user);
            get(
                withPath(m_config.nodeHttpUrl, u"/api/v2/nodes/"_s),
                [this, id, user, as, forwardFix, adminFix](int status, const QByteArray &body, const QString &error) {
                    const NodesVerdict v = judgeNodesAnswer(status, body, error, user, as, m_config.nodeHttpUrl);
                    report(make(id, v.status, v.detail, v.adminFix ? adminFix : forwardFix));
                },
                headers);
        });
}

} // namespace presenter
