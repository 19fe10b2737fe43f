#pragma once

#include "app_options.h"

namespace presenter {

// `presenter --rehearse` (desktop/docs/REHEARSAL.md): the talk's plan run unattended with the real
// sources (Rehearsal), one line per beat as it goes, the go/no-go table at the end, the session
// recorded (purpose "rehearsal", closed with its end record) and its HTML report written beside the
// recording (naming it). Returns the exit code: 0 when no action and no verdict failed, 1 when one
// did (or the rehearsal was interrupted), 2 for a bad plan, beat or refusal. Runs its own event
// loop; needs a QApplication (the report's charts are drawn offscreen).
int runRehearsalCli(const AppOptions &options);

// Before the QApplication exists: a rehearsal without --show draws nothing on a screen, so it runs
// on the offscreen platform (no display needed).
void prepareRehearsalPlatform(int argc, char *argv[]);

} // namespace presenter
