// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/chunks.h"

#include <QStringList>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <iterator>

namespace tessera {

Chunks::Chunks(std::vector<std::vector<std::int64_t>> extentsPerAxis)
    : m_extents(std::move(extentsPerAxis))
{
    m_starts.reserve(m_extents.size());
    for (const auto &axisExtents : m_extents) {
        std::vector<std::int64_t> starts(axisExtents.size() + 1, 0);
        for (std::size_t i = 0; i < axisExtents.size(); ++i)
            starts[i + 1] = starts[i] + axisExtents[i];
        m_starts.push_back(std::move(starts));
    }
}

Chunks Chunks::single(const Shape &shape)
{
    std::vector<std::vector<std::int64_t>> extents;
    for (std::int64_t extent : shape)
        extents.push_back({extent});
    return Chunks(std::move(extents));
}

Chunks Chunks::alongFirstAxis(const Shape &shape, std::int64_t chunkExtent)
{
    assert(!shape.empty() && chunkExtent > 0);
    std::vector<std::vector<std::int64_t>> extents;
    std::vector<std::int64_t> first;
    for (std::int64_t start = 0; start < shape[0]; start += chunkExtent)
        first.push_back(std::min(chunkExtent, shape[0] - start));
    if (first.empty())
        first.push_back(0); // an empty axis is one empty chunk, as in single() and dask
    extents.push_back(std::move(first));
    for (std::size_t axis = 1; axis < shape.size(); ++axis)
        extents.push_back({shape[axis]});
    return Chunks(std::move(extents));
}

Shape Chunks::shape() const
{
    Shape result;
    for (const auto &starts : m_starts)
        result.push_back(starts.back());
    return result;
}

Shape Chunks::gridShape() const
{
    Shape grid;
    for (const auto &axisExtents : m_extents)
        grid.push_back(std::int64_t(axisExtents.size()));
    return grid;
}

std::int64_t Chunks::blockCount() const
{
    return elementCount(gridShape());
}

bool Chunks::isWholeBlock(const BlockIndex &index, const Region &region) const
{
    if (region.size() != m_extents.size())
        return false;
    for (std::size_t axis = 0; axis < region.size(); ++axis) {
        if (region[axis] != AxisSlice::whole(m_extents[axis][std::size_t(index[axis])]))
            return false;
    }
    return true;
}

Shape Chunks::blockShape(const BlockIndex &index) const
{
    Shape result(index.size());
    for (std::size_t axis = 0; axis < index.size(); ++axis)
        result[axis] = m_extents[axis][index[axis]];
    return result;
}

std::vector<std::int64_t> Chunks::blockOffset(const BlockIndex &index) const
{
    std::vector<std::int64_t> result(index.size());
    for (std::size_t axis = 0; axis < index.size(); ++axis)
        result[axis] = m_starts[axis][index[axis]];
    return result;
}

std::int64_t Chunks::blockElementCount(std::int64_t flat) const
{
    std::int64_t elements = 1;
    for (int axis = rank() - 1; axis >= 0; --axis) {
        const auto count = std::int64_t(m_extents[axis].size());
        elements *= m_extents[axis][std::size_t(flat % count)];
        flat /= count;
    }
    return elements;
}

BlockIndex Chunks::unflatten(std::int64_t flat) const
{
    BlockIndex index(m_extents.size());
    for (int axis = rank() - 1; axis >= 0; --axis) {
        const auto count = std::int64_t(m_extents[axis].size());
        index[axis] = flat % count;
        flat /= count;
    }
    return index;
}

std::int64_t Chunks::flatten(const BlockIndex &index) const
{
    std::int64_t flat = 0;
    for (int axis = 0; axis < rank(); ++axis)
        flat = flat * std::int64_t(m_extents[axis].size()) + index[axis];
    return flat;
}

int Chunks::chunkContaining(int axis, std::int64_t position) const
{
    const auto &starts = m_starts[axis];
    auto it = std::upper_bound(starts.begin(), starts.end(), position);
    return int(it - starts.begin()) - 1;
}

std::int64_t Chunks::chunkStart(int axis, int chunk) const
{
    return m_starts[axis][chunk];
}

QString Chunks::describe() const
{
    QStringList axes;
    for (const auto &axisExtents : m_extents) {
        // Uniform: equal chunks, the last one possibly shorter (never longer).
        const bool uniform =
            !axisExtents.empty() && axisExtents.back() <= axisExtents.front()
            && std::all_of(axisExtents.begin(), axisExtents.end() - 1, [&](std::int64_t e) { return e == axisExtents.front(); });
        if (axisExtents.size() == 1)
            axes << QString::number(axisExtents.front());
        else if (uniform)
            axes << QStringLiteral("%1x%2").arg(axisExtents.size()).arg(axisExtents.front());
        else
            axes << QStringLiteral("%1 chunks").arg(axisExtents.size());
    }
    return QStringLiteral("(") + axes.join(QStringLiteral(", ")) + QStringLiteral(")");
}

// Written into one allocation: a plan names up to a few hundred thousand blocks.
QString blockKey(const QString &arrayName, const BlockIndex &index)
{
    QString key;
    key.reserve(arrayName.size() + 1 + qsizetype(index.size()) * 8);
    key += arrayName;
    key += QLatin1Char(':');
    for (std::size_t axis = 0; axis < index.size(); ++axis) {
        if (axis)
            key += QLatin1Char('.');
        char digits[24];
        const auto written = std::to_chars(std::begin(digits), std::end(digits), index[axis]);
        key += QLatin1StringView(digits, written.ptr - digits);
    }
    return key;
}

} // namespace tessera
