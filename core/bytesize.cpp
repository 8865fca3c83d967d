// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/bytesize.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace tessera {

QString formatBytes(std::int64_t bytes)
{
    const double value = double(bytes);
    const double magnitude = std::fabs(value);
    if (magnitude < 1e3)
        return QStringLiteral("%1 B").arg(bytes);
    if (magnitude < 1e6)
        return QStringLiteral("%1 kB").arg(value / 1e3, 0, 'f', 1);
    if (magnitude < 1e9)
        return QStringLiteral("%1 MB").arg(value / 1e6, 0, 'f', 1);
    if (magnitude < 1e12)
        return QStringLiteral("%1 GB").arg(value / 1e9, 0, 'f', 2);
    return QStringLiteral("%1 TB").arg(value / 1e12, 0, 'f', 2);
}

std::int64_t parseByteSize(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]?)(i?[bB]?)\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return -1;
    double value = match.captured(1).toDouble();
    const QString unit = match.captured(2).toLower();
    const QString suffix = match.captured(3);
    if (suffix.startsWith(QLatin1Char('i')) && unit.isEmpty())
        return -1; // "5iB" is no unit
    const double base = suffix.startsWith(QLatin1Char('i')) ? 1024.0 : 1000.0;
    const QString units = QStringLiteral("kmgt");
    for (int power = 0; !unit.isEmpty() && power <= units.indexOf(unit); ++power)
        value *= base;
    if (!(value < double(std::numeric_limits<std::int64_t>::max())))
        return -1;
    return std::int64_t(value);
}

} // namespace tessera
