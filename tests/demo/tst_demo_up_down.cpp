// demo/up.sh and demo/down.sh with the real kubectl against FakeKubeApi + FakeKubeObjects (the one
// fake), reached through a kubeconfig context, as `--context CTX` is used on a real cluster.
// What the fake cannot do is said here and not pretended:
//  - it has no controllers: a stand-in below marks the StatefulSet and Deployments ready once they
//    exist (what the StatefulSet and Deployment controllers and the kubelet do), and FakeKubeObjects
//    marks a Job Complete as soon as it exists;
//  - it serves no OpenAPI document: kubectl apply runs with --validate=false (a kubectl wrapper on
//    PATH adds it; tests/story/validate-manifests.mjs checks the fields);
//  - it does not implement DELETE: down.sh's deletion is checked by the requests it sends;
//  - `up.sh --kind` needs kind and Docker, which are not here: only its refusal is tested.
#include "fake_kube_api.h"
#include "fake_kube_objects.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
const QString kSts = u"/apis/apps/v1/namespaces/crdb-evolution/statefulsets/crdb"_s;
const QString kEvolutionNs = u"/api/v1/namespaces/crdb-evolution"_s;
const QString kObservabilityNs = u"/api/v1/namespaces/crdb-observability"_s;
const QString kManagedBy = u"crdb-live-evolution-up"_s;
// What up.sh waits for to be ready: the controllers' part, played by markReady().
const QStringList kWorkloads = {kSts, u"/apis/apps/v1/namespaces/crdb-observability/deployments/prometheus"_s,
    u"/apis/apps/v1/namespaces/crdb-observability/deployments/grafana"_s,
    u"/apis/apps/v1/namespaces/crdb-evolution/deployments/sampleapp"_s};
} // namespace

class TestDemoUpDown : public QObject
{
    Q_OBJECT

    struct Result
    {
        int exitCode = -1;
        QString output;
    };

    FakeKubeApi m_api;
    std::unique_ptr<FakeKubeObjects> m_objects;
    QTemporaryDir m_tmp;
    QString m_source;
    QString m_kubectl;
    QTimer m_controllers;
    qsizetype m_requestsBefore = 0; // the fake's request log is shared by the test functions

