// The recording reader (desktop/core/recording/recording_reader.h) on every kind of damage a file
// can suffer: cut at any byte, a byte changed, a foreign or empty file, another format version, a
// header with a field missing or added. Files are written by the real RecordingWriter and, for
// interoperability, by the real gzip tool.
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording_test_data.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using recording::ReadResult;
using recording::Record;

Q_DECLARE_METATYPE(recording::Record)

namespace {

constexpr qint64 kEndMs = 1763800099000;

QByteArray plainRecording(const QList<Record> &records, bool withEnd = true)
{
    QByteArray out = recording::encodeHeader(recordingtest::header()) + '\n';
    for (const Record &r : records) {
        out += recording::encodeRecord(r) + '\n';
    }
    if (withEnd) {
        out += recording::encodeRecord({kEndMs, u"end"_s, {}}) + '\n';
    }
    return out;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return f.readAll();
}

// True when `got` is the first got.size() records of `want`.
bool isPrefix(const QList<Record> &got, const QList<Record> &want)
{
    if (got.size() > want.size()) {
        return false;
    }
    for (qsizetype i = 0; i < got.size(); ++i) {
        if (!(got[i] == want[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestRecordingReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordRoundTrip_data();
    void recordRoundTrip();
    void headerRoundTripAndLineShape();
    void completeFile();
    void gzipToolInteroperates();
    void truncatedGzipAtEveryOffset();
    void truncatedPlainAtEveryOffset();
    void flippedByteInPlainText();
    void flippedByteAnywhereInGzip();
    void unknownVersionRefused_data();
    void unknownVersionRefused();
    void notARecording_data();
    void notARecording();
    void headerFields_data();
    void headerFields();
    void badRecordLines_data();
    void badRecordLines();
    void afterTheEndRecord();
    void toleratedLayout();
    void missingFile();

private:
    QTemporaryDir m_dir;
    QByteArray m_gzip; // 40 records written by RecordingWriter
    QList<Record> m_records;
};

void TestRecordingReader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_records = recordingtest::records(40);
    recording::RecordingWriter writer;
    QString error;
    const QString path = m_dir.filePath(u"small.jsonl.gz"_s);
    QVERIFY2(writer.open(path, recordingtest::header(), &error), qPrintable(error));
    for (const Record &r : std::as_const(m_records)) {
        writer.append(r);
    }
    writer.close(kEndMs);
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    m_gzip = readAll(path);
    QVERIFY(m_gzip.size() > 100);
}

void TestRecordingReader::recordRoundTrip_data()
{
    QTest::addColumn<Record>("record");
    QTest::addRow("empty payload") << Record {1, u"end"_s, {}};
    QTest::addRow("feed text with quotes and unicode")
        << Record {1763800000123, u"feed"_s, {{u"text"_s, u"{\"v\":1,\"text\":\"caf\u00e9 \u2192 \\\"x\\\"\"}"_s}}};
    QTest::addRow("newline and tab inside a string") << Record {5, u"marker"_s, {{u"text"_s, u"a\nb\tc\r\n"_s}}};
    QTest::addRow("Prometheus values as strings") << Record {7, u"prom_poll"_s,
        {{u"name"_s, u"crdb.live_nodes"_s},
            {u"series"_s,
                QJsonArray {QJsonObject {{u"labels"_s, QJsonObject {}},
                    {u"points"_s, QJsonArray {QJsonArray {7, u"+Inf"_s}, QJsonArray {8, u"NaN"_s}}}}}}}};
    QTest::addRow("numbers") << Record {-1, u"story"_s, {{u"index"_s, 3}, {u"x"_s, 0.1}, {u"big"_s, 1763800000123.0}}};
    QTest::addRow("kind with odd characters") << Record {9, u"ki\"nd \u00fc"_s, {{u"ok"_s, true}}};
}

void TestRecordingReader::recordRoundTrip()
{
    QFETCH(Record, record);
    const QByteArray line = recording::encodeRecord(record);
    QVERIFY2(!line.contains('\n'), line.constData()); // one record, one line
    QVERIFY2(line.startsWith("{\"t\":"), line.constData()); // t, k, d: reading order
    const auto back = recording::decodeRecord(line);
    QVERIFY(back.has_value());
    QCOMPARE(back->tMs, record.tMs);
    QCOMPARE(back->kind, record.kind);
    QCOMPARE(back->data, record.data);
    QVERIFY(QJsonDocument::fromJson(line).isObject());
}

void TestRecordingReader::headerRoundTripAndLineShape()
{
    const QByteArray line = recording::encodeHeader(recordingtest::header());
    QVERIFY2(
        line.startsWith("{\"format\":\"crdb-live-evolution-recording\",\"version\":1,\"started_ms\":1763800000000,"),
        line.constData());
    const auto result = recording::readRecordingBytes(line + '\n', nullptr);
    QVERIFY(result.has_value());
    QCOMPARE(result->header.version, 1);
    QCOMPARE(result->header.startedMs, recordingtest::header().startedMs);
    QCOMPARE(result->header.plan, recordingtest::header().plan);
    QCOMPARE(result->header.planTitle, recordingtest::header().planTitle);
    QCOMPARE(result->header.profile, recordingtest::header().profile);
    QCOMPARE(result->header.presenterVersion, recordingtest::header().presenterVersion);
    QCOMPARE(result->header.purpose, u"rehearsal"_s);
    QVERIFY(result->records.isEmpty());
    // An older file without the field is a talk's.
    const auto older = recording::readRecordingBytes(
        "{\"format\":\"crdb-live-evolution-recording\",\"version\":1,\"started_ms\":1}\n", nullptr);
    QVERIFY(older.has_value());
    QCOMPARE(older->header.purpose, u"talk"_s);
    QVERIFY(!result->complete);
    QCOMPARE(result->stoppedAtLine, 2);
}

void TestRecordingReader::completeFile()
{
    for (const QByteArray &bytes : {m_gzip, plainRecording(m_records)}) {
        QString error;
        const auto result = recording::readRecordingBytes(bytes, &error);
        QVERIFY2(result.has_value(), qPrintable(error));
        QVERIFY2(result->complete, qPrintable(result->stoppedReason));
        QCOMPARE(result->stoppedReason, QString());
        QCOMPARE(result->stoppedAtLine, 0);
        QCOMPARE(result->records, m_records);
    }
}

void TestRecordingReader::gzipToolInteroperates()
{
    const QString gzip = QStandardPaths::findExecutable(u"gzip"_s);
    QVERIFY2(!gzip.isEmpty(), "gzip is in .ci/debian-packages.txt's base system");
    // The writer's file is plain gzip: gzip -dc gives the JSON lines.
    QProcess unzip;
    unzip.start(gzip, {u"-dc"_s, m_dir.filePath(u"small.jsonl.gz"_s)});
    QVERIFY(unzip.waitForFinished(30000));
    QCOMPARE(unzip.exitCode(), 0);
    const QByteArray plain = unzip.readAllStandardOutput();
    QCOMPARE(plain, plainRecording(m_records));
    // And a file gzip made, in two members (`cat a.gz b.gz`, as zcat reads it), reads the same.
    const qsizetype half = plain.indexOf('\n', plain.size() / 2) + 1;
    QByteArray twoMembers;
    for (const QByteArray &part : {plain.left(half), plain.mid(half)}) {
        QProcess zip;
        zip.start(gzip, {u"-c"_s});
        QVERIFY(zip.waitForStarted());
        zip.write(part);
        zip.closeWriteChannel();
        QVERIFY(zip.waitForFinished(30000));
        twoMembers += zip.readAllStandardOutput();
    }
    const auto result = recording::readRecordingBytes(twoMembers, nullptr);
    QVERIFY(result.has_value());
    QVERIFY2(result->complete, qPrintable(result->stoppedReason));
    QCOMPARE(result->records, m_records);
}

// Every cut of a gzip recording: never a crash, never a record that was not in the file, never
// "complete"; more bytes never give fewer records; the reason names the cut.
void TestRecordingReader::truncatedGzipAtEveryOffset()
{
    qsizetype previous = 0;
    qsizetype refused = 0;
    bool sawSomeRecords = false;
    for (qsizetype cut = 0; cut < m_gzip.size(); ++cut) {
        QString error;
        const auto result = recording::readRecordingBytes(m_gzip.left(cut), &error);
        if (!result) {
            // Only before the header's line is out of the stream.
            QVERIFY2(error.startsWith(u"not a recording"_s), qPrintable(error));
            QCOMPARE(previous, 0);
            ++refused;
            continue;
        }
        QVERIFY2(!result->complete, qPrintable(u"cut at %1"_s.arg(cut)));
        QVERIFY(!result->stoppedReason.isEmpty());
        QVERIFY(result->stoppedAtLine >= 1);
        QVERIFY2(isPrefix(result->records, m_records), qPrintable(u"cut at %1"_s.arg(cut)));
        QVERIFY2(result->records.size() >= previous, qPrintable(u"cut at %1"_s.arg(cut)));
        previous = result->records.size();
        sawSomeRecords = sawSomeRecords || !result->records.isEmpty();
    }
    QVERIFY(refused > 0);
    QVERIFY(sawSomeRecords);
    // Cut inside the gzip trailer: every record is there, and the reader says what is missing.
    const auto cutTrailer = recording::readRecordingBytes(m_gzip.left(m_gzip.size() - 4), nullptr);
    QVERIFY(cutTrailer.has_value());
    QCOMPARE(cutTrailer->records, m_records);
    QVERIFY(!cutTrailer->complete);
    QCOMPARE(cutTrailer->stoppedReason, u"the file ends inside its gzip data (truncated) after the end record"_s);
}

void TestRecordingReader::truncatedPlainAtEveryOffset()
{
    const QByteArray plain = plainRecording(m_records);
    const qsizetype headerEnd = plain.indexOf('\n');
    qsizetype previous = 0;
    for (qsizetype cut = 0; cut < plain.size(); ++cut) {
        QString error;
        const QByteArray bytes = plain.left(cut);
        const auto result = recording::readRecordingBytes(bytes, &error);
        if (cut < headerEnd) {
            QVERIFY2(!result.has_value(), qPrintable(u"cut at %1"_s.arg(cut)));
            QVERIFY2(error.startsWith(u"not a recording"_s), qPrintable(error));
            continue;
        }
        QVERIFY2(result.has_value(), qPrintable(u"cut at %1: %2"_s.arg(cut).arg(error)));
        // Only the last newline missing: every line is whole, and a last line without its newline
        // is read (an editor's save); anything shorter is never complete.
        QCOMPARE(result->complete, cut == plain.size() - 1);
        QVERIFY2(isPrefix(result->records, m_records), qPrintable(u"cut at %1"_s.arg(cut)));
        QVERIFY(result->records.size() >= previous);
        previous = result->records.size();
        const qint64 linesWhole = bytes.count('\n');
        if (bytes.endsWith('\n')) {
            QCOMPARE(result->stoppedReason,
                u"no end record after line %1: the presenter stopped without closing the recording"_s.arg(linesWhole));
        } else if (cut + 1 < plain.size() && plain[cut] != '\n') {
            // Cut inside a line (not just before its newline, where the line is whole).
            QCOMPARE(result->stoppedReason, u"the file ends inside line %1 (truncated)"_s.arg(linesWhole + 1));
            QCOMPARE(result->stoppedAtLine, linesWhole + 1);
        }
    }
}

void TestRecordingReader::flippedByteInPlainText()
{
    QByteArray plain = plainRecording(m_records);
    // Line 10 (the 9th record) loses its opening brace.
    qsizetype start = 0;
    for (int line = 1; line < 10; ++line) {
        start = plain.indexOf('\n', start) + 1;
    }
    plain[start] = 'X';
    const auto result = recording::readRecordingBytes(plain, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!result->complete);
    QCOMPARE(result->stoppedAtLine, 10);
    QVERIFY2(result->stoppedReason.startsWith(u"line 10: not JSON ("_s), qPrintable(result->stoppedReason));
    QCOMPARE(result->records, m_records.mid(0, 8));
}

// Any changed byte of the gzip data (XOR 0xff) makes the file incomplete, never silently whole:
// inflate refuses the damaged block or the trailer's CRC-32 / length disagree (RFC 1952, 2.3.1).
// Bytes 4 to 9 (MTIME, XFL, OS) are the only ones gzip does not check.
void TestRecordingReader::flippedByteAnywhereInGzip()
{
    int stoppedByCorruption = 0;
    for (qsizetype i = 0; i < m_gzip.size(); ++i) {
        if (i >= 4 && i <= 9) {
            continue;
        }
        QByteArray bytes = m_gzip;
        bytes[i] = static_cast<char>(bytes[i] ^ 0xff);
        QString error;
        const auto result = recording::readRecordingBytes(bytes, &error);
        if (!result) {
            // The header's line was damaged.
            QVERIFY2(error.startsWith(u"not a recording"_s) || error.startsWith(u"malformed recording header"_s)
                    || error.startsWith(u"recording format version"_s),
                qPrintable(error));
            continue;
        }
        QVERIFY2(!result->complete, qPrintable(u"byte %1 changed, file read as complete"_s.arg(i)));
        QVERIFY(!result->stoppedReason.isEmpty());
        QVERIFY(result->records.size() <= m_records.size() + 1);
        if (result->stoppedReason.contains(u"gzip data corrupted"_s)) {
            ++stoppedByCorruption;
        }
    }
    QVERIFY(stoppedByCorruption > 0);
    // In the middle: a reason a presenter can show.
    QByteArray bytes = m_gzip;
    const qsizetype middle = bytes.size() / 2;
    bytes[middle] = static_cast<char>(bytes[middle] ^ 0xff);
    const auto result = recording::readRecordingBytes(bytes, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!result->complete);
    qInfo().noquote() << "a byte changed in the middle:" << result->records.size() << "records,"
                      << result->stoppedReason;
}

void TestRecordingReader::unknownVersionRefused_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("error");
    QTest::addRow("7") << QByteArray(R"({"format":"crdb-live-evolution-recording","version":7,"started_ms":1})")
                       << u"recording format version 7 is not supported: this presenter reads version 1"_s;
    QTest::addRow("0") << QByteArray(R"({"format":"crdb-live-evolution-recording","version":0,"started_ms":1})")
                       << u"recording format version 0 is not supported: this presenter reads version 1"_s;
    QTest::addRow("2, other fields changed")
        << QByteArray(R"({"format":"crdb-live-evolution-recording","version":2,"begun":"yesterday"})")
        << u"recording format version 2 is not supported: this presenter reads version 1"_s;
    QTest::addRow("a string") << QByteArray(
        R"({"format":"crdb-live-evolution-recording","version":"1","started_ms":1})")
                              << u"not a recording: the header has no format version"_s;
    QTest::addRow("1.5") << QByteArray(R"({"format":"crdb-live-evolution-recording","version":1.5,"started_ms":1})")
                         << u"not a recording: the header has no format version"_s;
}

void TestRecordingReader::unknownVersionRefused()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, error);
    for (const bool gzipped : {false, true}) {
        QByteArray bytes = header + '\n' + recording::encodeRecord(m_records[0]) + '\n';
        if (gzipped) {
            QTemporaryDir dir;
            QFile f(dir.filePath(u"v.jsonl"_s));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            f.close();
            QProcess zip;
            zip.start(u"gzip"_s, {u"-c"_s, f.fileName()});
            QVERIFY(zip.waitForFinished(30000));
            bytes = zip.readAllStandardOutput();
            QCOMPARE(static_cast<unsigned char>(bytes[0]), 0x1f);
        }
        QString got;
        QVERIFY(!recording::readRecordingBytes(bytes, &got).has_value());
        QCOMPARE(got, error);
    }
}

void TestRecordingReader::notARecording_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    const QString notHeader = u"not a recording: the first line is not a crdb-live-evolution-recording header"_s;
    QTest::addRow("empty") << QByteArray() << u"not a recording: the file is empty"_s;
    QTest::addRow("plain text") << QByteArray("# desktop/: the presenter\n\nSome notes.\n") << notHeader;
    QTest::addRow("one line, no newline") << QByteArray("hello") << notHeader;
    QTest::addRow("JSON, another format") << QByteArray(R"({"format":"something-else","version":1,"started_ms":1})"
                                                        "\n")
                                          << notHeader;
    QTest::addRow("a record first") << recording::encodeRecord(recordingtest::record(0)) + '\n' << notHeader;
    QTest::addRow("JSON array") << QByteArray("[1,2,3]\n") << notHeader;
    QTest::addRow("NUL bytes") << QByteArray(64, '\0') << notHeader;
    QByteArray garbage(4096, '\0');
    QRandomGenerator rng(12); // fixed seed: the same garbage every run
    for (char &c : garbage) {
        c = static_cast<char>(rng.bounded(256));
    }
    garbage[0] = 'G';
    QTest::addRow("binary garbage") << garbage << notHeader;
    QByteArray fakeGzip = garbage;
    fakeGzip[0] = '\x1f';
    fakeGzip[1] = '\x8b';
    QTest::addRow("gzip magic, then garbage")
        << fakeGzip
        << u"not a recording: gzip data corrupted at byte 4 of 4096 (unknown header flags set) before the end of its header"_s;
    QTest::addRow("gzip magic only") << QByteArray("\x1f\x8b")
                                     << u"not a recording: the file ends inside its gzip data (truncated) before the "
                                        "end of its header"_s;
}

