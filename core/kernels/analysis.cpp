// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/analysis.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();

// A block read as (before, steps, after) around `axis`, and the shape of what is left without it.
struct AxisView
{
    std::int64_t before = 1;
    std::int64_t steps = 1;
    std::int64_t after = 1;
    Shape rest;

    AxisView(const Shape &shape, int axis)
    {
        for (int i = 0; i < int(shape.size()); ++i) {
            if (i < axis)
                before *= shape[std::size_t(i)];
            else if (i > axis)
                after *= shape[std::size_t(i)];
            if (i != axis)
                rest.push_back(shape[std::size_t(i)]);
        }
        steps = shape[std::size_t(axis)];
    }
    std::int64_t cells() const { return before * after; }
    // Element (cell, step) of the block; cells in the row-major order of `rest`.
    std::int64_t offset(std::int64_t cell, std::int64_t step) const
    {
        return ((cell / after) * steps + step) * after + cell % after;
    }
};

Shape withLeading(std::int64_t extent, const Shape &rest)
{
    Shape shape{extent};
    shape.insert(shape.end(), rest.begin(), rest.end());
    return shape;
}

// The piece's start along each axis of the output, from the extents of the pieces before it.
std::vector<std::int64_t> pieceOffsets(const std::vector<Shape> &shapes, const Shape &grid, std::size_t piece)
{
    const std::vector<std::int64_t> strides = rowMajorStrides(grid);
    std::vector<std::int64_t> offsets(grid.size(), 0);
    for (std::size_t axis = 0; axis < grid.size(); ++axis) {
        const std::int64_t index = (std::int64_t(piece) / strides[axis]) % grid[axis];
        const std::int64_t first = std::int64_t(piece) - index * strides[axis]; // same row, index 0 on this axis
        for (std::int64_t before = 0; before < index; ++before)
            offsets[axis] += shapes[std::size_t(first + before * strides[axis])][axis];
    }
    return offsets;
}

} // namespace

Status checkPieces(const std::vector<Shape> &pieceShapes, const Shape &grid, const Shape &outShape)
{
    if (grid.size() != outShape.size() || std::int64_t(pieceShapes.size()) != elementCount(grid))
        return makeError(ErrorCode::InvalidArgument,
                         u"a rechunk task's grid %1 does not hold its %2 pieces for a block %3"_s.arg(shapeToString(grid))
                             .arg(pieceShapes.size())
                             .arg(shapeToString(outShape)));
    const std::vector<std::int64_t> strides = rowMajorStrides(grid);
    for (std::size_t piece = 0; piece < pieceShapes.size(); ++piece) {
        if (pieceShapes[piece].size() != outShape.size())
            return makeError(
                ErrorCode::InvalidArgument,
                u"rechunk piece %1 has rank %2, the block %3"_s.arg(piece).arg(pieceShapes[piece].size()).arg(outShape.size()));
        // Along each axis a piece is as thick as the piece starting its row there: rows line up.
        for (std::size_t axis = 0; axis < grid.size(); ++axis) {
            const auto lead = std::size_t(((std::int64_t(piece) / strides[axis]) % grid[axis]) * strides[axis]);
            if (pieceShapes[piece][axis] != pieceShapes[lead][axis])
                return makeError(ErrorCode::InvalidArgument,
                                 u"rechunk piece %1 is %2 thick along axis %3, its row's pieces %4"_s.arg(piece)
                                     .arg(pieceShapes[piece][axis])
                                     .arg(axis)
                                     .arg(pieceShapes[lead][axis]));
        }
    }
    for (std::size_t axis = 0; axis < grid.size(); ++axis) {
        std::int64_t extent = 0;
        for (std::int64_t index = 0; index < grid[axis]; ++index)
            extent += pieceShapes[std::size_t(index * strides[axis])][axis];
        if (extent != outShape[axis])
            return makeError(ErrorCode::InvalidArgument,
                             u"rechunk pieces cover %1 of %2 along axis %3"_s.arg(extent).arg(outShape[axis]).arg(axis));
    }
    return Status::ok();
}

