#include "replay_badge.h"

#include <QEvent>

using namespace Qt::StringLiterals;

namespace presenter {

ReplayBadge::ReplayBadge(QWidget *window, bool kiosk) : QLabel(window), m_kiosk(kiosk)
{
    setObjectName(u"replayBadge"_s);
    const int px = kiosk ? 24 : 16;
    // Magenta on white text: no chart or status in the presenter uses it, so it reads as "not live".
    setStyleSheet(u"QLabel#replayBadge { background: #c2185b; color: white; font-weight: bold; font-size: %1px;"
                  " padding: %2px %3px; border: 2px solid white; border-radius: 4px; }"_s.arg(px)
                      .arg(px / 3)
                      .arg(px / 2));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    window->installEventFilter(this);
    place();
}

void ReplayBadge::setBadgeText(const QString &text)
{
    if (text != this->text()) {
        setText(text);
        place();
    }
}

bool ReplayBadge::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && (event->type() == QEvent::Resize || event->type() == QEvent::Show)) {
        place();
    }
    return QLabel::eventFilter(watched, event);
}

void ReplayBadge::place()
{
    adjustSize();
    if (QWidget *w = parentWidget()) {
        const int y = w->height() - height() - 6;
        move(m_kiosk ? w->width() - width() - 12 : 12, y);
    }
    raise();
}

} // namespace presenter
