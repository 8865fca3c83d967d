// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/status.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tessera {

// Selection by coordinate value and grouping by time, as xarray does them, on one axis's
// coordinates. Pure; the checker turns the answers into index items and groups. Errors are plain
// sentences; the checker puts the column in front.

// A run of positions [begin, end) of an axis.
using PositionRun = std::pair<std::int64_t, std::int64_t>;

// x.sel(dim=value): the position holding `value` exactly, or the nearest with `nearest`.
Result<std::int64_t> selectPosition(const Axis &axis, double value, bool nearest);
// x.sel(dim=slice(low, high)): the positions whose values lie between the bounds, both
// included, in the axis's order (a descending axis wants slice(high, low), as in xarray).
Result<PositionRun> selectRange(const Axis &axis, std::optional<double> start, std::optional<double> stop);
// x.sel(time='2014-06') and the like (YYYY, YYYY-MM, YYYY-MM-DD, or a timestamp), in the axis's
// calendar, as xarray reads it: in the real-world calendars a date as precise as the axis's steps
// names one step (which must exist, or be the nearest with `nearest`) and drops the dimension, a
// coarser one is the range of steps it covers; in the others (cftime) a date is always a range.
struct DateSelection
{
    PositionRun run;
    bool oneStep = false; // the dimension goes, as with a number
};
Result<DateSelection> selectDate(const Axis &axis, const QString &partialDate, bool nearest);
// The first and last instants a partial date covers, as coordinate values (for slice bounds).
Result<std::pair<double, double>> dateBounds(const Axis &axis, const QString &partialDate);

struct Grouping
{
    Axis groupAxis;                             // "month" with values 1..12, "season" with labels, ...
    std::vector<std::vector<PositionRun>> runs; // per group: the runs of the grouped axis it holds
    std::vector<std::int64_t> groupOfPosition;  // per position of the grouped axis
};

// groupby('time.month'): `part` is month, season, dayofyear, hour, year or day. Groups are the
// labels that occur, sorted (seasons as xarray sorts them: DJF, JJA, MAM, SON).
Result<Grouping> groupByPart(const Axis &time, const QString &part);
// resample(time='1D'): bins of n days, hours, months ('nMS') or years ('nYS'), from the start
// of the first position's day (month, year); empty bins between the first and last are kept.
// The group axis is `time` with each bin's start.
Result<Grouping> resampleBins(const Axis &time, const QString &frequency);

} // namespace tessera
