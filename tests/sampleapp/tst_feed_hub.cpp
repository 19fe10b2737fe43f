// FeedHub with real WebSockets on loopback: a client that stops reading is dropped, the others keep
// every message in sequence.
#include "core/feed_hub.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

class TestFeedHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void slowClientIsDroppedOthersKeepTheirSequence();
};

void TestFeedHub::slowClientIsDroppedOthersKeepTheirSequence()
{
    QWebSocketServer server(QStringLiteral("feed"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    FeedHub hub;
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        while (server.hasPendingConnections()) {
            hub.addClient(std::unique_ptr<QWebSocket>(server.nextPendingConnection()), QJsonObject {});
        }
    });

    // The reader: a real WebSocket client that reads everything.
    QWebSocket reader;
    QList<qint64> seqs;
    connect(&reader, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        if (o.value(u"type").toString() == u"tick") {
            seqs << qint64(o.value(u"seq").toDouble());
        }
    });
    reader.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(server.serverPort())));
    // The slow one: completes the WebSocket handshake, then never reads a byte.
    QTcpSocket slow;
    slow.setReadBufferSize(1); // Qt stops reading once one byte is buffered: the kernel buffers fill
    slow.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(slow.waitForConnected(5000));
    slow.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(hub.clientCount(), 2, 5000);

    const QString filler(256 * 1024, u'x');
    int sent = 0;
    while (hub.clientCount() == 2 && sent < 400) { // 100 MB at most: far past the 4 MB bound
        hub.broadcast(QStringLiteral("tick"), QJsonObject {{u"filler"_s, filler}});
        ++sent;
        QTest::qWait(5);
    }
    QCOMPARE(hub.clientCount(), 1);
    for (int i = 0; i < 5; ++i) { // the survivor goes on receiving
        hub.broadcast(QStringLiteral("tick"), QJsonObject {{u"filler"_s, filler}});
        ++sent;
    }
    QTRY_COMPARE_WITH_TIMEOUT(seqs.size(), sent, 20000);
    for (int i = 1; i < seqs.size(); ++i) {
        QCOMPARE(seqs[i], seqs[i - 1] + 1);
    }
    QCOMPARE(seqs.last(), hub.lastSeq());
}

QTEST_GUILESS_MAIN(TestFeedHub)
#include "tst_feed_hub.moc"
