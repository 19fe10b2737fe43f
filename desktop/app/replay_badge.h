#pragma once

#include <QLabel>

namespace presenter {

// The "REPLAY" badge on a window while a recording plays (presenter and kiosk), so nobody mistakes
// a replay for the live cluster: a loud label pinned to a bottom corner of the window, above
// everything, its text set by the owner (ReplaySession::badgeText()). Bottom corners because the
// top holds what the audience reads first (the beat's title, the charts' titles): the presenter's
// window puts it bottom-left (under the node grid), the kiosk bottom-right (over the events line).
class ReplayBadge : public QLabel
{
    Q_OBJECT
public:
    // `kiosk`: the kiosk's size (read from the back of a room) and corner.
    explicit ReplayBadge(QWidget *window, bool kiosk = false);
    void setBadgeText(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();
    bool m_kiosk;
};

} // namespace presenter
