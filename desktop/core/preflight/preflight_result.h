#pragma once

#include <QList>
#include <QString>

namespace presenter {

// One line of the pre-flight checklist: a plain value, filled by PreflightRunner and shown by the
// CLI (`presenter --preflight`) and the GUI alike.
struct PreflightResult
{
    // Warn: nothing fails the talk yet, but the line says what will (a licence throttle ahead).
    // Wait: not a verdict; the check cannot know yet and re-checks by itself (progress only, never
    // in finished()).
    enum class Status { Pass, Fail, Skip, Warn, Wait };

    QString id; // stable key: "kube-access", "pods", ...
    QString name; // "kubectl context and namespace"
    Status status = Status::Fail;
    QString detail; // what was found
    QString fix; // one sentence: what to do when it fails (empty on pass)

    // "PASS  name: detail" / "FAIL  name: detail Fix: fix" / "WARN  name: detail Fix: fix" /
    // "SKIP  name: detail" / "WAIT  name: detail".
    QString line() const;
    static QString statusName(Status status); // "PASS", "FAIL", "SKIP", "WARN", "WAIT"
};

// True when no check failed. A skipped check counts as passed: it skips only what the profile
// does not have (no Kubernetes or no CockroachDB on the local stack, no Grafana URL), and its line
// says so; a check that could not reach what the profile names fails. A warning counts as passed
// (its line says what to do before it becomes a failure); a check still waiting has no verdict
// and does not count as passed.
bool preflightPassed(const QList<PreflightResult> &results);

} // namespace presenter
