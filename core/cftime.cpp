// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/cftime.h"

#include <QCalendar>
#include <QDate>
#include <QRegularExpression>

#include <cmath>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr double secondsPerDay = 86400;
constexpr double unixEpochJulianDay = 2440588; // 1970-01-01

std::optional<double> unitSeconds(const QString &unit)
{
    static const QRegularExpression seconds(u"^(s|sec|secs|second|seconds)$"_s);
    static const QRegularExpression minutes(u"^(min|mins|minute|minutes)$"_s);
    static const QRegularExpression hours(u"^(h|hr|hrs|hour|hours)$"_s);
    static const QRegularExpression days(u"^(d|day|days)$"_s);
    static const QRegularExpression weeks(u"^(week|weeks)$"_s);
    if (seconds.match(unit).hasMatch())
        return 1;
    if (minutes.match(unit).hasMatch())
        return 60;
    if (hours.match(unit).hasMatch())
        return 3600;
    if (days.match(unit).hasMatch())
        return secondsPerDay;
    if (weeks.match(unit).hasMatch())
        return 7 * secondsPerDay;
    return std::nullopt;
}

// A day of a real-world calendar as its Julian day number. Years are as CF writes them: without
// a year 0 for the standard and Julian calendars (1 BC is -1), with one for proleptic_gregorian,
// whose year 0 is QDate's year -1.
std::optional<double> realDayNumber(int year, int month, int day, CfCalendar calendar)
{
    if (year == 0 && calendar != CfCalendar::ProlepticGregorian)
        return std::nullopt;
    const int qtYear = calendar == CfCalendar::ProlepticGregorian && year <= 0 ? year - 1 : year;
    const QCalendar gregorian(QCalendar::System::Gregorian);
    const QCalendar julian(QCalendar::System::Julian);
    if (calendar == CfCalendar::Standard) {
        const QDate asGregorian(qtYear, month, day, gregorian);
        if (asGregorian.isValid() && asGregorian >= QDate(1582, 10, 15, gregorian))
            return double(asGregorian.toJulianDay());
        const QDate asJulian(qtYear, month, day, julian);
        // 1582-10-05 to 1582-10-14 never happened in the standard calendar.
        if (!asJulian.isValid() || asJulian >= QDate(1582, 10, 5, julian))
            return std::nullopt;
        return double(asJulian.toJulianDay());
    }
    const QDate date(qtYear, month, day, calendar == CfCalendar::Julian ? julian : gregorian);
    if (!date.isValid())
        return std::nullopt;
    return double(date.toJulianDay());
}

