// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/kernels/stridedindex.h"
#include "core/kernels/tileloops.h"
#include "core/ndarray.h"

#include <algorithm>
#include <vector>

namespace tessera {

// The loop structure of partialReduce, planned once per call: adjacent axes of one kind
// (reduced/kept) are collapsed into runs, and the input is visited in memory order in one of
// two shapes, chosen by the innermost run:
//  - innermost kept (e.g. mean over axis 0): the kept run is cut into tiles; for each tile, every
//    slice of every input along the reduced axes is folded in before the next tile, so inputs
//    stream once and the tile's accumulators stay in L1/L2 instead of being read and written
//    back per outer step;
//  - innermost reduced (e.g. sum over all axes): each contiguous run folds into scalars.
// An accumulator provides beginTile(offset, n) / slices(xs, count) / endTile() and beginRow() /
// run(x, n) / endRow(offset), offsets being positions in the kept (output) layout.
class ReductionWalk
{
public:
    // Tile length: 32 KB of accumulator per array, so even Std's four (128 KB) stay in L2, and
    // each input slice is a contiguous stream long enough for the hardware prefetcher. Measured
    // flat from 2048 to 8192 on the seed experiment's blocks; 1024 is slower.
    static constexpr std::int64_t kTileExtent = 4096;

    ReductionWalk(const std::vector<NdArray> &inputs, const std::vector<int> &axes);

    const Shape &keptShape() const { return m_keptShape; }
    std::int64_t keptCount() const { return m_keptCount; }
    bool hasValues() const { return !m_data.empty(); }
    bool mayHaveNan() const { return m_mayHaveNan; }
    // Values folded into each kept position over all inputs, NaN included.
    double valuesPerPosition() const { return m_valuesPerPosition; }
    std::int64_t tileExtent() const { return std::min(kTileExtent, m_innerKeptExtent); }

    template <class Accumulator>
    void run(Accumulator &&accumulator)
    {
        if (m_innermostReduced)
            runRows(accumulator);
        else
            runTiles(accumulator);
    }

private:
    // Adjacent axes of one kind, with the product of their extents in each input.
    struct AxisRun
    {
        bool reduced = false;
        std::vector<std::int64_t> extents;
    };
    static std::vector<AxisRun> axisRuns(const std::vector<const NdArray *> &live, const std::vector<bool> &reduced);
    void planStreams(const std::vector<AxisRun> &runs, std::size_t inputCount);

    template <class Accumulator>
    void runTiles(Accumulator &accumulator)
    {
        const std::int64_t extent = m_innerKeptExtent;
        do {
            const std::int64_t outBase = m_keptOuter.offset(0);
            for (std::int64_t start = 0; start < extent; start += kTileExtent) {
                const std::int64_t n = std::min(kTileExtent, extent - start);
                accumulator.beginTile(outBase + start, n);
                // Slices go to the accumulator in groups (see reductionloops::kSliceGroup).
                const double *group[reductionloops::kSliceGroup];
                int grouped = 0;
                for (std::size_t input = 0; input < m_data.size(); ++input) {
                    const double *base = m_data[input] + m_keptOuter.offset(int(input) + 1) + start;
                    StridedIndex &reduced = m_reducedOuter[input];
                    do {
                        group[grouped++] = base + reduced.offset();
                        if (grouped == reductionloops::kSliceGroup) {
                            accumulator.slices(group, grouped);
                            grouped = 0;
                        }
                    } while (reduced.next());
                }
                if (grouped > 0)
                    accumulator.slices(group, grouped);
                accumulator.endTile();
            }
        } while (m_keptOuter.next());
    }

    template <class Accumulator>
    void runRows(Accumulator &accumulator)
    {
        do {
            accumulator.beginRow();
            for (std::size_t input = 0; input < m_data.size(); ++input) {
                const double *base = m_data[input] + m_keptOuter.offset(int(input) + 1);
                StridedIndex &reduced = m_reducedOuter[input];
                do {
                    accumulator.run(base + reduced.offset(), m_innerReducedExtents[input]);
                } while (reduced.next());
            }
            accumulator.endRow(m_keptOuter.offset(0));
        } while (m_keptOuter.next());
    }

    Shape m_keptShape;
    std::int64_t m_keptCount = 0;
    std::vector<const double *> m_data; // inputs that hold values (empty ones add nothing)
    bool m_mayHaveNan = false;
    double m_valuesPerPosition = 0;
    bool m_innermostReduced = false;
    std::int64_t m_innerKeptExtent = 1;
    std::vector<std::int64_t> m_innerReducedExtents; // per input
    StridedIndex m_keptOuter;                        // streams: output, then each input
    std::vector<StridedIndex> m_reducedOuter;        // per input
};

} // namespace tessera
