#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace pgkit {

// One step of a SQL file: a statement to run, or a @database switch.
struct SqlStep
{
    enum class Kind { Statement, UseDatabase };
    Kind kind = Kind::Statement;
    QString text; // the statement (without the trailing ';'), or the database name
    int line = 0; // 1-based line where the step starts in the file
    QStringList tolerated; // SQLSTATEs that mean "already applied" (from @tolerate)
    // From @expect-error: the statement must fail with this SQLSTATE, and that refusal is the
    // success (the story shows the database refusing it); running without error is a failure.
    QString expectedError;
};

// A parsed SQL file (see sql/README.md for the @ directives).
struct SqlScript
{
    enum class Dialect { Portable, CockroachDB };
    QString name;
    Dialect dialect = Dialect::Portable;
    QList<SqlStep> steps;
    QString error; // non-empty when the file could not be parsed; steps are then empty

    bool isValid() const { return error.isEmpty(); }
    int statementCount() const;

    static SqlScript parse(const QString &text, const QString &name = {});
    static SqlScript load(const QString &path);
};

// Destructive statements the main flow must never contain (DROP, TRUNCATE, DELETE). Returns a
// description per offending statement ("line 12: DROP TABLE ..."); empty when clean.
QStringList findDestructiveStatements(const SqlScript &script);

// The statement's text with every comment, string literal ('...', E'...', $tag$...$tag$) and
// quoted identifier replaced by spaces (newlines kept), so a check of the SQL itself never matches
// words inside them. Same length and line structure as the input.
QString maskCommentsAndLiterals(const QString &sql);

} // namespace pgkit
