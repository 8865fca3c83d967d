// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/coordinates.h"

#include "core/cftime.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

Status invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

QString valueText(double value)
{
    return QString::number(value, 'g', 10);
}

Status needsCoordinates(const Axis &axis)
{
    return invalid(
        u"dimension '%1' has no coordinate values to select by; select by position with isel(%1=...)"_s.arg(axis.name));
}

bool ascending(const Axis &axis)
{
    return axis.values.size() < 2 || axis.values.front() <= axis.values.back();
}

bool isMonotonic(const Axis &axis)
{
    const bool up = ascending(axis);
    for (std::size_t i = 1; i < axis.values.size(); ++i) {
        if (up ? axis.values[i] < axis.values[i - 1] : axis.values[i] > axis.values[i - 1])
            return false;
    }
    return true;
}

// Longitudes of a 0..360 axis asked for in -180..180: say how to ask instead of finding nothing.
Status checkLongitudeSign(const Axis &axis, double value)
{
    if (axis.values.empty() || value >= 0)
        return Status::ok();
    const auto [low, high] = std::minmax_element(axis.values.begin(), axis.values.end());
    const bool degreesEast = axis.units.startsWith(u"degree"_s, Qt::CaseInsensitive) || axis.name.startsWith(u"lon"_s);
    if (!degreesEast || *low < 0 || *high > 360)
        return Status::ok();
    return invalid(u"%1 %2 is outside the axis, which runs from %3 to %4 (0 to 360, east of Greenwich): ask for %5 instead"_s.arg(
        axis.name, valueText(value), valueText(*low), valueText(*high), valueText(value + 360)));
}

Result<CfTimeUnits> timeUnitsOf(const Axis &axis)
{
    Result<CfTimeUnits> units = parseCfTimeUnits(axis.units, axis.calendar);
    if (!units.isOk())
        return invalid(u"dimension '%1' is not a time (its units '%2' are not \"UNIT since DATE\"), so it cannot be selected "
                       "or grouped by date"_s.arg(axis.name, axis.units));
    return units;
}

// A date as written: how much of it was given decides the period it stands for.
struct PartialDate
{
    CfDate date;
    int precision = 0; // 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second
};

