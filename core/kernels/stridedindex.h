// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstdint>
#include <vector>

namespace tessera {

// Walks the positions of a loop nest in row-major order and keeps one flat offset per stream
// (an array read or written by the loop) up to date, so kernels never divide to find offsets.
// Kernels use it only for the outer axes: each step is followed by a long contiguous inner loop.
class StridedIndex
{
public:
    explicit StridedIndex(int streamCount = 1);

    // Outermost axis first; strides has one entry per stream, in elements (may be 0 or negative).
    void addAxis(std::int64_t extent, const std::vector<std::int64_t> &strides);
    void reset();
    // Steps to the next position; false (and back at the start) after the last one.
    bool next();

    std::int64_t offset(int stream = 0) const { return m_offsets[std::size_t(stream)]; }

private:
    int m_streamCount;
    std::vector<std::int64_t> m_extents;
    std::vector<std::int64_t> m_strides; // [axis * m_streamCount + stream]
    std::vector<std::int64_t> m_index;
    std::vector<std::int64_t> m_offsets;
};

// One axis of a strided walk over two operands after collapsing: extent and a stride per
// operand, in elements.
struct WalkAxis
{
    std::int64_t extent;
    std::int64_t strideA;
    std::int64_t strideB;
};

// Merges each axis into its inner neighbour when both operands step through them as one run, so
// the innermost loop is as long as possible (a whole plane slice becomes one memcpy).
std::vector<WalkAxis> collapseAxes(const std::vector<WalkAxis> &axes);
// Outer axes (all but the innermost) as a StridedIndex over both operands.
StridedIndex outerIndex(const std::vector<WalkAxis> &axes);

} // namespace tessera