void TestRecordingReader::notARecording()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!recording::readRecordingBytes(bytes, &got).has_value());
    QCOMPARE(got, error);
}

void TestRecordingReader::headerFields_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("error"); // empty: accepted
    const QByteArray prefix = R"({"format":"crdb-live-evolution-recording","version":1)";
    QTest::addRow("minimal") << prefix + R"(,"started_ms":5})" << QString();
    QTest::addRow("an extra field") << prefix + R"(,"started_ms":5,"recorded_by":"a later presenter","x":[1]})"
                                    << QString();
    QTest::addRow("started_ms missing") << prefix + "}"
                                        << u"malformed recording header: \"started_ms\" is missing or not an integer"_s;
    QTest::addRow("started_ms a string") << prefix
            + R"(,"started_ms":"5"})" << u"malformed recording header: \"started_ms\" is missing or not an integer"_s;
    QTest::addRow("plan a number") << prefix + R"(,"started_ms":5,"plan":3})"
                                   << u"malformed recording header: \"plan\" is not a string"_s;
    QTest::addRow("profile a string") << prefix + R"(,"started_ms":5,"profile":"local"})"
                                      << u"malformed recording header: \"profile\" is not an object"_s;
    QTest::addRow("format missing")
        << QByteArray(R"({"version":1,"started_ms":5})")
        << u"not a recording: the first line is not a crdb-live-evolution-recording header"_s;
}