std::optional<PartialDate> parsePartialDate(const QString &text)
{
    static const QRegularExpression pattern(
        u"^\\s*(-?\\d{1,4})(?:-(\\d{1,2})(?:-(\\d{1,2})(?:[ T](\\d{1,2})(?::(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d*)?))?)?)?)?)?\\s*$"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    PartialDate partial;
    partial.date.year = match.captured(1).toInt();
    partial.precision = 1;
    const auto take = [&](int group, int &field) {
        if (!match.hasCaptured(group) || match.captured(group).isEmpty())
            return false;
        field = match.captured(group).toInt();
        ++partial.precision;
        return true;
    };
    if (take(2, partial.date.month) && take(3, partial.date.day) && take(4, partial.date.hour) && take(5, partial.date.minute)
        && match.hasCaptured(6) && !match.captured(6).isEmpty()) {
        partial.date.second = match.captured(6).toDouble();
        ++partial.precision;
    }
    return partial;
}

// The start of the period after `date`'s, at `precision`.
CfDate nextPeriod(CfDate date, int precision)
{
    switch (precision) {
    case 1: ++date.year; break;
    case 2:
        if (++date.month > 12) {
            date.month = 1;
            ++date.year;
        }
        break;
    default: break; // days and finer are added as seconds by the caller
    }
    return date;
}

double periodSeconds(int precision)
{
    switch (precision) {
    case 3: return 86400;
    case 4: return 3600;
    case 5: return 60;
    default: return 1;
    }
}

Result<std::pair<double, double>> boundsOf(const Axis &axis, const CfTimeUnits &units, const QString &text)
{
    const std::optional<PartialDate> partial = parsePartialDate(text);
    if (!partial)
        return invalid(u"'%1' is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD hh:mm:ss"_s.arg(text));
    const std::optional<double> begin = units.valueOf(partial->date);
    if (!begin)
        return invalid(u"the calendar of '%1' (%2) has no date %3"_s.arg(
            axis.name, axis.calendar.isEmpty() ? u"standard"_s : axis.calendar, text));
    double end = 0;
    if (partial->precision <= 2) {
        const std::optional<double> next = units.valueOf(nextPeriod(partial->date, partial->precision));
        if (!next)
            return invalid(u"'%1' reaches past the calendar's dates"_s.arg(text));
        end = *next;
    } else {
        end = *begin + periodSeconds(partial->precision) / units.unitSeconds;
    }
    return std::pair{*begin, end};
}

QString dateText(const CfDate &date)
{
    return u"%1-%2-%3 %4:%5"_s.arg(date.year, 4, 10, QLatin1Char('0'))
        .arg(date.month, 2, 10, QLatin1Char('0'))
        .arg(date.day, 2, 10, QLatin1Char('0'))
        .arg(date.hour, 2, 10, QLatin1Char('0'))
        .arg(date.minute, 2, 10, QLatin1Char('0'));
}

// Positions whose values lie in [begin, end), or an error naming the axis's span.
Result<PositionRun> positionsIn(const Axis &axis, const CfTimeUnits &units, double begin, double end, const QString &asked)
{
    std::int64_t first = -1;
    std::int64_t last = -1;
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
        if (axis.values[i] >= begin && axis.values[i] < end) {
            if (first < 0)
                first = std::int64_t(i);
            last = std::int64_t(i);
        }
    }
    if (first < 0)
        return invalid(u"'%1' has no time in %2; it runs from %3 to %4"_s.arg(
            axis.name, asked, dateText(units.dateOf(axis.values.front())), dateText(units.dateOf(axis.values.back()))));
    for (std::int64_t i = first; i <= last; ++i) {
        if (axis.values[std::size_t(i)] < begin || axis.values[std::size_t(i)] >= end)
            return invalid(u"'%1' is not sorted, so %2 is not one run of it"_s.arg(axis.name, asked));
    }
    return PositionRun{first, last + 1};
}

std::vector<std::vector<PositionRun>> runsOfGroups(const std::vector<std::int64_t> &groupOf, std::size_t groupCount)
{
    std::vector<std::vector<PositionRun>> runs(groupCount);
    std::size_t begin = 0;
    for (std::size_t i = 1; i <= groupOf.size(); ++i) {
        if (i == groupOf.size() || groupOf[i] != groupOf[begin]) {
            runs[std::size_t(groupOf[begin])].push_back({std::int64_t(begin), std::int64_t(i)});
            begin = i;
        }
    }
    return runs;
}

} // namespace

Result<std::int64_t> selectPosition(const Axis &axis, double value, bool nearest)
{
    if (!axis.hasCoordinates())
        return needsCoordinates(axis);
    TESSERA_RETURN_IF_ERROR(checkLongitudeSign(axis, value));
    std::size_t best = 0;
    for (std::size_t i = 1; i < axis.values.size(); ++i) {
        if (std::abs(axis.values[i] - value) < std::abs(axis.values[best] - value))
            best = i;
    }
    const double found = axis.values[best];
    if (nearest || std::abs(found - value) <= 1e-9 * std::max(1.0, std::abs(value)))
        return std::int64_t(best);
    return makeError(ErrorCode::NotFound,
                     u"'%1' has no value %2 (the nearest is %3); ask for method='nearest', or a value it holds"_s.arg(
                         axis.name, valueText(value), valueText(found)));
}

Result<PositionRun> selectRange(const Axis &axis, std::optional<double> start, std::optional<double> stop)
{
    if (!axis.hasCoordinates())
        return needsCoordinates(axis);
    if (!isMonotonic(axis))
        return invalid(u"'%1' is not sorted, so it cannot be sliced by value"_s.arg(axis.name));
    for (std::optional<double> bound : {start, stop}) {
        if (bound)
            TESSERA_RETURN_IF_ERROR(checkLongitudeSign(axis, *bound));
    }
    const bool up = ascending(axis);
    // In the axis's own order, as xarray: slice(72, 34) on a descending latitude.
    const auto inside = [&](double value) {
        const bool afterStart = !start || (up ? value >= *start : value <= *start);
        const bool beforeStop = !stop || (up ? value <= *stop : value >= *stop);
        return afterStart && beforeStop;
    };
    std::int64_t first = std::int64_t(axis.values.size());
    std::int64_t end = first;
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
        if (inside(axis.values[i])) {
            first = std::min(first, std::int64_t(i));
            end = std::int64_t(i) + 1;
        }
    }
    if (first == std::int64_t(axis.values.size()))
        return PositionRun{0, 0}; // nothing between the bounds: empty, as xarray
    return PositionRun{first, end};
}

