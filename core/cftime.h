// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QString>

#include <optional>

namespace tessera {

// CF time coordinates, one parser for every part of Tessera: stacking files whose time axes use
// different reference dates, and plots and block maps that label time axes with dates.
//
// Units follow udunits' grammar for time, as the CF conventions prescribe:
//   UNIT (since | after | from | ref) YEAR-MONTH[-DAY][(' ' | 'T')hh[:mm[:ss[.fff]]]][ZONE]
// UNIT is seconds, minutes, hours, days or weeks (any of their usual spellings: s, sec, secs,
// min, h, hr, d, ...); months and years are refused, since their length is not fixed. YEAR may be
// negative. ZONE is Z, UTC, GMT or an offset (+h, -hh:mm, +hhmm), with or without a space before it.
enum class CfCalendar {
    Standard,           // "standard", "gregorian" or none given: Julian before 1582-10-15, Gregorian after
    ProlepticGregorian, // "proleptic_gregorian": Gregorian throughout, with a year 0 (ISO 8601)
    Julian,             // "julian"
    NoLeap,             // "noleap", "365_day"
    AllLeap,            // "all_leap", "366_day"
    Day360,             // "360_day"
};

// nullopt for "none" and names CF does not define.
std::optional<CfCalendar> cfCalendarNamed(const QString &name);

// A date and time of day in a CF calendar; years as CF writes them (see dayNumber in cftime.cpp).
struct CfDate
{
    int year = 1;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    double second = 0;
    int dayOfYear = 1; // 1-based, as xarray's time.dayofyear

    bool operator==(const CfDate &) const = default;
};

struct CfTimeUnits
{
    CfCalendar calendar = CfCalendar::Standard;
    double unitSeconds = 1;
    // The reference instant, in seconds since day 0 of the calendar's own day count (the Julian
    // day number for the real-world calendars), in UTC.
    double referenceSeconds = 0;

    // Seconds since day 0 of the calendar's day count.
    double calendarSeconds(double value) const { return referenceSeconds + value * unitSeconds; }
    // True when dates in this calendar are the dates QDateTime shows (standard and
    // proleptic_gregorian; the standard calendar's dates before 1582 are shown proleptically).
    bool mapsOntoDateTime() const;
    // Seconds since 1970-01-01 UTC, as date axes take them; meaningful when mapsOntoDateTime().
    double toEpochSeconds(double value) const;
    // The date a coordinate value stands for, in this calendar (UTC).
    CfDate dateOf(double value) const;
    // The coordinate value of a date in this calendar; nullopt for a date it lacks (2014-02-30,
    // or the 31st in a 360-day calendar).
    std::optional<double> valueOf(const CfDate &date) const;
};

// Errors name the part that is wrong: an unknown calendar or unit, a date the calendar lacks.
Result<CfTimeUnits> parseCfTimeUnits(const QString &units, const QString &calendar = {});

// value_in_to = value_in_from * factor + shift
struct UnitConversion
{
    double factor = 1.0;
    double shift = 0.0;
};

// How to express times in `fromUnits` in `toUnits`, both in `calendar`; nullopt when either is
// not a CF time unit in that calendar.
std::optional<UnitConversion> timeUnitConversion(const QString &fromUnits, const QString &toUnits, const QString &calendar);

} // namespace tessera
