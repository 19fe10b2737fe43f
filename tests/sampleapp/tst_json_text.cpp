#include "core/json_text.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestJsonText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrips_data();
    void roundTrips();
};

void TestJsonText::roundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("plain") << u"amber beacon 00020"_s;
    QTest::addRow("empty") << QString();
    QTest::addRow("quotes and backslashes") << u"say \"hi\" \\ bye"_s;
    QTest::addRow("sql metacharacters") << u"'; DROP TABLE search_terms; --"_s;
    QTest::addRow("controls") << QString::fromUtf8("a\nb\rc\td\x01"
                                                   "e\x1f"
                                                   "f\x7f");
    QTest::addRow("unicode") << u"zoë 🚀 日本"_s;
    QTest::addRow("html") << u"</script><b>"_s;
}

void TestJsonText::roundTrips()
{
    QFETCH(QString, text);
    QByteArray out("[");
    jsontext::appendString(out, text.toUtf8());
    out.append(']');
    QJsonParseError err {};
    const QJsonDocument doc = QJsonDocument::fromJson(out, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, out.constData());
    QCOMPARE(doc.array().at(0).toString(), text);
}

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_json_text.moc"
