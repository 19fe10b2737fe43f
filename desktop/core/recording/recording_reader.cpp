#include "recording_reader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace presenter {

namespace recording {

namespace {

// No line the presenter writes comes near this (a feed message is about 1 KB); a longer one is
// damage, and stopping there keeps a corrupted file from eating the memory.
constexpr qsizetype kMaxLineBytes = 64 * 1024 * 1024;

// Times are milliseconds since the epoch, well inside a double's exact integers (2^53).
constexpr double kMaxExactInteger = 9007199254740992.0;

std::optional<qint64> integerValue(const QJsonValue &value)
{
    if (!value.isDouble()) {
        return std::nullopt;
    }
    const double d = value.toDouble();
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > kMaxExactInteger) {
        return std::nullopt;
    }
    return static_cast<qint64>(d);
}

QByteArray jsonString(const QString &text)
{
    // QJsonDocument only serialises containers: write ["text"] and keep what is inside the brackets.
    const QByteArray array = QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray jsonObject(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<QJsonObject> parseObject(const QByteArray &line, QString *why)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *why = u"not JSON (%1 at column %2)"_s.arg(parseError.errorString()).arg(parseError.offset + 1);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *why = u"not a JSON object"_s;
        return std::nullopt;
    }
    return doc.object();
}

std::optional<Record> decodeRecordWhy(const QByteArray &line, QString *why)
{
    const auto object = parseObject(line, why);
    if (!object) {
        return std::nullopt;
    }
    const auto t = integerValue(object->value(u"t"_s));
    if (!t) {
        *why = u"no time (\"t\" is missing or not an integer)"_s;
        return std::nullopt;
    }
    const QJsonValue kind = object->value(u"k"_s);
    if (!kind.isString() || kind.toString().isEmpty()) {
        *why = u"no kind (\"k\" is missing or not a non-empty string)"_s;
        return std::nullopt;
    }
    const QJsonValue data = object->value(u"d"_s);
    if (!data.isObject()) {
        *why = u"no payload (\"d\" is missing or not an object)"_s;
        return std::nullopt;
    }
    return Record {*t, kind.toString(), data.toObject()};
}

// The header, or nullopt with the reason the file is refused.
std::optional<Header> decodeHeader(const QByteArray &line, QString *why)
{
    QString parseWhy;
    const auto object = parseObject(line, &parseWhy);
    if (!object || object->value(u"format"_s).toString() != QLatin1String(kFormatName)) {
        *why = u"not a recording: the first line is not a %1 header"_s.arg(QLatin1String(kFormatName));
        return std::nullopt;
    }
    const auto version = integerValue(object->value(u"version"_s));
    if (!version) {
        *why = u"not a recording: the header has no format version"_s;
        return std::nullopt;
    }
    if (*version != kFormatVersion) {
        *why = u"recording format version %1 is not supported: this presenter reads version %2"_s.arg(*version).arg(
            kFormatVersion);
        return std::nullopt;
    }
    Header header;
    header.version = static_cast<int>(*version);
    const auto started = integerValue(object->value(u"started_ms"_s));
    if (!started) {
        *why = u"malformed recording header: \"started_ms\" is missing or not an integer"_s;
        return std::nullopt;
    }
    header.startedMs = *started;
    // The other fields are optional (a later writer may leave one out), but never of another type:
    // that is a damaged or foreign header. Fields this reader does not know are ignored.
    const auto optionalString = [&](const QString &key, QString *out) {
        const QJsonValue value = object->value(key);
        if (value.isUndefined()) {
            return true;
        }
        if (!value.isString()) {
            *why = u"malformed recording header: \"%1\" is not a string"_s.arg(key);
            return false;
        }
        *out = value.toString();
        return true;
    };
    if (!optionalString(u"plan"_s, &header.plan) || !optionalString(u"plan_title"_s, &header.planTitle)
        || !optionalString(u"presenter_version"_s, &header.presenterVersion)
        || !optionalString(u"purpose"_s, &header.purpose)) {
        return std::nullopt;
    }
    const QJsonValue profile = object->value(u"profile"_s);
    if (!profile.isUndefined()) {
        if (!profile.isObject()) {
            *why = u"malformed recording header: \"profile\" is not an object"_s;
            return std::nullopt;
        }
        header.profile = profile.toObject();
    }
    return header;
}

// Turns a byte stream (the file, or what inflate produced from it) into the header and records,
// line by line, stopping at the first problem.
class LineParser
{
public:
    // Feeds the next bytes; false once reading has stopped (a bad line) or the file was refused.
    bool feed(const char *data, qsizetype size)
    {
        qsizetype start = 0;
        while (!done() && start < size) {
            const char *newline = static_cast<const char *>(std::memchr(data + start, '\n', size - start));
            const qsizetype end = newline ? newline - data : size;
            m_pending.append(data + start, end - start);
            if (!newline) {
                if (m_pending.size() > kMaxLineBytes) {
                    stop(u"line %1: longer than %2 MB"_s.arg(currentLine()).arg(kMaxLineBytes / (1024 * 1024)));
                }
                break;
            }
            takeLine(/*atEndOfFile=*/false);
            start = end + 1;
        }
        return !done();
    }