NdArray assemblePieces(const std::vector<NdArray> &blocks, const std::vector<Region> &regions, const Shape &grid,
                       const Shape &outShape)
{
    std::vector<Shape> shapes;
    for (std::size_t i = 0; i < blocks.size(); ++i)
        shapes.push_back(regions[i].empty() ? blocks[i].shape() : regionShape(regions[i]));
    NdArray out(outShape);
    const std::vector<std::int64_t> outStrides = rowMajorStrides(outShape);
    const int rank = int(outShape.size());
    for (std::size_t piece = 0; piece < blocks.size(); ++piece) {
        const Shape &shape = shapes[piece];
        if (elementCount(shape) == 0)
            continue;
        const std::vector<std::int64_t> at = pieceOffsets(shapes, grid, piece);
        const std::vector<std::int64_t> inStrides = rowMajorStrides(blocks[piece].shape());
        Region region = regions[piece].empty() ? Region() : regions[piece];
        if (region.empty()) {
            for (std::int64_t extent : blocks[piece].shape())
                region.push_back(AxisSlice::whole(extent));
        }
        // Row by row along the last axis; a row with step 1 is one memcpy.
        std::vector<std::int64_t> index(std::size_t(rank), 0);
        const AxisSlice &last = region.back();
        const double *source = blocks[piece].data();
        double *target = out.data();
        for (;;) {
            std::int64_t from = 0;
            std::int64_t to = 0;
            for (int axis = 0; axis < rank; ++axis) {
                const AxisSlice &slice = region[std::size_t(axis)];
                from += (slice.start + index[std::size_t(axis)] * slice.step) * inStrides[std::size_t(axis)];
                to += (at[std::size_t(axis)] + index[std::size_t(axis)]) * outStrides[std::size_t(axis)];
            }
            if (last.step == 1) {
                std::memcpy(target + to, source + from, std::size_t(last.count) * sizeof(double));
            } else {
                for (std::int64_t i = 0; i < last.count; ++i)
                    target[to + i] = source[from + i * last.step];
            }
            int axis = rank - 2;
            while (axis >= 0 && ++index[std::size_t(axis)] == shape[std::size_t(axis)]) {
                index[std::size_t(axis)] = 0;
                --axis;
            }
            if (axis < 0)
                break;
        }
    }
    return out;
}

