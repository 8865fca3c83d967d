// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"

#include <cstdint>
#include <vector>

namespace tessera::zarr {

// Walks a box of `extent` elements that sits at `fromOrigin` in a C-order array of `fromShape`
// and at `toOrigin` in one of `toShape`, one run along the last axis at a time: calls
// run(fromOffset, toOffset, length), offsets and length in elements. A rank-0 box is one run
// of one element.
template <typename Run>
void forEachRun(const Shape &extent, const Shape &fromShape, const Shape &fromOrigin, const Shape &toShape, const Shape &toOrigin,
                Run &&run)
{
    const std::size_t rank = extent.size();
    if (rank == 0) {
        run(std::int64_t(0), std::int64_t(0), std::int64_t(1));
        return;
    }
    for (const std::int64_t length : extent) {
        if (length <= 0)
            return;
    }
    const std::vector<std::int64_t> fromStrides = rowMajorStrides(fromShape);
    const std::vector<std::int64_t> toStrides = rowMajorStrides(toShape);
    std::int64_t from = 0;
    std::int64_t to = 0;
    for (std::size_t axis = 0; axis < rank; ++axis) {
        from += fromOrigin[axis] * fromStrides[axis];
        to += toOrigin[axis] * toStrides[axis];
    }
    std::vector<std::int64_t> index(rank, 0);
    while (true) {
        run(from, to, extent.back());
        // The odometer over all axes but the last.
        std::size_t axis = rank - 1;
        while (axis > 0) {
            --axis;
            if (++index[axis] < extent[axis]) {
                from += fromStrides[axis];
                to += toStrides[axis];
                break;
            }
            from -= (extent[axis] - 1) * fromStrides[axis];
            to -= (extent[axis] - 1) * toStrides[axis];
            index[axis] = 0;
            if (axis == 0)
                return;
        }
        if (rank == 1)
            return;
    }
}

} // namespace tessera::zarr
