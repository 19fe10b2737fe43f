#include "sql_script.h"

#include <QFile>
#include <QFileInfo>

#include <QRegularExpression>
#include <algorithm>

namespace pgkit {

namespace {

// Handles one "-- @..." directive line. Returns an error text or empty.
// What the directives before a statement asked for; applied to the next statement only.
struct Pending
{
    QStringList tolerate;
    QString expectError;
    int expectErrorLine = 0;
    bool isEmpty() const { return tolerate.isEmpty() && expectError.isEmpty(); }
};

QString applyDirective(const QString &body, int line, SqlScript &script, Pending &pending)
{
    static const QRegularExpression sqlstate(QStringLiteral("^[0-9A-Z]{5}$"));
    const QStringList words = body.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty()) {
        return QStringLiteral("line %1: empty directive").arg(line);
    }
    const QString &name = words.first();
    if (name == u"dialect") {
        if (words.size() != 2 || (words[1] != u"portable" && words[1] != u"cockroachdb")) {
            return QStringLiteral("line %1: @dialect takes 'portable' or 'cockroachdb'").arg(line);
        }
        script.dialect = words[1] == u"cockroachdb" ? SqlScript::Dialect::CockroachDB : SqlScript::Dialect::Portable;
        return {};
    }
    if (name == u"tolerate") {
        if (words.size() < 2) {
            return QStringLiteral("line %1: @tolerate needs at least one SQLSTATE").arg(line);
        }
        for (qsizetype i = 1; i < words.size(); ++i) {
            if (!sqlstate.match(words[i]).hasMatch()) {
                return QStringLiteral("line %1: '%2' is not a SQLSTATE").arg(line).arg(words[i]);
            }
            pending.tolerate << words[i];
        }
        return {};
    }
    if (name == u"expect-error") {
        if (words.size() != 2) {
            return QStringLiteral("line %1: @expect-error takes exactly one SQLSTATE").arg(line);
        }
        if (!sqlstate.match(words[1]).hasMatch()) {
            return QStringLiteral("line %1: '%2' is not a SQLSTATE").arg(line).arg(words[1]);
        }
        if (!pending.expectError.isEmpty()) {
            return QStringLiteral("line %1: a second @expect-error before the same statement").arg(line);
        }
        pending.expectError = words[1];
        pending.expectErrorLine = line;
        return {};
    }
    if (name == u"database") {
        static const QRegularExpression ident(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (words.size() != 2 || !ident.match(words[1]).hasMatch()) {
            return QStringLiteral("line %1: @database takes one plain database name").arg(line);
        }
        if (!pending.expectError.isEmpty()) {
            // The refusal must belong to one statement: a reconnect in between would hide which.
            return QStringLiteral("line %1: @expect-error must be followed by its statement, not @database").arg(line);
        }
        script.steps.append(SqlStep {SqlStep::Kind::UseDatabase, words[1], line, {}, {}});
        return {};
    }
    return QStringLiteral("line %1: unknown directive @%2").arg(line).arg(name);
}

} // namespace

int SqlScript::statementCount() const
{
    return int(std::count_if(
        steps.cbegin(), steps.cend(), [](const SqlStep &s) { return s.kind == SqlStep::Kind::Statement; }));
}

SqlScript SqlScript::parse(const QString &text, const QString &name)
{
    SqlScript script;
    script.name = name;
    Pending pending;
    QString current;
    int currentLine = 0;
    int line = 1;
    const qsizetype n = text.size();

    auto flush = [&](bool atEnd) -> QString {
        const QString stmt = current.trimmed();
        if (!stmt.isEmpty()) {
            if (!pending.tolerate.isEmpty() && !pending.expectError.isEmpty()) {
                return QStringLiteral(
                    "line %1: @tolerate and @expect-error on the same statement contradict each other")
                    .arg(currentLine);
            }
            script.steps.append(
                SqlStep {SqlStep::Kind::Statement, stmt, currentLine, pending.tolerate, pending.expectError});
            pending = {};
        } else if (atEnd && !pending.tolerate.isEmpty()) {
            return QStringLiteral("@tolerate at the end of the file has no statement to apply to");
        } else if (atEnd && !pending.expectError.isEmpty()) {
            return QStringLiteral("line %1: @expect-error at the end of the file has no statement to apply to")
                .arg(pending.expectErrorLine);
        }
        current.clear();
        currentLine = 0;
        return {};
    };

    qsizetype i = 0;
    while (i < n) {
        const QChar c = text[i];
        // Line comment; at the start of a statement it may be a directive.
        if (c == u'-' && i + 1 < n && text[i + 1] == u'-') {
            qsizetype end = text.indexOf(u'\n', i);
            if (end < 0) {
                end = n;
            }
            const QString comment = text.mid(i + 2, end - i - 2).trimmed();
            if (comment.startsWith(u'@')) {
                if (!current.trimmed().isEmpty()) {
                    script.steps.clear();
                    script.error = QStringLiteral("line %1: directive inside a statement").arg(line);
                    return script;
                }
                const QString err = applyDirective(comment.mid(1), line, script, pending);
                if (!err.isEmpty()) {
                    script.steps.clear();
                    script.error = err;
                    return script;
                }
            } else if (!current.trimmed().isEmpty()) {
                current += text.mid(i, end - i);
            }
            i = end;
            continue;
        }
        if (c == u'\n') {
            ++line;
        }
        // Block comment (kept out of statements).
        if (c == u'/' && i + 1 < n && text[i + 1] == u'*') {
            const qsizetype end = text.indexOf(QStringLiteral("*/"), i + 2);
            if (end < 0) {
                script.steps.clear();
                script.error = QStringLiteral("line %1: unterminated block comment").arg(line);
                return script;
            }
            line += int(text.mid(i, end - i).count(u'\n'));
            i = end + 2;
            continue;
        }
        if (c.isSpace() && current.trimmed().isEmpty()) {
            current.clear();
            ++i;
            continue;
        }
        if (currentLine == 0) {
            currentLine = line;
        }
        // Quoted string / identifier: copy through to the closing quote ('' and "" escape).
        if (c == u'\'' || c == u'"') {
            qsizetype j = i + 1;
            for (;;) {
                if (j >= n) {
                    script.steps.clear();
                    script.error = QStringLiteral("line %1: unterminated quote").arg(currentLine);
                    return script;
                }
                if (text[j] == c) {
                    if (j + 1 < n && text[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            const QString chunk = text.mid(i, j - i + 1);
            line += int(chunk.count(u'\n'));
            current += chunk;
            i = j + 1;
            continue;
        }
        // Dollar quote: $$...$$ or $tag$...$tag$.
        if (c == u'$') {
            static const QRegularExpression tagRe(QStringLiteral("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$"));
            const auto m
                = tagRe.match(text, i, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
            if (m.hasMatch()) {
                const QString tag = m.captured(0);
                const qsizetype end = text.indexOf(tag, i + tag.size());
                if (end < 0) {
                    script.steps.clear();
                    script.error = QStringLiteral("line %1: unterminated dollar quote").arg(currentLine);
                    return script;
                }
                const QString chunk = text.mid(i, end + tag.size() - i);
                line += int(chunk.count(u'\n'));
                current += chunk;
                i = end + tag.size();
                continue;
            }
        }
        if (c == u';') {
            const QString err = flush(false);
            if (!err.isEmpty()) {
                script.steps.clear();
                script.error = err;
                return script;
            }
            ++i;
            continue;
        }
        current += c;
        ++i;
    }
    const QString err = flush(true);
    if (!err.isEmpty()) {
        script.steps.clear();
        script.error = err;
    }
    return script;
}

SqlScript SqlScript::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        SqlScript s;
        s.name = QFileInfo(path).fileName();
        s.error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return s;
    }
    return parse(QString::fromUtf8(f.readAll()), QFileInfo(path).fileName());
}

QStringList findDestructiveStatements(const SqlScript &script)
{
    static const QRegularExpression destructive(
        QStringLiteral("^\\s*(DROP|TRUNCATE|DELETE)\\b"), QRegularExpression::CaseInsensitiveOption);
    QStringList found;
    for (const auto &step : script.steps) {
        if (step.kind == SqlStep::Kind::Statement && destructive.match(step.text).hasMatch()) {
            found << QStringLiteral("line %1: %2").arg(step.line).arg(step.text.left(60));
        }
    }
    return found;
}

QString maskCommentsAndLiterals(const QString &sql)
{
    QString out = sql;
    const qsizetype n = sql.size();
    const auto blank = [&out](qsizetype from, qsizetype to) {
        for (qsizetype k = from; k < to; ++k) {
            if (out[k] != u'\n') {
                out[k] = u' ';
            }
        }
    };
    static const QRegularExpression tagRe(QStringLiteral("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$"));
    qsizetype i = 0;
    while (i < n) {
        const QChar c = sql[i];
        qsizetype end = -1;
        if (c == u'-' && i + 1 < n && sql[i + 1] == u'-') {
            end = sql.indexOf(u'\n', i);
            end = end < 0 ? n : end;
        } else if (c == u'/' && i + 1 < n && sql[i + 1] == u'*') {
            end = sql.indexOf(QStringLiteral("*/"), i + 2);
            end = end < 0 ? n : end + 2;
        } else if (c == u'\'' || c == u'"') {
            // E'...' strings: the E stays (it is SQL), the body goes. '' and "" escape the quote;
            // in an E string a backslash escapes the next character too.
            const bool escapes = c == u'\'' && i > 0 && (sql[i - 1] == u'E' || sql[i - 1] == u'e');
            qsizetype j = i + 1;
            while (j < n) {
                if (escapes && sql[j] == u'\\') {
                    j += 2;
                    continue;
                }
                if (sql[j] == c) {
                    if (j + 1 < n && sql[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            end = std::min(j + 1, n);
        } else if (c == u'$') {
            const auto m
                = tagRe.match(sql, i, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
            if (m.hasMatch()) {
                const qsizetype close = sql.indexOf(m.captured(0), i + m.capturedLength(0));
                end = close < 0 ? n : close + m.capturedLength(0);
            }
        }
        if (end < 0) {
            ++i;
            continue;
        }
        blank(i, end);
        i = end;
    }
    return out;
}

} // namespace pgkit
