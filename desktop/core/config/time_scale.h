#pragma once

#include "demo_plan.h"

#include <QByteArray>

#include <optional>

namespace presenter {

// A plan with shorter windows, for rehearsals and tests that cannot wait half an hour
// (`presenter --rehearse --time-scale F`, desktop/docs/REHEARSAL.md): every expectation's within_s,
// every spike's seconds, every beat's budget_s and the talk's length are multiplied by F
// (0 < F <= 1), never below kFloorS. The talk's plan file is never edited: the scaled plan exists
// only in the session (and in its recording, whose "plan" record is the scaled document, so a
// replay judges the same windows).
//
// The floor: the sample app's feed ticks once a second (sampleapp/PROTOCOL.md, APP_TICK_MS 1000),
// and an "eventually" needs two samples to pass (true at the first one is "already true"), so a
// window shorter than two ticks could only end "not within" or "already true". Scaling keeps the
// order of the windows (a spike still outlasts its own "holds"), since max(floor, x * F) never
// reverses two values. Pure functions.
namespace timescale {

inline constexpr double kFloorS = 2.0;
// The talk's length is at least a minute (the plan's own lower bound for talk_minutes).
inline constexpr double kFloorTalkMinutes = 1.0;

// Whether F is a scale: 0 < F <= 1.
bool isValid(double factor);
// One window in whole seconds (within_s): rounded up, at least kFloorS.
int scaledWithinS(int withinS, double factor);
// A duration in seconds (a spike's, a budget): at least kFloorS; 0 (no budget) stays 0.
double scaledSeconds(double seconds, double factor);
// talk_minutes: at least kFloorTalkMinutes; 0 (not given) stays 0.
double scaledTalkMinutes(double minutes, double factor);

// The plan with its windows scaled. F = 1 returns it unchanged.
DemoPlan scaled(const DemoPlan &plan, double factor);
// The same on the plan's JSON document (demo/plan.json's schema): what the session's recording
// keeps. DemoPlan::fromJson(scaledJson(json, F)) equals scaled(DemoPlan::fromJson(json), F);
// nothing when `json` is not a JSON object.
std::optional<QByteArray> scaledJson(const QByteArray &json, double factor);

} // namespace timescale

} // namespace presenter
