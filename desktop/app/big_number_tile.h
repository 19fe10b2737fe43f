#pragma once

#include <QFrame>

class QLabel;

namespace presenter {

// A big number for the back of the room: a title, the number, a one-line caption. The tone colours
// the frame (good, warning, bad, neutral when nothing is known).
class BigNumberTile : public QFrame
{
    Q_OBJECT
public:
    enum class Tone { Neutral, Good, Warning, Bad };
    explicit BigNumberTile(const QString &title, QWidget *parent = nullptr);
    // An unchanged value costs nothing: the kiosk sets its tiles on every feed tick, and a style
    // sheet set again re-polishes and lays out the tile.
    void setValue(const QString &number, const QString &caption, Tone tone);
    QString number() const;
    QString caption() const;
    Tone tone() const { return m_tone; }
    void setCaptionVisible(bool visible); // hidden on a short screen: the number says it

private:
    QLabel *m_title;
    QLabel *m_number;
    QLabel *m_caption;
    Tone m_tone = Tone::Neutral;
    bool m_styled = false;
};

} // namespace presenter
