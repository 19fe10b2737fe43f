#pragma once

#include <QObject>
#include <QRect>
#include <QSize>
#include <QString>

class QScreen;
class QWidget;

namespace presenter {

// Remembers a top-level window's size, place and screen across runs, as Qt applications do
// (QSettings, saveGeometry / restoreGeometry), and never opens it larger than the screen it lands
// on: a first run takes `preferred` shrunk to that screen's available area (less a title bar's
// height); a restored geometry saved on a larger screen is clamped to this one
// (windowplacement::fit). Saved when the window
// closes and when the application quits. Owned by the window (a child of it); GUI thread only.
class WindowMemory : public QObject
{
    Q_OBJECT
public:
    // Call before show(). `key`: the QSettings key of this window (e.g. "presenter/geometry").
    static WindowMemory *attach(QWidget *window, const QString &key, const QSize &preferred);

    void save();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    WindowMemory(QWidget *window, const QString &key);
    void restore(const QSize &preferred);

    void apply();
    void fitFrameWhenKnown();
    QRect clientArea(const QScreen *screen) const;

    QWidget *m_window;
    QString m_key;
    QRect m_wanted; // where restore() put it; null when the screen sizes it (maximised, full screen)
    bool m_shown = false;
};

} // namespace presenter
