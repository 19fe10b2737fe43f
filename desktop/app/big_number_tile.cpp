#include "big_number_tile.h"

#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

BigNumberTile::BigNumberTile(const QString &title, QWidget *parent)
    : QFrame(parent), m_title(new QLabel(title)), m_number(new QLabel(u"–"_s)), m_caption(new QLabel)
{
    setObjectName(u"bigNumberTile"_s);
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(12, 8, 12, 8);
    v->setSpacing(0);
    QFont tf = m_title->font();
    tf.setPointSizeF(16);
    tf.setBold(true);
    m_title->setFont(tf);
    QFont nf = m_number->font();
    nf.setPointSizeF(40);
    nf.setBold(true);
    m_number->setFont(nf);
    QFont cf = m_caption->font();
    cf.setPointSizeF(12);
    m_caption->setFont(cf);
    m_caption->setWordWrap(true);
    m_title->setWordWrap(true); // four tiles across a 1024-wide projector
    for (QLabel *l : {m_title, m_number, m_caption}) {
        l->setAlignment(Qt::AlignHCenter);
        v->addWidget(l);
    }
    setValue(u"–"_s, {}, Tone::Neutral);
}

void BigNumberTile::setValue(const QString &number, const QString &caption, Tone tone)
{
    const bool restyle = !m_styled || tone != m_tone;
    if (!restyle && number == m_number->text() && caption == m_caption->text()) {
        return;
    }
    m_number->setText(number);
    m_caption->setText(caption);
    m_tone = tone;
    if (!restyle) {
        return;
    }
    m_styled = true;
    QString bg = u"#eeeeee"_s, border = u"#9e9e9e"_s;
    switch (tone) {
    case Tone::Neutral:
        break;
    case Tone::Good:
        bg = u"#e3f4e6"_s;
        border = u"#2e7d32"_s;
        break;
    case Tone::Warning:
        bg = u"#fff4d6"_s;
        border = u"#b26a00"_s;
        break;
    case Tone::Bad:
        bg = u"#fde2e2"_s;
        border = u"#c62828"_s;
        break;
    }
    setStyleSheet(u"QFrame#bigNumberTile { background: %1; border: 3px solid %2; border-radius: 8px; }"
                  u" QLabel { background: transparent; color: #111; }"_s.arg(bg, border));
}

QString BigNumberTile::number() const
{
    return m_number->text();
}

QString BigNumberTile::caption() const
{
    return m_caption->text();
}

void BigNumberTile::setCaptionVisible(bool visible)
{
    m_caption->setVisible(visible);
}

} // namespace presenter
