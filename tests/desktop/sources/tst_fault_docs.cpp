// The fault commands the docs show are the ones the driver sends. A presenter on stage copies what
// desktop/docs/*.md, k8s/README.md, demo/DEMO.md or a manifest's comment says; a `kill -TERM 1` for
// the StatefulSet signals the pod's pause process (PID 1 under shareProcessNamespace), not
// cockroach. So every documented `kill [-SIG] TARGET` with a fault's signal (TERM, KILL, STOP, CONT,
// 0; none is TERM), in every *.md of the repository and every comment in k8s/**/*.yaml, must be one that
// ClusterDriver's command builder sends for that cluster kind, with the same signal and the same
// target; every path under /cockroach/faults/ must be one the driver uses.
//
// The kind of a documented command: the operator's when it names container `db` (`-c db` in its
// kubectl exec, or "`kill -TERM 1` in container `db`" right after it), else the StatefulSet's, the
// talk's cluster. Targets: a number, `"$(cat FILE)"`, `"$pid"` after `pid=$(cat FILE)` on the same
// line, or `<pid>` (the docs' placeholder for the PID in the driver's PID file).
#include "sources/cluster_driver.h"

#include "test_env.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

struct Documented
{
    QString where; // "k8s/README.md:116"
    QString command; // "kill -TERM 1"
    ClusterKind kind;
    QString signal; // "TERM"
    QString target; // "1" or "pidfile:/cockroach/faults/cockroach.pid"; empty: not resolvable
};

QString kindName(ClusterKind kind)
{
    return kind == ClusterKind::Operator ? u"the operator"_s : u"the StatefulSet"_s;
}

// "signal target" pairs a shell line sends, targets resolved ("$pid" after pid=$(cat FILE)).
QSet<QString> killsIn(const QString &shell)
{
    static const QRegularExpression pidFrom(u"pid=\\$\\(cat\\s+([^)\\s]+)\\)"_s);
    static const QRegularExpression kill(u"kill -(\\w+)\\s+(\"\\$pid\"|\\$pid|\\d+)"_s);
    const auto def = pidFrom.match(shell);
    QSet<QString> out;
    for (auto it = kill.globalMatch(shell); it.hasNext();) {
        const auto m = it.next();
        QString target = m.captured(2);
        if (target.contains(u"$pid"_s)) {
            target = def.hasMatch() ? u"pidfile:"_s + def.captured(1) : QString();
        }
        out.insert(m.captured(1) + u' ' + target);
    }
    return out;
}

// What the driver sends, per kind: the faults it does not refuse there, resume, heal, the probe.
QSet<QString> driverKills(ClusterKind kind)
{
    ClusterDriver driver;
    driver.setKind(kind);
    QList<QStringList> calls;
    for (auto fault : {ClusterDriver::Fault::Stop, ClusterDriver::Fault::KeepDown, ClusterDriver::Fault::Kill,
             ClusterDriver::Fault::Pause}) {
        if (ClusterDriver::faultRefusal(kind, fault, 2).isEmpty()) {
            calls << driver.faultArguments(2, fault);
        }
    }
    calls << driver.shellProbeArguments(2);
    if (kind == ClusterKind::StatefulSet) { // the operator has nothing to resume or heal by signal
        calls << driver.resumeNodeArguments(2) << driver.healArguments(2) << driver.startNodeArguments(2);
    }
    QSet<QString> out;
    for (const QStringList &args : std::as_const(calls)) {
        out += killsIn(args.constLast()); // kubectl exec POD -c C -- bash -c LINE
    }
    return out;
}

// Every *.md of the repository (not the build trees or node_modules) and the comment lines of the
// Kubernetes manifests, as (relative path, line number, text).
QList<std::tuple<QString, int, QString>> documentedLines()
{
    const QDir root(testenv::sourceDir());
    QList<std::tuple<QString, int, QString>> out;
    QDirIterator it(root.path(), {u"*.md"_s, u"*.yaml"_s, u"*.yml"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = root.relativeFilePath(it.next());
        if (path.startsWith(u"build"_s) || path.contains(u"node_modules/"_s) || path.startsWith(u"."_s)) {
            continue;
        }
        const bool manifest = !path.endsWith(u".md"_s);
        if (manifest && !path.startsWith(u"k8s/"_s)) {
            continue;
        }
        QFile f(it.filePath());
        if (!f.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n');
        for (int i = 0; i < lines.size(); ++i) {
            QString line = lines[i];
            if (manifest) {
                const qsizetype hash = line.indexOf(u'#');
                if (hash < 0) {
                    continue;
                }
                line = line.mid(hash); // the comment (a '#' inside a YAML value is rare here)
            }
            out.append({path, i + 1, line});
        }
    }
    return out;
}

QList<Documented> documentedKills()
{
    static const QRegularExpression kill(
        u"\\bkill(?: -(TERM|KILL|STOP|CONT|0))?\\s+(\"?\\$\\(cat\\s+([^)\\s]+)\\)\"?|\"?\\$pid\"?|<pid>|\\d+)"_s);
    static const QRegularExpression operatorAfter(u"^\\S*\\s+in container `db`"_s);
    static const QRegularExpression operatorExec(u"-c\\s+db\\b"_s);
    static const QRegularExpression pidFrom(u"pid=\\$\\(cat\\s+([^)\\s]+)\\)"_s);
    QList<Documented> out;
    for (const auto &[path, number, line] : documentedLines()) {
        for (auto it = kill.globalMatch(line); it.hasNext();) {
            const auto m = it.next();
            Documented d;
            d.where = u"%1:%2"_s.arg(path).arg(number);
            d.command = m.captured(0);
            const QString before = line.left(m.capturedStart());
            d.kind = operatorAfter.match(line.mid(m.capturedEnd())).hasMatch() || operatorExec.match(before).hasMatch()
                ? ClusterKind::Operator
                : ClusterKind::StatefulSet;
            d.signal = m.captured(1).isEmpty() ? u"TERM"_s : m.captured(1); // kill's default
            const QString target = m.captured(2);
            if (!m.captured(3).isEmpty()) {
                d.target = u"pidfile:"_s + m.captured(3);
            } else if (target == u"<pid>") {
                d.target = u"pidfile:"_s + QLatin1StringView(ClusterDriver::kPidFile);
            } else if (target.contains(u"$pid"_s)) {
                const auto def = pidFrom.match(before);
                d.target = def.hasMatch() ? u"pidfile:"_s + def.captured(1) : QString();
            } else {
                d.target = target;
            }
            out.append(d);
        }
    }
    return out;
}

} // namespace

class TestFaultDocs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theDriverSendsWhatThisCheckExpects();
    void everyDocumentedSignalIsTheDrivers();
    void everyFaultPathIsTheDrivers();
};

