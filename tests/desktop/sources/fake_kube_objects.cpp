#include "fake_kube_objects.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray status(int code, const QString &reason, const QString &message)
{
    return toJson({{u"kind"_s, u"Status"_s}, {u"apiVersion"_s, u"v1"_s}, {u"metadata"_s, QJsonObject()},
        {u"status"_s, u"Failure"_s}, {u"message"_s, message}, {u"reason"_s, reason}, {u"code"_s, code}});
}

// Merge `patch` into `target`: objects merge key by key, null deletes, `$` directives of a strategic
// merge patch are skipped, lists of named items merge by name, anything else replaces.
QJsonValue merge(const QJsonValue &target, const QJsonValue &patch)
{
    if (patch.isObject()) {
        QJsonObject out = target.toObject();
        const QJsonObject p = patch.toObject();
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it.key().startsWith(u'$')) {
                continue;
            }
            if (it.value().isNull()) {
                out.remove(it.key());
            } else {
                out.insert(it.key(), merge(out.value(it.key()), it.value()));
            }
        }
        return out;
    }
    if (patch.isArray() && target.isArray()) {
        const QJsonArray p = patch.toArray();
        const bool named = std::all_of(
            p.begin(), p.end(), [](const QJsonValue &v) { return v.isObject() && v.toObject().contains("name"_L1); });
        if (named && !p.isEmpty()) {
            QJsonArray out = target.toArray();
            for (const QJsonValue &item : p) {
                const QString name = item.toObject().value("name"_L1).toString();
                qsizetype at = -1;
                for (qsizetype i = 0; i < out.size(); ++i) {
                    if (out.at(i).toObject().value("name"_L1).toString() == name) {
                        at = i;
                    }
                }
                if (at < 0) {
                    out.append(merge(QJsonObject(), item));
                } else {
                    out.replace(at, merge(out.at(at), item));
                }
            }
            return out;
        }
    }
    return patch;
}

} // namespace

const QList<FakeKubeObjects::Resource> &FakeKubeObjects::resources()
{
    static const QList<Resource> kResources = {
        {{}, u"v1"_s, u"namespaces"_s, u"Namespace"_s, false, true},
        {{}, u"v1"_s, u"configmaps"_s, u"ConfigMap"_s, true, true},
        {{}, u"v1"_s, u"secrets"_s, u"Secret"_s, true, true},
        {{}, u"v1"_s, u"services"_s, u"Service"_s, true, true},
        {{}, u"v1"_s, u"serviceaccounts"_s, u"ServiceAccount"_s, true, true},
        {{}, u"v1"_s, u"persistentvolumeclaims"_s, u"PersistentVolumeClaim"_s, true, true},
        {{}, u"v1"_s, u"pods"_s, u"Pod"_s, true, false},
        {u"apps"_s, u"v1"_s, u"statefulsets"_s, u"StatefulSet"_s, true, true},
        {u"apps"_s, u"v1"_s, u"deployments"_s, u"Deployment"_s, true, true},
        {u"batch"_s, u"v1"_s, u"jobs"_s, u"Job"_s, true, true},
        {u"policy"_s, u"v1"_s, u"poddisruptionbudgets"_s, u"PodDisruptionBudget"_s, true, true},
        {u"rbac.authorization.k8s.io"_s, u"v1"_s, u"roles"_s, u"Role"_s, true, true},
        {u"rbac.authorization.k8s.io"_s, u"v1"_s, u"rolebindings"_s, u"RoleBinding"_s, true, true},
        {u"rbac.authorization.k8s.io"_s, u"v1"_s, u"clusterroles"_s, u"ClusterRole"_s, false, true},
        {u"rbac.authorization.k8s.io"_s, u"v1"_s, u"clusterrolebindings"_s, u"ClusterRoleBinding"_s, false, true},
        {u"autoscaling"_s, u"v2"_s, u"horizontalpodautoscalers"_s, u"HorizontalPodAutoscaler"_s, true, true},
        {u"crdb.cockroachlabs.com"_s, u"v1alpha1"_s, u"crdbclusters"_s, u"CrdbCluster"_s, true, true},
    };
    return kResources;
}

const FakeKubeObjects::Resource *FakeKubeObjects::resourceFor(const QString &groupVersion, const QString &plural)
{
    for (const Resource &r : resources()) {
        const QString gv = r.group.isEmpty() ? r.version : r.group + u'/' + r.version;
        if (gv == groupVersion && r.plural == plural) {
            return &r;
        }
    }
    return nullptr;
}

