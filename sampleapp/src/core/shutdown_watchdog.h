#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

// The backstop of the shutdown contract: once armed, runs `onTimeout` on its own thread if it is
// still alive when the time is up. The sample app's main() declares it before the SampleApp, so it
// keeps watching while the SampleApp's destructors wait for threads (where no event loop runs), and
// its action (log, then _Exit(1)) ends a process that would otherwise outlive the pod's grace period.
//
// Threading: arm() and the destructor from one thread; onTimeout runs on the watchdog's thread.
class ShutdownWatchdog
{
public:
    explicit ShutdownWatchdog(std::function<void()> onTimeout);
    ~ShutdownWatchdog(); // disarms and joins
    ShutdownWatchdog(const ShutdownWatchdog &) = delete;
    ShutdownWatchdog &operator=(const ShutdownWatchdog &) = delete;

    void arm(std::chrono::milliseconds timeout); // once; later calls are ignored

    // The sample app's action: an error line naming the variable, then _Exit(1).
    static void exitNow(int timeoutMs);

private:
    std::function<void()> m_onTimeout;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_disarmed = false;
    std::thread m_thread;
};
