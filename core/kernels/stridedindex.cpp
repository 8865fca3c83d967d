// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/stridedindex.h"

#include <algorithm>
#include <cassert>

namespace tessera {

StridedIndex::StridedIndex(int streamCount)
    : m_streamCount(streamCount)
    , m_offsets(std::size_t(streamCount), 0)
{
}

void StridedIndex::addAxis(std::int64_t extent, const std::vector<std::int64_t> &strides)
{
    assert(int(strides.size()) == m_streamCount);
    m_extents.push_back(extent);
    m_strides.insert(m_strides.end(), strides.begin(), strides.end());
    m_index.push_back(0);
}

void StridedIndex::reset()
{
    std::fill(m_index.begin(), m_index.end(), 0);
    std::fill(m_offsets.begin(), m_offsets.end(), 0);
}

bool StridedIndex::next()
{
    for (int axis = int(m_extents.size()) - 1; axis >= 0; --axis) {
        const std::int64_t *strides = m_strides.data() + std::size_t(axis) * std::size_t(m_streamCount);
        if (++m_index[std::size_t(axis)] < m_extents[std::size_t(axis)]) {
            for (int stream = 0; stream < m_streamCount; ++stream)
                m_offsets[std::size_t(stream)] += strides[stream];
            return true;
        }
        // Wrap this axis back to 0 and carry into the next outer one.
        const std::int64_t steps = m_extents[std::size_t(axis)] - 1;
        for (int stream = 0; stream < m_streamCount; ++stream)
            m_offsets[std::size_t(stream)] -= strides[stream] * steps;
        m_index[std::size_t(axis)] = 0;
    }
    return false;
}

std::vector<WalkAxis> collapseAxes(const std::vector<WalkAxis> &axes)
{
    std::vector<WalkAxis> collapsed;
    for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
        if (it->extent == 1)
            continue; // stepping an axis of extent 1 moves nothing, whatever its stride
        if (!collapsed.empty()) {
            WalkAxis &inner = collapsed.back();
            if (it->strideA == inner.strideA * inner.extent && it->strideB == inner.strideB * inner.extent) {
                inner.extent *= it->extent;
                continue;
            }
        }
        collapsed.push_back(*it);
    }
    std::reverse(collapsed.begin(), collapsed.end());
    if (collapsed.empty())
        collapsed.push_back({1, 1, 1});
    return collapsed;
}

StridedIndex outerIndex(const std::vector<WalkAxis> &axes)
{
    StridedIndex index(2);
    for (std::size_t axis = 0; axis + 1 < axes.size(); ++axis)
        index.addAxis(axes[axis].extent, {axes[axis].strideA, axes[axis].strideB});
    return index;
}

} // namespace tessera
