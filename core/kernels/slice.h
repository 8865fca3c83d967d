// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/chunks.h"
#include "core/ndarray.h"
#include "core/region.h"

#include <vector>

namespace tessera {

// A new array holding `region` of `in` (a copy; contiguous runs are copied with memcpy).
NdArray sliceArray(const NdArray &in, const Region &region);

// Copies the blocks of a layout (in flat order) into one array of the layout's full shape.
NdArray assembleBlocks(const Chunks &chunks, const std::vector<NdArray> &blocks);

} // namespace tessera
