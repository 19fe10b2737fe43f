#include "core/requests.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestRequests : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void spike_data();
    void spike();
    void loadStart_data();
    void loadStart();
    void login_data();
    void login();
    void search_data();
    void search();
    void bodySize();
};

namespace {
const Guardrails kLimits {1000, 300, 64, 65536};

template<typename T> QString errorCode(const Parsed<T> &p)
{
    const auto *e = std::get_if<ApiError>(&p);
    return e ? e->code : QString();
}
} // namespace

void TestRequests::spike_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<double>("otherRps");
    QTest::addColumn<int>("status"); // 0 = accepted
    QTest::addColumn<QString>("inMessage");
    QTest::addRow("seed example") << QByteArray(R"({"seconds":30,"rps":200,"mix":{"login":0.2,"search":0.8}})") << 0.0
                                  << 0 << QString();
    QTest::addRow("defaults for mix") << QByteArray(R"({"seconds":5,"rps":10})") << 0.0 << 0 << QString();
    QTest::addRow("malformed json") << QByteArray(R"({"seconds":30,)") << 0.0 << 400 << u"malformed JSON"_s;
    QTest::addRow("not an object") << QByteArray("[1,2]") << 0.0 << 400 << u"JSON object"_s;
    QTest::addRow("empty body") << QByteArray("") << 0.0 << 400 << u"JSON object"_s;
    QTest::addRow("rps as string") << QByteArray(R"({"seconds":30,"rps":"200"})") << 0.0 << 400
                                   << u"'rps' must be a number"_s;
    QTest::addRow("rps null") << QByteArray(R"({"seconds":30,"rps":null})") << 0.0 << 400
                              << u"'rps' must be a number"_s;
    QTest::addRow("seconds bool") << QByteArray(R"({"seconds":true,"rps":1})") << 0.0 << 400
                                  << u"'seconds' must be a number"_s;
    QTest::addRow("NaN literal") << QByteArray(R"({"seconds":30,"rps":NaN})") << 0.0 << 400 << u"malformed JSON"_s;
    QTest::addRow("Infinity literal") << QByteArray(R"({"seconds":30,"rps":Infinity})") << 0.0 << 400
                                      << u"malformed JSON"_s;
    QTest::addRow("overflowing number") << QByteArray(R"({"seconds":30,"rps":1e999})") << 0.0 << 400 << QString();
    QTest::addRow("negative rps") << QByteArray(R"({"seconds":30,"rps":-5})") << 0.0 << 400 << u"greater than 0"_s;
    QTest::addRow("zero rps") << QByteArray(R"({"seconds":30,"rps":0})") << 0.0 << 400 << u"greater than 0"_s;
    QTest::addRow("huge rps") << QByteArray(R"({"seconds":30,"rps":1e9})") << 0.0 << 422 << u"max_rps"_s;
    QTest::addRow("total above max") << QByteArray(R"({"seconds":30,"rps":900})") << 200.0 << 422
                                     << u"already running"_s;
    QTest::addRow("too long") << QByteArray(R"({"seconds":301,"rps":10})") << 0.0 << 422 << u"max_seconds"_s;
    QTest::addRow("negative seconds") << QByteArray(R"({"seconds":-1,"rps":10})") << 0.0 << 400 << u"'seconds'"_s;
    QTest::addRow("unknown key") << QByteArray(R"({"seconds":5,"rps":10,"burst":3})") << 0.0 << 400
                                 << u"unknown field 'burst'"_s;
    QTest::addRow("unknown mix key") << QByteArray(R"({"seconds":5,"rps":10,"mix":{"login":0.5,"delete":0.5}})") << 0.0
                                     << 400 << u"'delete' in mix"_s;
    QTest::addRow("mix not summing to 1")
        << QByteArray(R"({"seconds":5,"rps":10,"mix":{"login":0.5,"search":0.6}})") << 0.0 << 400 << u"sum to 1"_s;
    QTest::addRow("mix negative share") << QByteArray(R"({"seconds":5,"rps":10,"mix":{"login":-0.5,"search":1.5}})")
                                        << 0.0 << 400 << u"between 0 and 1"_s;
    QTest::addRow("mix missing share") << QByteArray(R"({"seconds":5,"rps":10,"mix":{"login":1}})") << 0.0 << 400
                                       << u"both"_s;
    QTest::addRow("mix wrong type") << QByteArray(R"({"seconds":5,"rps":10,"mix":"half"})") << 0.0 << 400
                                    << u"'mix' must be an object"_s;
    QTest::addRow("mix share string") << QByteArray(R"({"seconds":5,"rps":10,"mix":{"login":"0.5","search":0.5}})")
                                      << 0.0 << 400 << u"mix.login"_s;
}

