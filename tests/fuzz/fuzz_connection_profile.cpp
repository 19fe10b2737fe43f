// libFuzzer target over the connection profile loader (ConnectionProfile::fromJson,
// desktop/core/sources/connection_profile.h; demo/profiles/*.json).
// Promises: never a crash or undefined behaviour; a refused profile says why in a sentence; an
// accepted one validates and derives a ws:// or wss:// feed URL; and no error ever repeats a
// secret the profile carries (a password in a URL, the control token), since errors are shown and
// logged.
#include "config/connection_profile.h"
#include "fuzz_support.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {

// The error without the words every profile error may use (field names, flags, labels), so that
// a "password" that is one of them is not taken for a leak.
QString withoutVocabulary(QString error)
{
    static const QStringList words = {u"sampleapp_url"_s, u"prometheus_url"_s, u"grafana_url"_s, u"sql_url"_s,
        u"kube_context"_s, u"namespace"_s, u"cluster_kind"_s, u"replication_factor"_s, u"control_token"_s,
        u"port_forward"_s, u"description"_s, u"sampleapp-url"_s, u"prometheus-url"_s, u"grafana-url"_s, u"sql-url"_s,
        u"kube-context"_s, u"cluster-kind"_s, u"replication-factor"_s, u"control-token"_s, u"port-forward"_s,
        u"sample app URL"_s, u"Prometheus URL"_s, u"Grafana URL"_s, u"SQL URL"_s, u"http://"_s, u"https://"_s,
        u"statefulset"_s, u"operator"_s};
    for (const QString &word : words) {
        error.replace(word, QStringLiteral("\u0001"), Qt::CaseInsensitive);
    }
    return error;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QByteArray json = fuzzBytes(data, size);
    QString error;
    const ConnectionProfile p = ConnectionProfile::fromJson(json, &error);
    if (!error.isEmpty()) {
        FUZZ_PROMISE(isSentence(error));
        const QJsonObject o = QJsonDocument::fromJson(json).object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            // The fields that carry secrets: the URLs (a password) and the control token.
            QStringList secrets;
            if (it.key().endsWith(QLatin1String("_url"))) {
                secrets = passwordsIn(it.value().toString());
            } else if (it.key() == QLatin1String("control_token")) {
                secrets << it.value().toString();
            }
            for (const QString &secret : std::as_const(secrets)) {
                if (secret.size() < 4 || !withoutVocabulary(error).contains(secret)) {
                    continue;
                }
                // Another field, or a key, spelling the same text may be quoted.
                QJsonObject others = o;
                others.remove(it.key());
                if (QString(QString::fromUtf8(QJsonDocument(others).toJson()) + it.key()).contains(secret)) {
                    continue;
                }
                // It is a leak unless the error says it anyway: the same profile with this secret
                // replaced (an error may quote another field, a key or its own words).
                QJsonObject without = o;
                const bool token = it.key() == QLatin1String("control_token");
                without.insert(it.key(), token ? QString(secret.size(), u'#') : maskPasswords(it.value().toString()));
                QString otherError;
                ConnectionProfile::fromJson(QJsonDocument(without).toJson(), &otherError);
                FUZZ_PROMISE(withoutVocabulary(otherError).count(secret) >= withoutVocabulary(error).count(secret));
            }
        }
        return 0;
    }
    QString why;
    FUZZ_PROMISE(p.validate(&why) && why.isEmpty());
    const QUrl feed = p.feedUrl();
    FUZZ_PROMISE(feed.scheme() == QLatin1String("ws") || feed.scheme() == QLatin1String("wss"));
    p.kubectlGlobalArgs();
#ifdef FUZZ_PLANTED_BUG
    // Planted (tests/fuzz.sh --planted): a kube_context holding a '~' is copied to a buffer of its
    // own length and read one byte past it.
    const QByteArray context = p.kubeContext.toUtf8();
    if (context.contains('~')) {
        char *copy = new char[context.size()];
        std::memcpy(copy, context.constData(), context.size());
        volatile char past = copy[context.size()];
        (void)past;
        delete[] copy;
    }
#endif
    return 0;
}
