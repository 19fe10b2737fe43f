#pragma once

#include <QList>
#include <QRectF>
#include <QString>

#include <functional>

namespace presenter {

// Where the event markers' labels go inside a chart's plot, as a pure function so a test can check
// what the audience would see: no two labels overlap and none leaves the plot (labels
// drawn over each other, "d sql/00-bootstrap.sql" cut at the right edge).
//
// Newest markers are placed first (they matter most on stage). Each label tries, in order, its full
// text, then shorter elided forms ("applied sql/00-boot…"), each on the right then the left of its
// line, row by row from the top; a label is clamped inside the plot, never cut. A marker whose label
// finds no room keeps its line and gets no label: the full text is in the window's event list.
namespace markerlayout {

struct Marker
{
    double x = 0; // the marker line, in the same coordinates as the plot rectangle
    QString text;
};

struct Label
{
    qsizetype marker = -1; // index into the input list
    QRectF rect; // the label's box, padding included
    QString text; // what is drawn: the full text or an elided form ending with "…"
};

struct Style
{
    double rowHeight = 14; // one text line plus spacing
    int maxRows = 3;
    double padding = 2; // inside the box, left and right
    double gap = 4; // between two boxes on a row
    double maxWidthShare = 0.5; // a label never takes more than this share of the plot's width
};

using TextWidth = std::function<double(const QString &)>;

QList<Label> layout(const QRectF &plot, const QList<Marker> &markers, const TextWidth &width, const Style &style);

// `text` shortened to fit `maxWidth` with a trailing "…"; empty if not even one character fits.
QString elide(const QString &text, double maxWidth, const TextWidth &width);

} // namespace markerlayout

} // namespace presenter
