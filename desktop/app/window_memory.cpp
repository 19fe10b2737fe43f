#include "window_memory.h"

#include "model/window_placement.h"

#include <QCoreApplication>
#include <QEvent>
#include <QGuiApplication>
#include <QScreen>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QWidget>
#include <QWindow>

#include <memory>

namespace presenter {

WindowMemory *WindowMemory::attach(QWidget *window, const QString &key, const QSize &preferred)
{
    auto *memory = new WindowMemory(window, key);
    memory->restore(preferred);
    return memory;
}

WindowMemory::WindowMemory(QWidget *window, const QString &key) : QObject(window), m_window(window), m_key(key)
{
    window->installEventFilter(this);
    // A quit (the last window closed, a signal: stop_signals.h) after which no close event may come.
    connect(qApp, &QCoreApplication::aboutToQuit, this, &WindowMemory::save);
}

void WindowMemory::restore(const QSize &preferred)
{
    const QByteArray saved = QSettings().value(m_key).toByteArray();
    if (!saved.isEmpty() && m_window->restoreGeometry(saved)) {
        if (m_window->windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen)) {
            return; // sized by the screen itself
        }
        // The screen it lands on; a screen that is gone (a projector unplugged) leaves it nowhere:
        // then the one Qt would open it on.
        QScreen *screen = QGuiApplication::screenAt(m_window->geometry().center());
        if (!screen) {
            screen = m_window->screen() ? m_window->screen() : QGuiApplication::primaryScreen();
        }
        if (screen) {
            m_wanted = windowplacement::fit(m_window->geometry(), clientArea(screen));
            apply();
        }
        return;
    }
    if (QScreen *screen = m_window->screen() ? m_window->screen() : QGuiApplication::primaryScreen()) {
        m_wanted = windowplacement::initial(clientArea(screen), preferred);
        apply();
    } else {
        m_window->resize(preferred);
    }
}

QRect WindowMemory::clientArea(const QScreen *screen) const
{
    // The geometry set here is the client area's; a window manager puts its title bar above it. The
    // frame is not known before the window shows, so room for a title bar is kept, as
    // restoreGeometry does (a window on a bare X server starts that much lower).
    const int titleBar = m_window->style()->pixelMetric(QStyle::PM_TitleBarHeight, nullptr, m_window);
    return screen->availableGeometry().adjusted(0, titleBar, 0, 0);
}

void WindowMemory::apply()
{
    if (!m_wanted.isNull() && m_window->geometry() != m_wanted) {
        m_window->setGeometry(m_wanted);
    }
}

void WindowMemory::fitFrameWhenKnown()
{
    // An X window manager frames the window after it maps, and Qt announces no change of its frame
    // margins: look for them a few times. When the frame (title bar, borders) would leave the
    // screen, the window is moved and shrunk so the frame fits (openbox: 20 px on top, 5 below).
    auto *poll = new QTimer(this);
    poll->setInterval(100);
    auto polls = std::make_shared<int>(30);
    connect(poll, &QTimer::timeout, this, [this, poll, polls] {
        const QWindow *window = m_window->windowHandle();
        const QMargins frame = window ? window->frameMargins() : QMargins();
        if (frame.isNull() && --*polls > 0) {
            return;
        }
        poll->stop();
        poll->deleteLater();
        const QScreen *screen = m_window->screen();
        if (frame.isNull() || !screen || m_window->windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen)) {
            return;
        }
        const QRect framed = m_window->geometry().marginsAdded(frame);
        const QRect fitted = windowplacement::fit(framed, screen->availableGeometry());
        if (fitted != framed) {
            m_window->setGeometry(fitted.marginsRemoved(frame));
        }
    });
    poll->start();
}

void WindowMemory::save()
{
    // A window never shown has no geometry of its own to remember (a replay's hidden window).
    if (m_shown) {
        QSettings().setValue(m_key, m_window->saveGeometry());
    }
}

bool WindowMemory::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window) {
        if (event->type() == QEvent::Show && !m_shown) {
            m_shown = true;
            // Once more when shown: before its first layout a window's minimum size is the one of
            // the size it was built at (the presenter's charts arranged for 1600 px), which can
            // hold it wider than the geometry asked for.
            QTimer::singleShot(0, this, &WindowMemory::apply);
            fitFrameWhenKnown();
        } else if (event->type() == QEvent::Close) {
            save();
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace presenter
