#include "pgkit/sql_script.h"
#include "test_env.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;

using pgkit::SqlScript;
using pgkit::SqlStep;

class TestSqlScript : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsStatements_data();
    void splitsStatements();
    void directives();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void repositoryFilesParseAndAreNonDestructive();
    void findsDestructiveStatements();
    void expectError();
    void masksCommentsAndLiterals();
};

void TestSqlScript::splitsStatements_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("statements");
    QTest::addRow("two") << QStringLiteral("SELECT 1; SELECT 2;") << QStringList {u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::addRow("no trailing semicolon")
        << QStringLiteral("SELECT 1;\nSELECT 2") << QStringList {u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::addRow("semicolon in string") << QStringLiteral("SELECT 'a;b'; SELECT 'it''s;'")
                                         << QStringList {u"SELECT 'a;b'"_s, u"SELECT 'it''s;'"_s};
    QTest::addRow("semicolon in identifier")
        << QStringLiteral("SELECT 1 AS \"x;y\";") << QStringList {u"SELECT 1 AS \"x;y\""_s};
    QTest::addRow("dollar quote") << QStringLiteral("DO $f$ BEGIN PERFORM 1; END $f$; SELECT 3")
                                  << QStringList {u"DO $f$ BEGIN PERFORM 1; END $f$"_s, u"SELECT 3"_s};
    QTest::addRow("comments") << QStringLiteral("-- lead; comment\nSELECT 1; /* block; */ SELECT 2;")
                              << QStringList {u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::addRow("empty") << QStringLiteral("  \n-- nothing\n;;") << QStringList {};
}

void TestSqlScript::splitsStatements()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, statements);
    const auto script = SqlScript::parse(sql);
    QVERIFY2(script.isValid(), qPrintable(script.error));
    QStringList got;
    for (const auto &s : script.steps) {
        got << s.text;
    }
    QCOMPARE(got, statements);
}

void TestSqlScript::directives()
{
    const auto script = SqlScript::parse(QStringLiteral("-- @dialect cockroachdb\n"
                                                        "-- @tolerate 42P04\n"
                                                        "CREATE DATABASE x;\n"
                                                        "-- @database x\n"
                                                        "\n"
                                                        "-- @tolerate 42710 0A000\n"
                                                        "CREATE ROLE r WITH LOGIN;\n"
                                                        "SELECT 1;\n"));
    QVERIFY2(script.isValid(), qPrintable(script.error));
    QCOMPARE(script.dialect, SqlScript::Dialect::CockroachDB);
    QCOMPARE(script.steps.size(), 4);
    QCOMPARE(script.statementCount(), 3);
    QCOMPARE(script.steps[0].tolerated, QStringList {u"42P04"_s});
    QCOMPARE(script.steps[0].line, 3);
    QCOMPARE(script.steps[1].kind, SqlStep::Kind::UseDatabase);
    QCOMPARE(script.steps[1].text, u"x"_s);
    QCOMPARE(script.steps[2].tolerated, (QStringList {u"42710"_s, u"0A000"_s}));
    QCOMPARE(script.steps[2].line, 7);
    QVERIFY(script.steps[3].tolerated.isEmpty()); // @tolerate applies to the next statement only
}

void TestSqlScript::rejectsBadInput_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("error");
    QTest::addRow("unknown directive") << QStringLiteral("-- @frobnicate\nSELECT 1;")
                                       << QStringLiteral("unknown directive");
    QTest::addRow("bad sqlstate") << QStringLiteral("-- @tolerate nope\nSELECT 1;") << QStringLiteral("not a SQLSTATE");
    QTest::addRow("bad dialect") << QStringLiteral("-- @dialect mysql\n") << QStringLiteral("@dialect takes");
    QTest::addRow("dangling tolerate") << QStringLiteral("SELECT 1;\n-- @tolerate 42710\n")
                                       << QStringLiteral("no statement");
    QTest::addRow("unterminated quote") << QStringLiteral("SELECT 'abc;") << QStringLiteral("unterminated quote");
    QTest::addRow("unterminated dollar") << QStringLiteral("SELECT $$abc;") << QStringLiteral("unterminated dollar");
    QTest::addRow("directive in statement")
        << QStringLiteral("SELECT\n-- @database x\n1;") << QStringLiteral("inside a statement");
    QTest::addRow("bad database name") << QStringLiteral("-- @database x;y\n") << QStringLiteral("plain database name");
    QTest::addRow("expect-error without code")
        << QStringLiteral("-- @expect-error\nSELECT 1;") << QStringLiteral("@expect-error takes exactly one SQLSTATE");
    QTest::addRow("expect-error two codes") << QStringLiteral("-- @expect-error 23514 22023\nSELECT 1;")
                                            << QStringLiteral("@expect-error takes exactly one SQLSTATE");
    QTest::addRow("expect-error bad code")
        << QStringLiteral("-- @expect-error 2351\nSELECT 1;") << QStringLiteral("'2351' is not a SQLSTATE");
    QTest::addRow("dangling expect-error")
        << QStringLiteral("SELECT 1;\n-- @expect-error 23514\n")
        << QStringLiteral("line 2: @expect-error at the end of the file has no statement");
    QTest::addRow("expect-error twice") << QStringLiteral("-- @expect-error 23514\n-- @expect-error 23514\nSELECT 1;")
                                        << QStringLiteral("a second @expect-error");
    QTest::addRow("expect-error and tolerate")
        << QStringLiteral("-- @tolerate 42710\n-- @expect-error 23514\nSELECT 1;") << QStringLiteral("contradict");
    QTest::addRow("expect-error before database")
        << QStringLiteral("-- @expect-error 23514\n-- @database x\nSELECT 1;") << QStringLiteral("not @database");
}

