#include "otel/config.h"

using namespace Qt::StringLiterals;

namespace otel {

namespace {

// "The SDK MUST interpret an empty value of an environment variable the same way as when the
// variable is unset."
QString valueOf(const QProcessEnvironment &env, const QString &name)
{
    return env.value(name).trimmed();
}

// The first of `names` that is set (the signal-specific one first).
QString firstSet(const QProcessEnvironment &env, std::initializer_list<QString> names, QString *which = nullptr)
{
    for (const QString &name : names) {
        const QString v = valueOf(env, name);
        if (!v.isEmpty()) {
            if (which) {
                *which = name;
            }
            return v;
        }
    }
    return {};
}

void readInt(const QProcessEnvironment &env, const QString &name, int lo, int *out, QStringList *warnings)
{
    const QString text = valueOf(env, name);
    if (text.isEmpty()) {
        return;
    }
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < lo) {
        warnings->append(u"%1='%2' ignored: an integer of at least %3 is expected"_s.arg(name, text).arg(lo));
        return;
    }
    *out = v;
}

bool truthy(const QProcessEnvironment &env, const QString &name, QStringList *warnings)
{
    const QString text = valueOf(env, name).toLower();
    if (!text.isEmpty() && text != u"true" && text != u"false") {
        warnings->append(u"%1='%2' read as false: only 'true' or 'false' is expected"_s.arg(name, text));
    }
    return text == u"true";
}

// The URL the spans are posted to, or an invalid URL (with a warning) when neither variable works.
QUrl readTracesUrl(const QProcessEnvironment &env, QStringList *warnings)
{
    const QString specific = valueOf(env, u"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"_s);
    const QString base = valueOf(env, u"OTEL_EXPORTER_OTLP_ENDPOINT"_s);
    auto usable = [warnings](const QString &name, const QString &text) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
            warnings->append(u"%1='%2' ignored: an http:// or https:// URL is expected"_s.arg(name, text));
            return QUrl();
        }
        return url;
    };
    if (!specific.isEmpty()) {
        // Used as it is; "if an URL contains no path part, the root path / MUST be used".
        QUrl url = usable(u"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"_s, specific);
        if (url.isValid() && url.path().isEmpty()) {
            url.setPath(u"/"_s);
        }
        if (url.isValid() || base.isEmpty()) {
            return url;
        }
    }
    if (base.isEmpty()) {
        return {};
    }
    QUrl url = usable(u"OTEL_EXPORTER_OTLP_ENDPOINT"_s, base);
    if (url.isValid()) {
        QString path = url.path();
        if (!path.endsWith(u'/')) {
            path += u'/';
        }
        url.setPath(path + u"v1/traces"_s);
    }
    return url;
}

void readSampler(const QProcessEnvironment &env, Sampler *sampler, QStringList *warnings)
{
    const QString name = valueOf(env, u"OTEL_TRACES_SAMPLER"_s);
    if (name.isEmpty()) {
        return; // "OTEL_TRACES_SAMPLER_ARG ... will only be used if OTEL_TRACES_SAMPLER is set"
    }
    const auto kind = Sampler::kindFromName(name);
    if (!kind) {
        warnings->append(u"OTEL_TRACES_SAMPLER='%1' ignored: this app knows always_on, always_off, traceidratio, "
                         "parentbased_always_on, parentbased_always_off and parentbased_traceidratio"_s.arg(name));
        return;
    }
    sampler->kind = *kind;
    const QString arg = valueOf(env, u"OTEL_TRACES_SAMPLER_ARG"_s);
    if (!Sampler::takesRatio(*kind) || arg.isEmpty()) {
        return; // the ratio's default is 1.0
    }
    bool ok = false;
    const double ratio = arg.toDouble(&ok);
    if (!ok || !(ratio >= 0.0 && ratio <= 1.0)) {
        warnings->append(u"OTEL_TRACES_SAMPLER_ARG='%1' ignored: a probability from 0 to 1 is expected"_s.arg(arg));
        return;
    }
    sampler->ratio = ratio;
}

void readHeaders(const QProcessEnvironment &env, Config *c)
{
    QString name;
    const QString text
        = firstSet(env, {u"OTEL_EXPORTER_OTLP_TRACES_HEADERS"_s, u"OTEL_EXPORTER_OTLP_HEADERS"_s}, &name);
    QList<QPair<QString, QString>> pairs;
    if (text.isEmpty()) {
        return;
    }
    if (!Config::parseKeyValueList(text, &pairs)) {
        c->warnings.append(u"%1 ignored: 'key1=value1,key2=value2' is expected"_s.arg(name));
        return;
    }
    for (const auto &p : pairs) {
        c->headers.append({p.first.toLatin1(), p.second.toUtf8()});
    }
}

