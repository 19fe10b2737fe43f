// Every route the sample app documents goes through the one RouteTable: the routes in PROTOCOL.md
// are exactly the table's, and each one, in a real SampleApp (in-process, the PostgreSQL fixture
// behind it), refuses a wrong method and an oversized body with the shared precheck's JSON error,
// counted once under its own route label. A route registered around the table fails here.
#include "core/config.h"
#include "core/sample_app.h"
#include "test_env.h"

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

struct DocumentedRoute
{
    QByteArray method;
    QString path;
};

// The "HTTP routes" table of sampleapp/PROTOCOL.md: `METHOD /path[?query]`, and further paths in
// the same cell (`/load/readers/start`, `/load/readers/stop`) share its method.
QList<DocumentedRoute> documentedRoutes()
{
    QFile f(testenv::sourceDir() + u"/sampleapp/PROTOCOL.md"_s);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QString text = QString::fromUtf8(f.readAll());
    const qsizetype start = text.indexOf(u"## HTTP routes"_s);
    const qsizetype end = text.indexOf(u"\n## "_s, start + 1);
    QList<DocumentedRoute> routes;
    static const QRegularExpression row(
        u"^\\| `(GET|POST) (/[^`?\\[]*)[^`]*`((?:, `/[^`]*`)*) \\|"_s, QRegularExpression::MultilineOption);
    static const QRegularExpression more(u"`(/[^`]*)`"_s);
    for (auto m = row.globalMatch(text.mid(start, end - start)); m.hasNext();) {
        const auto match = m.next();
        const QByteArray method = match.captured(1).toLatin1();
        routes.append({method, match.captured(2)});
        for (auto extra = more.globalMatch(match.captured(3)); extra.hasNext();) {
            routes.append({method, extra.next().captured(1)});
        }
    }
    return routes;
}

double requests(const Telemetry &t, const QString &route, const QByteArray &method, int status)
{
    const std::string text = t.exposition();
    const QByteArrayList labels {"route=\"" + route.toLatin1() + '"', "method=\"" + method + '"',
        "status=\"" + QByteArray::number(status) + '"'};
    for (const QByteArray &line : QByteArray(text.data(), qsizetype(text.size())).split('\n')) {
        if (line.startsWith("app_http_requests_total{")
            && std::all_of(labels.begin(), labels.end(), [&](const QByteArray &l) { return line.contains(l); })) {
            return line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
    }
    return 0;
}

} // namespace

class TestSampleAppRoutes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void documentedRoutesAreTheTable();
    void everyRouteIsPrechecked_data();
    void everyRouteIsPrechecked();
    void webSocketRouteAndUnknownPaths();

private:
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_app->port()).arg(path));
    }
    std::unique_ptr<SampleApp> m_app;
};

void TestSampleAppRoutes::initTestCase()
{
    AppConfig config;
    config.writerConninfo = testenv::pgConninfo(u"app_writer"_s);
    config.readerConninfo = testenv::pgConninfo(u"app_reader"_s);
    config.httpAddress = u"127.0.0.1"_s;
    config.httpPort = 0;
    config.maxBodyBytes = 16;
    config.shutdownDrainMs = 0;
    m_app = std::make_unique<SampleApp>(config);
    QString error;
    QVERIFY2(m_app->start(&error), qPrintable(error));
}

void TestSampleAppRoutes::cleanupTestCase()
{
    QSignalSpy stopped(m_app.get(), &SampleApp::stopped);
    m_app->shutdown();
    QVERIFY(stopped.wait(15000));
    m_app.reset();
}

void TestSampleAppRoutes::documentedRoutesAreTheTable()
{
    QStringList documented;
    for (const auto &r : documentedRoutes()) {
        documented << r.path;
    }
    QVERIFY2(documented.size() >= 15, qPrintable(documented.join(u' ')));
    QStringList registered = m_app->routes().paths();
    documented.sort();
    registered.sort();
    QCOMPARE(registered, documented);
}

void TestSampleAppRoutes::everyRouteIsPrechecked_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    for (const auto &r : documentedRoutes()) {
        if (r.path != u"/ws") { // lets WebSocket upgrades through untouched: webSocketRouteAndUnknownPaths
            QTest::addRow("%s %s", r.method.constData(), qPrintable(r.path)) << r.method << r.path;
        }
    }
}

void TestSampleAppRoutes::everyRouteIsPrechecked()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const QByteArray wrong = method == "GET" ? "PUT" : "DELETE";
    auto r = testenv::http(wrong, url(path));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.json().object().value(u"error").toString(), u"method_not_allowed"_s);
    QCOMPARE(requests(m_app->telemetry(), path, wrong, 405), 1.0);

    r = testenv::http(method, url(path), QByteArray(17, ' '));
    QCOMPARE(r.status, 413);
    QCOMPARE(r.json().object().value(u"error").toString(), u"body_too_large"_s);
    QCOMPARE(requests(m_app->telemetry(), path, method, 413), 1.0);
}

void TestSampleAppRoutes::webSocketRouteAndUnknownPaths()
{
    auto r = testenv::http("PUT", url(u"/ws"_s));
    QCOMPARE(r.status, 426);
    QCOMPARE(requests(m_app->telemetry(), u"/ws"_s, "PUT", 426), 1.0);
    r = testenv::http("GET", url(u"/nowhere"_s));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.json().object().value(u"error").toString(), u"not_found"_s);
    QCOMPARE(requests(m_app->telemetry(), u"other"_s, "GET", 404), 1.0);
}

QTEST_MAIN(TestSampleAppRoutes)
#include "tst_sampleapp_routes.moc"