Result<std::pair<double, double>> dateBounds(const Axis &axis, const QString &partialDate)
{
    Result<CfTimeUnits> units = timeUnitsOf(axis);
    TESSERA_RETURN_IF_ERROR(units);
    return boundsOf(axis, *units, partialDate);
}

// pandas' resolution of a time index: the finest part of the day any value uses, at least a day
// (3 day, 4 hour, 5 minute, 6 second, as PartialDate::precision).
int indexResolution(const Axis &axis, const CfTimeUnits &units)
{
    int resolution = 3;
    for (double value : axis.values) {
        const CfDate date = units.dateOf(value);
        resolution = std::max(resolution, date.second != 0 ? 6 : date.minute != 0 ? 5 : date.hour != 0 ? 4 : 3);
    }
    return resolution;
}

// xarray reads a date as pandas does for the real-world calendars (decoded to datetime64): a
// date as precise as the index or more names one step, and the dimension goes; a coarser one
// is a range. In the other calendars (cftime) a date is always a range.
bool selectsOneStep(const Axis &axis, const CfTimeUnits &units, const PartialDate &partial)
{
    if (units.calendar != CfCalendar::Standard && units.calendar != CfCalendar::ProlepticGregorian)
        return false;
    return partial.precision >= indexResolution(axis, units);
}

Result<DateSelection> selectDate(const Axis &axis, const QString &partialDate, bool nearest)
{
    if (!axis.hasCoordinates())
        return needsCoordinates(axis);
    Result<CfTimeUnits> units = timeUnitsOf(axis);
    TESSERA_RETURN_IF_ERROR(units);
    const std::optional<PartialDate> partial = parsePartialDate(partialDate);
    Result<std::pair<double, double>> bounds = boundsOf(axis, *units, partialDate);
    TESSERA_RETURN_IF_ERROR(bounds);
    if (partial && (nearest || selectsOneStep(axis, *units, *partial))) {
        Result<std::int64_t> position = selectPosition(axis, bounds->first, nearest);
        if (!position.isOk()) {
            const QString coarser = partialDate.trimmed().left(partial->precision > 3 ? 10 : 7);
            return makeError(
                ErrorCode::NotFound,
                u"'%1' has no step at %2; ask for method='nearest', or for the range of a coarser date like '%3'"_s.arg(
                    axis.name, partialDate, coarser));
        }
        return DateSelection{{*position, *position + 1}, true};
    }
    Result<PositionRun> run = positionsIn(axis, *units, bounds->first, bounds->second, partialDate);
    TESSERA_RETURN_IF_ERROR(run);
    return DateSelection{*run, false};
}

