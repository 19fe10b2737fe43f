// Enum keys from the enumerators' own names (config/enum_names.h): the spelling of each style, the
// way back accepting exactly those spellings, and the keys recordings and plans already carry.
#include "config/demo_plan.h"
#include "config/enum_names.h"
#include "model/action_outcome.h"
#include "model/event_marker.h"
#include "model/story_controller.h"
#include "sources/node_status_answers.h"

#include <QTest>

using namespace Qt::StringLiterals;

using namespace presenter;

namespace {
class Sample
{
    Q_GADGET
public:
    enum class Word { Plain, TwoWords, ThreeWordsHere, X };
    Q_ENUM(Word)
};
using Word = Sample::Word;
} // namespace

class TestEnumNames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keys_data();
    void keys();
    void onlyItsOwnSpellingsReadBack_data();
    void onlyItsOwnSpellingsReadBack();
    void keysInDeclarationOrder();
    void recordedKeysStayTheSame();
};

void TestEnumNames::keys_data()
{
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("asIs");
    QTest::addColumn<QString>("snake");
    QTest::addRow("one word") << int(Word::Plain) << u"Plain"_s << u"plain"_s;
    QTest::addRow("two words") << int(Word::TwoWords) << u"TwoWords"_s << u"two_words"_s;
    QTest::addRow("three words") << int(Word::ThreeWordsHere) << u"ThreeWordsHere"_s << u"three_words_here"_s;
    QTest::addRow("one letter") << int(Word::X) << u"X"_s << u"x"_s;
}

void TestEnumNames::keys()
{
    QFETCH(int, value);
    QFETCH(QString, asIs);
    QFETCH(QString, snake);
    const auto w = Word(value);
    QCOMPARE(enumKey(w), asIs);
    QCOMPARE(enumKey(w, KeyStyle::Snake), snake);
    QCOMPARE(enumFromKey<Word>(asIs), std::optional<Word>(w));
    QCOMPARE(enumFromKey<Word>(snake, KeyStyle::Snake), std::optional<Word>(w));
}

void TestEnumNames::onlyItsOwnSpellingsReadBack_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("style");
    QTest::addRow("snake read as-is") << u"two_words"_s << int(KeyStyle::AsIs);
    QTest::addRow("as-is read as snake") << u"TwoWords"_s << int(KeyStyle::Snake);
    QTest::addRow("other case") << u"TWO_WORDS"_s << int(KeyStyle::Snake);
    QTest::addRow("run together") << u"twowords"_s << int(KeyStyle::Snake);
    QTest::addRow("doubled underscore") << u"two__words"_s << int(KeyStyle::Snake);
    QTest::addRow("a number") << u"1"_s << int(KeyStyle::AsIs);
    QTest::addRow("empty") << QString() << int(KeyStyle::Snake);
    QTest::addRow("trailing space") << u"plain "_s << int(KeyStyle::Snake);
}

void TestEnumNames::onlyItsOwnSpellingsReadBack()
{
    QFETCH(QString, key);
    QFETCH(int, style);
    QCOMPARE(enumFromKey<Word>(key, KeyStyle(style)), std::nullopt);
}

void TestEnumNames::keysInDeclarationOrder()
{
    QCOMPARE(
        enumKeys<Word>(KeyStyle::Snake), (QStringList {u"plain"_s, u"two_words"_s, u"three_words_here"_s, u"x"_s}));
    QCOMPARE(enumKeys<PlanAction::Type>(KeyStyle::Snake).join(u", "_s),
        u"run_sql, scale, load_start, load_stop, spike, backup, stop_node, keep_down, start_node, kill_node, "
        "pause_node, resume_node, heal_all"_s);
}

// The strings on disk before the enums spelled them (recordings, demo/plan.json): byte for byte.
void TestEnumNames::recordedKeysStayTheSame()
{
    using T = PlanAction::Type;
    QCOMPARE(PlanAction::typeName(T::RunSql), u"run_sql"_s);
    QCOMPARE(PlanAction::typeName(T::HealAll), u"heal_all"_s);
    QCOMPARE(PlanAction::typeFromName(u"keep_down"), std::optional<T>(T::KeepDown));
    QCOMPARE(PlanAction::typeFromName(u"KeepDown"), std::nullopt);
    QCOMPARE(ActionOutcome::kindKey(ActionOutcome::Kind::RefusedAsExpected), u"refused_as_expected"_s);
    QCOMPARE(ActionOutcome::kindName(ActionOutcome::Kind::RefusedAsExpected), u"refused as expected"_s);
    QCOMPARE(ActionOutcome::kindFromKey(u"failed"_s), std::optional(ActionOutcome::Kind::Failed));
    using K = EventMarker::Kind;
    QCOMPARE(eventMarkerKindName(K::SpikeStart), u"spike_start"_s);
    QCOMPARE(eventMarkerKindName(K::Other), u"other"_s);
    QCOMPARE(eventMarkerKindFromName(u"spike_end"_s), K::SpikeEnd);
    QCOMPARE(eventMarkerKindFromName(u"no such kind"_s), K::Other);
    QCOMPARE(StoryController::stageName(StoryController::Stage::Armed), u"armed"_s);
    QCOMPARE(StoryController::stageFromName(u"running"_s), std::optional(StoryController::Stage::Running));
    // A node endpoint's health in node_status records (record_codec).
    using H = NodeEndpoint::Health;
    QCOMPARE(enumKeys<H>(KeyStyle::Snake), (QStringList {u"unknown"_s, u"ready"_s, u"not_ready"_s, u"unreachable"_s}));
    QCOMPARE(enumFromKey<H>(u"not_ready", KeyStyle::Snake), std::optional(H::NotReady));
}

QTEST_GUILESS_MAIN(TestEnumNames)
#include "tst_enum_names.moc"
