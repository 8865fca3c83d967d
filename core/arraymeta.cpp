// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/arraymeta.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// CF 1.x, section 4.1 and 4.2: the spellings of latitude's and longitude's units.
bool unitsAreOneOf(const QString &units, const QStringList &spellings)
{
    return spellings.contains(units.trimmed(), Qt::CaseInsensitive);
}

} // namespace

bool Axis::isLatitude() const
{
    return unitsAreOneOf(units,
                         {u"degrees_north"_s, u"degree_north"_s, u"degree_N"_s, u"degrees_N"_s, u"degreeN"_s, u"degreesN"_s});
}

bool Axis::isLongitude() const
{
    return unitsAreOneOf(units,
                         {u"degrees_east"_s, u"degree_east"_s, u"degree_E"_s, u"degrees_E"_s, u"degreeE"_s, u"degreesE"_s});
}

bool Axis::isTime() const
{
    return units.contains(u" since "_s, Qt::CaseInsensitive);
}

} // namespace tessera
