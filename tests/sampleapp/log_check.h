#pragma once
// The sample app's log must hold no warning or error a test did not provoke: a test
// lists the messages it expects; anything else at warning level or above fails it.

#include <QByteArray>
#include <QByteArrayList>
#include <QRegularExpression>
#include <QStringList>

namespace logcheck {

// Lines logged at warning, error or critical level that match none of `expected` (regular
// expressions on the message).
inline QByteArrayList unexpected(const QByteArray &output, const QStringList &expected = {})
{
    QByteArrayList lines;
    for (const QByteArray &line : output.split('\n')) {
        if (!line.contains("[warning]") && !line.contains("[error]") && !line.contains("[critical]")) {
            continue;
        }
        const QString text = QString::fromUtf8(line);
        bool allowed = false;
        for (const QString &pattern : expected) {
            if (QRegularExpression(pattern).match(text).hasMatch()) {
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            lines << line;
        }
    }
    return lines;
}

} // namespace logcheck

// QVERIFY that the log is clean but for the expected lines.
#define VERIFY_LOG_CLEAN(output, ...)                                                                                  \
    do {                                                                                                               \
        const QByteArrayList unexpectedLines_ = logcheck::unexpected((output)__VA_OPT__(, ) __VA_ARGS__);              \
        QVERIFY2(unexpectedLines_.isEmpty(), unexpectedLines_.join('\n').constData());                                 \
    } while (false)
