// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/reductionwalk.h"

#include <cassert>

namespace tessera {

// Runs of reduced or kept axes of the live inputs, runs of extent 1 dropped and neighbours of one
// kind merged: reducing axis 0 of (1, n) becomes one kept run of n.
std::vector<ReductionWalk::AxisRun> ReductionWalk::axisRuns(const std::vector<const NdArray *> &live,
                                                            const std::vector<bool> &reduced)
{
    std::vector<AxisRun> runs;
    for (std::size_t axis = 0; axis < reduced.size(); ++axis) {
        if (runs.empty() || runs.back().reduced != reduced[axis])
            runs.push_back({reduced[axis], std::vector<std::int64_t>(live.size(), 1)});
        for (std::size_t input = 0; input < live.size(); ++input)
            runs.back().extents[input] *= live[input]->shape()[axis];
    }
    std::vector<AxisRun> merged;
    for (AxisRun &run : runs) {
        if (std::all_of(run.extents.begin(), run.extents.end(), [](std::int64_t e) { return e == 1; }))
            continue;
        if (!merged.empty() && merged.back().reduced == run.reduced) {
            for (std::size_t input = 0; input < live.size(); ++input)
                merged.back().extents[input] *= run.extents[input];
        } else {
            merged.push_back(std::move(run));
        }
    }
    if (merged.empty())
        merged.push_back({false, std::vector<std::int64_t>(live.size(), 1)});
    return merged;
}

ReductionWalk::ReductionWalk(const std::vector<NdArray> &inputs, const std::vector<int> &axes)
{
    assert(!inputs.empty());
    const int rank = inputs.front().rank();
    std::vector<bool> reduced(std::size_t(rank), false);
    for (int axis : axes) {
        assert(axis >= 0 && axis < rank);
        reduced[std::size_t(axis)] = true;
    }
    for (int axis = 0; axis < rank; ++axis)
        if (!reduced[std::size_t(axis)])
            m_keptShape.push_back(inputs.front().shape()[std::size_t(axis)]);
    m_keptCount = elementCount(m_keptShape);

    std::vector<const NdArray *> live;
    std::int64_t valueCount = 0;
    for (const NdArray &input : inputs) {
        assert(input.rank() == rank);
        if (input.size() == 0)
            continue;
        live.push_back(&input);
        m_data.push_back(input.data());
        m_mayHaveNan = m_mayHaveNan || input.mayHaveNan();
        valueCount += input.size();
    }
    if (m_keptCount == 0 || live.empty()) {
        m_data.clear();
        return;
    }
    m_valuesPerPosition = double(valueCount / m_keptCount);
    planStreams(axisRuns(live, reduced), live.size());
}

// The outer runs become the index streams (output and each input for kept runs, each input for
// reduced ones); the innermost run is the contiguous loop.
void ReductionWalk::planStreams(const std::vector<AxisRun> &runs, std::size_t inputCount)
{
    // Row-major strides of each run, per input and in the kept (output) layout.
    const std::size_t runCount = runs.size();
    std::vector<std::vector<std::int64_t>> inStrides(runCount, std::vector<std::int64_t>(inputCount));
    std::vector<std::int64_t> outStrides(runCount, 0);
    std::vector<std::int64_t> inStride(inputCount, 1);
    std::int64_t outStride = 1;
    for (std::size_t r = runCount; r-- > 0;) {
        for (std::size_t input = 0; input < inputCount; ++input) {
            inStrides[r][input] = inStride[input];
            inStride[input] *= runs[r].extents[input];
        }
        if (!runs[r].reduced) {
            outStrides[r] = outStride;
            outStride *= runs[r].extents.front();
        }
    }

    m_keptOuter = StridedIndex(int(inputCount) + 1);
    m_reducedOuter.assign(inputCount, StridedIndex(1));
    for (std::size_t r = 0; r + 1 < runCount; ++r) {
        if (runs[r].reduced) {
            for (std::size_t input = 0; input < inputCount; ++input)
                m_reducedOuter[input].addAxis(runs[r].extents[input], {inStrides[r][input]});
        } else {
            std::vector<std::int64_t> strides{outStrides[r]};
            strides.insert(strides.end(), inStrides[r].begin(), inStrides[r].end());
            m_keptOuter.addAxis(runs[r].extents.front(), strides);
        }
    }
    const AxisRun &inner = runs.back();
    m_innermostReduced = inner.reduced;
    if (inner.reduced)
        m_innerReducedExtents = inner.extents;
    else
        m_innerKeptExtent = inner.extents.front();
}

} // namespace tessera
