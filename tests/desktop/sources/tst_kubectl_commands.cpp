#include "sources/cluster/kubectl_commands.h"
#include "sources/kubectl_process.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

using namespace presenter;
using kube::Fault;
using kube::KubectlCommands;

// The per-kind command builders, without a process: every argument list, the JSON parsing and the
// exec failures' sentences.
class TestKubectlCommands : public QObject
{
    Q_OBJECT

    static QStringList exec(const QString &pod, const QString &container, const QString &shell)
    {
        return {u"exec"_s, pod, u"-c"_s, container, u"--"_s, u"bash"_s, u"-c"_s, shell};
    }
    static QString pidSignal(const QString &signal)
    {
        return uR"(pid=$(cat /cockroach/faults/cockroach.pid) || exit 2; test "$pid" != 1 || exit 3; kill -%1 "$pid")"_s
            .arg(signal);
    }

private Q_SLOTS:
    void argumentLists_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<QString>("call");
        QTest::addColumn<QStringList>("expected");
        const auto sts = ClusterKind::StatefulSet;
        const auto op = ClusterKind::Operator;
        const QString heal
            = uR"(rm -f /cockroach/faults/hold; pid=$(cat /cockroach/faults/cockroach.pid) && test "$pid" != 1 && kill -CONT "$pid"; exit 0)"_s;
        QTest::addRow("sts scale") << sts << u"scale 2"_s
                                   << QStringList {u"scale"_s, u"statefulset"_s, u"db"_s, u"--replicas=2"_s};
        QTest::addRow("operator scale") << op << u"scale 4"_s
                                        << QStringList {u"patch"_s, u"crdbcluster"_s, u"db"_s, u"--type=merge"_s,
                                               u"-p"_s, u"{\"spec\":{\"nodes\":4}}"_s};
        QTest::addRow("none scales a StatefulSet")
            << ClusterKind::None << u"scale 1"_s
            << QStringList {u"scale"_s, u"statefulset"_s, u"db"_s, u"--replicas=1"_s};
        QTest::addRow("sts workload") << sts << u"workload"_s
                                      << QStringList {u"get"_s, u"statefulset"_s, u"db"_s, u"-o"_s, u"json"_s};
        QTest::addRow("operator workload")
            << op << u"workload"_s << QStringList {u"get"_s, u"crdbcluster"_s, u"db"_s, u"-o"_s, u"json"_s};
        const QStringList pods {
            u"get"_s, u"pods"_s, u"-l"_s, u"app.kubernetes.io/name=cockroachdb"_s, u"-o"_s, u"json"_s};
        QTest::addRow("sts pods") << sts << u"pods"_s << pods;
        QTest::addRow("operator pods") << op << u"pods"_s << pods;
        QTest::addRow("sts stop") << sts << u"stop"_s << exec(u"db-2"_s, u"cockroachdb"_s, pidSignal(u"TERM"_s));
        QTest::addRow("sts keep down") << sts << u"keep down"_s
                                       << exec(u"db-2"_s, u"cockroachdb"_s,
                                              u"touch /cockroach/faults/hold || exit 4; "_s + pidSignal(u"TERM"_s));
        QTest::addRow("sts kill") << sts << u"kill"_s << exec(u"db-2"_s, u"cockroachdb"_s, pidSignal(u"KILL"_s));
        QTest::addRow("sts pause") << sts << u"pause"_s << exec(u"db-2"_s, u"cockroachdb"_s, pidSignal(u"STOP"_s));
        QTest::addRow("sts start") << sts << u"start"_s
                                   << exec(u"db-2"_s, u"cockroachdb"_s, u"rm -f /cockroach/faults/hold"_s);
        QTest::addRow("sts resume") << sts << u"resume"_s << exec(u"db-2"_s, u"cockroachdb"_s, pidSignal(u"CONT"_s));
        QTest::addRow("sts heal") << sts << u"heal"_s << exec(u"db-2"_s, u"cockroachdb"_s, heal);
        QTest::addRow("sts probe") << sts << u"probe"_s << exec(u"db-2"_s, u"cockroachdb"_s, pidSignal(u"0"_s));
        QTest::addRow("operator stop") << op << u"stop"_s << exec(u"db-2"_s, u"db"_s, u"kill -TERM 1"_s);
        QTest::addRow("operator resume") << op << u"resume"_s << exec(u"db-2"_s, u"db"_s, u"kill -CONT 1"_s);
        QTest::addRow("operator probe") << op << u"probe"_s << exec(u"db-2"_s, u"db"_s, u"kill -0 1"_s);
    }

    void argumentLists()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(QString, call);
        QFETCH(QStringList, expected);
        const auto commands = KubectlCommands::forKind(kind, u"db"_s);
        const QStringList words = call.split(u' ');
        const QHash<QString, std::function<QStringList()>> calls {
            {u"scale"_s, [&] { return commands->scale(words.value(1).toInt()); }},
            {u"workload"_s, [&] { return commands->workloadStatus(); }},
            {u"pods"_s, [&] { return commands->podsStatus(); }},
            {u"stop"_s, [&] { return commands->fault(2, Fault::Stop); }},
            {u"keep down"_s, [&] { return commands->fault(2, Fault::KeepDown); }},
            {u"kill"_s, [&] { return commands->fault(2, Fault::Kill); }},
            {u"pause"_s, [&] { return commands->fault(2, Fault::Pause); }},
            {u"start"_s, [&] { return commands->release(2, kube::EndedBy::Start); }},
            {u"resume"_s, [&] { return commands->release(2, kube::EndedBy::Resume); }},
            {u"heal"_s, [&] { return commands->heal(2); }},
            {u"probe"_s, [&] { return commands->shellProbe(2); }},
        };
        const auto it = calls.find(call.startsWith(u"scale"_s) ? u"scale"_s : call);
        QVERIFY2(it != calls.end(), qPrintable(call));
        QCOMPARE((*it)(), expected);
    }

    void startAndResumeAreTheirOwnCalls()
    {
        const auto commands = KubectlCommands::forKind(ClusterKind::StatefulSet, u"crdb"_s);
        QCOMPARE(commands->release(1, kube::EndedBy::Start), commands->startNode(1));
        QCOMPARE(commands->release(1, kube::EndedBy::Resume), commands->resumeNode(1));
        QCOMPARE(commands->release(1, kube::EndedBy::Restart), QStringList()); // the kubelet ends it
        QCOMPARE(commands->podName(12), u"crdb-12"_s);
    }

    void containerAndHealing_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<QString>("container");
        QTest::addColumn<bool>("healsByExec");
        QTest::addRow("statefulset") << ClusterKind::StatefulSet << u"cockroachdb"_s << true;
        QTest::addRow("operator") << ClusterKind::Operator << u"db"_s << false;
        QTest::addRow("none") << ClusterKind::None << u"cockroachdb"_s << true;
    }

    void containerAndHealing()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(QString, container);
        QFETCH(bool, healsByExec);
        const auto commands = KubectlCommands::forKind(kind, u"crdb"_s);
        QCOMPARE(commands->containerName(), container);
        QCOMPARE(commands->healsByExec(), healsByExec);
    }

    void desiredNodes_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("expected"); // -1: nothing
        QTest::addColumn<QString>("error");
        QTest::addRow("sts replicas") << ClusterKind::StatefulSet << QByteArray(R"({"spec":{"replicas":3}})") << 3
                                      << QString();
        QTest::addRow("operator nodes") << ClusterKind::Operator << QByteArray(R"({"spec":{"nodes":5}})") << 5
                                        << QString();
        QTest::addRow("operator reads no replicas")
            << ClusterKind::Operator
            << QByteArray(R"({"kind":"CrdbCluster","metadata":{"name":"crdb"},"spec":{"replicas":3}})") << -1
            << u"CrdbCluster crdb has no spec.nodes"_s;
        QTest::addRow("sts reads no nodes")
            << ClusterKind::StatefulSet << QByteArray(R"({"kind":"StatefulSet","spec":{"nodes":3}})") << -1
            << u"StatefulSet  has no spec.replicas"_s;
        QTest::addRow("no JSON") << ClusterKind::StatefulSet << QByteArray("error: nope") << -1
                                 << u"kubectl printed no JSON object"_s;
    }

    void desiredNodes()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(QByteArray, json);
        QFETCH(int, expected);
        QFETCH(QString, error);
        QString why;
        const auto n = KubectlCommands::forKind(kind, u"crdb"_s)->parseDesiredNodes(json, &why);
        QCOMPARE(n.value_or(-1), expected);
        QVERIFY2(why.startsWith(error), qPrintable(why));
    }

    // Sorted by ordinal (crdb-10 after crdb-9), ready from the Ready condition, the restart count of
    // the named container, and a pod being deleted is Terminating and not ready.
    void pods()
    {
        const QByteArray json = R"({"items":[
            {"metadata":{"name":"crdb-10"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[{"name":"sidecar","restartCount":7},{"name":"db","restartCount":2}]}},
            {"metadata":{"name":"crdb-9","deletionTimestamp":"x"},"status":{"phase":"Running",
             "conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"other","restartCount":1}]}},
            {"metadata":{"name":"crdb-0"},"status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}]}}
        ]})";
        QString error;
        const auto pods = kube::parsePods(json, &error, u"db"_s);
        QVERIFY2(pods, qPrintable(error));
        QCOMPARE(pods->size(), 3);
        QCOMPARE(pods->at(0).name, u"crdb-0"_s);
        QCOMPARE(pods->at(0).ready, false);
        QCOMPARE(pods->at(1).name, u"crdb-9"_s);
        QCOMPARE(pods->at(1).phase, u"Terminating"_s);
        QCOMPARE(pods->at(1).ready, false);
        QCOMPARE(pods->at(1).restarts, 1); // the only container
        QCOMPARE(pods->at(2).name, u"crdb-10"_s);
        QCOMPARE(pods->at(2).ready, true);
        QCOMPARE(pods->at(2).restarts, 2);
        QVERIFY(!kube::parsePods(R"({"kind":"List"})", &error, u"db"_s));
        QCOMPARE(error, u"pod list without items"_s);
    }

    void execFailures_data()
    {
        QTest::addColumn<ClusterKind>("kind");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::addRow("no pid file")
            << ClusterKind::StatefulSet << 2
            << u"crdb-1 has no /cockroach/faults/cockroach.pid: it runs a CockroachDB pod spec "
               u"from before the faults"_s;
        QTest::addRow("pid 1") << ClusterKind::StatefulSet << 3 << u"cockroach is PID 1 in crdb-1"_s;
        QTest::addRow("no hold file") << ClusterKind::StatefulSet << 4
                                      << u"cannot create /cockroach/faults/hold in crdb-1 (kubectl said no)"_s;
        QTest::addRow("other code") << ClusterKind::StatefulSet << 1 << u"kubectl said no"_s;
        QTest::addRow("operator: kubectl's words") << ClusterKind::Operator << 2 << u"kubectl said no"_s;
    }

    void execFailures()
    {
        QFETCH(ClusterKind, kind);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        CommandResult r;
        r.exitCode = exitCode;
        r.error = u"kubectl said no"_s;
        const QString said = KubectlCommands::forKind(kind, u"crdb"_s)->explainExecFailure(u"crdb-1"_s, r);
        QVERIFY2(said.startsWith(expected), qPrintable(said));
    }
};

QTEST_GUILESS_MAIN(TestKubectlCommands)
#include "tst_kubectl_commands.moc"
