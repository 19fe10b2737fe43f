#include "sources/port_forward_supervisor.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

// PortForwardSupervisor's supervision: failures are reported readably and retried with backoff.
// A forward that actually carries traffic needs a real cluster (kubectl port-forward speaks
// SPDY/WebSocket streams to the kubelet); that part is not tested here.
class TestPortForward : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void arguments()
    {
        PortForwardSupervisor s;
        s.setKubectl(u"kubectl"_s, {u"--context"_s, u"kind-crdb-evolution"_s});
        const auto forwards = PortForwardSupervisor::standardForwards(u"crdb-evolution"_s);
        QCOMPARE(forwards.size(), 3);
        QCOMPARE(s.arguments(forwards.at(0)),
            (QStringList {u"--context"_s, u"kind-crdb-evolution"_s, u"--namespace"_s, u"crdb-evolution"_s,
                u"port-forward"_s, u"--address"_s, u"127.0.0.1"_s, u"svc/sampleapp"_s, u"8080:8080"_s}));
        QCOMPARE(s.arguments(forwards.at(1)).mid(2, 2), (QStringList {u"--namespace"_s, u"crdb-observability"_s}));
        QCOMPARE(s.arguments(forwards.at(1)).last(), u"9090:9090"_s);
        QCOMPARE(s.arguments(forwards.at(2)).mid(7), (QStringList {u"svc/crdb-writer"_s, u"26257:26257"_s}));
    }

    void missingKubectlIsRetried()
    {
        PortForwardSupervisor s;
        s.setKubectl(u"/nonexistent/kubectl"_s);
        s.addForward({u"sampleapp"_s, u"crdb-evolution"_s, u"svc/sampleapp"_s, 18080, 8080});
        QSignalSpy down(&s, &PortForwardSupervisor::forwardDown);
        QSignalSpy failed(&s, &PortForwardSupervisor::failed);
        s.start();
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 5000);
        QVERIFY2(down.at(0).at(1).toString().contains(u"cannot run /nonexistent/kubectl"_s),
            qPrintable(down.at(0).at(1).toString()));
        QVERIFY(down.at(0).at(1).toString().endsWith(u"retrying in 1 s"_s));
        QVERIFY(!s.isHealthy());
        // Backoff: the second attempt comes after about 1 s, the third 2 s after that.
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 2, 5000);
        QVERIFY(down.at(1).at(1).toString().endsWith(u"retrying in 2 s"_s));
        QCOMPARE(failed.size(), 2);
        s.stop();
        QTest::qWait(2500);
        QCOMPARE(down.size(), 2); // stopped: no more attempts
    }

    // kubectl starts but exits (no cluster at that address): the exit and its message are reported.
    void kubectlExitIsReported()
    {
        PortForwardSupervisor s;
        s.setKubectl(u"kubectl"_s, {u"--server=http://127.0.0.1:1"_s, u"--request-timeout=2s"_s});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"KUBECONFIG"_s, u"/dev/null"_s);
        s.setProcessEnvironment(env);
        s.addForward({u"prometheus"_s, u"crdb-observability"_s, u"svc/prometheus"_s, 19090, 9090});
        QSignalSpy down(&s, &PortForwardSupervisor::forwardDown);
        s.start();
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 15000);
        const QString reason = down.at(0).at(1).toString();
        QVERIFY2(
            reason.contains(u"exited with code 1"_s) && reason.contains(u"connection refused"_s), qPrintable(reason));
        QVERIFY(!s.isUp(u"prometheus"_s));
        s.stop();
    }
};

QTEST_GUILESS_MAIN(TestPortForward)
#include "tst_port_forward.moc"
