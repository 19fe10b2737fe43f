// pgkit's zone-config parser and its model of CockroachDB's zones (bootstrap zones, inheritance,
// ZoneConfig.Validate, the story's live-node rule, the allocator's reachable voters): one data row
// per rule, each with a case the rule must reject and one it must accept.
#include "pgkit/zone_config.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pgkit;

Q_DECLARE_METATYPE(pgkit::ZoneVerdict::Rule)

class TestZoneConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses();
    void bootstrapZonesAndInheritance();
    void validate_data();
    void validate();
    void reachableVoters_data();
    void reachableVoters();
    void statements_data();
    void statements();
};

void TestZoneConfig::parses()
{
    QString error;
    const auto s = parseConfigureZone(u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2, num_voters = 1;"_s);
    QVERIFY(s.has_value());
    QCOMPARE(s->target.toString(), u"RANGE default"_s);
    QCOMPARE(s->fields.numReplicas, std::optional<qint64>(2));
    QCOMPARE(s->fields.numVoters, std::optional<qint64>(1));
    QVERIFY(!parseConfigureZone(u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = two"_s, &error));
    QVERIFY2(error.contains(u"not an integer"_s), qPrintable(error));
}

void TestZoneConfig::bootstrapZonesAndInheritance()
{
    const ZoneModel m = ZoneModel::atBootstrap();
    const auto rf = [&m](ZoneTarget::Kind k, const QString &name) {
        return m.complete(ZoneTarget {k, name}).numReplicas.value_or(-1);
    };
    using K = ZoneTarget::Kind;
    QCOMPARE(rf(K::Range, u"default"_s), 3);
    QCOMPARE(rf(K::Range, u"meta"_s), 5);
    QCOMPARE(rf(K::Range, u"liveness"_s), 5);
    QCOMPARE(rf(K::Range, u"system"_s), 5);
    QCOMPARE(rf(K::Database, u"system"_s), 5);
    QCOMPARE(rf(K::Range, u"timeseries"_s), 3); // no zone of its own: RANGE default
    QCOMPARE(rf(K::Range, u"tenants"_s), 3);
    QCOMPARE(rf(K::Database, u"evolution"_s), 3);
    QCOMPARE(rf(K::Table, u"evolution.public.search_terms"_s), 3);
    QCOMPARE(m.complete(ZoneTarget {K::Range, u"meta"_s}).gcTtlSeconds, std::optional<qint64>(3600));
    QVERIFY(!parentZone(ZoneTarget {K::Range, u"default"_s}));
    QCOMPARE(parentZone(ZoneTarget {K::Table, u"evolution.public.t"_s})->toString(), u"DATABASE evolution"_s);
    QCOMPARE(parentZone(ZoneTarget {K::Index, u"evolution.public.t@i"_s})->toString(), u"TABLE evolution.public.t"_s);
    QCOMPARE(parentZone(ZoneTarget {K::Range, u"meta"_s})->toString(), u"RANGE default"_s);
}

void TestZoneConfig::validate_data()
{
    QTest::addColumn<std::optional<qint64>>("replicas");
    QTest::addColumn<std::optional<qint64>>("voters");
    QTest::addColumn<qint64>("minBytes");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<QString>("error"); // empty: valid
    const std::optional<qint64> none;
    const qint64 mi = qint64(128) << 20;
    const qint64 ma = qint64(512) << 20;
    QTest::addRow("rf 1") << std::optional<qint64>(1) << none << mi << ma << QString();
    QTest::addRow("rf 3") << std::optional<qint64>(3) << none << mi << ma << QString();
    QTest::addRow("rf 0") << std::optional<qint64>(0) << none << mi << ma << u"at least one replica is required"_s;
    QTest::addRow("rf 2 alone") << std::optional<qint64>(2) << none << mi << ma
                                << u"at least 3 replicas are required for multi-replica configurations"_s;
    QTest::addRow("rf 2 with 1 voter") << std::optional<qint64>(2) << std::optional<qint64>(1) << mi << ma << QString();
    QTest::addRow("2 voters") << std::optional<qint64>(3) << std::optional<qint64>(2) << mi << ma
                              << u"at least 3 voting replicas are required for multi-replica configurations"_s;
    QTest::addRow("0 voters") << std::optional<qint64>(3) << std::optional<qint64>(0) << mi << ma
                              << u"at least one voting replica is required"_s;
    QTest::addRow("voters over replicas") << std::optional<qint64>(3) << std::optional<qint64>(5) << mi << ma
                                          << u"num_voters cannot be greater than num_replicas"_s;
    QTest::addRow("tiny max bytes") << std::optional<qint64>(3) << none << qint64(0) << qint64(1024)
                                    << u"RangeMaxBytes 1024 less than minimum allowed 65536"_s;
    QTest::addRow("min over max") << std::optional<qint64>(3) << none << ma << ma
                                  << u"RangeMinBytes 536870912 is greater than or equal to RangeMaxBytes 536870912"_s;
}

void TestZoneConfig::validate()
{
    QFETCH(std::optional<qint64>, replicas);
    QFETCH(std::optional<qint64>, voters);
    QFETCH(qint64, minBytes);
    QFETCH(qint64, maxBytes);
    QFETCH(QString, error);
    ZoneFields z;
    z.numReplicas = replicas;
    z.numVoters = voters;
    z.rangeMinBytes = minBytes;
    z.rangeMaxBytes = maxBytes;
    z.gcTtlSeconds = 90000;
    QCOMPARE(validateZone(z), error);
}

void TestZoneConfig::reachableVoters_data()
{
    QTest::addColumn<int>("zoneVoters");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<int>("reached");
    QTest::addRow("1 on 2 nodes (phase 1 as built)") << 1 << 2 << 1;
    QTest::addRow("3 on 2 nodes: fragile quorum, stays 1") << 3 << 2 << 1;
    QTest::addRow("5 on 2 nodes") << 5 << 2 << 1;
    QTest::addRow("3 on 3 nodes") << 3 << 3 << 3;
    QTest::addRow("3 on 1 node") << 3 << 1 << 1;
    QTest::addRow("5 on 3 nodes") << 5 << 3 << 3;
    QTest::addRow("5 on 4 nodes: odd below") << 5 << 4 << 3;
    QTest::addRow("4 asked on 4 nodes") << 4 << 4 << 4;
}

void TestZoneConfig::reachableVoters()
{
    QFETCH(int, zoneVoters);
    QFETCH(int, nodes);
    QFETCH(int, reached);
    QCOMPARE(pgkit::reachableVoters(zoneVoters, nodes), reached);
}

void TestZoneConfig::statements_data()
{
    using R = ZoneVerdict::Rule;
    QTest::addColumn<QStringList>("before"); // applied first (on 3 nodes), must be accepted
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<R>("rule");
    QTest::addColumn<QString>("message"); // a part of it
    QTest::addRow("rf 1 on 1 node") << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 1"_s
                                    << 1 << R::Accepted << QString();
    QTest::addRow("rf 2 refused") << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2"_s
                                  << 2 << R::Validate
                                  << u"could not validate zone config: at least 3 replicas are required"_s;
    QTest::addRow("2 voters refused") << QStringList {}
                                      << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3, num_voters = 2"_s
                                      << 3 << R::Validate << u"at least 3 voting replicas"_s;
    // Inheritance: the table's complete zone takes num_replicas = 1 from RANGE default.
    QTest::addRow("inherited replicas under voters")
        << QStringList {u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 1"_s}
        << u"ALTER TABLE evolution.public.t CONFIGURE ZONE USING num_voters = 3"_s << 3 << R::Validate
        << u"num_voters cannot be greater than num_replicas"_s;
    // A non-voter is fine: 2 replicas, 1 voter.
    QTest::addRow("one voter one non-voter")
        << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2, num_voters = 1"_s << 2
        << R::Accepted << QString();
    // num_voters stays from an earlier statement and is validated against the new num_replicas.
    QTest::addRow("kept num_voters")
        << QStringList {u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3, num_voters = 3"_s}
        << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 2"_s << 3 << R::Validate
        << u"num_voters cannot be greater than num_replicas"_s;
    QTest::addRow("rf 3 on 2 nodes") << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3"_s
                                     << 2 << R::VotersOverLiveNodes << u"would reach 1 voter(s)"_s;
    QTest::addRow("rf 3 on 3 nodes") << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 3"_s
                                     << 3 << R::Accepted << QString();
    QTest::addRow("copy from parent") << QStringList {u"ALTER RANGE default CONFIGURE ZONE USING num_replicas = 1"_s}
                                      << u"ALTER RANGE meta CONFIGURE ZONE USING num_replicas = COPY FROM PARENT"_s << 1
                                      << R::Accepted << QString();
    QTest::addRow("discard default") << QStringList {} << u"ALTER RANGE default CONFIGURE ZONE DISCARD"_s << 3
                                     << R::Unsupported << u"cannot be discarded"_s;
}

void TestZoneConfig::statements()
{
    QFETCH(QStringList, before);
    QFETCH(QString, sql);
    QFETCH(int, nodes);
    QFETCH(ZoneVerdict::Rule, rule);
    QFETCH(QString, message);
    ZoneModel m = ZoneModel::atBootstrap();
    for (const auto &b : before) {
        QVERIFY(applyZoneStatement(m, *parseConfigureZone(b), 3).accepted());
    }
    const ZoneModel unchanged = m;
    const auto stmt = parseConfigureZone(sql);
    QVERIFY(stmt.has_value());
    const ZoneVerdict v = applyZoneStatement(m, *stmt, nodes);
    QCOMPARE(v.rule, rule);
    QVERIFY2(v.message.contains(message), qPrintable(v.message));
    if (rule == ZoneVerdict::Rule::Validate) {
        QCOMPARE(v.sqlState, u"23514"_s);
    }
    if (!v.accepted()) {
        QCOMPARE(m.zones, unchanged.zones); // a refused statement changes nothing
    }
}

QTEST_GUILESS_MAIN(TestZoneConfig)
#include "tst_zone_config.moc"
