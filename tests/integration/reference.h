// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Reference values for the integration tests, computed straight from the files with netcdf-cxx4 and
// plain loops: independent of Tessera's reader, kernels and planner, which are what is under test.

#include "core/ndarray.h"

#include <netcdf>

#include <QFile>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace reference {

using tessera::Shape;

inline const double notANumber = std::numeric_limits<double>::quiet_NaN();

// A dense row-major array of doubles: the reference's own, so no Tessera code computes it.
struct Array
{
    Shape shape;
    std::vector<double> values;

    double scalar() const { return values.at(0); }
};

inline std::vector<std::int64_t> stridesOf(const Shape &shape)
{
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (int axis = int(shape.size()) - 2; axis >= 0; --axis)
        strides[std::size_t(axis)] = strides[std::size_t(axis) + 1] * shape[std::size_t(axis) + 1];
    return strides;
}

inline std::int64_t countOf(const Shape &shape)
{
    std::int64_t count = 1;
    for (std::int64_t extent : shape)
        count *= extent;
    return count;
}

// Multi-index of a flat position.
inline std::vector<std::int64_t> unflatten(std::int64_t flat, const Shape &shape)
{
    std::vector<std::int64_t> index(shape.size());
    for (int axis = int(shape.size()) - 1; axis >= 0; --axis) {
        index[std::size_t(axis)] = flat % shape[std::size_t(axis)];
        flat /= shape[std::size_t(axis)];
    }
    return index;
}

