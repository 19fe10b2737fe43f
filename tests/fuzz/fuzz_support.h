// Shared by the libFuzzer targets in tests/fuzz/ (built by tests/fuzz.sh): a broken promise
// aborts with the promise's words, so the log says which one broke on the saved input.
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <cstdlib>

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
inline QStringList passwordsIn(const QString &text)
{
    QStringList found;
    static const QRegularExpression url(QStringLiteral("://[^/@:]*:([^@/]+)@"));
    static const QRegularExpression keyValue(QStringLiteral("password\\s*=\\s*'?([^'\\s]+)"));
    for (const QRegularExpression *re : {&url, &keyValue}) {
        const QRegularExpressionMatch m = re->match(text);
        if (m.hasMatch()) {
            found << m.captured(1);
        }
    }
    return found;
}