void TestSqlScript::rejectsBadInput()
{
    QFETCH(QString, sql);
    QFETCH(QString, error);
    const auto script = SqlScript::parse(sql);
    QVERIFY(!script.isValid());
    QVERIFY2(script.error.contains(error), qPrintable(script.error));
    QVERIFY(script.steps.isEmpty());
}

void TestSqlScript::repositoryFilesParseAndAreNonDestructive()
{
    const QDir sqlDir(testenv::sourceDir() + QStringLiteral("/sql"));
    const auto files = sqlDir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    QVERIFY(files.contains(u"00-bootstrap.sql"_s));
    QVERIFY(files.contains(u"10-phase1-reader-user.sql"_s));
    for (const auto &f : files) {
        const auto script = SqlScript::load(sqlDir.filePath(f));
        QVERIFY2(script.isValid(), qPrintable(f + u": "_s + script.error));
        QVERIFY2(script.statementCount() > 0, qPrintable(f));
        const auto destructive = pgkit::findDestructiveStatements(script);
        QVERIFY2(destructive.isEmpty(), qPrintable(f + u": "_s + destructive.join(u"; "_s)));
    }
}

void TestSqlScript::findsDestructiveStatements()
{
    const auto script = SqlScript::parse(QStringLiteral("SELECT 'DROP TABLE x';\n drop table t;\nTRUNCATE t;\n"
                                                        "-- DELETE FROM t;\nDELETE FROM t WHERE true;\n"));
    const auto found = pgkit::findDestructiveStatements(script);
    QCOMPARE(found.size(), 3);
    QVERIFY(found[0].startsWith(u"line 2"_s));
}

void TestSqlScript::expectError()
{
    const auto script = SqlScript::parse(QStringLiteral("SELECT 1;\n"
                                                        "-- why it must fail\n"
                                                        "-- @expect-error 23514\n"
                                                        "ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2;\n"
                                                        "SELECT 3;\n"));
    QVERIFY2(script.isValid(), qPrintable(script.error));
    QCOMPARE(script.statementCount(), 3);
    QVERIFY(script.steps[0].expectedError.isEmpty());
    QCOMPARE(script.steps[1].expectedError, u"23514"_s);
    QCOMPARE(script.steps[1].line, 4);
    QVERIFY(script.steps[1].tolerated.isEmpty());
    QVERIFY(script.steps[2].expectedError.isEmpty()); // the next statement only
}

void TestSqlScript::masksCommentsAndLiterals()
{
    const QString sql = QStringLiteral("SELECT 'a/b', E'x\\'y', \"q/r\", $t$ 1/2 $t$, 3 / 4 -- 5/6\n/* 7/8 */ FROM t");
    const QString masked = pgkit::maskCommentsAndLiterals(sql);
    QCOMPARE(masked.size(), sql.size());
    QCOMPARE(masked.count(u'/'), 1); // only 3 / 4 is SQL
    QVERIFY(masked.contains(u"3 / 4"_s));
    QVERIFY(masked.contains(u'\n'));
    QVERIFY(masked.startsWith(u"SELECT "_s));
    QVERIFY(masked.endsWith(u" FROM t"_s));
}

QTEST_GUILESS_MAIN(TestSqlScript)
#include "tst_sql_script.moc"
