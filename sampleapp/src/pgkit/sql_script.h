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

} // namespace pgkit