void TestRecordingReader::headerFields()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, error);
    const QByteArray bytes = header + '\n' + recording::encodeRecord(m_records[0]) + '\n'
        + recording::encodeRecord({9, u"end"_s, {}}) + '\n';
    QString got;
    const auto result = recording::readRecordingBytes(bytes, &got);
    if (error.isEmpty()) {
        QVERIFY2(result.has_value(), qPrintable(got));
        QCOMPARE(result->header.startedMs, 5);
        QVERIFY(result->complete);
        QCOMPARE(result->records, m_records.mid(0, 1));
    } else {
        QVERIFY(!result.has_value());
        QCOMPARE(got, error);
    }
}

void TestRecordingReader::badRecordLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::addRow("not JSON") << QByteArray("{\"t\":1,") << u"line 4: not JSON ("_s;
    QTest::addRow("array") << QByteArray("[]") << u"line 4: not a JSON object"_s;
    QTest::addRow("t missing") << QByteArray(R"({"k":"feed","d":{}})") << u"line 4: no time"_s;
    QTest::addRow("t fractional") << QByteArray(R"({"t":1.5,"k":"feed","d":{}})") << u"line 4: no time"_s;
    QTest::addRow("t huge") << QByteArray(R"({"t":1e300,"k":"feed","d":{}})") << u"line 4: no time"_s;
    QTest::addRow("k empty") << QByteArray(R"({"t":1,"k":"","d":{}})") << u"line 4: no kind"_s;
    QTest::addRow("k a number") << QByteArray(R"({"t":1,"k":3,"d":{}})") << u"line 4: no kind"_s;
    QTest::addRow("d missing") << QByteArray(R"({"t":1,"k":"feed"})") << u"line 4: no payload"_s;
    QTest::addRow("d an array") << QByteArray(R"({"t":1,"k":"feed","d":[]})") << u"line 4: no payload"_s;
}

