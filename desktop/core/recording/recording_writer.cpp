#include "recording_writer.h"

#include "recording_reader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;

namespace presenter {

namespace recording {

namespace {

// The longest an appended record waits in memory or in zlib's buffers before it is in the file:
// the worker makes a gzip sync point (Z_SYNC_FLUSH) at least this often while records arrive, so a
// crash or a power cut loses at most this much of the session.
constexpr auto kFlushInterval = std::chrono::milliseconds(1000);

// gzip's own input buffer (gzbuffer): larger than the 8 KB default so a second's worth of feed
// messages is one or two write() calls.
constexpr unsigned kGzBufferBytes = 64 * 1024;

QString gzipError(gzFile file)
{
    int code = Z_OK;
    const char *message = gzerror(file, &code);
    if (code == Z_ERRNO) {
        return qt_error_string(errno);
    }
    return QString::fromLocal8Bit(message ? message : "unknown zlib error");
}

} // namespace

// Everything the worker thread touches. The queue is unbounded on purpose: the worker only
// compresses and writes (RECORDING.md, "Cost": about 0.2 ms of CPU per second of session), so it
// falls behind only when the disk stalls, and then memory grows by the session's data rate
// (about 3 KB/s at the default feed rate, 13 KB/s at full rate) rather than a record being dropped or the GUI
// thread waiting.
struct RecordingWriter::Worker
{
    QString path;
    gzFile file = nullptr;
    std::thread thread;

    std::mutex mutex; // guards queue, stopping, error
    std::condition_variable wake;
    std::deque<QByteArray> queue; // encoded lines, without their newline
    bool stopping = false;
    QString error;

    std::atomic<bool> failed {false};
    std::atomic<qint64> appended {0};
    std::atomic<qint64> uncompressed {0};
    std::atomic<qint64> compressed {0};

    void fail(const QString &why)
    {
        const std::lock_guard lock(mutex);
        if (error.isEmpty()) {
            error = why;
        }
        failed = true;
    }

    // One line into zlib. False (and error() set) when zlib or the disk refused it.
    bool writeLine(QByteArray line)
    {
        line.append('\n');
        // gzwrite takes an unsigned length; a line never comes near 4 GB (the reader refuses
        // lines over 64 MB anyway).
        const auto size = static_cast<unsigned>(line.size());
        if (gzwrite(file, line.constData(), size) != static_cast<int>(size)) {
            fail(u"writing %1 failed: %2"_s.arg(path, gzipError(file)));
            return false;
        }
        uncompressed += line.size();
        return true;
    }

    bool flush()
    {
        if (gzflush(file, Z_SYNC_FLUSH) != Z_OK) {
            fail(u"writing %1 failed: %2"_s.arg(path, gzipError(file)));
            return false;
        }
        // gzoffset while writing is the descriptor's position: the bytes really handed to the
        // file so far (zlib gzlib.c, gz_offset / LSEEK).
        compressed = gzoffset(file);
        return true;
    }

    void run()
    {
        using Clock = std::chrono::steady_clock;
        auto nextFlush = Clock::now() + kFlushInterval;
        bool unflushed = false;
        for (;;) {
            std::deque<QByteArray> batch;
            bool stop = false;
            {
                std::unique_lock lock(mutex);
                // Sleep until there is something to write, the flush is due, or close() asks.
                wake.wait_until(lock, unflushed ? nextFlush : Clock::time_point::max(),
                    [this] { return !queue.empty() || stopping; });
                batch.swap(queue);
                stop = stopping;
            }
            if (!failed) {
                for (QByteArray &line : batch) {
                    if (!writeLine(std::move(line))) {
                        break;
                    }
                    unflushed = true;
                }
            }
            if (!failed && unflushed && Clock::now() >= nextFlush) {
                if (flush()) {
                    unflushed = false;
                }
                nextFlush = Clock::now() + kFlushInterval;
            } else if (!unflushed) {
                // Nothing waiting: the next record's one second starts when it arrives.
                nextFlush = Clock::now() + kFlushInterval;
            }
            if (stop) {
                break;
            }
        }
        // gzclose finishes the deflate stream and writes the gzip trailer (CRC-32, length).
        const int closed = gzclose(file);
        file = nullptr;
        if (closed != Z_OK && !failed) {
            fail(u"closing %1 failed: %2"_s.arg(
                path, closed == Z_ERRNO ? qt_error_string(errno) : u"zlib error %1"_s.arg(closed)));
        }
        const QFileInfo info(path);
        if (info.isFile()) {
            compressed = info.size();
        }
    }
};

RecordingWriter::RecordingWriter() = default;

RecordingWriter::~RecordingWriter()
{
    close();
}

bool RecordingWriter::open(const QString &path, const Header &header, QString *error)
{
    auto setError = [error](const QString &why) {
        if (error) {
            *error = why;
        }
        return false;
    };
    if (m_worker) {
        return setError(u"a recording is already open: %1"_s.arg(m_worker->path));
    }
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        return setError(u"cannot create the folder %1 for the recording"_s.arg(info.absolutePath()));
    }
    // Opening is the only file operation on the caller's thread: it has to answer now whether a
    // recording is possible. Every write happens on the worker.
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
    if (!file) {
        return setError(u"cannot create %1: %2"_s.arg(path, qt_error_string(errno)));
    }
    gzbuffer(file, kGzBufferBytes);