// Day number of a date in a model calendar; these calendars have a year 0 and count from it.
std::optional<double> modelDayNumber(int year, int month, int day, CfCalendar calendar)
{
    static constexpr int daysBefore[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    static constexpr int monthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    switch (calendar) {
    case CfCalendar::NoLeap:
        if (day > monthDays[month - 1])
            return std::nullopt;
        return 365.0 * year + daysBefore[month - 1] + day - 1;
    case CfCalendar::AllLeap:
        if (day > monthDays[month - 1] + (month == 2 ? 1 : 0))
            return std::nullopt;
        return 366.0 * year + daysBefore[month - 1] + (month > 2 ? 1 : 0) + day - 1;
    case CfCalendar::Day360:
        if (day > 30)
            return std::nullopt;
        return 360.0 * year + 30.0 * (month - 1) + day - 1;
    default: return std::nullopt;
    }
}

std::optional<double> dayNumber(int year, int month, int day, CfCalendar calendar)
{
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return std::nullopt;
    switch (calendar) {
    case CfCalendar::Standard:
    case CfCalendar::ProlepticGregorian:
    case CfCalendar::Julian: return realDayNumber(year, month, day, calendar);
    default: return modelDayNumber(year, month, day, calendar);
    }
}

// "+5", "-0530", "+05:30", "Z", "UTC", "GMT" as seconds east of UTC.
std::optional<double> zoneOffsetSeconds(const QString &zone)
{
    if (zone.isEmpty() || zone == u"Z"_s || zone.compare(u"UTC"_s, Qt::CaseInsensitive) == 0
        || zone.compare(u"GMT"_s, Qt::CaseInsensitive) == 0)
        return 0.0;
    static const QRegularExpression offset(u"^([+-])(\\d{1,2})(?::?(\\d{2}))?$"_s);
    const QRegularExpressionMatch match = offset.match(zone);
    if (!match.hasMatch())
        return std::nullopt;
    const int hours = match.captured(2).toInt();
    const int minutes = match.captured(3).toInt();
    if (hours > 23 || minutes > 59)
        return std::nullopt;
    return (match.captured(1) == u"-"_s ? -1 : 1) * (hours * 3600.0 + minutes * 60.0);
}

Status unitsError(const QString &units, const QString &why)
{
    return makeError(ErrorCode::Format, u"'%1' is not a CF time unit: %2"_s.arg(units, why));
}

// The inverse of dayNumber: the (year, month, day) of a day number, and its day of the year.
CfDate dateOfDay(std::int64_t days, CfCalendar calendar)
{
    static constexpr int monthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    CfDate date;
    switch (calendar) {
    case CfCalendar::Standard:
    case CfCalendar::ProlepticGregorian:
    case CfCalendar::Julian: {
        const bool julian = calendar == CfCalendar::Julian || (calendar == CfCalendar::Standard && days < 2299161);
        const QCalendar system(julian ? QCalendar::System::Julian : QCalendar::System::Gregorian);
        const QDate qdate = QDate::fromJulianDay(days);
        const QCalendar::YearMonthDay parts = system.partsFromDate(qdate);
        date.year = calendar == CfCalendar::ProlepticGregorian && parts.year < 0 ? parts.year + 1 : parts.year;
        date.month = parts.month;
        date.day = parts.day;
        date.dayOfYear = qdate.dayOfYear(system);
        return date;
    }
    case CfCalendar::Day360:
        date.year = int(std::floor(double(days) / 360));
        date.dayOfYear = int(days - std::int64_t(date.year) * 360) + 1;
        date.month = (date.dayOfYear - 1) / 30 + 1;
        date.day = (date.dayOfYear - 1) % 30 + 1;
        return date;
    case CfCalendar::NoLeap:
    case CfCalendar::AllLeap: {
        const int length = calendar == CfCalendar::NoLeap ? 365 : 366;
        date.year = int(std::floor(double(days) / length));
        date.dayOfYear = int(days - std::int64_t(date.year) * length) + 1;
        int remaining = date.dayOfYear;
        for (int month = 0; month < 12; ++month) {
            const int inMonth = monthDays[month] + (month == 1 && length == 366 ? 1 : 0);
            if (remaining <= inMonth) {
                date.month = month + 1;
                date.day = remaining;
                break;
            }
            remaining -= inMonth;
        }
        return date;
    }
    }
    return date;
}

} // namespace

CfDate CfTimeUnits::dateOf(double value) const
{
    // Rounded to the microsecond first, so 6:00 stored as 5.999999999 h is 6:00.
    const double seconds = std::round(calendarSeconds(value) * 1e6) / 1e6;
    const double days = std::floor(seconds / secondsPerDay);
    CfDate date = dateOfDay(std::int64_t(days), calendar);
    const double ofDay = seconds - days * secondsPerDay;
    date.hour = int(ofDay / 3600);
    date.minute = int((ofDay - date.hour * 3600.0) / 60);
    date.second = ofDay - date.hour * 3600.0 - date.minute * 60.0;
    return date;
}

std::optional<double> CfTimeUnits::valueOf(const CfDate &date) const
{
    const std::optional<double> days = dayNumber(date.year, date.month, date.day, calendar);
    if (!days)
        return std::nullopt;
    const double seconds = *days * secondsPerDay + date.hour * 3600.0 + date.minute * 60.0 + date.second;
    return (seconds - referenceSeconds) / unitSeconds;
}