QByteArray FakeKubeObjects::discovery(const QString &path) const
{
    const QStringList allVerbs = {u"create"_s, u"delete"_s, u"get"_s, u"list"_s, u"patch"_s, u"update"_s, u"watch"_s};
    if (path == "/apis"_L1) {
        QJsonArray groups;
        QStringList seen;
        for (const Resource &res : resources()) {
            const Resource *r = &res;
            if (r->group.isEmpty() || seen.contains(r->group)) {
                continue;
            }
            seen << r->group;
            const QJsonObject v {
                {u"groupVersion"_s, QString(r->group + u'/' + r->version)}, {u"version"_s, r->version}};
            groups.append(
                QJsonObject {{u"name"_s, r->group}, {u"versions"_s, QJsonArray {v}}, {u"preferredVersion"_s, v}});
        }
        return toJson({{u"kind"_s, u"APIGroupList"_s}, {u"apiVersion"_s, u"v1"_s}, {u"groups"_s, groups}});
    }
    const QString gv = path == "/api/v1"_L1 ? u"v1"_s : path.startsWith("/apis/"_L1) ? path.mid(6) : QString();
    if (gv.isEmpty() || gv.count(u'/') > (gv == "v1"_L1 ? 0 : 1)) {
        return {};
    }
    QJsonArray list;
    for (const Resource &res : resources()) {
        const Resource *r = &res;
        if ((r->group.isEmpty() ? r->version : r->group + u'/' + r->version) != gv) {
            continue;
        }
        list.append(
            QJsonObject {{u"name"_s, r->plural}, {u"singularName"_s, QString()}, {u"namespaced"_s, r->namespaced},
                {u"kind"_s, r->kind}, {u"verbs"_s, QJsonArray::fromStringList(allVerbs)}});
        if (r->plural == "pods"_L1) {
            list.append(
                QJsonObject {{u"name"_s, u"pods/exec"_s}, {u"singularName"_s, QString()}, {u"namespaced"_s, true},
                    {u"kind"_s, u"PodExecOptions"_s}, {u"verbs"_s, QJsonArray {u"create"_s, u"get"_s}}});
        }
        if (r->plural == "statefulsets"_L1) {
            list.append(QJsonObject {{u"name"_s, u"statefulsets/scale"_s}, {u"singularName"_s, QString()},
                {u"namespaced"_s, true}, {u"kind"_s, u"Scale"_s}, {u"group"_s, u"autoscaling"_s},
                {u"version"_s, u"v1"_s}, {u"verbs"_s, QJsonArray {u"get"_s, u"patch"_s, u"update"_s}}});
        }
    }
    if (list.isEmpty()) {
        return {};
    }
    return toJson({{u"kind"_s, u"APIResourceList"_s}, {u"apiVersion"_s, u"v1"_s}, {u"groupVersion"_s, gv},
        {u"resources"_s, list}});
}

void FakeKubeObjects::applyDefaults(const Resource &resource, QJsonObject &object)
{
    QJsonObject spec = object.value("spec"_L1).toObject();
    if ((resource.kind == "StatefulSet"_L1 || resource.kind == "Deployment"_L1) && !spec.contains("replicas"_L1)) {
        spec.insert(u"replicas"_s, 1);
        object.insert(u"spec"_s, spec);
    }
    if (resource.kind == "Job"_L1) {
        object.insert(u"status"_s,
            QJsonObject {{u"succeeded"_s, 1},
                {u"conditions"_s, QJsonArray {QJsonObject {{u"type"_s, u"Complete"_s}, {u"status"_s, u"True"_s}}}}});
    }
    QJsonObject meta = object.value("metadata"_L1).toObject();
    meta.insert(u"resourceVersion"_s, QString::number(++m_resourceVersion));
    if (!meta.contains("uid"_L1)) {
        meta.insert(u"uid"_s, u"fake-%1"_s.arg(m_resourceVersion));
        meta.insert(u"creationTimestamp"_s, u"2026-01-01T00:00:00Z"_s);
    }
    object.insert(u"metadata"_s, meta);
}

