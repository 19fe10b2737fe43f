#pragma once

#include "kubectl_commands.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace presenter {

// How the cluster driver's parts run kubectl: the program, its global arguments and environment,
// the namespace, the kind's command builder and the time limits. ClusterDriver owns the one instance
// and its parts read it (GUI thread only).
class KubectlSetup
{
public:
    KubectlSetup() { rebuild(); }

    ClusterKind kind() const { return m_kind; }
    void setKind(ClusterKind kind)
    {
        m_kind = kind;
        rebuild();
    }
    QString workload() const { return m_workload; }
    void setWorkload(const QString &name)
    {
        m_workload = name;
        rebuild();
    }
    const kube::KubectlCommands &commands() const { return *m_commands; }
    QString podName(int ordinal) const { return m_commands->podName(ordinal); }

    // The global arguments, the namespace, then args.
    QStringList withGlobals(const QStringList &args) const
    {
        QStringList all = globalArgs;
        if (!kubeNamespace.isEmpty()) {
            all << QStringLiteral("--namespace") << kubeNamespace;
        }
        all << args;
        return all;
    }

    QString program = QStringLiteral("kubectl");
    QStringList globalArgs;
    QProcessEnvironment env;
    QString kubeNamespace = QStringLiteral("crdb-evolution");
    int pollIntervalMs = 2000;
    int settleTimeoutMs = 300000;
    int commandTimeoutMs = 30000;
    int statusTimeoutMs = 10000;

private:
    void rebuild() { m_commands = kube::KubectlCommands::forKind(m_kind, m_workload); }

    ClusterKind m_kind = ClusterKind::StatefulSet;
    QString m_workload = QStringLiteral("crdb");
    std::unique_ptr<kube::KubectlCommands> m_commands;
};

} // namespace presenter
