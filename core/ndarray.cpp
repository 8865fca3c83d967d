// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/ndarray.h"

#include "core/blockallocator.h"

#include <QStringList>

#include <algorithm>
#include <cassert>

namespace tessera {

std::int64_t elementCount(const Shape &shape)
{
    std::int64_t count = 1;
    for (std::int64_t extent : shape)
        count *= extent;
    return count;
}

std::optional<std::int64_t> checkedByteSize(const Shape &shape)
{
    if (shape.size() > std::size_t(MaxRank))
        return std::nullopt;
    std::int64_t bytes = std::int64_t(sizeof(double));
    bool empty = false;
    for (std::int64_t extent : shape) {
        if (extent < 0)
            return std::nullopt;
        empty = empty || extent == 0;
        if (!empty && (extent > MaxBlockBytes || __builtin_mul_overflow(bytes, extent, &bytes) || bytes > MaxBlockBytes))
            return std::nullopt;
    }
    return empty ? 0 : bytes;
}

QString shapeToString(const Shape &shape)
{
    QStringList parts;
    for (std::int64_t extent : shape)
        parts << QString::number(extent);
    if (shape.size() == 1)
        return QStringLiteral("(") + parts.front() + QStringLiteral(",)");
    return QStringLiteral("(") + parts.join(QStringLiteral(", ")) + QStringLiteral(")");
}

bool sameUpToUnitAxes(const Shape &a, const Shape &b)
{
    Shape left;
    Shape right;
    std::copy_if(a.begin(), a.end(), std::back_inserter(left), [](std::int64_t extent) { return extent != 1; });
    std::copy_if(b.begin(), b.end(), std::back_inserter(right), [](std::int64_t extent) { return extent != 1; });
    return left == right;
}

std::vector<std::int64_t> rowMajorStrides(const Shape &shape)
{
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (int axis = int(shape.size()) - 2; axis >= 0; --axis)
        strides[axis] = strides[axis + 1] * shape[axis + 1];
    return strides;
}

NdArray::NdArray(Shape shape)
    : m_shape(std::move(shape))
    , m_size(elementCount(m_shape))
{
    const std::size_t bytes = std::size_t(std::max<std::int64_t>(m_size, 1)) * sizeof(double);
    auto *values = static_cast<double *>(blockallocator::allocate(bytes));
    m_data = std::shared_ptr<double[]>(values, [bytes](double *pointer) { blockallocator::release(pointer, bytes); });
}

NdArray NdArray::filled(Shape shape, double value)
{
    NdArray array(std::move(shape));
    std::fill_n(array.data(), array.size(), value);
    array.m_mayHaveNan = value != value;
    return array;
}

NdArray NdArray::scalar(double value)
{
    return filled({}, value);
}

NdArray NdArray::fromVector(Shape shape, const std::vector<double> &values)
{
    NdArray array(std::move(shape));
    assert(std::int64_t(values.size()) == array.size());
    std::copy(values.begin(), values.end(), array.data());
    return array;
}

NdArray NdArray::fromBuffer(Shape shape, const ByteBuffer &buffer)
{
    NdArray array;
    array.m_shape = std::move(shape);
    array.m_size = elementCount(array.m_shape);
    assert(buffer.size() == array.m_size * std::int64_t(sizeof(double)));
    array.m_data = std::shared_ptr<double[]>(buffer.storage(), reinterpret_cast<double *>(buffer.storage().get()));
    return array;
}

NdArray NdArray::reshaped(Shape shape) const
{
    assert(elementCount(shape) == m_size);
    NdArray view = *this;
    view.m_shape = std::move(shape);
    return view;
}

NdArray NdArray::view(std::int64_t offset, Shape shape) const
{
    assert(offset >= 0 && offset + elementCount(shape) <= m_size);
    NdArray result;
    result.m_size = elementCount(shape);
    result.m_shape = std::move(shape);
    result.m_data = std::shared_ptr<double[]>(m_data, m_data.get() + offset);
    result.m_mayHaveNan = m_mayHaveNan;
    return result;
}

} // namespace tessera
