// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/cgroupfiles.h"

#include <QDir>
#include <QFile>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

QString readSmallTextFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.read(4096)).trimmed() : QString();
}

std::optional<double> tightestCgroupLimit(const QString &procSelfCgroup, const QString &cgroupRoot, const QString &v1Controller,
                                          const CgroupLimitReader &read)
{
    std::optional<double> tightest;
    const auto walkUp = [&](const QString &root, QString path, bool v2) {
        while (true) {
            if (const auto limit = read(QDir::cleanPath(root + u'/' + path), v2))
                tightest = tightest ? std::min(*tightest, *limit) : *limit;
            if (path.isEmpty() || path == u"/"_s)
                break;
            path = path.section(u'/', 0, -2);
        }
    };
    // Lines are "ID:CONTROLLERS:PATH"; v2 is "0::PATH". In a container the hierarchy is often
    // mounted at its own cgroup, so the root's files are read too.
    for (const QString &line : readSmallTextFile(procSelfCgroup).split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList fields = line.split(u':');
        if (fields.size() < 3)
            continue;
        const QString path = fields.mid(2).join(u':');
        if (fields[0] == u"0"_s && fields[1].isEmpty())
            walkUp(cgroupRoot, path, true);
        else if (fields[1].split(u',').contains(v1Controller))
            walkUp(cgroupRoot + u'/' + v1Controller, path, false);
    }
    return tightest;
}

} // namespace tessera
