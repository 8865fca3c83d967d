#pragma once

// Internal to core: CF time units ("hours since 1900-01-01 00:00:00.0"), so that time
// coordinates of files written with different reference dates can be concatenated.

#include <QString>

#include <optional>

namespace tessera {

// value_in_to = value_in_from * factor + shift
struct UnitConversion
{
    double factor = 1.0;
    double shift = 0.0;
};

// How to express times in `fromUnits` in `toUnits` under `calendar` (CF names: standard,
// gregorian, proleptic_gregorian, julian, noleap/365_day, all_leap/366_day, 360_day; empty means
// standard). nullopt when either is not "UNIT since DATE" or the calendar is unknown.
std::optional<UnitConversion> timeUnitConversion(const QString &fromUnits, const QString &toUnits,
                                                 const QString &calendar);

} // namespace tessera