    // The input ended. cleanly: the file's own end (plain text, or the end of the gzip data);
    // otherwise `why` says how it was cut or damaged.
    void finish(bool cleanly, const QString &why = {})
    {
        if (done()) {
            return;
        }
        if (!m_pending.isEmpty() && !m_header && !cleanly) {
            m_refused = u"not a recording: %1 before the end of its header"_s.arg(why);
            return;
        }
        if (!m_pending.isEmpty()) {
            // A last line without its newline: whole if it decodes (a file saved by an editor),
            // else cut off.
            const qint64 line = currentLine();
            if (!takeLine(/*atEndOfFile=*/true)) {
                if (m_refused.isEmpty() && !m_stopped) {
                    stop(u"the file ends inside line %1 (truncated)"_s.arg(line));
                }
                return;
            }
        }
        if (!m_header) {
            m_refused = cleanly
                ? (m_sawAnyByte
                        ? u"not a recording: the first line is not a %1 header"_s.arg(QLatin1String(kFormatName))
                        : u"not a recording: the file is empty"_s)
                : u"not a recording: %1 before the end of its header"_s.arg(why);
            return;
        }
        if (!cleanly) {
            stop(m_sawEnd ? u"%1 after the end record"_s.arg(why) : u"%1 after line %2"_s.arg(why).arg(m_lines),
                m_lines + 1);
            return;
        }
        if (!m_sawEnd) {
            stop(u"no end record after line %1: the presenter stopped without closing the recording"_s.arg(m_lines),
                m_lines + 1);
            return;
        }
        m_result.complete = true;
    }

    // Reading stopped at the line in progress for a reason outside the lines (gzip damage).
    void stopInside(const QString &why)
    {
        if (done()) {
            return;
        }
        if (!m_header) {
            m_refused = u"not a recording: %1 before the end of its header"_s.arg(why);
            return;
        }
        stop(u"%1, inside line %2"_s.arg(why).arg(currentLine()));
    }

    void noteInput() { m_sawAnyByte = true; }
    bool done() const { return m_stopped || !m_refused.isEmpty(); }
    qint64 currentLine() const { return m_lines + 1; }

    std::optional<ReadResult> result(QString *error)
    {
        if (!m_refused.isEmpty() || !m_header) {
            if (error) {
                *error = m_refused.isEmpty() ? u"not a recording: the file is empty"_s : m_refused;
            }
            return std::nullopt;
        }
        m_result.header = *m_header;
        return std::move(m_result);
    }

private:
    void stop(const QString &why, qint64 line = 0)
    {
        m_stopped = true;
        m_result.complete = false;
        m_result.stoppedReason = why;
        m_result.stoppedAtLine = line > 0 ? line : currentLine();
    }

    // Takes m_pending as the next line. False when it was refused or stopped reading (at the end
    // of the file, a line that does not decode is left for finish() to call truncated).
    bool takeLine(bool atEndOfFile)
    {
        QByteArray line = std::move(m_pending);
        m_pending.clear();
        if (line.endsWith('\r')) {
            line.chop(1); // a file that went through a Windows editor
        }
        if (!line.isEmpty()) {
            m_sawAnyByte = true;
        }
        const qint64 number = currentLine();
        QString why;
        if (!m_header) {
            m_header = decodeHeader(line, &why);
            if (!m_header) {
                m_refused = why;
                return false;
            }
            ++m_lines;
            return true;
        }
        ++m_lines;
        if (line.isEmpty()) {
            return true; // blank lines carry nothing; tolerated for hand-edited files
        }
        if (m_sawEnd) {
            stop(u"line %1: a record after the end record"_s.arg(number), number);
            return false;
        }
        auto record = decodeRecordWhy(line, &why);
        if (!record) {
            if (atEndOfFile) {
                --m_lines; // finish() reports the cut line
                return false;
            }
            stop(u"line %1: %2"_s.arg(number).arg(why), number);
            return false;
        }
        if (record->kind == u"end"_s) {
            m_sawEnd = true;
        } else {
            m_result.records.append(std::move(*record));
        }
        return true;
    }

