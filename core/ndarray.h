// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tessera {

using Shape = std::vector<std::int64_t>;

std::int64_t elementCount(const Shape &shape);
// The largest block Tessera accepts from anywhere (1 PiB), and the most dimensions.
inline constexpr std::int64_t MaxBlockBytes = std::int64_t(1) << 50;
inline constexpr int MaxRank = 32;
// Bytes of a float64 array of `shape`, or nullopt when an extent is negative, the rank passes
// MaxRank or the size passes MaxBlockBytes: computed without overflow, for shapes from the wire.
std::optional<std::int64_t> checkedByteSize(const Shape &shape);
// "(1460, 721, 1440)", numpy's spelling; "()" for a scalar.
QString shapeToString(const Shape &shape);
// Row-major strides in elements.
std::vector<std::int64_t> rowMajorStrides(const Shape &shape);
// Whether two shapes hold the same values in the same order, extents of 1 aside: (4, 5) and
// (4, 1, 5) do; (4, 5) and (5, 4) do not.
bool sameUpToUnitAxes(const Shape &a, const Shape &b);

// A dense, row-major float64 n-d array. Copies share the buffer (a cheap handle, like a numpy
// array without views); kernels write into new arrays, so shared buffers are never mutated
// behind another holder's back.
class NdArray
{
public:
    NdArray() = default;
    // Uninitialised storage: every kernel overwrites all of it.
    explicit NdArray(Shape shape);

    static NdArray filled(Shape shape, double value);
    static NdArray scalar(double value);
    static NdArray fromVector(Shape shape, const std::vector<double> &values);
    // Adopts a received buffer without copying; buffer.size() must be elementCount(shape) * 8.
    static NdArray fromBuffer(Shape shape, const ByteBuffer &buffer);

    bool isNull() const { return !m_data && m_shape.empty(); }
    const Shape &shape() const { return m_shape; }
    int rank() const { return int(m_shape.size()); }
    std::int64_t size() const { return m_size; }
    std::int64_t byteSize() const { return m_size * std::int64_t(sizeof(double)); }

    double *data() { return m_data.get(); }
    const double *data() const { return m_data.get(); }
    double at(std::int64_t flatIndex) const { return m_data[flatIndex]; }
    const char *bytes() const { return reinterpret_cast<const char *>(m_data.get()); }

    // False only when every value is known not to be NaN; kernels take a fast path then.
    bool mayHaveNan() const { return m_mayHaveNan; }
    void setMayHaveNan(bool mayHaveNan) { m_mayHaveNan = mayHaveNan; }

    // Same buffer, other shape of the same element count.
    NdArray reshaped(Shape shape) const;
    // `shape`'s elements starting at flat element `offset`, sharing this buffer (no copy). Arrays
    // are never written after they are made, so a view stays valid and unchanged.
    NdArray view(std::int64_t offset, Shape shape) const;

private:
    Shape m_shape;
    std::int64_t m_size = 0;
    std::shared_ptr<double[]> m_data;
    bool m_mayHaveNan = true;
};

} // namespace tessera