    m_closedAppended = m_closedUncompressed = m_closedCompressed = 0;
    m_closedError.clear();
    auto worker = std::make_unique<Worker>();
    worker->path = path;
    worker->file = file;
    worker->queue.push_back(encodeHeader(header));
    worker->thread = std::thread([w = worker.get()] { w->run(); });
    m_worker = std::move(worker);
    return true;
}

bool RecordingWriter::isOpen() const
{
    // A write error stops the recording: from then on it is not recording, though the worker is
    // only joined by close().
    return m_worker != nullptr && !m_worker->failed;
}

QString RecordingWriter::path() const
{
    return m_worker ? m_worker->path : QString();
}

void RecordingWriter::append(const Record &record)
{
    if (!m_worker || m_worker->failed) {
        return;
    }
    // Encoded here, on the caller's thread: the record's QJsonObject is implicitly shared, and
    // serialising it now means the worker never reads an object the caller may still change.
    QByteArray line = encodeRecord(record);
    {
        const std::lock_guard lock(m_worker->mutex);
        m_worker->queue.push_back(std::move(line));
    }
    m_worker->wake.notify_one();
    ++m_worker->appended;
}

void RecordingWriter::close(qint64 endMs)
{
    if (!m_worker) {
        return;
    }
    {
        // The end record is the file's own, not one of the caller's: not counted in recordsAppended().
        QByteArray end = encodeRecord(Record {endMs, u"end"_s, {}});
        const std::lock_guard lock(m_worker->mutex);
        if (!m_worker->failed) {
            m_worker->queue.push_back(std::move(end));
        }
        m_worker->stopping = true;
    }
    m_worker->wake.notify_one();
    m_worker->thread.join();
    // The counters and the error stay readable after close: keep them, drop the rest.
    m_closedAppended = m_worker->appended;
    m_closedUncompressed = m_worker->uncompressed;
    m_closedCompressed = m_worker->compressed;
    m_closedError = m_worker->error;
    m_worker.reset();
}

void RecordingWriter::close()
{
    close(QDateTime::currentMSecsSinceEpoch());
}

qint64 RecordingWriter::recordsAppended() const
{
    return m_worker ? m_worker->appended.load() : m_closedAppended;
}

qint64 RecordingWriter::uncompressedBytes() const
{
    return m_worker ? m_worker->uncompressed.load() : m_closedUncompressed;
}

qint64 RecordingWriter::compressedBytes() const
{
    return m_worker ? m_worker->compressed.load() : m_closedCompressed;
}

QString RecordingWriter::error() const
{
    if (!m_worker) {
        return m_closedError;
    }
    const std::lock_guard lock(m_worker->mutex);
    return m_worker->error;
}

QString RecordingWriter::defaultDirectory()
{
    const QString overridden = qEnvironmentVariable("PRESENTER_RECORDING_DIR");
    if (!overridden.isEmpty()) {
        return overridden;
    }
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/crdb-live-evolution/recordings"_s;
}

QString RecordingWriter::defaultPath(qint64 startedMs)
{
    const QString stamp = QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC).toString(u"yyyyMMdd-HHmmss"_s);
    return defaultDirectory() + u"/session-"_s + stamp + u".jsonl.gz"_s;
}

} // namespace recording

} // namespace presenter
