// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/cftime.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace tessera::ui {

// Turning array metadata into what a plot's axes and readouts say.
namespace plotlabels {

// CF units as a reader writes them: "degrees_north" -> "°N", "degC" -> "°C"; others unchanged.
QString prettyUnits(const QString &units);
// "Latitude (°N)": the long name (else the name), capitalised, with units when there are any.
QString axisLabel(const tessera::Axis &axis);
// "2 metre temperature (K)" for the values of an array.
QString valueLabel(const tessera::ArrayMeta &meta);
// Six significant digits, "nan" for NaN: enough to tell neighbouring cells apart.
QString formatValue(double value);
// The axis's CF time units when its coordinates are dates a date axis can show.
std::optional<tessera::CfTimeUnits> dateUnits(const tessera::Axis &axis);

// The positions of an axis's n cells: its coordinates, or the index where it has none.
struct AxisExtent
{
    double lower = 0; // smallest coordinate (a cell centre)
    double upper = 0;
    bool descending = false; // coordinates run from upper to lower (latitude 90..-90)
    double halfCell = 0.5;   // half the spacing, so whole cells show at the edges
};
AxisExtent axisExtent(const tessera::Axis &axis, std::int64_t cells);

// Min, max and mean of the finite values; count is how many there were.
struct ValueStats
{
    double min = 0;
    double max = 0;
    double mean = 0;
    std::int64_t count = 0;
};
ValueStats valueStats(const double *values, std::int64_t size);

} // namespace plotlabels

} // namespace tessera::ui