Result<Grouping> groupByPart(const Axis &time, const QString &part)
{
    static const QStringList parts{u"month"_s, u"season"_s, u"dayofyear"_s, u"hour"_s, u"year"_s, u"day"_s};
    if (!parts.contains(part))
        return invalid(
            u"'%1.%2' is not a group xarray knows; use %1.month, %1.season, %1.dayofyear, %1.hour, %1.year or %1.day"_s.arg(
                time.name, part));
    if (!time.hasCoordinates())
        return needsCoordinates(time);
    Result<CfTimeUnits> units = timeUnitsOf(time);
    TESSERA_RETURN_IF_ERROR(units);
    // xarray's seasons, in the order it sorts their names.
    static const std::map<int, int> seasonOfMonth{{12, 0}, {1, 0}, {2, 0}, {6, 1}, {7, 1},  {8, 1},
                                                  {3, 2},  {4, 2}, {5, 2}, {9, 3}, {10, 3}, {11, 3}};
    static const QStringList seasonNames{u"DJF"_s, u"JJA"_s, u"MAM"_s, u"SON"_s};
    std::vector<std::int64_t> labels;
    for (double value : time.values) {
        const CfDate date = units->dateOf(value);
        const std::int64_t label = part == u"month"       ? date.month
                                   : part == u"season"    ? seasonOfMonth.at(date.month)
                                   : part == u"dayofyear" ? date.dayOfYear
                                   : part == u"hour"      ? date.hour
                                   : part == u"year"      ? date.year
                                                          : date.day;
        labels.push_back(label);
    }
    std::vector<std::int64_t> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    Grouping grouping;
    grouping.groupAxis.name = part;
    for (std::int64_t label : sorted) {
        grouping.groupAxis.values.push_back(double(label));
        if (part == u"season")
            grouping.groupAxis.labels.push_back(seasonNames[int(label)]);
    }
    for (std::int64_t label : labels)
        grouping.groupOfPosition.push_back(std::lower_bound(sorted.begin(), sorted.end(), label) - sorted.begin());
    grouping.runs = runsOfGroups(grouping.groupOfPosition, sorted.size());
    return grouping;
}

Result<Grouping> resampleBins(const Axis &time, const QString &frequency)
{
    static const QRegularExpression pattern(u"^(\\d*)(D|H|h|MS|YS|AS)$"_s);
    const QRegularExpressionMatch match = pattern.match(frequency);
    const int count = match.hasMatch() && !match.captured(1).isEmpty() ? match.captured(1).toInt() : 1;
    if (!match.hasMatch() || count < 1)
        return invalid(u"'%1' is not a frequency resample() knows; use nD (days), nH (hours), nMS (months) or nYS (years), "
                       "as in '1D' or '1MS'"_s.arg(frequency));
    if (!time.hasCoordinates())
        return needsCoordinates(time);
    Result<CfTimeUnits> units = timeUnitsOf(time);
    TESSERA_RETURN_IF_ERROR(units);
    const QString unit = match.captured(2).toUpper();
    // The first bin starts where the first time's day, month or year starts (pandas' start_day).
    CfDate start = units->dateOf(time.values.front());
    start.minute = 0;
    start.second = 0;
    if (unit != u"H")
        start.hour = 0;
    if (unit == u"MS" || unit == u"YS" || unit == u"AS")
        start.day = 1;
    if (unit == u"YS" || unit == u"AS")
        start.month = 1;
    const auto binStart = [&](std::int64_t bin) -> std::optional<double> {
        if (unit == u"D" || unit == u"H") {
            const double step = (unit == u"D" ? 86400.0 : 3600.0) * count / units->unitSeconds;
            return *units->valueOf(start) + double(bin) * step;
        }
        CfDate date = start;
        const std::int64_t months = (unit == u"MS" ? 1 : 12) * count * bin;
        const std::int64_t total = date.month - 1 + months;
        date.year += int(total / 12);
        date.month = int(total % 12) + 1;
        return units->valueOf(date);
    };
    Grouping grouping;
    grouping.groupAxis = time;
    grouping.groupAxis.values.clear();
    grouping.groupAxis.labels.clear();
    std::int64_t bin = 0;
    if (!isMonotonic(time) || !ascending(time))
        return invalid(u"'%1' is not sorted in time, so it cannot be resampled"_s.arg(time.name));
    for (double value : time.values) {
        while (true) {
            const std::optional<double> next = binStart(bin + 1);
            if (!next)
                return invalid(u"resample('%1') reaches past the calendar's dates"_s.arg(frequency));
            if (value < *next)
                break;
            ++bin;
        }
        grouping.groupOfPosition.push_back(bin);
    }
    for (std::int64_t b = 0; b <= bin; ++b)
        grouping.groupAxis.values.push_back(*binStart(b));
    grouping.runs = runsOfGroups(grouping.groupOfPosition, std::size_t(bin + 1));
    return grouping;
}

} // namespace tessera
