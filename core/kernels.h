#pragma once

#include "expression.h"
#include "ndarray.h"

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
Shape regionShape(const Region &region); // dropped axes removed

// A new array holding `region` of `in` (a copy; contiguous runs are copied with memcpy).
NdArray sliceArray(const NdArray &in, const Region &region);

NdArray unaryKernel(UnaryOp op, const NdArray &in);
// numpy broadcasting: shapes aligned at the right, extents equal or 1.
NdArray binaryKernel(BinaryOp op, const NdArray &a, const NdArray &b);

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