    ReadResult m_result;
    std::optional<Header> m_header;
    QByteArray m_pending;
    qint64 m_lines = 0; // lines taken so far
    bool m_sawEnd = false;
    bool m_stopped = false;
    bool m_sawAnyByte = false;
    QString m_refused; // non-empty: the file is not a recording we read
};

QString where(qint64 offset, qint64 size)
{
    return u"at byte %1 of %2"_s.arg(offset).arg(size);
}

// Streams the gzip data through inflate, so whatever precedes a cut or a damaged block is still
// read (zlib.h: inflate "provides as much output as possible" and reports Z_DATA_ERROR only
// when it reaches the bad data). Several gzip members one after another are read as one file,
// as zcat does (RFC 1952, section 2.2).
void readGzip(const QByteArray &bytes, LineParser &parser)
{
    z_stream zs {};
    // 15 + 16: a gzip wrapper only (zlib.h, inflateInit2); the trailer's CRC-32 and length are
    // checked at the end of each member.
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        parser.stopInside(u"zlib could not start"_s);
        return;
    }
    const auto *input = reinterpret_cast<const Bytef *>(bytes.constData());
    const qint64 size = bytes.size();
    qint64 offset = 0; // input handed to inflate so far
    std::array<char, 64 * 1024> out {};
    for (;;) {
        if (zs.avail_in == 0 && offset < size) {
            const auto chunk = static_cast<uInt>(std::min<qint64>(size - offset, UINT_MAX / 2));
            // zlib's API takes a non-const pointer but never writes through next_in.
            zs.next_in = const_cast<Bytef *>(input + offset); // NOLINT(cppcoreguidelines-pro-type-const-cast)
            zs.avail_in = chunk;
            offset += chunk;
        }
        zs.next_out = reinterpret_cast<Bytef *>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        const int ret = inflate(&zs, Z_NO_FLUSH);
        const auto produced = static_cast<qsizetype>(out.size() - zs.avail_out);
        const qint64 consumed = offset - zs.avail_in;
        if (produced > 0 && !parser.feed(out.data(), produced)) {
            break;
        }
        if (ret == Z_STREAM_END) {
            if (consumed == size) {
                parser.finish(/*cleanly=*/true);
                break;
            }
            // Another member follows only if it starts with the gzip magic; anything else is
            // not ours (zcat: "trailing garbage ignored").
            if (size - consumed >= 2 && static_cast<unsigned char>(bytes[consumed]) == 0x1f
                && static_cast<unsigned char>(bytes[consumed + 1]) == 0x8b) {
                inflateReset(&zs);
                continue;
            }
            parser.finish(/*cleanly=*/false,
                u"%1 bytes that are not gzip data follow the end of the gzip data"_s.arg(size - consumed));
            break;
        }
        if (ret == Z_OK) {
            continue;
        }
        if (ret == Z_BUF_ERROR && consumed == size) {
            parser.finish(/*cleanly=*/false, u"the file ends inside its gzip data (truncated)"_s);
            break;
        }
        const QString message = zs.msg ? QString::fromLatin1(zs.msg) : u"zlib error %1"_s.arg(ret);
        parser.stopInside(u"gzip data corrupted %1 (%2)"_s.arg(where(consumed, size), message));
        break;
    }
    inflateEnd(&zs);
}

} // namespace

std::optional<ReadResult> readRecordingBytes(const QByteArray &bytes, QString *error)
{
    LineParser parser;
    if (!bytes.isEmpty()) {
        parser.noteInput();
    }
    // RFC 1952, 2.3.1: every gzip member starts with ID1 = 31 (0x1f), ID2 = 139 (0x8b).
    const bool gzip = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f
        && static_cast<unsigned char>(bytes[1]) == 0x8b;
    if (gzip) {
        readGzip(bytes, parser);
    } else {
        if (parser.feed(bytes.constData(), bytes.size())) {
            parser.finish(/*cleanly=*/true);
        }
    }
    return parser.result(error);
}

std::optional<ReadResult> readRecordingFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
            *error = u"cannot open %1: %2"_s.arg(path, file.errorString());
        }
        return std::nullopt;
    }
    // A recording is a few MB compressed (RECORDING.md, "Cost"): read it whole.
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        if (error) {
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        }
        return std::nullopt;
    }
    return readRecordingBytes(bytes, error);
}

QByteArray encodeRecord(const Record &record)
{
    // Written by hand so the keys come in reading order (t, k, d); QJsonObject sorts them.
    QByteArray line;
    const QByteArray data = jsonObject(record.data);
    line.reserve(data.size() + record.kind.size() + 40);
    line.append("{\"t\":").append(QByteArray::number(record.tMs));
    line.append(",\"k\":").append(jsonString(record.kind));
    line.append(",\"d\":").append(data).append('}');
    return line;
}

std::optional<Record> decodeRecord(const QByteArray &line)
{
    QString why;
    return decodeRecordWhy(line, &why);
}

QByteArray encodeHeader(const Header &header)
{
    QByteArray line;
    line.append("{\"format\":").append(jsonString(QLatin1String(kFormatName)));
    line.append(",\"version\":").append(QByteArray::number(header.version));
    line.append(",\"started_ms\":").append(QByteArray::number(header.startedMs));
    line.append(",\"plan\":").append(jsonString(header.plan));
    line.append(",\"plan_title\":").append(jsonString(header.planTitle));
    line.append(",\"profile\":").append(jsonObject(header.profile));
    line.append(",\"presenter_version\":").append(jsonString(header.presenterVersion));
    line.append(",\"purpose\":").append(jsonString(header.purpose));
    line.append('}');
    return line;
}

} // namespace recording

} // namespace presenter
