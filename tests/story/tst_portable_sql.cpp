// Every `-- @dialect portable` file must mean the same on CockroachDB and PostgreSQL: it runs on
// CockroachDB in the cluster and on PostgreSQL in the tests, so a construct whose meaning differs
// would pass here and break on stage. This check reads each statement with the runners' own parser
// (pgkit::SqlScript) and looks at the SQL outside comments, string literals and quoted identifiers
// (pgkit::maskCommentsAndLiterals) for the constructs below. Each rule cites where the difference
// is written down, and has a self-test row that proves it fires.
#include "pgkit/sql_script.h"
#include "test_env.h"

#include <QDir>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using pgkit::SqlScript;

namespace {

struct Rule
{
    const char *id;
    QRegularExpression pattern;
    const char *why; // the difference, and its source
};

const QList<Rule> &rules()
{
    static const QList<Rule> list {
        // Before "/" so that "a // b" is named for what it is.
        {"floor-division", QRegularExpression(u"//"_s),
            "`//` is CockroachDB's floor division (pkg/sql/sem/tree/eval.go, treebin.FloorDiv); PostgreSQL has "
            "no such operator"},
        {"division", QRegularExpression(u"(?<![/*])/(?![/*])"_s),
            "INT / INT is DECIMAL on CockroachDB (cockroachdb/cockroach pkg/sql/sem/tree/eval.go, BinOps "
            "treebin.Div: LeftType Int, RightType Int, ReturnType Decimal) and truncates to an integer on "
            "PostgreSQL (docs: Mathematical Operators, 'division truncates the result towards zero'); an array "
            "subscript must be INT on CockroachDB. Multiply by an exact decimal and cast, e.g. "
            "CAST(floor(i * 0.05) AS INT8)"},
        {"bare-int", QRegularExpression(u"\\b(INT|INTEGER)\\b"_s, QRegularExpression::CaseInsensitiveOption),
            "bare INT / INTEGER is INT8 on CockroachDB (cockroachdb/docs int.md: 'By default, INT is an alias for "
            "INT8 ... This differs from the PostgreSQL default for INT, which is 32 bits'; session variable "
            "default_int_size) and int4 on PostgreSQL: say INT4 or INT8"},
        {"serial", QRegularExpression(u"\\b(SMALL|BIG)?SERIAL[248]?\\b"_s, QRegularExpression::CaseInsensitiveOption),
            "SERIAL on CockroachDB is INT8 DEFAULT unique_rowid() under the default serial_normalization = rowid "
            "(cockroachdb/docs serial.md, 'Modes of operation'), a sequence on PostgreSQL: use an explicit type "
            "and DEFAULT (e.g. UUID DEFAULT gen_random_uuid())"},
    };
    return list;
}

// "line 12 [division]: ... why" per offending statement and rule.
QStringList findNonPortable(const SqlScript &script)
{
    QStringList found;
    for (const auto &step : script.steps) {
        if (step.kind != pgkit::SqlStep::Kind::Statement) {
            continue;
        }
        const QString code = pgkit::maskCommentsAndLiterals(step.text);
        for (const Rule &rule : rules()) {
            const auto m = rule.pattern.match(code);
            if (m.hasMatch()) {
                const int line = step.line + int(code.left(m.capturedStart()).count(u'\n'));
                found << u"%1 line %2 [%3]: %4"_s.arg(script.name)
                             .arg(line)
                             .arg(QLatin1String(rule.id), QLatin1String(rule.why));
            }
        }
    }
    return found;
}

} // namespace

class TestPortableSql : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rulesFire_data();
    void rulesFire();
    void portableFilesMeanTheSameOnBoth_data();
    void portableFilesMeanTheSameOnBoth();
};

void TestPortableSql::rulesFire_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("rule"); // empty: nothing may fire
    // One row per rule: a crafted statement the rule must reject.
    QTest::addRow("division: today's seed subscript")
        << u"SELECT (ARRAY['a','b'])[1 + (g.i / 20) % 25] FROM generate_series(1, 3) AS g (i)"_s << u"division"_s;
    QTest::addRow("floor-division") << u"SELECT 7 // 2"_s << u"floor-division"_s;
    QTest::addRow("bare-int") << u"CREATE TABLE t (id INT PRIMARY KEY)"_s << u"bare-int"_s;
    QTest::addRow("bare-integer") << u"SELECT CAST(x AS integer) FROM t"_s << u"bare-int"_s;
    QTest::addRow("serial") << u"CREATE TABLE t (id SERIAL PRIMARY KEY)"_s << u"serial"_s;
    QTest::addRow("bigserial") << u"CREATE TABLE t (id BIGSERIAL PRIMARY KEY)"_s << u"serial"_s;
    // And what must not fire: the same characters inside comments, literals and identifiers, and
    // the portable spellings.
    QTest::addRow("portable subscript") << u"SELECT (ARRAY['a','b'])[1 + CAST(floor(g.i * 0.05) AS INT8) % 25] FROM t"_s
                                        << QString();
    QTest::addRow("in literals and comments")
        << u"SELECT 'a/b // INT', E'1/2\\n', $$SERIAL / 2$$, \"INT/x\" -- 1 / 2 INT\n/* a / b */ FROM t"_s << QString();
    QTest::addRow("explicit widths") << u"CREATE TABLE t (a INT8, b INT4, c INT2, d BIGINT, e interval)"_s << QString();
}

void TestPortableSql::rulesFire()
{
    QFETCH(QString, sql);
    QFETCH(QString, rule);
    const auto script = SqlScript::parse(sql, u"crafted.sql"_s);
    QVERIFY2(script.isValid(), qPrintable(script.error));
    const QStringList found = findNonPortable(script);
    if (rule.isEmpty()) {
        QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
    } else {
        QVERIFY2(found.size() == 1 && found[0].contains(u"["_s + rule + u"]"_s), qPrintable(found.join(u'\n')));
    }
}

void TestPortableSql::portableFilesMeanTheSameOnBoth_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(testenv::sourceDir() + u"/sql"_s);
    int portable = 0;
    for (const auto &f : dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name)) {
        if (SqlScript::load(dir.filePath(f)).dialect == SqlScript::Dialect::Portable) {
            QTest::addRow("%s", qPrintable(f)) << dir.filePath(f);
            ++portable;
        }
    }
    QVERIFY(portable >= 2); // 00-bootstrap.sql and 10-phase1-reader-user.sql at least
}

void TestPortableSql::portableFilesMeanTheSameOnBoth()
{
    QFETCH(QString, file);
    const auto script = SqlScript::load(file);
    QVERIFY2(script.isValid(), qPrintable(script.error));
    const QStringList found = findNonPortable(script);
    QVERIFY2(found.isEmpty(), qPrintable(u"\n"_s + found.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestPortableSql)
#include "tst_portable_sql.moc"
