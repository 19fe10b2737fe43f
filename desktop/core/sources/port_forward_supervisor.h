#pragma once

#include "data_source.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QProcess;
class QTimer;

namespace presenter {

// Starts `kubectl port-forward` processes and restarts any that exits (port-forward dies with
// its pod connection, e.g. when a node restarts), with a backoff of 1 s doubling to 10 s.
// A forward is up once kubectl prints "Forwarding from"; forwardUp()/forwardDown() follow each.
//
// Threading: GUI thread only; processes are asynchronous QProcess, never waited on.
class PortForwardSupervisor : public DataSource
{
    Q_OBJECT
public:
    struct Forward
    {
        QString name; // "sampleapp", "prometheus"
        QString kubeNamespace;
        QString target; // "svc/sampleapp"
        quint16 localPort = 0;
        quint16 remotePort = 0;
    };

    explicit PortForwardSupervisor(QObject *parent = nullptr);
    ~PortForwardSupervisor() override;

    void setKubectl(const QString &program, const QStringList &globalArgs = {});
    void setProcessEnvironment(const QProcessEnvironment &env) { m_env = env; }
    void addForward(const Forward &forward); // before start(), or while running (starts it at once)
    // The forwards a kind profile needs: svc/sampleapp 8080, svc/prometheus 9090 (namespace
    // crdb-observability) and svc/crdb-writer 26257 for the phase SQL.
    static QList<Forward> standardForwards(const QString &appNamespace, quint16 sampleAppPort = 8080,
        quint16 prometheusPort = 9090, quint16 sqlPort = 26257);
    QStringList arguments(const Forward &forward) const;
    bool isUp(const QString &name) const;

    void start() override;
    void stop() override;

Q_SIGNALS:
    void forwardUp(const QString &name);
    void forwardDown(const QString &name, const QString &reason);

private:
    struct Running
    {
        Forward forward;
        QProcess *process = nullptr;
        QTimer *retry = nullptr;
        int backoffMs = 1000;
        bool up = false;
        QByteArray output;
    };
    void launch(int index);
    void onExited(int index, const QString &reason);

    QString m_program = QStringLiteral("kubectl");
    QStringList m_globalArgs;
    QProcessEnvironment m_env;
    QList<Running> m_forwards;
};

} // namespace presenter