namespace {

// numpy's _lerp: exact at both ends, and the same rounding as numpy.
double lerp(double a, double b, double t)
{
    const double difference = b - a;
    return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

// Eight cells at a time: one cache line of each step is read once for all eight.
constexpr std::int64_t cellTile = 8;

} // namespace

NdArray quantileAlong(const NdArray &block, int axis, const std::vector<double> &q, bool leadingAxis)
{
    const AxisView view(block.shape(), axis);
    NdArray out(leadingAxis ? withLeading(std::int64_t(q.size()), view.rest) : view.rest);
    const std::int64_t cells = view.cells();
    std::vector<double> tile(std::size_t(view.steps * cellTile));
    std::vector<double> values;
    values.reserve(std::size_t(view.steps));
    const double *in = block.data();
    for (std::int64_t first = 0; first < cells; first += cellTile) {
        const std::int64_t width = std::min(cellTile, cells - first);
        for (std::int64_t step = 0; step < view.steps; ++step) {
            for (std::int64_t w = 0; w < width; ++w)
                tile[std::size_t(w * view.steps + step)] = in[view.offset(first + w, step)];
        }
        for (std::int64_t w = 0; w < width; ++w) {
            values.clear();
            for (std::int64_t step = 0; step < view.steps; ++step) {
                const double value = tile[std::size_t(w * view.steps + step)];
                if (!std::isnan(value))
                    values.push_back(value);
            }
            std::sort(values.begin(), values.end());
            for (std::size_t k = 0; k < q.size(); ++k) {
                double result = notANumber;
                if (!values.empty()) {
                    const double position = q[k] * double(values.size() - 1);
                    const auto low = std::size_t(std::floor(position));
                    const std::size_t high = std::min(low + 1, values.size() - 1);
                    result = lerp(values[low], values[high], position - double(low));
                }
                out.data()[std::int64_t(k) * cells + first + w] = result;
            }
        }
    }
    return out;
}

namespace {

// The binomial coefficient C(n, k) as a double (degrees are small).
double choose(int n, int k)
{
    double result = 1;
    for (int i = 1; i <= k; ++i)
        result = result * double(n - k + i) / double(i);
    return result;
}

// Coefficients of p(s) = sum c[k] s^k with s = (x - centre) / scale, rewritten in x; ascending.
std::vector<double> unscaled(const Eigen::VectorXd &c, double centre, double scale)
{
    const int degree = int(c.size()) - 1;
    std::vector<double> result(std::size_t(degree + 1), 0.0);
    for (int k = 0; k <= degree; ++k) {
        const double factor = c[k] / std::pow(scale, k);
        for (int j = 0; j <= k; ++j)
            result[std::size_t(j)] += factor * choose(k, j) * std::pow(-centre, k - j);
    }
    return result;
}

Eigen::MatrixXd vandermonde(const std::vector<double> &scaledX, const std::vector<std::int64_t> &rows, int degree)
{
    Eigen::MatrixXd v(Eigen::Index(rows.size()), degree + 1);
    for (Eigen::Index r = 0; r < v.rows(); ++r) {
        double power = 1;
        for (int k = 0; k <= degree; ++k) {
            v(r, k) = power;
            power *= scaledX[std::size_t(rows[std::size_t(r)])];
        }
    }
    return v;
}

} // namespace

NdArray polyfitAlong(const NdArray &block, int axis, const std::vector<double> &x, int degree)
{
    const AxisView view(block.shape(), axis);
    const std::int64_t cells = view.cells();
    NdArray out(withLeading(degree + 1, view.rest));
    double centre = 0;
    for (double value : x)
        centre += value / double(x.size());
    double scale = 0;
    for (double value : x)
        scale = std::max(scale, std::abs(value - centre));
    if (scale == 0)
        scale = 1;
    std::vector<double> scaledX;
    for (double value : x)
        scaledX.push_back((value - centre) / scale);

    std::vector<std::int64_t> allRows(std::size_t(view.steps));
    for (std::int64_t step = 0; step < view.steps; ++step)
        allRows[std::size_t(step)] = step;
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> full(vandermonde(scaledX, allRows, degree));
    const bool fullRank = view.steps > degree && full.rank() == degree + 1;

    const auto write = [&](std::int64_t cell, const Eigen::VectorXd *scaled) {
        const std::vector<double> c =
            scaled ? unscaled(*scaled, centre, scale) : std::vector<double>(std::size_t(degree + 1), notANumber);
        for (int k = 0; k <= degree; ++k) // highest degree first
            out.data()[std::int64_t(k) * cells + cell] = c[std::size_t(degree - k)];
    };
    Eigen::VectorXd y(view.steps);
    std::vector<std::int64_t> rows;
    for (std::int64_t cell = 0; cell < cells; ++cell) {
        rows.clear();
        for (std::int64_t step = 0; step < view.steps; ++step) {
            const double value = block.at(view.offset(cell, step));
            y[step] = value;
            if (!std::isnan(value))
                rows.push_back(step);
        }
        if (std::int64_t(rows.size()) == view.steps && fullRank) {
            const Eigen::VectorXd c = full.solve(y);
            write(cell, &c);
            continue;
        }
        if (std::int64_t(rows.size()) <= degree) {
            write(cell, nullptr);
            continue;
        }
        // Missing steps: this cell's own fit over the steps it has.
        Eigen::VectorXd valid(Eigen::Index(rows.size()));
        for (std::size_t r = 0; r < rows.size(); ++r)
            valid[Eigen::Index(r)] = y[rows[r]];
        const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> own(vandermonde(scaledX, rows, degree));
        if (own.rank() < degree + 1) {
            write(cell, nullptr);
            continue;
        }
        const Eigen::VectorXd c = own.solve(valid);
        write(cell, &c);
    }
    return out;
}

namespace {

// The block's anomalies as a steps x cells matrix; `empty[cell]` when the cell has no value.
Eigen::MatrixXd anomalies(const NdArray &block, const AxisView &view, std::vector<bool> &empty)
{
    Eigen::MatrixXd a(view.steps, view.cells());
    empty.assign(std::size_t(view.cells()), false);
    for (std::int64_t cell = 0; cell < view.cells(); ++cell) {
        double sum = 0;
        std::int64_t count = 0;
        for (std::int64_t step = 0; step < view.steps; ++step) {
            const double value = block.at(view.offset(cell, step));
            if (!std::isnan(value)) {
                sum += value;
                ++count;
            }
        }
        const double mean = count ? sum / double(count) : 0;
        empty[std::size_t(cell)] = count == 0;
        for (std::int64_t step = 0; step < view.steps; ++step) {
            const double value = block.at(view.offset(cell, step));
            a(step, cell) = std::isnan(value) ? 0 : value - mean;
        }
    }
    return a;
}

} // namespace

NdArray gramAlong(const NdArray &block, int axis)
{
    const AxisView view(block.shape(), axis);
    std::vector<bool> empty;
    const Eigen::MatrixXd a = anomalies(block, view, empty);
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(view.steps, view.steps);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(a);
    gram = gram.selfadjointView<Eigen::Lower>();
    NdArray out(Shape{view.steps, view.steps});
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out.data(), view.steps, view.steps) = gram;
    out.setMayHaveNan(false);
    return out;
}