void readResource(const QProcessEnvironment &env, Config *c)
{
    const QString text = valueOf(env, u"OTEL_RESOURCE_ATTRIBUTES"_s);
    if (!text.isEmpty() && !Config::parseKeyValueList(text, &c->resourceAttributes)) {
        c->warnings.append(u"OTEL_RESOURCE_ATTRIBUTES='%1' ignored: 'key1=value1,key2=value2' is expected"_s.arg(text));
        c->resourceAttributes.clear();
    }
    // "If service.name is also provided in OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME takes precedence."
    for (const auto &[key, value] : std::as_const(c->resourceAttributes)) {
        if (key == u"service.name") {
            c->serviceName = value;
        }
    }
    const QString service = valueOf(env, u"OTEL_SERVICE_NAME"_s);
    if (!service.isEmpty()) {
        c->serviceName = service;
    }
}

void readProtocol(const QProcessEnvironment &env, QStringList *warnings)
{
    QString name;
    const QString protocol
        = firstSet(env, {u"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"_s, u"OTEL_EXPORTER_OTLP_PROTOCOL"_s}, &name);
    if (!protocol.isEmpty() && protocol.toLower() != u"http/json") {
        warnings->append(
            u"%1='%2' ignored: this app sends OTLP/HTTP with the JSON encoding only (http/json)"_s.arg(name, protocol));
    }
}

} // namespace

bool Config::parseKeyValueList(const QString &text, QList<QPair<QString, QString>> *out)
{
    QList<QPair<QString, QString>> pairs;
    for (const QString &member : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype eq = member.indexOf(u'=');
        const QString key = member.left(eq).trimmed();
        if (eq <= 0 || key.isEmpty()) {
            return false;
        }
        const QString value = QUrl::fromPercentEncoding(member.mid(eq + 1).trimmed().toUtf8());
        pairs.append({key, value});
    }
    *out = pairs;
    return true;
}

Config Config::fromEnvironment(const QProcessEnvironment &env)
{
    Config c;
    c.tracesUrl = readTracesUrl(env, &c.warnings);
    const bool disabled = truthy(env, u"OTEL_SDK_DISABLED"_s, &c.warnings);
    const QString exporter = valueOf(env, u"OTEL_TRACES_EXPORTER"_s).toLower();
    if (!exporter.isEmpty() && exporter != u"otlp" && exporter != u"none") {
        c.warnings.append(u"OTEL_TRACES_EXPORTER='%1' ignored: this app knows otlp and none"_s.arg(exporter));
    }
    c.enabled = c.tracesUrl.isValid() && !disabled && exporter != u"none";
    readSampler(env, &c.sampler, &c.warnings);
    readHeaders(env, &c);
    readResource(env, &c);
    readProtocol(env, &c.warnings);
    readInt(env, u"OTEL_BSP_MAX_QUEUE_SIZE"_s, 1, &c.maxQueueSize, &c.warnings);
    readInt(env, u"OTEL_BSP_MAX_EXPORT_BATCH_SIZE"_s, 1, &c.maxExportBatchSize, &c.warnings);
    readInt(env, u"OTEL_BSP_SCHEDULE_DELAY"_s, 0, &c.scheduleDelayMs, &c.warnings);
    QString timeoutName;
    const QString timeout
        = firstSet(env, {u"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"_s, u"OTEL_EXPORTER_OTLP_TIMEOUT"_s}, &timeoutName);
    if (!timeout.isEmpty()) {
        readInt(env, timeoutName, 1, &c.exportTimeoutMs, &c.warnings);
    }
    if (c.maxExportBatchSize > c.maxQueueSize) {
        c.warnings.append(u"OTEL_BSP_MAX_EXPORT_BATCH_SIZE=%1 lowered to OTEL_BSP_MAX_QUEUE_SIZE=%2: a batch is taken "
                          "from the queue"_s.arg(c.maxExportBatchSize)
                              .arg(c.maxQueueSize));
        c.maxExportBatchSize = c.maxQueueSize;
    }
    return c;
}

} // namespace otel
