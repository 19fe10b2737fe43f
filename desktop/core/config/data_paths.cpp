#include "data_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

// Set on this file only, by cmake/Packaging.cmake (beside the install rules that lay the data out).
// A build that does not say where it was built (tests/fuzz.sh compiles this file alone) runs as
// installed; tst_data_paths checks the real build says it.
#ifndef CRDB_EVO_SOURCE_DIR
#define CRDB_EVO_SOURCE_DIR ""
#define CRDB_EVO_BINARY_DIR ""
#endif
#ifndef CRDB_EVO_DATA_FROM_BIN
#define CRDB_EVO_DATA_FROM_BIN "../share/crdb-live-evolution"
#endif

namespace presenter {

namespace {

// The path with symbolic links resolved when it exists (the executable's folder is reported
// resolved), else only cleaned.
QString canonical(const QString &path)
{
    const QString resolved = QFileInfo(path).canonicalFilePath();
    return resolved.isEmpty() ? QDir::cleanPath(path) : resolved;
}

bool isInside(const QString &path, const QString &folder)
{
    if (folder.isEmpty()) {
        return false;
    }
    const QString p = canonical(path);
    const QString f = canonical(folder);
    return p == f || p.startsWith(f + u'/');
}

} // namespace

DataPaths::Build DataPaths::thisBuild()
{
    return {QStringLiteral(CRDB_EVO_SOURCE_DIR), QStringLiteral(CRDB_EVO_BINARY_DIR),
        QStringLiteral(CRDB_EVO_DATA_FROM_BIN)};
}

DataPaths::DataPaths(const QString &appDir, const Build &build)
{
    m_fromCheckout = isInside(appDir, build.binaryDir) && QFileInfo(build.sourceDir).isDir();
    m_root = m_fromCheckout ? QDir::cleanPath(build.sourceDir) : QDir::cleanPath(appDir + u'/' + build.dataFromBin);
}

DataPaths DataPaths::forThisProcess()
{
    return DataPaths(QCoreApplication::applicationDirPath(), thisBuild());
}

QString DataPaths::describe() const
{
    return (m_fromCheckout ? u"the checkout "_s : u"the installed data "_s) + m_root;
}

std::optional<QString> DataPaths::find(const QString &path, const QString &cwd) const
{
    if (QDir::isAbsolutePath(path)) {
        return QDir::cleanPath(path);
    }
    for (const QString &base : {cwd, m_root}) {
        const QString candidate = QDir::cleanPath(base + u'/' + path);
        if (QFileInfo::exists(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

QString DataPaths::resolve(const QString &path, const QString &cwd) const
{
    return find(path, cwd).value_or(path);
}

QString DataPaths::whereLooked(const QString &path, const QString &cwd) const
{
    if (QDir::isAbsolutePath(path)) {
        return u"%1 does not exist"_s.arg(path);
    }
    return u"%1 is not in the current folder (%2) nor in %3"_s.arg(path, cwd, describe());
}

QString DataPaths::rootOfPlan(const QString &planPath)
{
    return QDir::cleanPath(QFileInfo(planPath).absoluteDir().absoluteFilePath(u".."_s));
}

QStringList DataPaths::missingUnder(const QString &root, const QStringList &relativeFiles)
{
    QStringList missing;
    for (const QString &f : relativeFiles) {
        if (!QFileInfo(QDir(root).filePath(f)).isFile()) {
            missing << f;
        }
    }
    return missing;
}

} // namespace presenter
