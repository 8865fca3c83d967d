// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/filediscovery.h"

#include "core/io/zarrreader.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

bool hasWildcard(const QString &text)
{
    return text.contains(u'*') || text.contains(u'?') || text.contains(u'[');
}

QString expandHome(const QString &path)
{
    if (path == u"~"_s)
        return QDir::homePath();
    if (path.startsWith(u"~/"_s))
        return QDir::homePath() + path.mid(1);
    return path;
}

QStringList sortedByPath(QStringList files)
{
    std::sort(files.begin(), files.end());
    return files;
}

// Hidden files and folders are left out; symbolic links to folders are not followed, so a link
// cycle cannot recurse forever. A Zarr store is one dataset: its chunks are not walked.
void datasetsUnder(const QString &folder, QStringList &found)
{
    const QDir dir(folder);
    for (const QFileInfo &entry : dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::Readable | QDir::NoDotAndDotDot)) {
        if (entry.isDir() && !entry.isSymLink()) {
            if (isZarrStore(entry.filePath()))
                found << entry.absoluteFilePath();
            else
                datasetsUnder(entry.filePath(), found);
        } else if (entry.isFile() && hasNetcdfName(entry.fileName())) {
            found << entry.absoluteFilePath();
        }
    }
}

Result<QStringList> datasetsIn(const QString &folder, const QString &asWritten)
{
    QStringList files;
    datasetsUnder(folder, files);
    if (files.isEmpty())
        return makeError(ErrorCode::NotFound, u"no files match %1: the folder and its subfolders have no NetCDF files "
                                              "(.nc, .nc4, .cdf, .netcdf) and no Zarr stores"_s.arg(asWritten));
    return sortedByPath(files);
}

Result<QStringList> globMatches(const QFileInfo &info, const QString &asWritten)
{
    const QString dirPath = info.path();
    if (hasWildcard(dirPath))
        return makeError(ErrorCode::InvalidArgument,
                         u"%1: wildcards work in the file name only, not in folders"_s.arg(asWritten));
    const QDir dir(dirPath);
    if (!dir.exists())
        return makeError(ErrorCode::NotFound, u"no files match %1: directory %2 does not exist"_s.arg(asWritten, dirPath));
    const QRegularExpression namePattern(QRegularExpression::wildcardToRegularExpression(info.fileName()));
    if (!namePattern.isValid())
        return makeError(ErrorCode::InvalidArgument, u"%1 is not a valid file pattern"_s.arg(asWritten));
    QStringList files;
    for (const QFileInfo &entry : dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::Readable | QDir::NoDotAndDotDot)) {
        if (namePattern.match(entry.fileName()).hasMatch() && (entry.isFile() || isZarrStore(entry.filePath())))
            files << entry.absoluteFilePath();
    }
    if (files.isEmpty())
        return makeError(ErrorCode::NotFound, u"no files match %1"_s.arg(asWritten));
    return sortedByPath(files);
}

} // namespace

bool hasNetcdfName(const QString &fileName)
{
    static const QStringList suffixes{u"nc"_s, u"nc4"_s, u"cdf"_s, u"netcdf"_s};
    return suffixes.contains(QFileInfo(fileName).suffix().toLower());
}

QString fileDiscoveryRule()
{
    return u"A file or a Zarr store is taken as it is; a folder gives the NetCDF files (.nc, .nc4, .cdf, .netcdf) and "
           "Zarr stores in it and its subfolders; a glob (quote it) gives the files and stores it matches. They stack in "
           "path order."_s;
}

Result<QStringList> discoverFiles(const QString &path)
{
    const QString expanded = expandHome(path.trimmed());
    if (expanded.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"no file or pattern given"_s);
    const QFileInfo info(expanded);
    if (hasWildcard(info.fileName()))
        return globMatches(info, path);
    if (hasWildcard(expanded))
        return makeError(ErrorCode::InvalidArgument, u"%1: wildcards work in the file name only, not in folders"_s.arg(path));
    if (info.isFile())
        return QStringList{info.absoluteFilePath()};
    if (info.isDir() && isZarrStore(expanded))
        return QStringList{info.absoluteFilePath()};
    if (info.isDir())
        return datasetsIn(expanded, path);
    return makeError(ErrorCode::NotFound, u"no such file or directory: %1"_s.arg(path));
}

Result<QStringList> discoverFiles(const QStringList &paths)
{
    QStringList files;
    for (const QString &path : paths) {
        Result<QStringList> found = discoverFiles(path);
        TESSERA_RETURN_IF_ERROR(found);
        files << *found;
    }
    files.removeDuplicates();
    return files;
}

} // namespace tessera