void TestFaultDocs::theDriverSendsWhatThisCheckExpects()
{
    // The reference the docs are held to, read from the command builder (not copied here), and
    // what it must contain for the check to mean anything: the StatefulSet never signals PID 1;
    // the operator's stop is SIGTERM to PID 1 (cockroach is PID 1 there).
    const QSet<QString> sts = driverKills(ClusterKind::StatefulSet);
    const QString pidFile = u"pidfile:"_s + QLatin1StringView(ClusterDriver::kPidFile);
    for (const QString &k : sts) {
        QVERIFY2(k.endsWith(pidFile), qPrintable(k));
    }
    for (const QString &signal : {u"TERM"_s, u"KILL"_s, u"STOP"_s, u"CONT"_s, u"0"_s}) {
        QVERIFY2(sts.contains(signal + u' ' + pidFile), qPrintable(signal));
    }
    QCOMPARE(driverKills(ClusterKind::Operator), (QSet<QString> {u"TERM 1"_s, u"0 1"_s}));
}

void TestFaultDocs::everyDocumentedSignalIsTheDrivers()
{
    const QSet<QString> sts = driverKills(ClusterKind::StatefulSet);
    const QSet<QString> op = driverKills(ClusterKind::Operator);
    const QList<Documented> documented = documentedKills();
    QStringList problems;
    int operatorCommands = 0;
    for (const Documented &d : documented) {
        const QSet<QString> &sent = d.kind == ClusterKind::Operator ? op : sts;
        operatorCommands += d.kind == ClusterKind::Operator ? 1 : 0;
        if (d.target.isEmpty()) {
            problems << u"%1: `%2`: $pid is not defined on that line (pid=$(cat %3))"_s.arg(
                d.where, d.command, QLatin1StringView(ClusterDriver::kPidFile));
        } else if (!sent.contains(d.signal + u' ' + d.target)) {
            QStringList theirs;
            for (const QString &k : sent) {
                if (k.startsWith(d.signal + u' ')) {
                    theirs << k.mid(d.signal.size() + 1).replace(u"pidfile:"_s, u"the PID in "_s);
                }
            }
            problems << u"%1: `%2` for %3, but the driver sends %4 to %5"_s.arg(d.where, d.command, kindName(d.kind),
                d.signal == u"0" ? u"signal 0"_s : u"SIG"_s + d.signal,
                theirs.isEmpty() ? u"nothing (it never sends it there)"_s : theirs.join(u" or "_s));
        }
    }
    qInfo("%lld documented fault signals, %d of them the operator's", documented.size(), operatorCommands);
    // The check found the docs' commands (a regex that matches nothing passes nothing).
    QVERIFY2(documented.size() >= 10, qPrintable(QString::number(documented.size())));
    QVERIFY(operatorCommands >= 1);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestFaultDocs::everyFaultPathIsTheDrivers()
{
    static const QRegularExpression path(u"/cockroach/faults(/[\\w.-]*)?"_s);
    const QSet<QString> known {QLatin1StringView(ClusterDriver::kFaultDir), QLatin1StringView(ClusterDriver::kPidFile),
        QLatin1StringView(ClusterDriver::kHoldFile), QLatin1StringView(ClusterDriver::kFaultDir) + u"/"_s};
    QStringList problems;
    int found = 0;
    for (const auto &[file, number, line] : documentedLines()) {
        for (auto it = path.globalMatch(line); it.hasNext();) {
            const QString p = it.next().captured();
            ++found;
            if (!known.contains(p)) {
                problems << u"%1:%2: %3 is not a path the driver uses"_s.arg(file).arg(number).arg(p);
            }
        }
    }
    QVERIFY(found >= 5);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestFaultDocs)
#include "tst_fault_docs.moc"
