#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace presenter {

// Where the presenter finds the files it ships with: the plan (demo/plan.json), the connection
// profiles (demo/profiles/), the phase SQL (sql/), the dashboards (grafana/dashboards/) and the
// manifests (k8s/), all under one root laid out like the repository.
//  - Run from its build tree, the root is the checkout it was built from.
//  - Installed (cmake --install, the .deb), it is <prefix>/share/crdb-live-evolution, found from
//    the executable's folder (<prefix>/bin/../share/...): an installed tree unpacked anywhere
//    still finds its own files, never a checkout's.
// A relative path the user gives (a flag, a profile's "plan") is read from the current folder
// first, as any command-line tool reads it, then from the root: `--profile
// demo/profiles/local.json` works from the checkout and from any folder once installed.
// The constructor decides the root once (from the folders it is given); find() looks at the files
// each time it is asked. Nothing else is read from the environment.
class DataPaths
{
public:
    // What the build knows (cmake/Packaging.cmake sets it): the checkout and the build tree, and
    // the installed data folder relative to the installed executable's folder.
    struct Build
    {
        QString sourceDir;
        QString binaryDir;
        QString dataFromBin; // "../share/crdb-live-evolution"
    };
    static Build thisBuild();

    // The root for an executable in `appDir` (absolute).
    DataPaths(const QString &appDir, const Build &build);
    // For this process: QCoreApplication::applicationDirPath() (the application object must exist).
    static DataPaths forThisProcess();

    QString root() const { return m_root; }
    bool fromCheckout() const { return m_fromCheckout; }
    // "the checkout /src" or "the installed data /usr/share/crdb-live-evolution".
    QString describe() const;

    // A path the user gave, made absolute: as is when absolute; relative: under `cwd` when a file
    // or folder is there, else under the root when it is there; nothing when in neither.
    std::optional<QString> find(const QString &path, const QString &cwd) const;
    // find(), or `path` unchanged (its error will name it as the user wrote it).
    QString resolve(const QString &path, const QString &cwd) const;
    // Where find() looked, for an error: "not in /cwd nor in the installed data /usr/share/...".
    QString whereLooked(const QString &path, const QString &cwd) const;

    // The root a plan's "sql/..." paths are relative to: the parent of the plan's folder
    // (demo/plan.json lies in demo/).
    static QString rootOfPlan(const QString &planPath);
    // The files of `relativeFiles` (a plan's "sql/...") that are not under `root`, in order.
    static QStringList missingUnder(const QString &root, const QStringList &relativeFiles);

private:
    QString m_root;
    bool m_fromCheckout = false;
};

} // namespace presenter
