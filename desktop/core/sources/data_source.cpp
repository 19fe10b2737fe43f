#include "data_source.h"

namespace presenter {

DataSource::DataSource(QString name, QObject *parent) : QObject(parent), m_name(std::move(name)) { }

DataSource::~DataSource() = default;

void DataSource::setRunning(bool running)
{
    if (m_running == running) {
        return;
    }
    m_running = running;
    Q_EMIT runningChanged(running);
}

void DataSource::reportFailure(const QString &reason)
{
    if (!m_downSince.isValid()) {
        m_downSince = QDateTime::currentDateTimeUtc();
    }
    m_lastError = reason;
    Q_EMIT failed(reason);
}

void DataSource::reportRecovered()
{
    if (!m_downSince.isValid()) {
        return;
    }
    m_downSince = QDateTime();
    m_lastError.clear();
    Q_EMIT recovered();
}

} // namespace presenter
