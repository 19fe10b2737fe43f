#pragma once
// FakeKubeObjects: generic object storage for FakeKubeApi (still the one fake), so the real
// `kubectl apply -f` of the files in k8s/ works against it: discovery of the kinds those files hold,
// GET/LIST/POST/PATCH of the objects, the StatefulSet scale subresource, and the API server's
// behaviours the set-up depends on (what a real API server does, not how):
//  - a namespaced object is refused (404 `namespaces "x" not found`) until its Namespace exists;
//  - spec.replicas of a StatefulSet or Deployment defaults to 1 when absent, on create and after
//    every patch (k8s.io/api apps/v1 defaulting), so a patch that deletes it resets it to 1;
//  - PATCH accepts JSON merge patches and kubectl's strategic merge patches: objects merge, null
//    deletes, lists of items with a `name` merge by name, other lists are replaced, `$` directives
//    are ignored (a simplification: enough for the fields the tests look at);
//  - a Job is Complete as soon as it exists (there is no controller to run it).
// Pods and exec stay FakeKubeApi's own model: handle() answers status 0 for them.
// Not thread-safe: used on the thread of the FakeKubeApi that owns it.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

class FakeKubeObjects
{
public:
    struct Reply
    {
        int status = 0; // 0: not mine, FakeKubeApi answers
        QByteArray json;
    };
    struct Patch
    {
        QString path;
        QByteArray contentType;
        QByteArray body;
    };

    Reply handle(
        const QByteArray &method, const QByteArray &target, const QByteArray &contentType, const QByteArray &body);

    // The stored object at an API path such as /apis/apps/v1/namespaces/ns/statefulsets/crdb (empty if none).
    QJsonObject object(const QString &path) const { return m_objects.value(path); }
    QList<Patch> patches() const { return m_patches; }

private:
    struct Resource
    {
        QString group;
        QString version;
        QString plural;
        QString kind;
        bool namespaced = true;
        bool stored = true; // false: discovery only (FakeKubeApi serves it)
    };
    QByteArray discovery(const QString &path) const;
    static const QList<Resource> &resources();
    static const Resource *resourceFor(const QString &groupVersion, const QString &plural);
    void applyDefaults(const Resource &resource, QJsonObject &object);

    QMap<QString, QJsonObject> m_objects; // object path -> object
    QList<Patch> m_patches;
    qint64 m_resourceVersion = 1;
};
