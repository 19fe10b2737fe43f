// markerlayout::layout, the pure placement of event-marker labels: whatever the markers, no two
// label boxes overlap and none leaves the plot; crowded labels are elided or dropped (their full
// text is in the window's event list), never drawn over each other or cut at an edge.
#include "marker_layout.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;
using namespace markerlayout;

namespace {
// A monospaced stand-in for QFontMetricsF::horizontalAdvance: 7 px a character.
double width7(const QString &s)
{
    return 7.0 * double(s.size());
}

QString problems(const QRectF &plot, const QList<Label> &labels)
{
    QStringList out;
    for (qsizetype i = 0; i < labels.size(); ++i) {
        const QRectF &r = labels[i].rect;
        if (!plot.contains(r)) {
            out << u"label '%1' leaves the plot"_s.arg(labels[i].text);
        }
        for (qsizetype j = i + 1; j < labels.size(); ++j) {
            if (r.intersects(labels[j].rect)) {
                out << u"'%1' overlaps '%2'"_s.arg(labels[i].text, labels[j].text);
            }
        }
    }
    return out.join(u"; "_s);
}
} // namespace

class TestMarkerLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sparseMarkersKeepTheirFullText();
    void crowdedMarkersNeverOverlap_data();
    void crowdedMarkersNeverOverlap();
    void aLabelAtTheRightEdgeIsNotCut();
    void newestMarkersWinTheRoom();
    void elide();
};

void TestMarkerLayout::sparseMarkersKeepTheirFullText()
{
    const QRectF plot(10, 10, 800, 200);
    const auto labels = layout(
        plot, {{100, u"Load started at 20 rps"_s}, {500, u"applied sql/00-bootstrap.sql"_s}}, width7, Style {16, 3});
    QCOMPARE(labels.size(), 2);
    QCOMPARE(labels[0].text, u"applied sql/00-bootstrap.sql"_s);
    QCOMPARE(labels[1].text, u"Load started at 20 rps"_s);
    QCOMPARE(labels[1].rect.left(), 101.0); // right of its line, on the first row
    QCOMPARE(labels[1].rect.top(), 11.0);
    QCOMPARE(problems(plot, labels), QString());
}

void TestMarkerLayout::crowdedMarkersNeverOverlap_data()
{
    QTest::addColumn<QRectF>("plot");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("maxRows");
    QTest::addRow("kiosk 1024 wide, 12 markers") << QRectF(60, 40, 420, 180) << 12 << 3;
    QTest::addRow("small chart, 8 markers") << QRectF(40, 20, 180, 70) << 8 << 2;
    QTest::addRow("one row only") << QRectF(0, 0, 300, 20) << 10 << 3;
    QTest::addRow("wide, 40 markers") << QRectF(50, 30, 1700, 400) << 40 << 4;
}

void TestMarkerLayout::crowdedMarkersNeverOverlap()
{
    QFETCH(QRectF, plot);
    QFETCH(int, count);
    QFETCH(int, maxRows);
    const QStringList texts = {u"Load started at 20 rps"_s, u"applied sql/00-bootstrap.sql"_s, u"scale to 3"_s,
        u"crdb-2 down (keep down)"_s, u"crdb-2 back after 63 s"_s, u"Spike 200 req/s for 60 s"_s, u"beat: failure"_s};
    for (quint32 seed = 1; seed <= 50; ++seed) {
        QRandomGenerator rng(seed);
        QList<Marker> markers;
        double x = plot.left() + rng.bounded(plot.width() / 4);
        for (int i = 0; i < count; ++i) {
            markers.append({std::min(x, plot.right()), texts[rng.bounded(qsizetype(texts.size()))]});
            x += rng.bounded(plot.width() / count * 1.5); // bunched: often within a label's width
        }
        const auto labels = layout(plot, markers, width7, Style {15, maxRows});
        const QString p = problems(plot, labels);
        QVERIFY2(p.isEmpty(), qPrintable(u"seed %1: %2"_s.arg(seed).arg(p)));
        QVERIFY(!labels.isEmpty());
    }
}

void TestMarkerLayout::aLabelAtTheRightEdgeIsNotCut()
{
    // The "d sql/00-bootstrap.sql": a marker at "now", the right edge of the plot.
    const QRectF plot(0, 0, 600, 100);
    const auto labels = layout(plot, {{599.5, u"applied sql/00-bootstrap.sql"_s}}, width7, Style {});
    QCOMPARE(labels.size(), 1);
    QCOMPARE(labels[0].text, u"applied sql/00-bootstrap.sql"_s);
    QVERIFY(plot.contains(labels[0].rect));
    QCOMPARE(labels[0].rect.right(), 598.5); // left of its line
}

void TestMarkerLayout::newestMarkersWinTheRoom()
{
    // Ten markers on one spot, one row: only the newest keeps a label.
    const QRectF plot(0, 0, 400, 16);
    QList<Marker> markers;
    for (int i = 0; i < 10; ++i) {
        markers.append({200, u"marker %1"_s.arg(i)});
    }
    const auto labels = layout(plot, markers, width7, Style {16, 3});
    QVERIFY(!labels.isEmpty());
    QCOMPARE(labels[0].marker, 9);
    QCOMPARE(problems(plot, labels), QString());
}

void TestMarkerLayout::elide()
{
    QCOMPARE(markerlayout::elide(u"abcdef"_s, 42, width7), u"abcdef"_s);
    QCOMPARE(markerlayout::elide(u"abcdef"_s, 35, width7), u"abcd…"_s);
    QCOMPARE(markerlayout::elide(u"ab cdef"_s, 28, width7), u"ab…"_s); // "ab " trimmed
    QCOMPARE(markerlayout::elide(u"abcdef"_s, 10, width7), QString());
}

QTEST_GUILESS_MAIN(TestMarkerLayout)
#include "tst_marker_layout.moc"
