// DataPaths (desktop/core/config/data_paths.h): where the presenter finds its plan, profiles, SQL
// and dashboards: the checkout from the build tree, else share/crdb-live-evolution beside the
// executable; a user's relative path from the current folder first. On real folders.
#include "config/connection_profile.h"
#include "config/data_paths.h"

#include <QCommandLineParser>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "test_env.h"

using namespace Qt::StringLiterals;

using namespace presenter;

class TestDataPaths : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

    static void write(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QVERIFY(!testenv::writeFile(path, bytes).isEmpty());
    }

    // <tmp>/<name>/... made of `files` (relative paths, each with "{}" as content).
    QString tree(const QString &name, const QStringList &files)
    {
        const QString root = m_tmp.filePath(name);
        QDir().mkpath(root);
        for (const QString &f : files) {
            write(root + u'/' + f, "{}");
        }
        return root;
    }

    // An installed prefix: bin/ and share/crdb-live-evolution/ with the given data files.
    QString prefix(const QString &name, const QStringList &dataFiles)
    {
        QStringList files;
        for (const QString &f : dataFiles) {
            files << u"share/crdb-live-evolution/"_s + f;
        }
        const QString p = tree(name, files);
        QDir().mkpath(p + u"/bin"_s);
        return p;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // Which root an executable's folder gets: the checkout only from inside the build tree.
    void root_data()
    {
        QTest::addColumn<QString>("appDir"); // relative to the temporary folder
        QTest::addColumn<bool>("checkoutExists");
        QTest::addColumn<bool>("fromCheckout");
        QTest::addColumn<QString>("root"); // relative to the temporary folder
        QTest::addRow("the build tree's app folder") << u"build/desktop/app"_s << true << true << u"src"_s;
        QTest::addRow("the build tree itself") << u"build"_s << true << true << u"src"_s;
        QTest::addRow("installed under a prefix")
            << u"usr/bin"_s << true << false << u"usr/share/crdb-live-evolution"_s;
        // A folder whose name only starts like the build tree's is not inside it.
        QTest::addRow("a sibling of the build tree")
            << u"build-other/bin"_s << true << false << u"build-other/share/crdb-live-evolution"_s;
        QTest::addRow("build tree, checkout gone")
            << u"build/desktop/app"_s << false << false << u"build/desktop/share/crdb-live-evolution"_s;
    }
    void root()
    {
        QFETCH(QString, appDir);
        QFETCH(bool, checkoutExists);
        QFETCH(bool, fromCheckout);
        QFETCH(QString, root);
        const QString base = m_tmp.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_'));
        QDir().mkpath(base + u'/' + appDir);
        QDir().mkpath(base + u"/build"_s);
        if (checkoutExists) {
            QDir().mkpath(base + u"/src"_s);
        }
        const DataPaths paths(
            base + u'/' + appDir, {base + u"/src"_s, base + u"/build"_s, u"../share/crdb-live-evolution"_s});
        QCOMPARE(paths.fromCheckout(), fromCheckout);
        QCOMPARE(paths.root(), QDir::cleanPath(base + u'/' + root));
        QVERIFY2(paths.describe().endsWith(paths.root()), qPrintable(paths.describe()));
    }

    // A build that does not say where it was built (no build tree) runs as installed.
    void noBuildTreeMeansInstalled()
    {
        const DataPaths paths(u"/opt/x/bin"_s, {});
        QVERIFY(!paths.fromCheckout());
        QCOMPARE(paths.root(), u"/opt/x/bin"_s); // no data folder given: the executable's own
        const DataPaths shipped(u"/opt/x/bin"_s, {QString(), QString(), u"../share/crdb-live-evolution"_s});
        QCOMPARE(shipped.root(), u"/opt/x/share/crdb-live-evolution"_s);
    }

    // This build says where it was built: a test executable (in the build tree) finds the checkout.
    void thisBuildFindsTheCheckout()
    {
        const DataPaths::Build build = DataPaths::thisBuild();
        QCOMPARE(QDir(build.sourceDir).canonicalPath(), QDir(testenv::sourceDir()).canonicalPath());
        QCOMPARE(QDir(build.binaryDir).canonicalPath(), QDir(testenv::binaryDir()).canonicalPath());
        QCOMPARE(build.dataFromBin, u"../share/crdb-live-evolution"_s);
        const DataPaths paths = DataPaths::forThisProcess();
        QVERIFY(paths.fromCheckout());
        QVERIFY(QFileInfo::exists(paths.root() + u"/demo/plan.json"_s));
    }

    // A relative path: the current folder first, then the root; absolute as is; neither: nothing.
    void find()
    {
        const QString p = prefix(u"find-prefix"_s, {u"demo/plan.json"_s, u"demo/profiles/local.json"_s});
        const QString cwd = tree(u"find-cwd"_s, {u"demo/plan.json"_s});
        const DataPaths paths(
            p + u"/bin"_s, {u"/nonexistent-src"_s, u"/nonexistent-build"_s, u"../share/crdb-live-evolution"_s});
        const QString data = p + u"/share/crdb-live-evolution"_s;
        QCOMPARE(paths.root(), data);
        QCOMPARE(paths.find(u"demo/plan.json"_s, cwd), cwd + u"/demo/plan.json"_s); // the user's own
        QCOMPARE(paths.find(u"demo/profiles/local.json"_s, cwd), data + u"/demo/profiles/local.json"_s);
        QCOMPARE(paths.find(u"demo/profiles/../plan.json"_s, m_tmp.path()), data + u"/demo/plan.json"_s);
        QCOMPARE(paths.find(u"/elsewhere/x.json"_s, cwd), u"/elsewhere/x.json"_s);
        QCOMPARE(paths.find(u"demo/nope.json"_s, cwd), std::nullopt);
        QCOMPARE(paths.resolve(u"demo/nope.json"_s, cwd), u"demo/nope.json"_s);
        const QString why = paths.whereLooked(u"demo/nope.json"_s, cwd);
        QVERIFY2(why.contains(cwd) && why.contains(data) && why.contains(u"demo/nope.json"_s), qPrintable(why));
    }

    void rootOfPlan()
    {
        QCOMPARE(DataPaths::rootOfPlan(u"/usr/share/crdb-live-evolution/demo/plan.json"_s),
            u"/usr/share/crdb-live-evolution"_s);
        QCOMPARE(DataPaths::rootOfPlan(u"demo/plan.json"_s), QDir::current().absolutePath());
    }

    void missingUnder()
    {
        const QString root = tree(u"missing"_s, {u"sql/00-bootstrap.sql"_s, u"sql/20-phase2-rf3.sql"_s});
        QCOMPARE(DataPaths::missingUnder(
                     root, {u"sql/00-bootstrap.sql"_s, u"sql/15-x.sql"_s, u"sql/20-phase2-rf3.sql"_s, u"sql"_s}),
            (QStringList {u"sql/15-x.sql"_s, u"sql"_s})); // a folder is not the file
        QVERIFY(DataPaths::missingUnder(root, {u"sql/00-bootstrap.sql"_s}).isEmpty());
    }

    // The command line through an installed tree, from a folder that has none of the files:
    // --profile and the profile's plan come from share/crdb-live-evolution.
    void commandLineFromAnInstalledTree()
    {
        const QString p = prefix(u"cli-prefix"_s, {u"demo/plan.json"_s});
        const QString data = p + u"/share/crdb-live-evolution"_s;
        write(data + u"/demo/profiles/local.json"_s,
            "{\"cluster_kind\": \"none\", \"plan\": \"demo/plan.json\", \"sql_url\": "
            "\"postgresql://postgres@127.0.0.1:1/x\"}");
        const QString cwd = tree(u"cli-cwd"_s, {});
        const DataPaths installed(p + u"/bin"_s, {QString(), QString(), u"../share/crdb-live-evolution"_s});

        QCommandLineParser parser;
        ConnectionProfile::addOptions(parser);
        QVERIFY(parser.parse({u"presenter"_s, u"--profile"_s, u"demo/profiles/local.json"_s}));
        ConnectionProfile profile;
        QString error;
        QVERIFY2(profile.applyOptions(parser, installed, cwd, &error), qPrintable(error));
        QCOMPARE(profile.clusterKind, ClusterKind::None);
        QCOMPARE(profile.planPath, data + u"/demo/plan.json"_s);

        QCommandLineParser missing;
        ConnectionProfile::addOptions(missing);
        QVERIFY(missing.parse({u"presenter"_s, u"--profile"_s, u"demo/profiles/nope.json"_s}));
        ConnectionProfile other;
        QVERIFY(!other.applyOptions(missing, installed, cwd, &error));
        QVERIFY2(error.startsWith(u"--profile: "_s) && error.contains(cwd) && error.contains(data), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestDataPaths)
#include "tst_data_paths.moc"