std::optional<CfCalendar> cfCalendarNamed(const QString &name)
{
    const QString key = name.trimmed().toLower();
    if (key.isEmpty() || key == u"standard"_s || key == u"gregorian"_s)
        return CfCalendar::Standard;
    if (key == u"proleptic_gregorian"_s)
        return CfCalendar::ProlepticGregorian;
    if (key == u"julian"_s)
        return CfCalendar::Julian;
    if (key == u"noleap"_s || key == u"365_day"_s)
        return CfCalendar::NoLeap;
    if (key == u"all_leap"_s || key == u"366_day"_s)
        return CfCalendar::AllLeap;
    if (key == u"360_day"_s)
        return CfCalendar::Day360;
    return std::nullopt;
}

bool CfTimeUnits::mapsOntoDateTime() const
{
    return calendar == CfCalendar::Standard || calendar == CfCalendar::ProlepticGregorian;
}

double CfTimeUnits::toEpochSeconds(double value) const
{
    return calendarSeconds(value) - unixEpochJulianDay * secondsPerDay;
}

Result<CfTimeUnits> parseCfTimeUnits(const QString &units, const QString &calendarName)
{
    static const QRegularExpression pattern(u"^\\s*([A-Za-z]+)\\s+(?:since|after|from|ref)\\s+(-?\\d+)-(\\d{1,2})(?:-(\\d{1,2}))?"
                                            "(?:(?:\\s+|T)(\\d{1,2})(?::(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d*)?))?)?)?"
                                            "\\s*(Z|UTC|GMT|[+-]\\d{1,2}(?::?\\d{2})?)?\\s*$"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const std::optional<CfCalendar> calendar = cfCalendarNamed(calendarName);
    if (!calendar)
        return makeError(ErrorCode::Format,
                         u"calendar '%1' is not one CF defines for dates (standard, gregorian, "
                         "proleptic_gregorian, julian, noleap, 365_day, all_leap, 366_day, 360_day)"_s.arg(calendarName));
    const QRegularExpressionMatch match = pattern.match(units);
    if (!match.hasMatch())
        return unitsError(units, u"expected UNIT since YYYY-MM-DD [hh:mm:ss] [zone]"_s);
    const QString unit = match.captured(1).toLower();
    const std::optional<double> seconds = unitSeconds(unit);
    if (!seconds) {
        const bool calendarUnit = unit.startsWith(u"month"_s) || unit.startsWith(u"year"_s) || unit == u"yr"_s;
        return unitsError(units, calendarUnit ? u"%1 have no fixed length in CF; use days"_s.arg(unit)
                                              : u"'%1' is not a unit of time"_s.arg(unit));
    }
    bool yearOk = false;
    const int year = match.captured(2).toInt(&yearOk);
    const int month = match.captured(3).toInt();
    const int day = match.hasCaptured(4) ? match.captured(4).toInt() : 1;
    const std::optional<double> days = yearOk ? dayNumber(year, month, day, *calendar) : std::nullopt;
    if (!days)
        return unitsError(units,
                          u"the calendar %1 has no date %2-%3-%4"_s.arg(calendarName.isEmpty() ? u"standard"_s : calendarName)
                              .arg(match.captured(2), match.captured(3), match.hasCaptured(4) ? match.captured(4) : u"1"_s));
    const double hours = match.captured(5).toDouble();
    const double minutes = match.captured(6).toDouble();
    const double secondsOfMinute = match.captured(7).toDouble();
    const std::optional<double> zone = zoneOffsetSeconds(match.captured(8));
    if (hours > 24 || minutes > 59 || secondsOfMinute >= 61 || !zone)
        return unitsError(units, u"the time of day or the zone is out of range"_s);

    CfTimeUnits result;
    result.calendar = *calendar;
    result.unitSeconds = *seconds;
    result.referenceSeconds = *days * secondsPerDay + hours * 3600 + minutes * 60 + secondsOfMinute - *zone;
    return result;
}

std::optional<UnitConversion> timeUnitConversion(const QString &fromUnits, const QString &toUnits, const QString &calendar)
{
    const Result<CfTimeUnits> from = parseCfTimeUnits(fromUnits, calendar);
    const Result<CfTimeUnits> to = parseCfTimeUnits(toUnits, calendar);
    if (!from.isOk() || !to.isOk())
        return std::nullopt;
    return UnitConversion{from->unitSeconds / to->unitSeconds, (from->referenceSeconds - to->referenceSeconds) / to->unitSeconds};
}

} // namespace tessera
