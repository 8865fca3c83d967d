// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/region.h"
#include "core/status.h"

#include <vector>

namespace tessera {

// The kernel of one task over its inputs (each read through its region; an empty region is the
// whole block). Only for inputs that passed checkTaskInputs(). A transient output (returned, not
// stored) may be a view of an input.
Result<NdArray> computeTask(const Task &task, const std::vector<NdArray> &inputs, const std::vector<Region> &regions,
                            bool outputIsTransient);

// The block, or the region of it.
NdArray applyRegion(const NdArray &block, const Region &region);

} // namespace tessera
