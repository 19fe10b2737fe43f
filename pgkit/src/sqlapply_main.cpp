// sqlapply: applies SQL files (with the sql/README.md directives) to CockroachDB or PostgreSQL.
// Used by the in-cluster Jobs, the local stack and the test fixtures.
#include "pgkit/sql_apply.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sqlapply"));
    QTextStream out(stdout);
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Apply SQL files statement by statement; stops at the first error."));
    parser.addHelpOption();
    QCommandLineOption urlOpt(QStringLiteral("url"),
        QStringLiteral("libpq URL or conninfo (default: environment variable SQLAPPLY_URL)."), QStringLiteral("url"));
    QCommandLineOption passwordOpt(QStringLiteral("password-from-env"),
        QStringLiteral("After the files: set ROLE's password from environment variable VAR (repeatable)."),
        QStringLiteral("ROLE=VAR"));
    QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Only print errors and the summary."));
    parser.addOptions({urlOpt, passwordOpt, quietOpt});
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("SQL files, applied in order."));
    parser.process(app);

    QByteArray url = parser.value(urlOpt).toUtf8();
    if (url.isEmpty()) {
        url = qgetenv("SQLAPPLY_URL");
    }
    QString parseError;
    if (!pgkit::validateConninfo(url, &parseError)) {
        err << "sqlapply: --url / SQLAPPLY_URL: " << parseError << Qt::endl;
        return 2;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty() && !parser.isSet(passwordOpt)) {
        err << "sqlapply: no SQL files given" << Qt::endl;
        return 2;
    }
    out << "sqlapply: target " << pgkit::redactConninfo(url) << Qt::endl;

    for (const QString &file : files) {
        const auto script = pgkit::SqlScript::load(file);
        const bool quiet = parser.isSet(quietOpt);
        const auto result = pgkit::applyScript(script, url, [&](const pgkit::ApplyProgress &p) {
            if (!quiet) {
                out << "  [" << p.index << "/" << p.total << "] line " << p.line << ": "
                    << p.statement.simplified().left(70) << (p.tolerated ? "  (already applied)" : "") << Qt::endl;
            }
            // An expected refusal is the point of its statement: printed even with --quiet.
            if (p.refusedAsExpected) {
                out << "  line " << p.line << ": " << pgkit::describeExpectedRefusal(p.sqlState, p.message) << Qt::endl;
            }
        });
        if (!result.ok) {
            err << "sqlapply: " << file << " failed";
            if (result.failedLine > 0) {
                err << " at line " << result.failedLine;
            }
            if (!result.sqlState.isEmpty()) {
                err << " (SQLSTATE " << result.sqlState << ")";
            } else if (!result.expectedSqlState.isEmpty()) {
                err << " (no error; expected SQLSTATE " << result.expectedSqlState << ")";
            }
            err << ": " << result.message << Qt::endl;
            if (!result.failedStatement.isEmpty()) {
                err << "  statement: " << result.failedStatement.simplified().left(200) << Qt::endl;
            }
            return 1;
        }
        out << "sqlapply: " << file << ": " << result.applied << " statements applied on "
            << pgkit::dialectName(result.dialect);
        if (!result.expectedRefusals.isEmpty()) {
            out << " (" << result.expectedRefusals.size() << " of them refused as expected)";
        }
        out << Qt::endl;
    }

    for (const QString &spec : parser.values(passwordOpt)) {
        const auto parts = spec.split(u'=');
        if (parts.size() != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            err << "sqlapply: --password-from-env expects ROLE=VAR, got " << spec << Qt::endl;
            return 2;
        }
        const QByteArray password = qgetenv(parts[1].toUtf8().constData());
        if (password.isEmpty()) {
            err << "sqlapply: environment variable " << parts[1] << " is empty or unset" << Qt::endl;
            return 2;
        }
        const auto result = pgkit::setRolePassword(url, parts[0], password);
        if (!result.ok) {
            err << "sqlapply: setting the password of " << parts[0] << " failed: " << result.message << Qt::endl;
            return 1;
        }
        out << "sqlapply: password of " << parts[0] << " set from $" << parts[1] << Qt::endl;
    }
    return 0;
}
