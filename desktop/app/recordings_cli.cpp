#include "recordings_cli.h"

#include "recording/recording_writer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSettings>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {

QString limitsText(const recording::RetentionPolicy &policy)
{
    const QString count = policy.keepNewest > 0 ? u"the newest %1"_s.arg(policy.keepNewest) : u"any number"_s;
    const QString size = policy.maxBytes > 0
        ? u"at most %1 MB"_s.arg(policy.maxBytes / recording::RetentionPolicy::kBytesPerMb)
        : u"no size limit"_s;
    return u"after a session it keeps %1, %2, besides kept ones and the fallback"_s.arg(count, size);
}

int listRecordings(const AppOptions &options)
{
    const QString dir = recording::RecordingWriter::defaultDirectory();
    const QList<recording::CatalogEntry> entries = recording::RecordingCatalog::scan(dir);
    if (entries.isEmpty()) {
        std::printf("no recordings in %s\n", qPrintable(dir));
        return 0;
    }
    std::printf("%s (newest first; %s):\n%s", qPrintable(dir), qPrintable(limitsText(retentionPolicy(options))),
        qPrintable(recording::RecordingCatalog::listing(entries)));
    const auto latest = recording::RecordingCatalog::latestRehearsal(entries);
    std::printf("--fallback latest: %s\n",
        latest ? qPrintable(latest->path) : "no rehearsal here is complete with nothing failed");
    return 0;
}

int keepRecording(const QString &path)
{
    QString error;
    if (!recording::RecordingCatalog::markKept(path, &error)) {
        std::fprintf(stderr, "presenter: not kept: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("kept: %s (retention never deletes it; delete %s to release it)\n", qPrintable(path),
        qPrintable(recording::RecordingCatalog::keepMarkerPath(path)));
    return 0;
}

} // namespace

int runRecordingsCliIfAsked(int argc, char *argv[])
{
    bool asked = false;
    for (int i = 1; i < argc; ++i) {
        asked = asked || qstrcmp(argv[i], "--list-recordings") == 0 || qstrcmp(argv[i], "--keep-recording") == 0;
    }
    if (!asked) {
        return -1;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"presenter"_s);
    QCoreApplication::setOrganizationName(u"crdb-live-evolution"_s); // the settings, as the windows read them
    AppOptions options;
    QString error;
    if (!AppOptions::parse(QCoreApplication::arguments(), &options, &error)) {
        std::fprintf(stderr, "presenter: %s\n", qPrintable(error));
        return 2;
    }
    return runRecordingsCli(options);
}

int runRecordingsCli(const AppOptions &options)
{
    if (!options.keepRecording.isEmpty()) {
        if (const int rc = keepRecording(options.keepRecording); rc != 0 || !options.listRecordings) {
            return rc;
        }
    }
    return listRecordings(options);
}

recording::RetentionPolicy retentionPolicy(const AppOptions &options)
{
    const QSettings settings;
    recording::RetentionPolicy policy;
    const int keep = options.keepNewest >= 0
        ? options.keepNewest
        : settings.value(u"recordings/keep_newest"_s, recording::RetentionPolicy::kDefaultKeepNewest).toInt();
    const qint64 maxMb = options.recordingsMaxMb >= 0
        ? options.recordingsMaxMb
        : settings.value(u"recordings/max_mb"_s, recording::RetentionPolicy::kDefaultMaxMb).toLongLong();
    policy.keepNewest = std::max(0, keep);
    policy.maxBytes = std::max<qint64>(0, maxMb) * recording::RetentionPolicy::kBytesPerMb;
    return policy;
}

QString resolveFallback(const QString &fallback, QString *note)
{
    if (fallback != u"latest") {
        *note = fallback;
        return fallback;
    }
    const QString dir = recording::RecordingWriter::defaultDirectory();
    const auto latest = recording::RecordingCatalog::latestRehearsal(dir);
    if (!latest) {
        *note = u"no rehearsal in %1 is complete with nothing failed"_s.arg(dir);
        return {};
    }
    *note = u"%1 (rehearsal of %2 UTC, %3 min)"_s.arg(latest->path,
        QDateTime::fromMSecsSinceEpoch(latest->startedMs, Qt::UTC).toString(u"yyyy-MM-dd HH:mm"_s),
        QString::number(latest->lengthMs / 60'000));
    return latest->path;
}

void applyRetentionAfterSession(const AppOptions &options, const QStringList &protectedPaths)
{
    QString error;
    const QStringList removed = recording::RecordingCatalog::applyRetention(
        recording::RecordingWriter::defaultDirectory(), retentionPolicy(options), protectedPaths, &error);
    for (const QString &path : removed) {
        std::fprintf(stderr, "presenter: retention deleted %s\n", qPrintable(path));
    }
    if (!error.isEmpty()) {
        std::fprintf(stderr, "presenter: retention: %s\n", qPrintable(error));
    }
}

} // namespace presenter
