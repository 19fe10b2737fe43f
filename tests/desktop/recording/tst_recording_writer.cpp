// The recording writer (desktop/core/recording/recording_writer.h) on real files: 10 000 records
// from the GUI thread read back equal, the file is gzip as the gzip tool sees it and every line is
// JSON; append() returns while the disk is stuck; a record reaches the file while the recording is
// still open; a full disk stops the recording without stopping the presenter.
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording_test_data.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;

using namespace presenter;
using recording::Record;
using recording::RecordingWriter;

namespace {

constexpr qint64 kEndMs = 1763800099000;

// A feed message that compresses badly (random hex), so a few thousand fill a pipe's buffer.
Record noisyRecord(int i)
{
    QString noise;
    for (int k = 0; k < 16; ++k) {
        noise += QString::number(QRandomGenerator::global()->generate64(), 16);
    }
    return {1763800000000 + i, u"feed"_s, {{u"text"_s, noise}, {u"i"_s, i}}};
}

} // namespace

class TestRecordingWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tenThousandRecordsFromTheGuiThread();
    void appendDoesNotWaitForTheDisk();
    void flushedWhileStillOpen();
    void writeErrorStopsTheRecording();
    void openFailsWithAReason();
    void destructorCloses();
    void defaultLocation();
};

void TestRecordingWriter::tenThousandRecordsFromTheGuiThread()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The folder does not exist yet: open() creates it.
    const QString path = dir.filePath(u"nested/folder/session.jsonl.gz"_s);
    RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(path, recordingtest::header(), &error), qPrintable(error));
    QVERIFY(writer.isOpen());
    QCOMPARE(writer.path(), path);
    const QList<Record> records = recordingtest::records(10000);
    for (int i = 0; i < records.size(); ++i) {
        writer.append(records[i]);
        if (i % 1000 == 0) {
            // Let the worker run while the GUI thread keeps appending.
            QCoreApplication::processEvents();
        }
    }
    QCOMPARE(writer.recordsAppended(), 10000);
    writer.close(kEndMs);
    QVERIFY(!writer.isOpen());
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    QCOMPARE(writer.compressedBytes(), QFileInfo(path).size());

    const auto result = recording::readRecordingFile(path, &error);
    QVERIFY2(result.has_value(), qPrintable(error));
    QVERIFY2(result->complete, qPrintable(result->stoppedReason));
    QCOMPARE(result->header.startedMs, recordingtest::header().startedMs);
    QCOMPARE(result->header.profile, recordingtest::header().profile);
    QCOMPARE(result->records.size(), records.size());
    QCOMPARE(result->records, records);

    // The gzip tool agrees: the file tests clean and unpacks to one JSON object per line.
    const QString gzip = QStandardPaths::findExecutable(u"gzip"_s);
    QVERIFY(!gzip.isEmpty());
    QProcess test;
    test.start(gzip, {u"-t"_s, path});
    QVERIFY(test.waitForFinished(60000));
    QCOMPARE(test.exitCode(), 0);
    QProcess unzip;
    unzip.start(gzip, {u"-dc"_s, path});
    QVERIFY(unzip.waitForFinished(60000));
    QCOMPARE(unzip.exitCode(), 0);
    const QByteArray text = unzip.readAllStandardOutput();
    QCOMPARE(writer.uncompressedBytes(), text.size());
    QVERIFY(text.endsWith('\n'));
    const QList<QByteArray> lines = text.chopped(1).split('\n');
    QCOMPARE(lines.size(), 10002); // header, records, end
    for (const QByteArray &line : lines) {
        QJsonParseError parseError {};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError && doc.isObject(), line.constData());
    }
    QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value(u"format"_s).toString(),
        u"crdb-live-evolution-recording"_s);
    const QJsonObject end = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(end.value(u"k"_s).toString(), u"end"_s);
    QCOMPARE(end.value(u"t"_s).toInteger(), kEndMs);
    QCOMPARE(end.value(u"d"_s).toObject(), QJsonObject());
}

// The file is a pipe nobody reads: once its buffer is full every write blocks. append() must keep
// returning (it only queues); were it to write itself, this test would hang at the first full
// buffer and fail on its timeout. Then the pipe is drained and everything arrives.
void TestRecordingWriter::appendDoesNotWaitForTheDisk()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(u"stuck.jsonl.gz"_s);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    // Open the reading end first (non-blocking), so the writer's open() does not wait for a reader.
    const int readFd = ::open(QFile::encodeName(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(readFd >= 0);
    RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(fifo, recordingtest::header(), &error), qPrintable(error));
    QList<Record> records;
    for (int i = 0; i < 6000; ++i) {
        records.append(noisyRecord(i));
        writer.append(records.last());
    }
    QCOMPARE(writer.recordsAppended(), 6000);
    // The worker is stuck in write(): far less than the 6000 records' ~1.6 MB reached the pipe.
    QTRY_VERIFY_WITH_TIMEOUT(writer.compressedBytes() > 0 || writer.uncompressedBytes() > 0, 5000);
    QTest::qWait(300);
    QVERIFY2(writer.uncompressedBytes() < 1000 * 1000,
        qPrintable(u"%1 bytes written into a pipe nobody reads"_s.arg(writer.uncompressedBytes())));

    // Now read the pipe on a thread while close() waits for the worker to finish.
    QByteArray received;
    std::thread drain([&] {
        const int flags = ::fcntl(readFd, F_GETFL);
        ::fcntl(readFd, F_SETFL, flags & ~O_NONBLOCK);
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(readFd, buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            received.append(buffer, n);
        }
    });
    writer.close(kEndMs);
    drain.join();
    ::close(readFd);
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    const auto result = recording::readRecordingBytes(received, &error);
    QVERIFY2(result.has_value(), qPrintable(error));
    QVERIFY2(result->complete, qPrintable(result->stoppedReason));
    QCOMPARE(result->records, records);
}