inline std::string fileName(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

inline std::vector<double> numericAttribute(const netCDF::NcVar &var, const char *name)
{
    const auto attributes = var.getAtts();
    const auto found = attributes.find(name);
    if (found == attributes.end())
        return {};
    std::vector<double> values(found->second.getAttLength());
    found->second.getValues(values.data());
    return values;
}

// Decoded as netCDF4-python shows it: packed * scale_factor + add_offset, and NaN where the
// stored value is _FillValue or one of missing_value. Only the variables' own attributes are used.
inline Array readDecoded(const QString &path, const std::string &name)
{
    const netCDF::NcFile file(fileName(path), netCDF::NcFile::read);
    const netCDF::NcVar var = file.getVar(name);
    Array array;
    for (const netCDF::NcDim &dim : var.getDims())
        array.shape.push_back(std::int64_t(dim.getSize()));
    std::vector<double> stored(std::size_t(countOf(array.shape)));
    var.getVar(stored.data()); // netCDF converts int16 -> double exactly
    const std::vector<double> scale = numericAttribute(var, "scale_factor");
    const std::vector<double> offset = numericAttribute(var, "add_offset");
    std::vector<double> masked = numericAttribute(var, "_FillValue");
    const std::vector<double> missing = numericAttribute(var, "missing_value");
    masked.insert(masked.end(), missing.begin(), missing.end());
    array.values.reserve(stored.size());
    for (double value : stored) {
        if (std::find(masked.begin(), masked.end(), value) != masked.end())
            array.values.push_back(notANumber);
        else
            array.values.push_back(value * (scale.empty() ? 1.0 : scale[0]) + (offset.empty() ? 0.0 : offset[0]));
    }
    return array;
}

// Files stacked along their first dimension, in the order given.
inline Array readStack(const QStringList &files, const std::string &name)
{
    Array stack;
    for (const QString &file : files) {
        Array part = readDecoded(file, name);
        if (stack.shape.empty()) {
            stack.shape = part.shape;
        } else {
            stack.shape[0] += part.shape[0];
        }
        stack.values.insert(stack.values.end(), part.values.begin(), part.values.end());
    }
    return stack;
}

inline std::string textAttribute(const QString &path, const std::string &var, const std::string &name)
{
    const netCDF::NcFile file(fileName(path), netCDF::NcFile::read);
    std::string text;
    file.getVar(var).getAtt(name).getValues(text);
    return text;
}

// --- Indexing with Python's rules -----------------------------------------------------------------

struct Pick
{
    bool isIndex = false;
    std::int64_t index = 0;
    std::optional<std::int64_t> start;
    std::optional<std::int64_t> stop;
    std::int64_t step = 1;
};

inline Pick at(std::int64_t index)
{
    return Pick{true, index, {}, {}, 1};
}
inline Pick all()
{
    return Pick{};
}
inline Pick range(std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step = 1)
{
    return Pick{false, 0, start, stop, step};
}

// The positions a slice visits on an axis of `extent`, as CPython's PySlice_AdjustIndices.
inline std::vector<std::int64_t> slicePositions(const Pick &pick, std::int64_t extent)
{
    const std::int64_t step = pick.step;
    auto adjust = [&](std::optional<std::int64_t> value, std::int64_t whenMissing) {
        if (!value)
            return whenMissing;
        std::int64_t v = *value;
        if (v < 0) {
            v += extent;
            if (v < 0)
                v = step < 0 ? -1 : 0;
        } else if (v >= extent) {
            v = step < 0 ? extent - 1 : extent;
        }
        return v;
    };
    const std::int64_t start = adjust(pick.start, step < 0 ? extent - 1 : 0);
    const std::int64_t stop = adjust(pick.stop, step < 0 ? -1 : extent);
    std::vector<std::int64_t> positions;
    for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
        positions.push_back(i);
    return positions;
}

// x[picks...]; axes without a pick are taken whole.
inline Array select(const Array &x, std::vector<Pick> picks)
{
    while (picks.size() < x.shape.size())
        picks.push_back(all());
    std::vector<std::vector<std::int64_t>> positions;
    Array out;
    for (std::size_t axis = 0; axis < x.shape.size(); ++axis) {
        const Pick &pick = picks[axis];
        if (pick.isIndex) {
            positions.push_back({pick.index < 0 ? pick.index + x.shape[axis] : pick.index});
        } else {
            positions.push_back(slicePositions(pick, x.shape[axis]));
            out.shape.push_back(std::int64_t(positions.back().size()));
        }
    }
    const std::vector<std::int64_t> strides = stridesOf(x.shape);
    Shape walk;
    for (const auto &axisPositions : positions)
        walk.push_back(std::int64_t(axisPositions.size()));
    for (std::int64_t flat = 0; flat < countOf(walk); ++flat) {
        const std::vector<std::int64_t> index = unflatten(flat, walk);
        std::int64_t source = 0;
        for (std::size_t axis = 0; axis < index.size(); ++axis)
            source += positions[axis][std::size_t(index[axis])] * strides[axis];
        out.values.push_back(x.values[std::size_t(source)]);
    }
    return out;
}

// Coordinate values picked the same way (for checking that slices keep their coordinates).
inline std::vector<double> selectCoordinates(const std::vector<double> &values, const Pick &pick)
{
    std::vector<double> out;
    for (std::int64_t i : slicePositions(pick, std::int64_t(values.size())))
        out.push_back(values[std::size_t(i)]);
    return out;
}

// --- Reductions, skipping NaN as xarray does ------------------------------------------------------

enum class Reduce { Sum, Mean, Min, Max, Var, Std };

inline std::vector<int> everyAxis(const Array &x)
{
    std::vector<int> axes;
    for (int axis = 0; axis < int(x.shape.size()); ++axis)
        axes.push_back(axis);
    return axes;
}

// Two passes in long double: sums first, then squared deviations from the mean.
inline Array reduce(const Array &x, Reduce op, std::vector<int> axes, int ddof = 0)
{
    const int rank = int(x.shape.size());
    for (int &axis : axes)
        axis = axis < 0 ? axis + rank : axis;
    auto reduced = [&](int axis) {
        return std::find(axes.begin(), axes.end(), axis) != axes.end();
    };
    Array out;
    for (int axis = 0; axis < rank; ++axis) {
        if (!reduced(axis))
            out.shape.push_back(x.shape[std::size_t(axis)]);
    }
    const std::size_t outCount = std::size_t(countOf(out.shape));
    std::vector<std::size_t> target(x.values.size());
    for (std::size_t flat = 0; flat < x.values.size(); ++flat) {
        const std::vector<std::int64_t> index = unflatten(std::int64_t(flat), x.shape);
        std::size_t position = 0;
        for (int axis = 0; axis < rank; ++axis) {
            if (!reduced(axis))
                position = position * std::size_t(x.shape[std::size_t(axis)]) + std::size_t(index[std::size_t(axis)]);
        }
        target[flat] = position;
    }
    std::vector<long double> sum(outCount, 0), squares(outCount, 0);
    std::vector<std::int64_t> count(outCount, 0);
    std::vector<double> low(outCount, notANumber), high(outCount, notANumber);
    for (std::size_t flat = 0; flat < x.values.size(); ++flat) {
        const double value = x.values[flat];
        if (std::isnan(value))
            continue;
        const std::size_t o = target[flat];
        sum[o] += value;
        low[o] = count[o] ? std::min(low[o], value) : value;
        high[o] = count[o] ? std::max(high[o], value) : value;
        ++count[o];
    }
    for (std::size_t flat = 0; flat < x.values.size(); ++flat) {
        const double value = x.values[flat];
        if (std::isnan(value))
            continue;
        const std::size_t o = target[flat];
        const long double deviation = value - sum[o] / count[o];
        squares[o] += deviation * deviation;
    }
    for (std::size_t o = 0; o < outCount; ++o) {
        const long double n = count[o];
        switch (op) {
        case Reduce::Sum: out.values.push_back(double(sum[o])); break;
        case Reduce::Mean: out.values.push_back(count[o] ? double(sum[o] / n) : notANumber); break;
        case Reduce::Min: out.values.push_back(low[o]); break;
        case Reduce::Max: out.values.push_back(high[o]); break;
        case Reduce::Var:
        case Reduce::Std: {
            const double variance = count[o] > ddof ? double(squares[o] / (n - ddof)) : notANumber;
            out.values.push_back(op == Reduce::Var ? variance : std::sqrt(variance));
            break;
        }
        }
    }
    return out;
}

// --- Elementwise ------------------------------------------------------------------------------

inline Array map(const Array &x, const std::function<double(double)> &f)
{
    Array out{x.shape, {}};
    out.values.reserve(x.values.size());
    for (double value : x.values)
        out.values.push_back(f(value));
    return out;
}

// numpy broadcasting, shapes aligned at the right.
inline Array combine(const Array &a, const Array &b, const std::function<double(double, double)> &f)
{
    const std::size_t rank = std::max(a.shape.size(), b.shape.size());
    auto padded = [rank](const Shape &shape) {
        Shape out(rank - shape.size(), 1);
        out.insert(out.end(), shape.begin(), shape.end());
        return out;
    };
    const Shape as = padded(a.shape), bs = padded(b.shape);
    Array out;
    for (std::size_t axis = 0; axis < rank; ++axis)
        out.shape.push_back(std::max(as[axis], bs[axis]));
    const std::vector<std::int64_t> aStrides = stridesOf(as), bStrides = stridesOf(bs);
    for (std::int64_t flat = 0; flat < countOf(out.shape); ++flat) {
        const std::vector<std::int64_t> index = unflatten(flat, out.shape);
        std::int64_t ai = 0, bi = 0;
        for (std::size_t axis = 0; axis < rank; ++axis) {
            ai += (as[axis] == 1 ? 0 : index[axis]) * aStrides[axis];
            bi += (bs[axis] == 1 ? 0 : index[axis]) * bStrides[axis];
        }
        out.values.push_back(f(a.values[std::size_t(ai)], b.values[std::size_t(bi)]));
    }
    return out;
}

inline Array scalar(double value)
{
    return Array{{}, {value}};
}

// --- What tessera-cli prints for an array: NaN-skipping sum, min and max ------------------------

struct Summary
{
    double sum = 0;
    double min = 0;
    double max = 0;
};

inline Summary summarize(const Array &array)
{
    Summary summary;
    long double sum = 0;
    bool first = true;
    for (double value : array.values) {
        if (std::isnan(value))
            continue;
        sum += value;
        summary.min = first ? value : std::min(summary.min, value);
        summary.max = first ? value : std::max(summary.max, value);
        first = false;
    }
    summary.sum = double(sum);
    return summary;
}

inline bool near(double actual, double expected, double relative)
{
    return std::abs(actual - expected) <= relative * std::abs(expected);
}

// --- Comparison -------------------------------------------------------------------------------

// Empty when `actual` equals `expected` element-wise: NaN where NaN is expected, otherwise within
// relative * max(|expected|, floor) (relative 0: bit-for-bit equal values). Else the first mismatch.
inline QString mismatch(const tessera::NdArray &actual, const Array &expected, double relative, double floor = 0)
{
    if (actual.shape() != expected.shape) {
        return QStringLiteral("shape %1, expected %2")
            .arg(tessera::shapeToString(actual.shape()), tessera::shapeToString(expected.shape));
    }
    int reported = 0;
    QString text;
    std::int64_t wrong = 0;
    for (std::int64_t i = 0; i < actual.size(); ++i) {
        const double a = actual.at(i);
        const double e = expected.values[std::size_t(i)];
        const bool same =
            std::isnan(e) ? std::isnan(a) : (relative == 0 ? a == e : std::abs(a - e) <= relative * std::max(std::abs(e), floor));
        if (same)
            continue;
        ++wrong;
        if (reported++ < 3) {
            text += QStringLiteral("[%1] is %2, expected %3; ").arg(i).arg(a, 0, 'g', 17).arg(e, 0, 'g', 17);
        }
    }
    return wrong ? QStringLiteral("%1 of %2 values differ: %3").arg(wrong).arg(actual.size()).arg(text) : QString();
}

} // namespace reference
