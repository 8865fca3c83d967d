// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/plotlabels.h"

#include "core/kernels/rowloops.h"

#include <QStringList>

#include <cmath>
#include <limits>

namespace tessera::ui {

namespace plotlabels {

QString prettyUnits(const QString &units)
{
    const QString lower = units.trimmed().toLower();
    if (lower == u"degrees_north" || lower == u"degree_north" || lower == u"degrees_n")
        return QStringLiteral("°N");
    if (lower == u"degrees_east" || lower == u"degree_east" || lower == u"degrees_e")
        return QStringLiteral("°E");
    if (lower == u"degrees" || lower == u"degree")
        return QStringLiteral("°");
    if (lower == u"degc" || lower == u"celsius" || lower == u"degree_celsius")
        return QStringLiteral("°C");
    return units.trimmed();
}

static QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString axisLabel(const tessera::Axis &axis)
{
    QString label = capitalised(axis.longName.isEmpty() ? axis.name : axis.longName);
    if (label.isEmpty())
        label = QStringLiteral("Index");
    const QString units = prettyUnits(axis.units);
    if (!units.isEmpty() && !units.contains(u" since "))
        label += QStringLiteral(" (") + units + u')';
    return label;
}

QString valueLabel(const tessera::ArrayMeta &meta)
{
    QString label = capitalised(meta.longName.isEmpty() ? meta.name : meta.longName);
    if (label.isEmpty())
        label = QStringLiteral("Value");
    const QString units = prettyUnits(meta.units);
    if (!units.isEmpty())
        label += QStringLiteral(" (") + units + u')';
    return label;
}

QString formatValue(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    return QString::number(value, 'g', 6);
}

std::optional<tessera::CfTimeUnits> dateUnits(const tessera::Axis &axis)
{
    const tessera::Result<tessera::CfTimeUnits> units = tessera::parseCfTimeUnits(axis.units, axis.calendar);
    if (!units.isOk() || !units->mapsOntoDateTime())
        return std::nullopt;
    return *units;
}

AxisExtent axisExtent(const tessera::Axis &axis, std::int64_t cells)
{
    AxisExtent extent;
    const bool coordinates = axis.values.size() == std::size_t(cells) && cells > 0 && std::isfinite(axis.values.front())
                             && std::isfinite(axis.values.back());
    const double first = coordinates ? axis.values.front() : 0;
    const double last = coordinates ? axis.values.back() : double(std::max<std::int64_t>(cells - 1, 0));
    extent.descending = last < first;
    extent.lower = std::min(first, last);
    extent.upper = std::max(first, last);
    // Cells are drawn at uniform spacing between the end coordinates; regular grids (all CF
    // latitude/longitude grids of reanalyses) are exactly that.
    extent.halfCell = cells > 1 ? (extent.upper - extent.lower) / double(cells - 1) / 2 : 0.5;
    if (extent.halfCell <= 0)
        extent.halfCell = 0.5;
    return extent;
}

namespace {

// Leaves out infinities as well as NaN, one value at a time.
ValueStats finiteValueStats(const double *values, std::int64_t size)
{
    ValueStats stats;
    stats.min = std::numeric_limits<double>::infinity();
    stats.max = -std::numeric_limits<double>::infinity();
    double sum = 0;
    for (std::int64_t i = 0; i < size; ++i) {
        const double value = values[i];
        if (!std::isfinite(value))
            continue;
        stats.min = std::min(stats.min, value);
        stats.max = std::max(stats.max, value);
        sum += value;
        ++stats.count;
    }
    if (stats.count == 0) {
        stats.min = stats.max = stats.mean = std::numeric_limits<double>::quiet_NaN();
        return stats;
    }
    stats.mean = sum / double(stats.count);
    return stats;
}

} // namespace

// Every map drawn takes these of its million cells. The engine's NaN-skipping row loops keep
// several sums in flight, where the loop above waits on each addition before the next: 1.4-1.9 ms
// for a 721 x 1440 map here, against 0.85-1.0 ms for the three loops. They count infinities,
// which are rare: the loop above then leaves those out.
ValueStats valueStats(const double *values, std::int64_t size)
{
    double sum = 0;
    double count = 0;
    reductionloops::rowSumSkipNan(values, size, &sum, &count);
    const double none = std::numeric_limits<double>::quiet_NaN(); // no value seen yet
    const double min = reductionloops::rowMin(values, size, none);
    const double max = reductionloops::rowMax(values, size, none);
    if (!std::isfinite(min) || !std::isfinite(max) || !std::isfinite(sum))
        return finiteValueStats(values, size); // no value, or an infinite one
    return {min, max, sum / count, std::int64_t(count)};
}

} // namespace plotlabels

} // namespace tessera::ui
