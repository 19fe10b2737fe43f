#pragma once

#include "app_options.h"

#include "recording/recording_catalog.h"

#include <QString>
#include <QStringList>

namespace presenter {

// The recordings folder from the command line (desktop/docs/RECORDING.md "Managing the folder"):
// `presenter --list-recordings`, `presenter --keep-recording FILE`, the retention after a session
// and `--fallback latest`. No window: they run where there is no display.

// When argv asks for --list-recordings or --keep-recording: parses it in a QCoreApplication, does
// it and returns the exit code (0, 1 when the file cannot be marked, 2 for bad options); -1 when
// not asked.
int runRecordingsCliIfAsked(int argc, char *argv[]);
int runRecordingsCli(const AppOptions &options);

// The retention: --keep-newest / --recordings-max-mb, else the settings recordings/keep_newest and
// recordings/max_mb (QSettings: $XDG_CONFIG_HOME/crdb-live-evolution/presenter.conf), else
// RetentionPolicy's defaults.
recording::RetentionPolicy retentionPolicy(const AppOptions &options);

// --fallback as a file: "latest" becomes the newest good rehearsal of the recordings folder, or
// empty with *note saying why there is none; a file name stays as it is. *note says what was picked.
QString resolveFallback(const QString &fallback, QString *note);

// After a live session: retention over the recordings folder, never deleting protectedPaths (the
// session's own recording, the fallback); prints what it deleted.
void applyRetentionAfterSession(const AppOptions &options, const QStringList &protectedPaths);

} // namespace presenter