// The recording is still open (the presenter could be killed now): the record is in the file
// without close(), because the worker makes a gzip sync point at least once a second. Without
// those flushes a small record stays in zlib's buffers until close and this fails.
void TestRecordingWriter::flushedWhileStillOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"open.jsonl.gz"_s);
    RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(path, recordingtest::header(), &error), qPrintable(error));
    const auto recordsOnDisk = [&path] {
        const auto result = recording::readRecordingFile(path, nullptr);
        return result ? result->records.size() : qsizetype(-1);
    };
    for (int i = 0; i < 3; ++i) {
        writer.append(recordingtest::record(i));
        QTRY_COMPARE_WITH_TIMEOUT(recordsOnDisk(), qsizetype(i + 1), 5000);
    }
    const auto result = recording::readRecordingFile(path, &error);
    QVERIFY(result.has_value());
    QVERIFY(!result->complete);
    QVERIFY2(result->stoppedReason.startsWith(u"the file ends inside its gzip data (truncated) after line 4"_s),
        qPrintable(result->stoppedReason));
    QCOMPARE(result->records, recordingtest::records(3));
    writer.close(kEndMs);
    QVERIFY(recording::readRecordingFile(path, nullptr)->complete);
}

// /dev/full takes the open and refuses every write with ENOSPC: the disk filled up mid-talk.
void TestRecordingWriter::writeErrorStopsTheRecording()
{
    RecordingWriter writer;
    QString error;
    QVERIFY2(writer.open(u"/dev/full"_s, recordingtest::header(), &error), qPrintable(error));
    for (int i = 0; i < 100; ++i) {
        writer.append(recordingtest::record(i));
    }
    QTRY_VERIFY_WITH_TIMEOUT(!writer.error().isEmpty(), 5000);
    QCOMPARE(writer.error(), u"writing /dev/full failed: No space left on device"_s);
    QVERIFY(!writer.isOpen());
    const qint64 appended = writer.recordsAppended();
    writer.append(recordingtest::record(100)); // dropped, no crash
    QCOMPARE(writer.recordsAppended(), appended);
    writer.close(kEndMs);
    QCOMPARE(writer.error(), u"writing /dev/full failed: No space left on device"_s);
    writer.close(kEndMs); // twice: nothing left to do
}

void TestRecordingWriter::openFailsWithAReason()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(u"a-file"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    RecordingWriter writer;
    QString error;
    QVERIFY(!writer.open(dir.filePath(u"a-file/session.jsonl.gz"_s), recordingtest::header(), &error));
    QCOMPARE(error, u"cannot create the folder %1 for the recording"_s.arg(dir.filePath(u"a-file"_s)));
    QVERIFY(!writer.isOpen());
    QVERIFY(!writer.open(dir.path(), recordingtest::header(), &error)); // a folder, not a file
    QCOMPARE(error, u"cannot create %1: Is a directory"_s.arg(dir.path()));
    writer.append(recordingtest::record(0)); // not open: ignored
    QCOMPARE(writer.recordsAppended(), 0);
    writer.close();
}

void TestRecordingWriter::destructorCloses()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"d.jsonl.gz"_s);
    {
        RecordingWriter writer;
        QVERIFY(writer.open(path, recordingtest::header(), nullptr));
        writer.append(recordingtest::record(0));
        QString error;
        QVERIFY(!writer.open(path, recordingtest::header(), &error)); // one file per writer at a time
        QCOMPARE(error, u"a recording is already open: %1"_s.arg(path));
    }
    const auto result = recording::readRecordingFile(path, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(result->complete);
    QCOMPARE(result->records, recordingtest::records(1));
}

void TestRecordingWriter::defaultLocation()
{
    const QByteArray oldDir = qgetenv("PRESENTER_RECORDING_DIR");
    const QByteArray oldData = qgetenv("XDG_DATA_HOME");
    qputenv("PRESENTER_RECORDING_DIR", "/srv/talks");
    QCOMPARE(RecordingWriter::defaultDirectory(), u"/srv/talks"_s);
    // 1763800000123 ms = 2025-11-22 08:26:40.123 UTC
    QCOMPARE(RecordingWriter::defaultPath(1763800000123), u"/srv/talks/session-20251122-082640.jsonl.gz"_s);
    qunsetenv("PRESENTER_RECORDING_DIR");
    qputenv("XDG_DATA_HOME", "/home/presenter/.local/share");
    QCOMPARE(RecordingWriter::defaultDirectory(), u"/home/presenter/.local/share/crdb-live-evolution/recordings"_s);
    oldDir.isNull() ? qunsetenv("PRESENTER_RECORDING_DIR") : qputenv("PRESENTER_RECORDING_DIR", oldDir);
    oldData.isNull() ? qunsetenv("XDG_DATA_HOME") : qputenv("XDG_DATA_HOME", oldData);
}

QTEST_GUILESS_MAIN(TestRecordingWriter)
#include "tst_recording_writer.moc"
