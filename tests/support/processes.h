#pragma once
// Real servers started by tests: the built sample app and Prometheus, on loopback.

#include <QByteArray>
#include <QJsonDocument>
#include <QMap>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace testenv {

// The real sampleapp binary with the PostgreSQL fixture as writer and reader (users app_writer /
// app_reader) unless `env` overrides APP_* variables. Stops with SIGTERM in stop()/destructor.
class SampleAppProcess
{
public:
    explicit SampleAppProcess(QMap<QString, QString> env = {});
    ~SampleAppProcess();
    SampleAppProcess(const SampleAppProcess &) = delete;
    SampleAppProcess &operator=(const SampleAppProcess &) = delete;

    // Starts and waits until /healthz answers; false (with output()) if it does not within timeoutMs.
    bool start(int timeoutMs = 15000);
    // SIGTERM, wait for exit; returns the exit code (or -1 if it had to be killed).
    int stop(int timeoutMs = 15000);
    QUrl url(const QString &path = {}) const;
    quint16 port() const { return m_port; }
    QByteArray output() const; // everything it printed so far
    // Lines logged at error level ("[error]"): tests expect none unless they provoke them.
    QByteArrayList errorLines() const;
    QProcess &process() { return *m_process; }

private:
    QMap<QString, QString> m_env;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

// Prometheus scraping the given host:port targets (job "sampleapp", metrics path /metrics,
// scrape interval `scrapeInterval`), with its own temp dir and port.
class PrometheusProcess
{
public:
    explicit PrometheusProcess(
        QStringList targets, QString scrapeInterval = QStringLiteral("1s"), QString extraScrapeConfigs = {});
    ~PrometheusProcess();
    PrometheusProcess(const PrometheusProcess &) = delete;
    PrometheusProcess &operator=(const PrometheusProcess &) = delete;

    // Starts (again, after a kill: on the same port, with the same data directory).
    bool start(int timeoutMs = 30000);
    QProcess &process() { return *m_process; }
    QUrl url(const QString &path = {}) const;
    quint16 port() const { return m_port; }
    // GET /api/v1/query?query=...: the JSON answer (status 0 on transport failure).
    QJsonDocument query(const QString &promql, int *httpStatus = nullptr) const;
    QByteArray output() const;

private:
    QStringList m_targets;
    QString m_interval;
    QString m_extra;
    quint16 m_port = 0;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
};

} // namespace testenv
