// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/region.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace tessera {

using BlockIndex = std::vector<std::int64_t>;

// How an n-d array is cut into blocks: for each axis, the extents of its chunks along that
// axis (dask's `chunks`). Block (i, j, k) covers chunk i of axis 0, chunk j of axis 1, ...
class Chunks
{
public:
    Chunks() = default;
    explicit Chunks(std::vector<std::vector<std::int64_t>> extentsPerAxis);

    // One block covering the whole shape.
    static Chunks single(const Shape &shape);
    // Chunks of at most `chunkExtent` along axis 0, whole along the others.
    static Chunks alongFirstAxis(const Shape &shape, std::int64_t chunkExtent);

    int rank() const { return int(m_extents.size()); }
    Shape shape() const;
    // shape()[axis], without the vector.
    std::int64_t length(int axis) const { return m_starts[std::size_t(axis)].back(); }
    const std::vector<std::int64_t> &extents(int axis) const { return m_extents[axis]; }
    const std::vector<std::vector<std::int64_t>> &allExtents() const { return m_extents; }

    // Number of chunks along each axis.
    Shape gridShape() const;
    std::int64_t blockCount() const;

    Shape blockShape(const BlockIndex &index) const;
    // isWhole(region, blockShape(index)) without the shape's vector: the planner asks it of every
    // operand of every block it plans.
    bool isWholeBlock(const BlockIndex &index, const Region &region) const;
    // Elements of block `flat`: elementCount(blockShape(unflatten(flat))) without the two vectors,
    // for loops over every block of an array (100,000 on the many-tasks bench).
    std::int64_t blockElementCount(std::int64_t flat) const;
    // Offset of the block's first element along each axis.
    std::vector<std::int64_t> blockOffset(const BlockIndex &index) const;

    BlockIndex unflatten(std::int64_t flat) const;
    std::int64_t flatten(const BlockIndex &index) const;

    // The chunk of `axis` containing global position `position`, and its start.
    int chunkContaining(int axis, std::int64_t position) const;
    std::int64_t chunkStart(int axis, int chunk) const;

    // "((4, 4, 4), (721,), (1440,))" shortened when long: "4 x 365 along axis 0".
    QString describe() const;

    bool operator==(const Chunks &other) const = default;

private:
    std::vector<std::vector<std::int64_t>> m_extents;
    std::vector<std::vector<std::int64_t>> m_starts; // prefix sums, one longer than extents
};

// Key of one block of a named array, as sent on the wire: "x:3.0.0".
QString blockKey(const QString &arrayName, const BlockIndex &index);

} // namespace tessera
