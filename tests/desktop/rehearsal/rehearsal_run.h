#pragma once

// The real presenter binary run as `presenter --rehearse` by the rehearsal tests, and its go/no-go
// table read back (desktop/docs/REHEARSAL.md "The table").
#include "test_env.h"

#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTest>

namespace rehearsaltest {

inline QString presenterBinary()
{
    return qEnvironmentVariable("PRESENTER_BIN");
}

struct Run
{
    int exitCode = -1; // -1: it crashed, or was killed at the time limit
    QString output; // stdout and stderr merged
    qint64 wallMs = 0;
};

// From the repository root (the plan's SQL paths are relative to it), with `env`. The event loop
// runs while it waits: a test's in-process servers (the fake Kubernetes API) keep answering.
inline Run runPresenter(const QStringList &args, const QProcessEnvironment &env, int timeoutMs = 170000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(testenv::sourceDir());
    p.setProcessEnvironment(env);
    QElapsedTimer wall;
    wall.start();
    p.start(presenterBinary(), args);
    Run run;
    if (!p.waitForStarted(10000)) {
        run.output = p.errorString();
        return run;
    }
    if (!QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
    }
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.output = QString::fromUtf8(p.readAll());
    run.wallMs = wall.elapsed();
    return run;
}

// The go/no-go table's lines for one beat: its header line, then its "action" and "verdict" lines.
struct TableBeat
{
    QString result; // GO, NO-GO, SKIPPED
    QStringList actions;
    QStringList verdicts;
};

inline QMap<QString, TableBeat> parseTable(const QString &output)
{
    QMap<QString, TableBeat> beats;
    const qsizetype start = output.indexOf(QStringLiteral("Go/no-go:"));
    if (start < 0) {
        return beats;
    }
    static const QRegularExpression header(QStringLiteral("^(GO|NO-GO|SKIPPED)\\s+(\\S+)"));
    QString current;
    for (const QString &line : output.mid(start).split(u'\n')) {
        if (const auto m = header.match(line); m.hasMatch()) {
            current = m.captured(2);
            beats[current].result = m.captured(1);
        } else if (!current.isEmpty() && line.startsWith(QStringLiteral("    action  "))) {
            beats[current].actions << line.mid(12);
        } else if (!current.isEmpty() && line.startsWith(QStringLiteral("    verdict "))) {
            beats[current].verdicts << line.mid(12);
        }
    }
    return beats;
}

} // namespace rehearsaltest
