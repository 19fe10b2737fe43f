#pragma once

#include <QList>
#include <QString>

// One line of the pre-flight checklist: a plain value, filled by PreflightRunner and shown by the
// CLI (`presenter --preflight`) and the GUI alike.
struct PreflightResult
{
    enum class Status { Pass, Fail, Skip };

    QString id; // stable key: "kube-access", "pods", ...
    QString name; // "kubectl context and namespace"
    Status status = Status::Fail;
    QString detail; // what was found
    QString fix; // one sentence: what to do when it fails (empty on pass)

    // "PASS  name: detail" / "FAIL  name: detail. Fix: fix" / "SKIP  name: detail".
    QString line() const;
    static QString statusName(Status status); // "PASS", "FAIL", "SKIP"
};

// True when no check failed. A skipped check counts as passed: it skips only what the profile
// does not have (no Kubernetes or no CockroachDB on the local stack, no Grafana URL), and its line
// says so; a check that could not reach what the profile names fails.
bool preflightPassed(const QList<PreflightResult> &results);
