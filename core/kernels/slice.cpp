// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/slice.h"

#include "core/kernels/stridedindex.h"

#include <cassert>
#include <cstring>

namespace tessera {

NdArray sliceArray(const NdArray &in, const Region &region)
{
    assert(int(region.size()) == in.rank());
    NdArray out(regionShape(region));
    out.setMayHaveNan(in.mayHaveNan());
    if (out.size() == 0)
        return out;

    // Output is dense, so only the input side needs strides; strideB mirrors the output's so the
    // collapse merges exactly the axes that are contiguous on both sides.
    const auto inStrides = rowMajorStrides(in.shape());
    const double *base = in.data();
    std::vector<WalkAxis> axes;
    for (std::size_t axis = 0; axis < region.size(); ++axis) {
        const AxisSlice &slice = region[axis];
        assert(slice.start >= 0 && slice.start < in.shape()[axis]);
        base += slice.start * inStrides[axis];
        if (!slice.drop)
            axes.push_back({slice.count, slice.step * inStrides[axis], 0});
    }
    std::int64_t outStride = 1;
    for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
        it->strideB = outStride;
        outStride *= it->extent;
    }
    axes = collapseAxes(axes);

    const WalkAxis inner = axes.back();
    StridedIndex outer = outerIndex(axes);
    double *target = out.data();
    do {
        const double *source = base + outer.offset(0);
        if (inner.strideA == 1) {
            std::memcpy(target, source, std::size_t(inner.extent) * sizeof(double));
        } else {
            for (std::int64_t i = 0; i < inner.extent; ++i)
                target[i] = source[i * inner.strideA];
        }
        target += inner.extent;
    } while (outer.next());
    return out;
}

NdArray assembleBlocks(const Chunks &chunks, const std::vector<NdArray> &blocks)
{
    const Shape shape = chunks.shape();
    // One block is the whole array: share it (arrays are never written after they are made).
    if (blocks.size() == 1 && blocks.front().size() == elementCount(shape))
        return blocks.front().reshaped(shape);
    NdArray full(shape);
    const std::vector<std::int64_t> strides = rowMajorStrides(shape);
    bool mayHaveNan = false;
    for (std::size_t flat = 0; flat < blocks.size(); ++flat) {
        const NdArray &block = blocks[flat];
        mayHaveNan = mayHaveNan || block.mayHaveNan();
        const std::vector<std::int64_t> offset = chunks.blockOffset(chunks.unflatten(std::int64_t(flat)));
        const Shape &blockShape = block.shape();
        const int rank = int(blockShape.size());
        if (rank == 0 || block.size() == 0) {
            if (block.size() == 1)
                full.data()[0] = block.at(0);
            continue;
        }
        // Copy innermost rows; walk the outer indices of the block like an odometer.
        const std::int64_t rowLength = blockShape[rank - 1];
        std::vector<std::int64_t> index(rank - 1, 0);
        const double *source = block.data();
        while (true) {
            std::int64_t target = offset[rank - 1];
            for (int axis = 0; axis < rank - 1; ++axis)
                target += (offset[axis] + index[axis]) * strides[axis];
            std::memcpy(full.data() + target, source, std::size_t(rowLength) * sizeof(double));
            source += rowLength;
            int axis = rank - 2;
            while (axis >= 0 && ++index[axis] == blockShape[axis]) {
                index[axis] = 0;
                --axis;
            }
            if (axis < 0)
                break;
        }
    }
    full.setMayHaveNan(mayHaveNan);
    return full;
}

} // namespace tessera
