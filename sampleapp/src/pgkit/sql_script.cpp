#include "sql_script.h"

#include <QFile>
#include <QFileInfo>

#include <QRegularExpression>
#include <algorithm>

namespace pgkit {

namespace {

// Handles one "-- @..." directive line. Returns an error text or empty.
QString applyDirective(const QString &body, int line, SqlScript &script, QStringList &pendingTolerate)
{
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
        static const QRegularExpression sqlstate(QStringLiteral("^[0-9A-Z]{5}$"));
        if (words.size() < 2) {
            return QStringLiteral("line %1: @tolerate needs at least one SQLSTATE").arg(line);
        }
        for (qsizetype i = 1; i < words.size(); ++i) {
            if (!sqlstate.match(words[i]).hasMatch()) {
                return QStringLiteral("line %1: '%2' is not a SQLSTATE").arg(line).arg(words[i]);
            }
            pendingTolerate << words[i];
        }
        return {};
    }
    if (name == u"database") {
        static const QRegularExpression ident(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (words.size() != 2 || !ident.match(words[1]).hasMatch()) {
            return QStringLiteral("line %1: @database takes one plain database name").arg(line);
        }
        script.steps.append(SqlStep {SqlStep::Kind::UseDatabase, words[1], line, {}});
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
    QStringList pendingTolerate;
    QString current;
    int currentLine = 0;
    int line = 1;
    const qsizetype n = text.size();

    auto flush = [&](bool atEnd) -> QString {
        const QString stmt = current.trimmed();
        if (!stmt.isEmpty()) {
            script.steps.append(SqlStep {SqlStep::Kind::Statement, stmt, currentLine, pendingTolerate});
            pendingTolerate.clear();
        } else if (atEnd && !pendingTolerate.isEmpty()) {
            return QStringLiteral("@tolerate at the end of the file has no statement to apply to");
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
                const QString err = applyDirective(comment.mid(1), line, script, pendingTolerate);
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
            flush(false);
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

} // namespace pgkit
