#include "shutdown_watchdog.h"

#include "log.h"

#include <cstdlib>

ShutdownWatchdog::ShutdownWatchdog(std::function<void()> onTimeout) : m_onTimeout(std::move(onTimeout)) { }

ShutdownWatchdog::~ShutdownWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_disarmed = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void ShutdownWatchdog::arm(std::chrono::milliseconds timeout)
{
    if (m_thread.joinable()) {
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    m_thread = std::thread([this, deadline] {
        std::unique_lock lock(m_mutex);
        if (!m_wake.wait_until(lock, deadline, [this] { return m_disarmed; })) {
            m_onTimeout();
        }
    });
}

void ShutdownWatchdog::exitNow(int timeoutMs)
{
    applog::logger()->error(
        "shutdown: still running at APP_SHUTDOWN_TIMEOUT_MS ({} ms): exiting without waiting any longer", timeoutMs);
    applog::logger()->flush();
    std::_Exit(1);
}
