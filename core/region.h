// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/status.h"

#include <cstdint>
#include <vector>

namespace tessera {

// The part of one axis a kernel reads: elements start, start+step, ... (count of them); step may
// be negative as in numpy. `drop` is an integer index: count is 1 and the axis is removed.
struct AxisSlice
{
    std::int64_t start = 0;
    std::int64_t count = 0;
    std::int64_t step = 1;
    bool drop = false;

    static AxisSlice whole(std::int64_t extent) { return {0, extent, 1, false}; }
    bool operator==(const AxisSlice &) const = default;
};
using Region = std::vector<AxisSlice>; // one per axis of the array it applies to

bool isWhole(const Region &region, const Shape &shape);
// Whether `region` reads only elements of an array of `shape`: one slice per axis, counts not
// negative, every selected index inside its axis (computed without overflow), a dropped axis
// selecting exactly one. The message names the axis and the fix.
Status checkRegion(const Region &region, const Shape &shape);
Shape regionShape(const Region &region); // dropped axes removed

} // namespace tessera