    // The fake answers on this thread: wait in an event loop, never in waitForFinished().
    Result run(const QString &program, const QStringList &args, const QByteArray &input = {},
        const QProcessEnvironment &env = {})
    {
        QProcess process;
        process.setWorkingDirectory(m_source);
        process.setProcessEnvironment(env.isEmpty() ? scriptEnv() : env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        QEventLoop loop;
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(240000, &loop, &QEventLoop::quit);
        process.start(program, args);
        process.write(input);
        process.closeWriteChannel();
        loop.exec();
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
            return {-1, u"timed out: %1 %2"_s.arg(program, args.join(u' '))};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll())};
    }

    Result script(const QString &name, const QStringList &args, const QByteArray &input = {})
    {
        return run(u"bash"_s, QStringList {m_source + u"/demo/"_s + name} + args, input);
    }

    // The real kubectl, with a kubeconfig whose context fake-ctx is the fake (and whose current
    // context is another, unreachable one: only --context reaches the fake).
    QProcessEnvironment scriptEnv() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PATH"_s, m_tmp.filePath(u"bin"_s) + u':' + env.value(u"PATH"_s));
        env.insert(u"HOME"_s, m_tmp.path());
        env.insert(u"KUBECONFIG"_s, m_tmp.filePath(u"kubeconfig"_s));
        return env;
    }

    bool writeFile(const QString &path, const QByteArray &text, bool executable = false)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) {
            return false;
        }
        f.write(text);
        f.close();
        return !executable || f.setPermissions(f.permissions() | QFile::ExeOwner);
    }

    QJsonObject object(const QString &path) const { return m_objects->object(path); }
    QString managedBy(const QString &nsPath) const
    {
        return object(nsPath)["metadata"_L1]["labels"_L1]["app.kubernetes.io/managed-by"_L1].toString();
    }
    int replicas() const { return object(kSts)["spec"_L1]["replicas"_L1].toInt(-1); }
    QStringList requestsMatching(const QString &prefix) const
    {
        QStringList out;
        for (const QString &r : m_api.requests().mid(m_requestsBefore)) {
            if (r.startsWith(prefix)) {
                out << r;
            }
        }
        return out;
    }
    QStringList patchesTouchingReplicas() const
    {
        QStringList out;
        for (const auto &p : m_objects->patches()) {
            if (p.path == kSts && QJsonDocument::fromJson(p.body)["spec"_L1].toObject().contains("replicas"_L1)) {
                out << QString::fromUtf8(p.body);
            }
        }
        return out;
    }

    // The controllers' part: every replica the spec asks for becomes ready.
    void markReady()
    {
        for (const QString &path : kWorkloads) {
            const QJsonObject o = object(path);
            const int want = o["spec"_L1]["replicas"_L1].toInt(-1);
            if (want < 0 || o["status"_L1]["readyReplicas"_L1].toInt(-1) == want) {
                continue;
            }
            const QJsonObject status {{u"replicas"_s, want}, {u"readyReplicas"_s, want}, {u"availableReplicas"_s, want},
                {u"updatedReplicas"_s, want}};
            m_objects->handle("PATCH", path.toLatin1(), "application/merge-patch+json",
                QJsonDocument(QJsonObject {{u"status"_s, status}}).toJson(QJsonDocument::Compact));
        }
    }

    // A namespace made by hand before up.sh ran (no label): up.sh uses it, down.sh leaves it.
    void createObservabilityByHand()
    {
        // From a file, as by hand: `kubectl create namespace` would send protobuf, which the fake does not read.
        const Result r = run(m_kubectl, {u"--context"_s, u"fake-ctx"_s, u"create"_s, u"-f"_s, u"-"_s},
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: crdb-observability\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(!object(kObservabilityNs).isEmpty());
    }

    void upOnce()
    {
        const Result r
            = script(u"up.sh"_s, {u"--context"_s, u"fake-ctx"_s, u"--no-preflight"_s, u"--timeout"_s, u"60"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        for (const QString &part : {u"job/crdb-init"_s, u"statefulset/crdb"_s, u"job/sql-phase0"_s,
                 u"job/sql-reader-user"_s, u"deployment/prometheus"_s, u"deployment/grafana"_s,
                 u"deployment/sampleapp"_s, u"job/crdb-loadgen started"_s}) {
            const QRegularExpression ready(
                u"^up: %1 +ready \\("_s.arg(QRegularExpression::escape(part)), QRegularExpression::MultilineOption);
            QVERIFY2(ready.match(r.output).hasMatch(), qPrintable(part + u" has no progress line:\n"_s + r.output));
        }
        QVERIFY2(r.output.contains(u"Set up on context fake-ctx. Next:"_s), qPrintable(r.output));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_source = qEnvironmentVariable("TEST_SOURCE_DIR");
        QVERIFY2(QFile::exists(m_source + u"/demo/up.sh"_s), "TEST_SOURCE_DIR must be the repository");
        m_kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
        QVERIFY2(!m_kubectl.isEmpty(), "kubectl is not on PATH (.ci/install-deps.sh installs it)");
        QVERIFY(m_api.listen());
        const QString server = m_api.serverArg().section(u'=', 1);
        QVERIFY(writeFile(m_tmp.filePath(u"kubeconfig"_s),
            u"apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: %1\n"
            "- name: elsewhere\n  cluster:\n    server: http://127.0.0.1:9\n"
            "contexts:\n- name: fake-ctx\n  context: {cluster: fake, user: u}\n"
            "- name: elsewhere\n  context: {cluster: elsewhere, user: u}\n"
            "users:\n- name: u\n  user: {}\ncurrent-context: elsewhere\n"_s.arg(server)
                .toUtf8()));
        QVERIFY(QDir().mkpath(m_tmp.filePath(u"bin"_s)));
        QVERIFY(writeFile(m_tmp.filePath(u"bin/kubectl"_s),
            u"#!/bin/sh\n# The real kubectl; apply and create -f get --validate=false (the fake serves no OpenAPI).\n"
            "for a in \"$@\"; do case \"$a\" in apply | -f) set -- \"$@\" --validate=false; break ;; esac; done\n"
            "exec '%1' --cache-dir='%2' \"$@\"\n"_s.arg(m_kubectl, m_tmp.filePath(u"cache"_s))
                .toUtf8(),
            true));
        m_kubectl = m_tmp.filePath(u"bin/kubectl"_s);
        connect(&m_controllers, &QTimer::timeout, this, &TestDemoUpDown::markReady);
        m_controllers.start(50);
    }

    void init()
    {
        m_objects = std::make_unique<FakeKubeObjects>();
        m_api.setObjects(m_objects.get());
        m_requestsBefore = m_api.requests().size();
    }

    void cleanup() { m_api.setObjects(nullptr); }

    // Every part applied and waited for, the namespace up.sh created labelled as its own, the one
    // made by hand left unlabelled; run again on a cluster scaled to three, nothing changes the count.
    void upSetsUpAndRunsAgainAtPhase2()
    {
        createObservabilityByHand();
        upOnce();
        if (QTest::currentTestFailed()) {
            return;
        }
        for (const QString &path : kWorkloads) {
            QVERIFY2(!object(path).isEmpty(), qPrintable(path + u" was not applied"_s));
        }
        for (const QString &job : {u"crdb-init"_s, u"sql-phase0"_s, u"sql-reader-user"_s, u"crdb-loadgen"_s}) {
            QVERIFY2(!object(u"/apis/batch/v1/namespaces/crdb-evolution/jobs/"_s + job).isEmpty(), qPrintable(job));
        }
        QCOMPARE(managedBy(kEvolutionNs), kManagedBy);
        QCOMPARE(managedBy(kObservabilityNs), QString());
        QCOMPARE(replicas(), 1);

        const Result scaled = run(m_kubectl,
            {u"--context"_s, u"fake-ctx"_s, u"-n"_s, u"crdb-evolution"_s, u"scale"_s, u"statefulset"_s, u"crdb"_s,
                u"--replicas=3"_s});
        QVERIFY2(scaled.exitCode == 0, qPrintable(scaled.output));
        upOnce();
        QCOMPARE(replicas(), 3);
        QVERIFY2(patchesTouchingReplicas().isEmpty(), qPrintable(patchesTouchingReplicas().join(u'\n')));
        QCOMPARE(managedBy(kEvolutionNs), kManagedBy); // the label outlives apply's patches
    }

    // down.sh lists and deletes only the namespace up.sh labelled, and only once confirmed.
    void downRemovesOnlyWhatUpMade()
    {
        createObservabilityByHand();
        upOnce();
        if (QTest::currentTestFailed()) {
            return;
        }
        const Result listed = script(u"down.sh"_s, {u"--context"_s, u"fake-ctx"_s, u"--dry-run"_s});
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.output));
        QVERIFY2(listed.output.contains(u"  namespace/crdb-evolution\n"_s), qPrintable(listed.output));
        QVERIFY2(!listed.output.contains(u"namespace/crdb-observability"_s), qPrintable(listed.output));

        const Result refused = script(u"down.sh"_s, {u"--context"_s, u"fake-ctx"_s}, "crdb-evolution\n");
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.output.contains(u"not confirmed; nothing deleted"_s), qPrintable(refused.output));
        QVERIFY2(requestsMatching(u"DELETE"_s).isEmpty(), qPrintable(requestsMatching(u"DELETE"_s).join(u'\n')));

        // Confirmed by typing the context. The fake does not delete; the request is what down.sh asked.
        const Result confirmed = script(u"down.sh"_s, {u"--context"_s, u"fake-ctx"_s}, "fake-ctx\n");
        QVERIFY2(confirmed.output.contains(u"+ kubectl --context fake-ctx delete namespace crdb-evolution"_s),
            qPrintable(confirmed.output));
        const QStringList deletes = requestsMatching(u"DELETE"_s);
        QCOMPARE(deletes.size(), 1);
        QVERIFY2(deletes.first().startsWith(u"DELETE "_s + kEvolutionNs), qPrintable(deletes.first()));
        QVERIFY(requestsMatching(u"PATCH "_s + kSts + u"/scale"_s).isEmpty()); // never a scale-down

        // Again while the namespace terminates (what a real API server does after that DELETE): no new request.
        m_objects->handle(
            "PATCH", kEvolutionNs.toLatin1(), "application/merge-patch+json", R"({"status":{"phase":"Terminating"}})");
        const Result again = script(u"down.sh"_s, {u"--context"_s, u"fake-ctx"_s, u"--yes"_s});
        QVERIFY2(again.exitCode == 0 && again.output.contains(u"namespace/crdb-evolution is already being deleted"_s),
            qPrintable(again.output));
        QCOMPARE(requestsMatching(u"DELETE"_s).size(), 1);
    }

    // Nothing labelled: nothing to do, nothing asked.
    void downWithNothingOfUpsIsANoOp()
    {
        createObservabilityByHand();
        const Result r = script(u"down.sh"_s, {u"--context"_s, u"fake-ctx"_s, u"--yes"_s});
        QVERIFY2(r.exitCode == 0 && r.output.contains(u"nothing made by up.sh"_s), qPrintable(r.output));
        QVERIFY(requestsMatching(u"DELETE"_s).isEmpty());
    }

    // --kind needs kind and Docker (not here): refused before anything reaches a cluster.
    void kindRefusedWithoutKind()
    {
        QProcessEnvironment env = scriptEnv();
        env.insert(u"PATH"_s, m_tmp.filePath(u"bin"_s) + u":/usr/bin:/bin"_s);
        if (!QStandardPaths::findExecutable(u"kind"_s, {u"/usr/bin"_s, u"/bin"_s}).isEmpty()) {
            QSKIP("kind is installed in /usr/bin here: the refusal cannot be shown");
        }
        const qsizetype before = m_api.requests().size();
        const Result r = run(u"bash"_s, {m_source + u"/demo/up.sh"_s, u"--kind"_s}, {}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.output.contains(u"up: kind not found"_s), qPrintable(r.output));
        QCOMPARE(m_api.requests().size(), before);
    }
};

QTEST_GUILESS_MAIN(TestDemoUpDown)
#include "tst_demo_up_down.moc"
