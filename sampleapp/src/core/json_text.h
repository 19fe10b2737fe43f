#pragma once
// Direct JSON text output for the hot path. QJsonObject/QJsonDocument cost about two thirds of a
// /search request (callgrind); the search answer is written straight from the libpq result.

#include <QByteArray>
#include <QStringView>

namespace jsontext {

// Appends `utf8` as a JSON string literal (quotes included), escaping '"', '\\' and control
// characters. Bytes >= 0x80 are copied as they are (the input is UTF-8 from the database).
void appendString(QByteArray &out, const char *utf8, qsizetype size);
inline void appendString(QByteArray &out, const QByteArray &utf8)
{
    appendString(out, utf8.constData(), utf8.size());
}

} // namespace jsontext
