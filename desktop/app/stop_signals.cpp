#include "stop_signals.h"

#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstddef>

#include <sys/socket.h>
#include <unistd.h>

namespace presenter {

namespace {

constexpr std::array kSignals {SIGINT, SIGTERM, SIGHUP};
// [0] written by the handler, [1] read by the notifier. A plain int: the handler reads it only.
int g_pipe[2] = {-1, -1};
// The dispositions found at start, put back by the destructor; installed[i]: kSignals[i] handled.
std::array<struct sigaction, kSignals.size()> g_previous {};
std::array<bool, kSignals.size()> g_installed {};

extern "C" void onStopSignal(int signal)
{
    const int saved = errno; // write() may change it under the interrupted code
    const auto byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[0], &byte, 1);
    errno = saved;
}

} // namespace

StopSignals::StopSignals(std::function<void(int)> onSignal, QObject *parent)
    : QObject(parent), m_onSignal(std::move(onSignal))
{
    if (g_pipe[0] >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_pipe) != 0) {
        return;
    }
    m_notifier = new QSocketNotifier(g_pipe[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StopSignals::readSignal);
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    m_installed = true;
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
        const int s = kSignals[i];
        if (::sigaction(s, nullptr, &g_previous[i]) != 0) {
            m_installed = false;
            continue;
        }
        // SIGINT and SIGHUP ignored by whoever started us stay ignored (a script's background job,
        // nohup), as the shell intends; SIGTERM always stops.
        if (s != SIGTERM && g_previous[i].sa_handler == SIG_IGN) {
            continue;
        }
        g_installed[i] = ::sigaction(s, &action, nullptr) == 0;
        m_installed = m_installed && g_installed[i];
    }
}

StopSignals::~StopSignals()
{
    if (!m_notifier) {
        return; // never set up: the socket pair and the handlers are not this one's
    }
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
        if (g_installed[i]) {
            ::sigaction(kSignals[i], &g_previous[i], nullptr);
            g_installed[i] = false;
        }
    }
    delete m_notifier; // before its socket is closed
    m_notifier = nullptr;
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

void StopSignals::readSignal()
{
    unsigned char byte = 0;
    while (::read(g_pipe[1], &byte, 1) == 1) {
        if (!m_stopping) {
            m_stopping = true;
            m_onSignal(byte);
        }
    }
}

} // namespace presenter
