#pragma once

#include <QRect>
#include <QSize>

namespace presenter {

// Where a window opens: never larger than the screen's available area, never partly off it. Pure
// (tested in tst_window_placement); desktop/app/window_memory.* applies it to the real windows.
namespace windowplacement {

// A first run (nothing saved): `preferred` shrunk to `available` where it is larger, centred in it.
QRect initial(const QRect &available, const QSize &preferred);

// A restored geometry on the screen it lands on (saved on a larger screen, or at a place that no
// longer exists): shrunk to `available` where it is larger, then moved the least that brings it
// wholly inside. A geometry that already fits is returned unchanged.
QRect fit(const QRect &saved, const QRect &available);

} // namespace windowplacement

} // namespace presenter