void TestRecordingReader::badRecordLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QByteArray bytes = recording::encodeHeader(recordingtest::header()) + '\n';
    bytes += recording::encodeRecord(m_records[0]) + '\n' + recording::encodeRecord(m_records[1]) + '\n';
    bytes += line + '\n' + recording::encodeRecord(m_records[2]) + '\n' + recording::encodeRecord({9, u"end"_s, {}})
        + '\n';
    const auto result = recording::readRecordingBytes(bytes, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!result->complete);
    QCOMPARE(result->stoppedAtLine, 4);
    QVERIFY2(result->stoppedReason.startsWith(reason), qPrintable(result->stoppedReason));
    QCOMPARE(result->records, m_records.mid(0, 2));
    QVERIFY(!recording::decodeRecord(line).has_value());
}

void TestRecordingReader::afterTheEndRecord()
{
    QByteArray bytes = plainRecording(m_records.mid(0, 3));
    bytes += recording::encodeRecord(m_records[3]) + '\n';
    const auto result = recording::readRecordingBytes(bytes, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!result->complete);
    QCOMPARE(result->records, m_records.mid(0, 3));
    QCOMPARE(result->stoppedAtLine, 6);
    QCOMPARE(result->stoppedReason, u"line 6: a record after the end record"_s);
}

