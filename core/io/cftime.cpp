#include "core/io/cftime.h"

#include <QCalendar>
#include <QDate>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

struct TimeUnits
{
    double unitSeconds = 0;
    double referenceSeconds = 0; // since an arbitrary epoch of the calendar
};

double unitSeconds(const QString &unit)
{
    static const QRegularExpression seconds(u"^(s|sec|secs|second|seconds)$"_s);
    static const QRegularExpression minutes(u"^(min|mins|minute|minutes)$"_s);
    static const QRegularExpression hours(u"^(h|hr|hrs|hour|hours)$"_s);
    static const QRegularExpression days(u"^(d|day|days)$"_s);
    if (seconds.match(unit).hasMatch())
        return 1;
    if (minutes.match(unit).hasMatch())
        return 60;
    if (hours.match(unit).hasMatch())
        return 3600;
    if (days.match(unit).hasMatch())
        return 86400;
    return 0;
}

// Day number of a date in the calendar; only differences between two of them matter.
std::optional<double> dayNumber(int year, int month, int day, const QString &calendar)
{
    static constexpr int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return std::nullopt;
    const QString name = calendar.toLower();
    if (name.isEmpty() || name == u"standard"_s || name == u"gregorian"_s || name == u"proleptic_gregorian"_s
        || name == u"julian"_s) {
        const QCalendar system(name == u"julian"_s ? QCalendar::System::Julian : QCalendar::System::Gregorian);
        const QDate date(year, month, day, system);
        if (!date.isValid())
            return std::nullopt;
        return double(date.toJulianDay());
    }
    if (name == u"noleap"_s || name == u"365_day"_s)
        return 365.0 * year + before[month - 1] + day;
    if (name == u"all_leap"_s || name == u"366_day"_s)
        return 366.0 * year + before[month - 1] + (month > 2 ? 1 : 0) + day;
    if (name == u"360_day"_s)
        return 360.0 * year + 30.0 * (month - 1) + day;
    return std::nullopt;
}

std::optional<TimeUnits> parseTimeUnits(const QString &units, const QString &calendar)
{
    // "hours since 1900-01-01 00:00:00.0", "days since 2014-1-1", "seconds since 1970-01-01T00:00:00Z"
    static const QRegularExpression pattern(
        u"^\\s*(\\w+)\\s+since\\s+(-?\\d+)-(\\d{1,2})-(\\d{1,2})"
        "(?:[ T](\\d{1,2}):(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d*)?))?)?\\s*(?:Z|UTC)?\\s*$"_s,
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(units);
    if (!match.hasMatch())
        return std::nullopt;
    TimeUnits parsed;
    parsed.unitSeconds = unitSeconds(match.captured(1).toLower());
    const auto day = dayNumber(match.captured(2).toInt(), match.captured(3).toInt(), match.captured(4).toInt(), calendar);
    if (parsed.unitSeconds == 0 || !day)
        return std::nullopt;
    parsed.referenceSeconds = *day * 86400.0 + match.captured(5).toDouble() * 3600.0
                              + match.captured(6).toDouble() * 60.0 + match.captured(7).toDouble();
    return parsed;
}

} // namespace

std::optional<UnitConversion> timeUnitConversion(const QString &fromUnits, const QString &toUnits,
                                                 const QString &calendar)
{
    const auto from = parseTimeUnits(fromUnits, calendar);
    const auto to = parseTimeUnits(toUnits, calendar);
    if (!from || !to)
        return std::nullopt;
    return UnitConversion{from->unitSeconds / to->unitSeconds,
                          (from->referenceSeconds - to->referenceSeconds) / to->unitSeconds};
}

} // namespace tessera
