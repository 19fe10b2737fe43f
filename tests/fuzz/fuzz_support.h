// Shared by the libFuzzer targets in tests/fuzz/ (built by tests/fuzz.sh): a broken promise
// aborts with the promise's words, so the log says which one broke on the saved input.
#pragma once

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <cstdlib>
#include <utility>

#define FUZZ_PROMISE(condition)                                                                                        \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "broken promise at %s:%d: %s\n", __FILE__, __LINE__, #condition);                     \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

inline QByteArray fuzzBytes(const unsigned char *data, size_t size)
{
    // A deep copy: a parser that keeps a view of its input must not outlive the fuzzer's buffer.
    return QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

// A refusal is a sentence: words, not just a code or an empty string.
inline bool isSentence(const QString &text)
{
    return text.trimmed().size() >= 8 && text.contains(u' ');
}

// The password a URL-like text carries ("scheme://user:PASSWORD@host", or "password=PASSWORD"
// in a key=value conninfo), found by the text's shape, not by the parser under test.
// Where the passwords are in a URL or conninfo: user:PASSWORD@ and password=PASSWORD (the first
// of each), as [start, length) ranges of the text.
inline QList<std::pair<qsizetype, qsizetype>> passwordRanges(const QString &text)
{
    QList<std::pair<qsizetype, qsizetype>> found;
    static const QRegularExpression url(QStringLiteral("://[^/@:]*:([^@/]+)@"));
    static const QRegularExpression keyValue(QStringLiteral("password\\s*=\\s*'?([^'\\s]+)"));
    for (const QRegularExpression *re : {&url, &keyValue}) {
        const QRegularExpressionMatch m = re->match(text);
        if (m.hasMatch()) {
            found.append({m.capturedStart(1), m.capturedLength(1)});
        }
    }
    return found;
}

inline QStringList passwordsIn(const QString &text)
{
    QStringList found;
    for (const auto &[start, length] : passwordRanges(text)) {
        found << text.mid(start, length);
    }
    return found;
}

// The text with its passwords (passwordRanges) masked by '#', and nothing else changed: a password
// "gres" in "postgresql://…password=gres" masks the password, not the scheme. A target compares how
// often the error spells the password with and without it (an error may use the same letters in
// its own words, "postgresql"): more often with it is a quoted password.
inline QString maskPasswords(const QString &text)
{
    QString masked = text;
    for (const auto &[start, length] : passwordRanges(text)) {
        masked.replace(start, length, QString(length, u'#'));
    }
    return masked;
}