NdArray eigenModes(const NdArray &gram, int modes)
{
    const Eigen::Index steps = gram.shape()[0];
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> matrix(gram.data(), steps,
                                                                                                          steps);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix);
    const double trace = matrix.trace();
    NdArray out(Shape{modes, steps + 2});
    for (int mode = 0; mode < modes; ++mode) {
        const Eigen::Index column = steps - 1 - mode; // eigenvalues ascend
        Eigen::VectorXd vector = solver.eigenvectors().col(column);
        Eigen::Index largest = 0;
        vector.cwiseAbs().maxCoeff(&largest);
        if (vector[largest] < 0)
            vector = -vector;
        double *row = out.data() + std::int64_t(mode) * (steps + 2);
        row[0] = std::max(0.0, solver.eigenvalues()[column]); // rounding may make a zero one negative
        row[1] = trace;
        std::copy(vector.data(), vector.data() + steps, row + 2);
    }
    out.setMayHaveNan(false);
    return out;
}

NdArray projectAlong(const NdArray &block, int axis, const NdArray &modes)
{
    const AxisView view(block.shape(), axis);
    std::vector<bool> empty;
    const Eigen::MatrixXd a = anomalies(block, view, empty);
    const Eigen::Index count = modes.shape()[0];
    Eigen::MatrixXd u(view.steps, count);
    Eigen::VectorXd scale(count);
    for (Eigen::Index mode = 0; mode < count; ++mode) {
        const double *row = modes.data() + mode * (view.steps + 2);
        scale[mode] = row[0] > 0 ? 1 / std::sqrt(row[0]) : 0;
        for (std::int64_t step = 0; step < view.steps; ++step)
            u(step, mode) = row[2 + step];
    }
    const Eigen::MatrixXd patterns = (u.transpose() * a).array().colwise() * scale.array(); // modes x cells
    NdArray out(withLeading(count, view.rest));
    for (Eigen::Index mode = 0; mode < count; ++mode) {
        for (std::int64_t cell = 0; cell < view.cells(); ++cell)
            out.data()[mode * view.cells() + cell] = empty[std::size_t(cell)] ? notANumber : patterns(mode, cell);
    }
    return out;
}

} // namespace tessera
