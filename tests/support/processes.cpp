#include "processes.h"

#include "test_env.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QUrlQuery>

#include <csignal>

namespace testenv {

namespace {
bool waitForHttp(const QUrl &url, QProcess &process, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (process.state() == QProcess::NotRunning) {
            return false;
        }
        if (http("GET", url, {}, {}, 1000).status == 200) {
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}
} // namespace

SampleAppProcess::SampleAppProcess(QMap<QString, QString> env) : m_env(std::move(env)) { }

SampleAppProcess::~SampleAppProcess()
{
    stop(5000);
}

bool SampleAppProcess::start(int timeoutMs)
{
    // An explicit APP_HTTP_PORT (e.g. to restart on the same port) wins over a fresh free port.
    m_port = m_env.contains(QStringLiteral("APP_HTTP_PORT"))
        ? quint16(m_env.value(QStringLiteral("APP_HTTP_PORT")).toUInt())
        : freePort();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("APP_DB_WRITER_URL"), QString::fromUtf8(pgConninfo(QStringLiteral("app_writer"))));
    env.insert(QStringLiteral("APP_DB_READER_URL"), QString::fromUtf8(pgConninfo(QStringLiteral("app_reader"))));
    env.insert(QStringLiteral("APP_HTTP_PORT"), QString::number(m_port));
    env.insert(QStringLiteral("APP_HTTP_ADDRESS"), QStringLiteral("127.0.0.1"));
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it) {
        if (it.value().isNull()) {
            env.remove(it.key());
        } else {
            env.insert(it.key(), it.value());
        }
    }
    m_process->setProcessEnvironment(env);
    m_process->start(sampleappBinary(), {});
    if (!m_process->waitForStarted(5000)) {
        return false;
    }
    return waitForHttp(url(QStringLiteral("/healthz")), *m_process, timeoutMs);
}

int SampleAppProcess::stop(int timeoutMs)
{
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        return m_process ? m_process->exitCode() : 0;
    }
    ::kill(pid_t(m_process->processId()), SIGTERM);
    if (!m_process->waitForFinished(timeoutMs)) {
        m_process->kill();
        m_process->waitForFinished(5000);
        return -1;
    }
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

QUrl SampleAppProcess::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QByteArray SampleAppProcess::output() const
{
    if (!m_process) {
        return {};
    }
    // Merged channels: read what is buffered without consuming (peek).
    return m_process->peek(m_process->bytesAvailable());
}

QByteArrayList SampleAppProcess::errorLines() const
{
    QByteArrayList errors;
    for (const QByteArray &line : output().split('\n')) {
        if (line.contains("[error]") || line.contains("[critical]")) {
            errors << line;
        }
    }
    return errors;
}

PrometheusProcess::PrometheusProcess(QStringList targets, QString scrapeInterval, QString extraScrapeConfigs)
    : m_targets(std::move(targets)), m_interval(std::move(scrapeInterval)), m_extra(std::move(extraScrapeConfigs))
{ }

PrometheusProcess::~PrometheusProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

bool PrometheusProcess::start(int timeoutMs)
{
    QStringList quoted;
    for (const auto &t : m_targets) {
        quoted << u'"' + t + u'"';
    }
    const QString config = QStringLiteral("global:\n  scrape_interval: %1\n  evaluation_interval: %1\n"
                                          "scrape_configs:\n"
                                          "  - job_name: sampleapp\n    metrics_path: /metrics\n"
                                          "    static_configs:\n      - targets: [%2]\n%3")
                               .arg(m_interval, quoted.join(QStringLiteral(", ")), m_extra);
    QFile f(m_dir.filePath(QStringLiteral("prometheus.yml")));
    if (!f.open(QIODevice::WriteOnly) || f.write(config.toUtf8()) < 0) {
        return false;
    }
    f.close();
    // A restart (after the test killed it) listens on the same port, as Prometheus behind a Service does.
    if (m_port == 0) {
        m_port = freePort();
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(QStringLiteral("prometheus"),
        {QStringLiteral("--config.file=") + f.fileName(),
            QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port), QStringLiteral("--log.level=warn")});
    if (!m_process->waitForStarted(5000)) {
        return false;
    }
    return waitForHttp(url(QStringLiteral("/-/ready")), *m_process, timeoutMs);
}

QUrl PrometheusProcess::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QJsonDocument PrometheusProcess::query(const QString &promql, int *httpStatus) const
{
    QUrl u = url(QStringLiteral("/api/v1/query"));
    // Encoded by hand: QUrlQuery leaves '+' alone, which Prometheus would read as a space.
    u.setQuery(QStringLiteral("query=") + QString::fromLatin1(QUrl::toPercentEncoding(promql)));
    const auto reply = http("GET", u);
    if (httpStatus) {
        *httpStatus = reply.status;
    }
    return reply.json();
}

QByteArray PrometheusProcess::output() const
{
    return m_process ? m_process->peek(m_process->bytesAvailable()) : QByteArray();
}

} // namespace testenv