void TestRequests::spike()
{
    QFETCH(QByteArray, body);
    QFETCH(double, otherRps);
    QFETCH(int, status);
    QFETCH(QString, inMessage);
    const auto parsed = parseSpike(body, kLimits, otherRps);
    if (status == 0) {
        const auto *e = std::get_if<ApiError>(&parsed);
        QVERIFY2(!e, e ? qPrintable(e->message) : "");
        return;
    }
    QVERIFY(std::holds_alternative<ApiError>(parsed));
    const ApiError &e = std::get<ApiError>(parsed);
    QCOMPARE(e.status, status);
    QVERIFY2(e.message.contains(inMessage), qPrintable(e.message));
    if (status == 422) {
        QVERIFY(!e.limit.isEmpty());
        QCOMPARE(e.toJson().value(u"limit").toString(), e.limit);
    }
}

void TestRequests::loadStart_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<double>("expectedRps");
    QTest::addColumn<QString>("error");
    QTest::addRow("empty body = defaults") << QByteArray() << 20.0 << QString();
    QTest::addRow("rps and mix") << QByteArray(R"({"rps":50,"mix":{"login":1,"search":0}})") << 50.0 << QString();
    QTest::addRow("seconds not allowed") << QByteArray(R"({"rps":50,"seconds":3})") << 0.0 << u"unknown_field"_s;
    QTest::addRow("over limit") << QByteArray(R"({"rps":1001})") << 0.0 << u"limit_exceeded"_s;
}

void TestRequests::loadStart()
{
    QFETCH(QByteArray, body);
    QFETCH(double, expectedRps);
    QFETCH(QString, error);
    const auto parsed = parseLoadStart(body, kLimits, 0);
    QCOMPARE(errorCode(parsed), error);
    if (error.isEmpty()) {
        QCOMPARE(std::get<LoadRequest>(parsed).rps, expectedRps);
    }
}

void TestRequests::login_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::addRow("ok") << QByteArray(R"({"user_id":"alice"})") << QString();
    QTest::addRow("sql metacharacters are data")
        << QByteArray(R"({"user_id":"x'); DROP TABLE login_events; --"})") << QString();
    QTest::addRow("unicode") << QByteArray(R"({"user_id":"zoë 🚀"})") << QString();
    QTest::addRow("missing") << QByteArray(R"({})") << u"invalid_field"_s;
    QTest::addRow("number") << QByteArray(R"({"user_id":42})") << u"invalid_field"_s;
    QTest::addRow("empty") << QByteArray(R"({"user_id":""})") << u"invalid_field"_s;
    QTest::addRow("too long") << (R"({"user_id":")" + QByteArray(129, 'a') + R"("})") << u"invalid_field"_s;
    QTest::addRow("control char") << QByteArray(R"({"user_id":"a\u0000b"})") << u"invalid_field"_s;
    QTest::addRow("extra key") << QByteArray(R"({"user_id":"a","admin":true})") << u"unknown_field"_s;
    QTest::addRow("malformed") << QByteArray(R"({"user_id":)") << u"invalid_json"_s;
}

void TestRequests::login()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QCOMPARE(errorCode(parseLogin(body)), error);
}

void TestRequests::search_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("limit");
    QTest::addRow("ok") << u"q=amber"_s << QString() << 10;
    QTest::addRow("limit") << u"q=amber&limit=50"_s << QString() << 50;
    QTest::addRow("sql metacharacters") << u"q=%27%3B%20DROP%20TABLE%20search_terms%3B--"_s << QString() << 10;
    QTest::addRow("percent and underscore") << u"q=%25_"_s << QString() << 10;
    QTest::addRow("missing q") << u"limit=3"_s << u"invalid_field"_s << 0;
    QTest::addRow("empty q") << u"q="_s << u"invalid_field"_s << 0;
    QTest::addRow("huge q") << (u"q="_s + QString(65, u'a')) << u"invalid_field"_s << 0;
    QTest::addRow("control char") << u"q=a%01b"_s << u"invalid_field"_s << 0;
    QTest::addRow("limit zero") << u"q=a&limit=0"_s << u"invalid_field"_s << 0;
    QTest::addRow("limit huge") << u"q=a&limit=100000"_s << u"invalid_field"_s << 0;
    QTest::addRow("limit text") << u"q=a&limit=ten"_s << u"invalid_field"_s << 0;
    QTest::addRow("unknown param") << u"q=a&order=desc"_s << u"unknown_field"_s << 0;
}

void TestRequests::search()
{
    QFETCH(QString, query);
    QFETCH(QString, error);
    QFETCH(int, limit);
    const auto parsed = parseSearch(QUrlQuery(query));
    QCOMPARE(errorCode(parsed), error);
    if (error.isEmpty()) {
        QCOMPARE(std::get<SearchRequest>(parsed).limit, limit);
    }
}

void TestRequests::bodySize()
{
    QVERIFY(!checkBodySize(65536, kLimits));
    const auto e = checkBodySize(65537, kLimits);
    QVERIFY(e);
    QCOMPARE(e->status, 413);
    QCOMPARE(e->limit, u"max_body_bytes"_s);
}

QTEST_GUILESS_MAIN(TestRequests)
#include "tst_requests.moc"
