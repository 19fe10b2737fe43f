#include "cluster_types.h"

#include <algorithm>

namespace presenter {

namespace kube {

int ordinalOf(const QString &podName)
{
    const qsizetype dash = podName.lastIndexOf(u'-');
    bool ok = false;
    const int n = podName.mid(dash + 1).toInt(&ok);
    return (dash >= 0 && ok) ? n : -1;
}

const PodStatus *findPod(const ClusterStatus &status, const QString &name)
{
    const auto it = std::find_if(
        status.pods.cbegin(), status.pods.cend(), [&name](const PodStatus &p) { return p.name == name; });
    return it == status.pods.cend() ? nullptr : &*it;
}

} // namespace kube

} // namespace presenter