FakeKubeObjects::Reply FakeKubeObjects::handle(
    const QByteArray &method, const QByteArray &target, const QByteArray &contentType, const QByteArray &body)
{
    const QUrl url(QString::fromLatin1(target));
    const QString path = url.path();
    if (method == "GET") {
        if (const QByteArray d = discovery(path); !d.isEmpty()) {
            return {200, d};
        }
    }
    // /api/v1/... or /apis/GROUP/VERSION/..., then [namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]]
    QStringList segs = path.split(u'/', Qt::SkipEmptyParts);
    QString groupVersion;
    if (segs.value(0) == "api"_L1 && segs.size() >= 3) {
        groupVersion = segs.value(1);
        segs = segs.mid(2);
    } else if (segs.value(0) == "apis"_L1 && segs.size() >= 4) {
        groupVersion = segs.value(1) + u'/' + segs.value(2);
        segs = segs.mid(3);
    } else {
        return {};
    }
    QString ns;
    if (segs.value(0) == "namespaces"_L1 && segs.size() >= 3) {
        ns = segs.value(1);
        segs = segs.mid(2);
    }
    const Resource *resource = resourceFor(groupVersion, segs.value(0));
    if (resource == nullptr || !resource->stored || resource->namespaced != !ns.isEmpty()) {
        return {};
    }
    const QString collection = (groupVersion == "v1"_L1 ? u"/api/v1"_s : u"/apis/"_s + groupVersion)
        + (ns.isEmpty() ? QString() : u"/namespaces/"_s + ns) + u'/' + resource->plural;
    const QString name = segs.value(1);
    const QString sub = segs.value(2);
    const QString objectPath = collection + u'/' + name;
    const QString what = resource->group.isEmpty() ? resource->plural : resource->plural + u'.' + resource->group;
    auto notFound = [&](const QString &n) {
        return Reply {404, status(404, u"NotFound"_s, u"%1 \"%2\" not found"_s.arg(what, n))};
    };

    if (method == "GET" && name.isEmpty()) {
        const QString field = QUrlQuery(url).queryItemValue(u"fieldSelector"_s, QUrl::FullyDecoded);
        QJsonArray items;
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (it.key().startsWith(collection + u'/') && it.key().count(u'/') == objectPath.count(u'/')
                && (field.isEmpty()
                    || field == "metadata.name="_L1 + it.value()["metadata"_L1]["name"_L1].toString())) {
                items.append(it.value());
            }
        }
        return {200,
            toJson({{u"kind"_s, QString(resource->kind + u"List"_s)}, {u"apiVersion"_s, groupVersion},
                {u"metadata"_s, QJsonObject {{u"resourceVersion"_s, QString::number(m_resourceVersion)}}},
                {u"items"_s, items}})};
    }
    if (method == "GET") {
        if (!m_objects.contains(objectPath)) {
            return notFound(name);
        }
        return {200, toJson(m_objects.value(objectPath))};
    }
    if (method == "POST" && name.isEmpty()) {
        QJsonObject object = QJsonDocument::fromJson(body).object();
        QJsonObject meta = object.value("metadata"_L1).toObject();
        const QString newName = meta.value("name"_L1).toString();
        if (!ns.isEmpty()) {
            if (!m_objects.contains(u"/api/v1/namespaces/"_s + ns)) {
                return {404, status(404, u"NotFound"_s, u"namespaces \"%1\" not found"_s.arg(ns))};
            }
            meta.insert(u"namespace"_s, ns);
            object.insert(u"metadata"_s, meta);
        }
        if (m_objects.contains(collection + u'/' + newName)) {
            return {409, status(409, u"AlreadyExists"_s, u"%1 \"%2\" already exists"_s.arg(what, newName))};
        }
        applyDefaults(*resource, object);
        m_objects.insert(collection + u'/' + newName, object);
        return {201, toJson(object)};
    }
    if (method == "PATCH" && !name.isEmpty()) {
        m_patches << Patch {path, contentType, body};
        if (!m_objects.contains(objectPath)) {
            return notFound(name);
        }
        QJsonObject object = m_objects.value(objectPath);
        const QJsonValue patch = QJsonDocument::fromJson(body).object();
        if (sub == "scale"_L1) {
            const int replicas = patch["spec"_L1]["replicas"_L1].toInt(-1);
            QJsonObject spec = object.value("spec"_L1).toObject();
            if (replicas >= 0) {
                spec.insert(u"replicas"_s, replicas);
            }
            object.insert(u"spec"_s, spec);
        } else if (sub.isEmpty()) {
            object = merge(object, patch).toObject();
        } else {
            return {};
        }
        applyDefaults(*resource, object);
        m_objects.insert(objectPath, object);
        if (sub == "scale"_L1) {
            return {200,
                toJson({{u"kind"_s, u"Scale"_s}, {u"apiVersion"_s, u"autoscaling/v1"_s},
                    {u"metadata"_s, QJsonObject {{u"name"_s, name}, {u"namespace"_s, ns}}},
                    {u"spec"_s, QJsonObject {{u"replicas"_s, object["spec"_L1]["replicas"_L1]}}}})};
        }
        return {200, toJson(object)};
    }
    return {};
}