// What a text editor does to a file: CRLF line ends, blank lines, no newline after the last line.
void TestRecordingReader::toleratedLayout()
{
    QByteArray bytes = plainRecording(m_records.mid(0, 5));
    bytes.replace("\n", "\r\n");
    bytes.insert(bytes.indexOf("\r\n") + 2, "\r\n\n");
    bytes.chop(2);
    const auto result = recording::readRecordingBytes(bytes, nullptr);
    QVERIFY(result.has_value());
    QVERIFY2(result->complete, qPrintable(result->stoppedReason));
    QCOMPARE(result->records, m_records.mid(0, 5));
}

void TestRecordingReader::missingFile()
{
    QString error;
    QVERIFY(!recording::readRecordingFile(m_dir.filePath(u"nope.jsonl.gz"_s), &error).has_value());
    QVERIFY2(error.startsWith(u"cannot open "_s), qPrintable(error));
    QFile plain(m_dir.filePath(u"plain.jsonl"_s));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.write(plainRecording(m_records));
    plain.close();
    const auto result = recording::readRecordingFile(plain.fileName(), &error);
    QVERIFY(result.has_value());
    QVERIFY(result->complete);
    QCOMPARE(result->records, m_records);
}

QTEST_GUILESS_MAIN(TestRecordingReader)
#include "tst_recording_reader.moc"
