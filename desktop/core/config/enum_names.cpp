#include "enum_names.h"

namespace presenter {

QString enumnames::styled(const char *enumerator, KeyStyle style)
{
    const QString name = QString::fromLatin1(enumerator);
    if (style == KeyStyle::AsIs) {
        return name;
    }
    QString out;
    out.reserve(name.size() + 4);
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (c.isUpper() && i > 0) {
            out += u'_';
        }
        out += c.toLower();
    }
    return out;
}

} // namespace presenter
