#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>

namespace presenter {

// The one shape every presenter data source has (feed client, Prometheus client, SQL runner,
// cluster driver): start/stop, a running flag, a health state with "down since", and signals for
// failure and recovery. Each source adds its own data signals.
//
// Threading: a DataSource lives on the GUI thread and emits every signal there. Blocking work
// (libpq, waiting on processes) runs elsewhere and reports back through queued calls; no method
// of a DataSource blocks.
class DataSource : public QObject
{
    Q_OBJECT
public:
    explicit DataSource(QString name, QObject *parent = nullptr);
    ~DataSource() override;

    virtual void start() = 0;
    virtual void stop() = 0;

    QString name() const { return m_name; }
    bool isRunning() const { return m_running; }
    // Healthy until reportFailure(); downSince() is when the current outage began (invalid if up).
    bool isHealthy() const { return !m_downSince.isValid(); }
    QDateTime downSince() const { return m_downSince; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void runningChanged(bool running);
    // The source is down or an operation failed; `reason` is a sentence for the banner.
    void failed(const QString &reason);
    // The source is up again after a failure.
    void recovered();

protected:
    void setRunning(bool running);
    // Marks the source down (keeps the first "down since") and emits failed().
    void reportFailure(const QString &reason);
    // Marks the source up; emits recovered() only if it was down.
    void reportRecovered();

private:
    QString m_name;
    bool m_running = false;
    QDateTime m_downSince;
    QString m_lastError;
};

} // namespace presenter
