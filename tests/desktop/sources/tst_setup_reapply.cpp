// The set-up is safe to run again at any phase: the real kubectl applies every documented
// kustomization of k8s/ (kubectl apply -k, the rendered output) to FakeKubeApi + FakeKubeObjects (the one fake) holding
// a cluster already scaled to three nodes, and the StatefulSet keeps its three replicas. Client-side apply sends a
// three-way patch (kubernetes/kubectl pkg/cmd/apply/patcher.go, patchSimple: original = the last-applied annotation,
// modified = the file, current = the live object): a replicas field in the file that differs from the
// live object is sent, and one in the annotation but not in the file is deleted, which the API server
// defaults back to 1. Either way two of three nodes would stop at once.
// Every `kubectl apply` gets --validate=false: the fake serves no OpenAPI document, and field
// validation needs one (kubectl pkg/cmd/util/factory_client_access.go, Validator); the manifests'
// fields are checked by tests/story/validate-manifests.mjs instead.
#include "fake_kube_api.h"
#include "fake_kube_objects.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
const QString kSts = u"/apis/apps/v1/namespaces/crdb-evolution/statefulsets/crdb"_s;
}

class TestSetupReapply : public QObject
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

    Result run(const QString &program, const QStringList &args,
        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        // The fake answers on this thread: wait in an event loop, never in waitForFinished().
        QProcess process;
        process.setWorkingDirectory(m_source);
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        QEventLoop loop;
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        process.start(program, args);
        loop.exec();
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
            return {-1, u"timed out: %1 %2"_s.arg(program, args.join(u' '))};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll())};
    }

    QStringList globalArgs() const { return {m_api.serverArg(), u"--cache-dir="_s + m_tmp.filePath(u"cache"_s)}; }

    Result kubectl(QStringList args)
    {
        if (args.value(0) == "apply"_L1) {
            args << u"--validate=false"_s;
        }
        return run(m_kubectl, globalArgs() + args);
    }

    int replicas() const { return m_objects->object(kSts)["spec"_L1]["replicas"_L1].toInt(-1); }

    // PATCH bodies sent to the StatefulSet itself (not its scale subresource) that name spec.replicas.
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

    // A cluster in the Phase 2 state: the StatefulSet created by `kubectl apply <source>` (-k DIR or
    // -f FILE), then scaled to 3.
    void phase2From(const QStringList &source)
    {
        const Result created = kubectl(QStringList {u"apply"_s} + source);
        QVERIFY2(created.exitCode == 0, qPrintable(created.output));
        const Result scaled
            = kubectl({u"-n"_s, u"crdb-evolution"_s, u"scale"_s, u"statefulset"_s, u"crdb"_s, u"--replicas=3"_s});
        QVERIFY2(scaled.exitCode == 0, qPrintable(scaled.output));
        QCOMPARE(replicas(), 3);
    }

    // The cluster (kubectl kustomize k8s/) as set up by an earlier version of this repository
    // (replicas: 1), so the live object's last-applied annotation still holds the field.
    QStringList legacyManifest()
    {
        const Result rendered = run(m_kubectl, {u"kustomize"_s, u"k8s/"_s});
        if (rendered.exitCode != 0) {
            return {};
        }
        QString text = rendered.output;
        if (!text.contains("\n  replicas: 1\n"_L1)) {
            text.replace("\n  serviceName: crdb\n"_L1, "\n  serviceName: crdb\n  replicas: 1\n"_L1);
        }
        const QString path = m_tmp.filePath(u"legacy-crdb-cluster.yaml"_s);
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly)) {
            return {};
        }
        out.write(text.toUtf8());
        return {u"-f"_s, path};
    }

    // The scripts' environment: `kubectl` on PATH is the real one, pointed at the fake.
    QProcessEnvironment scriptEnv()
    {
        const QString bin = m_tmp.filePath(u"bin"_s);
        QFile wrapper(bin + u"/kubectl"_s);
        if (!wrapper.exists()) {
            QDir().mkpath(bin);
            if (wrapper.open(QIODevice::WriteOnly)) {
                wrapper.write(
                    u"#!/bin/sh\n# The real kubectl against the fake API; apply gets --validate=false (no OpenAPI "
                    u"here).\n"
                    "if [ \"$1\" = apply ]; then set -- \"$@\" --validate=false; fi\n"
                    "exec '%1' '%2' '%3' \"$@\"\n"_s.arg(m_kubectl, globalArgs().value(0), globalArgs().value(1))
                        .toUtf8());
                wrapper.close();
                wrapper.setPermissions(wrapper.permissions() | QFile::ExeOwner);
            }
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PATH"_s, bin + u':' + env.value(u"PATH"_s));
        env.insert(u"HOME"_s, m_tmp.path());
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_source = qEnvironmentVariable("TEST_SOURCE_DIR");
        QVERIFY2(QFile::exists(m_source + u"/k8s/kustomization.yaml"_s), "TEST_SOURCE_DIR must be the repository");
        m_kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
        QVERIFY2(!m_kubectl.isEmpty(), "kubectl is not on PATH (.ci/install-deps.sh installs it)");
        QVERIFY(m_api.listen());
        qputenv("HOME", m_tmp.path().toUtf8());
        qputenv("KUBECONFIG", m_tmp.filePath(u"no-kubeconfig"_s).toUtf8());
    }

    void init()
    {
        m_objects = std::make_unique<FakeKubeObjects>();
        m_api.setObjects(m_objects.get());
    }

    void cleanup() { m_api.setObjects(nullptr); }

    // Every documented `kubectl apply` (demo/DEMO.md, the secure and operator READMEs and the scripts, as listed by
    // tests/story/check-safety.mjs) on a cluster scaled to three nodes.
    void documentedAppliesKeepThreeNodes()
    {
        phase2From({u"-k"_s, u"k8s/"_s});
        if (QTest::currentTestFailed()) {
            return;
        }
        const Result listed = run(qEnvironmentVariable("NODE_EXECUTABLE", u"node"_s),
            {m_source + u"/tests/story/check-safety.mjs"_s, u"--print-applies"_s});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray commands = QJsonDocument::fromJson(listed.output.toUtf8()).array();
        QVERIFY2(commands.size() >= 5, qPrintable(listed.output));
        int ran = 0;
        for (const QJsonValue &c : commands) {
            QStringList argv;
            const QJsonArray words = c["argv"_L1].toArray();
            for (qsizetype i = 1; i < words.size(); ++i) {
                argv << words.at(i).toString();
            }
            // `-f -` reads a pipe of the script (make-certs.sh's Secrets); `$n` names a file or
            // kustomization chosen at run time (backup.sh, apply-cluster.sh): drop those -f and -k
            // arguments, run the rest as written.
            for (qsizetype i = 0; i + 1 < argv.size();) {
                const bool source = argv.at(i) == "-f"_L1 || argv.at(i) == "-k"_L1;
                if (source && (argv.at(i + 1) == "-"_L1 || argv.at(i + 1).contains(u'$'))) {
                    argv.remove(i, 2);
                } else {
                    ++i;
                }
            }
            if (!argv.contains("-f"_L1) && !argv.contains("-k"_L1)) {
                continue;
            }
            const QString where = c["source"_L1].toString() + u':' + QString::number(c["line"_L1].toInt());
            const Result r = kubectl(argv);
            QVERIFY2(r.exitCode == 0, qPrintable(where + u": kubectl "_s + argv.join(u' ') + u"\n"_s + r.output));
            QVERIFY2(replicas() == 3,
                qPrintable(u"%1: `kubectl %2` set the StatefulSet to %3 replicas"_s.arg(where, argv.join(u' '))
                               .arg(replicas())));
            ++ran;
        }
        QVERIFY(ran >= 5);
        QVERIFY2(patchesTouchingReplicas().isEmpty(), qPrintable(patchesTouchingReplicas().join(u'\n')));
    }

    // A cluster set up before the manifest dropped `replicas`: its annotation still holds the field.
    // The fake reproduces the reset a plain apply causes (proof the test can fail) ...
    void legacyAnnotationPlainApplyResets()
    {
        phase2From(legacyManifest());
        if (QTest::currentTestFailed()) {
            return;
        }
        QVERIFY(kubectl({u"apply"_s, u"-k"_s, u"k8s/"_s}).exitCode == 0);
        QCOMPARE(replicas(), 1);
    }

    // ... and the set-up script avoids it, in both modes.
    void legacyAnnotationSetupScriptKeepsThreeNodes_data()
    {
        QTest::addColumn<QString>("secure");
        QTest::addRow("insecure") << u"0"_s;
        QTest::addRow("secure") << u"1"_s;
    }
    void legacyAnnotationSetupScriptKeepsThreeNodes()
    {
        QFETCH(QString, secure);
        phase2From(legacyManifest());
        if (QTest::currentTestFailed()) {
            return;
        }
        QProcessEnvironment env = scriptEnv();
        env.insert(u"CRDB_SECURE"_s, secure);
        const Result r = run(u"bash"_s, {m_source + u"/demo/apply-cluster.sh"_s}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QCOMPARE(replicas(), 3);
        QVERIFY2(patchesTouchingReplicas().isEmpty(), qPrintable(patchesTouchingReplicas().join(u'\n')));
        // Run again: still nothing touches the node count.
        QCOMPARE(run(u"bash"_s, {m_source + u"/demo/apply-cluster.sh"_s}, env).exitCode, 0);
        QCOMPARE(replicas(), 3);
        QVERIFY(patchesTouchingReplicas().isEmpty());
    }

    // A fresh cluster: the kustomizations apply in one go (kustomize puts each Namespace first).
    void freshClusterFoldersApply()
    {
        for (const QString &f : {u"k8s/"_s, u"k8s/observability/"_s, u"k8s/app/"_s}) {
            const Result r = kubectl({u"apply"_s, u"-k"_s, f});
            QVERIFY2(r.exitCode == 0, qPrintable(f + u"\n"_s + r.output));
        }
        QCOMPARE(replicas(), 1); // a new StatefulSet starts at one node (defaulted)
    }
};

QTEST_GUILESS_MAIN(TestSetupReapply)
#include "tst_setup_reapply.moc"
