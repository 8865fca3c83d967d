// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/ops.h"

#include <vector>

namespace tessera {

// Reductions skip NaN, as xarray does by default. They run in three steps so that blocks on many
// workers reduce as a tree: partial (per worker, over any number of input blocks) -> combine (any
// number of partials, any order) -> finalize. A partial state is an array of shape
// (components, kept extents...), components = partialComponents(op):
//   Sum: [sum]  Mean: [count, sum]  Min: [min]  Max: [max]  Std/Var: [count, mean, M2]
// An all-NaN position gives sum 0, and NaN for mean/min/max/std/var (xarray's results).
int partialComponents(ReduceOp op);

// `inputs` all have the same rank and the same extents on the kept axes (they are pieces of one
// output block along the reduced `axes`, which are sorted, unique and in range).
NdArray partialReduce(ReduceOp op, const std::vector<NdArray> &inputs, const std::vector<int> &axes);
NdArray combinePartials(ReduceOp op, const std::vector<NdArray> &partials);
// Result has the kept extents; ddof as numpy's std/var.
NdArray finalizeReduce(ReduceOp op, const NdArray &state, int ddof = 0);

} // namespace tessera
