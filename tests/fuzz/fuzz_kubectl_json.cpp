// libFuzzer target over what the presenter reads from kubectl (each kind's
// KubectlCommands::parseDesiredNodes for `kubectl get statefulset|crdbcluster NAME -o json`,
// kube::parsePods for `kubectl get pods -o json`; desktop/core/sources/cluster/kubectl_commands.h,
// which the cluster driver and the pre-flight use).
// Promises: never a crash or undefined behaviour; a refusal is a sentence; pods come sorted by
// ordinal; a pod being deleted is never ready.
#include "fuzz_support.h"
#include "sources/cluster/kubectl_commands.h"

#include <cstring>

using namespace presenter;

namespace {

int ordinal(const QString &pod)
{
    bool ok = false;
    const int n = pod.mid(pod.lastIndexOf(u'-') + 1).toInt(&ok);
    return pod.contains(u'-') && ok ? n : -1;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QByteArray json = fuzzBytes(data, size);
    for (const auto kind : {ClusterKind::StatefulSet, ClusterKind::Operator}) {
        QString error;
        const auto desired
            = kube::KubectlCommands::forKind(kind, QStringLiteral("crdb"))->parseDesiredNodes(json, &error);
        FUZZ_PROMISE(desired || isSentence(error));
    }
    QString error;
    const auto pods = kube::parsePods(json, &error,
        kube::KubectlCommands::forKind(ClusterKind::StatefulSet, QStringLiteral("crdb"))->containerName());
    FUZZ_PROMISE(pods || isSentence(error));
    if (!pods) {
        return 0;
    }
    for (qsizetype i = 0; i < pods->size(); ++i) {
        const kube::PodStatus &p = pods->at(i);
        FUZZ_PROMISE(p.phase != QLatin1String("Terminating") || !p.ready);
        if (i > 0) {
            FUZZ_PROMISE(ordinal(pods->at(i - 1).name) <= ordinal(p.name));
        }
#ifdef FUZZ_PLANTED_BUG
        // Planted (tests/fuzz.sh --planted): a pod name holding a '~' is copied to a buffer of its
        // own length and read one byte past it.
        const QByteArray name = p.name.toUtf8();
        if (name.contains('~')) {
            char *copy = new char[name.size()];
            std::memcpy(copy, name.constData(), name.size());
            volatile char past = copy[name.size()];
            (void)past;
            delete[] copy;
        }
#endif
    }
    return 0;
}
