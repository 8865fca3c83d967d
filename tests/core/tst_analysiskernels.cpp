// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The whole-dimension kernels against references computed another way: pieces against direct
// indexing, quantiles against numpy's formula over a sorted copy, polynomial fits against
// polynomials they must recover and against the normal equations in long double, EOFs against a
// dense SVD of the whole field (Eigen's JacobiSVD).

#include "core/kernels/analysis.h"

#include <Eigen/Dense>

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace tessera;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(tessera::Shape)

namespace {

constexpr double missing = std::numeric_limits<double>::quiet_NaN();

NdArray randomArray(const Shape &shape, quint32 seed)
{
    QRandomGenerator random(seed);
    NdArray array(shape);
    for (std::int64_t i = 0; i < array.size(); ++i)
        array.data()[i] = 250 + 50 * random.generateDouble();
    return array;
}

// Element `index` (multi-index) of a row-major array.
double at(const NdArray &array, const std::vector<std::int64_t> &index)
{
    const std::vector<std::int64_t> strides = rowMajorStrides(array.shape());
    std::int64_t flat = 0;
    for (std::size_t axis = 0; axis < index.size(); ++axis)
        flat += index[axis] * strides[axis];
    return array.at(flat);
}

std::vector<std::int64_t> unflatten(std::int64_t flat, const Shape &shape)
{
    std::vector<std::int64_t> index(shape.size());
    for (int axis = int(shape.size()) - 1; axis >= 0; --axis) {
        index[std::size_t(axis)] = flat % shape[std::size_t(axis)];
        flat /= shape[std::size_t(axis)];
    }
    return index;
}

// numpy's documented 'linear' method: sorted values v, h = (n - 1) q, result v[floor h] +
// (h - floor h) (v[floor h + 1] - v[floor h]).
double numpyQuantile(std::vector<double> values, double q)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    if (values.empty())
        return missing;
    std::sort(values.begin(), values.end());
    const double h = double(values.size() - 1) * q;
    const auto low = std::size_t(h);
    if (low + 1 >= values.size())
        return values.back();
    return values[low] + (h - double(low)) * (values[low + 1] - values[low]);
}

} // namespace

class TestAnalysisKernels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void piecesAssembleWhatIndexingReads_data();
    void piecesAssembleWhatIndexingReads();
    void badPiecesAreRefused();
    void quantilesAsNumpy_data();
    void quantilesAsNumpy();
    void polyfitRecoversPolynomials();
    void polyfitMatchesNormalEquations();
    void eofsMatchDenseSvd_data();
    void eofsMatchDenseSvd();
};

void TestAnalysisKernels::piecesAssembleWhatIndexingReads_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<Shape>("cuts"); // pieces along each axis: evenly cut, the last ragged
    QTest::newRow("1-D, 3 pieces") << Shape{10} << Shape{3};
    QTest::newRow("2-D, 2 x 3") << Shape{7, 11} << Shape{2, 3};
    QTest::newRow("3-D, time pieces") << Shape{9, 5, 8} << Shape{4, 1, 1};
    QTest::newRow("4-D") << Shape{3, 4, 5, 6} << Shape{2, 2, 1, 3};
    QTest::newRow("5-D") << Shape{2, 3, 2, 3, 4} << Shape{2, 1, 2, 3, 2};
}

void TestAnalysisKernels::piecesAssembleWhatIndexingReads()
{
    QFETCH(Shape, shape);
    QFETCH(Shape, cuts);
    // A source array; each piece is a region of it (the rest of the block around it is noise),
    // so the assembled block must equal the source.
    const NdArray source = randomArray(shape, 7);
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> spans(shape.size()); // start, count
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const std::int64_t step = (shape[axis] + cuts[axis] - 1) / cuts[axis];
        for (std::int64_t start = 0; start < shape[axis]; start += step)
            spans[axis].push_back({start, std::min(step, shape[axis] - start)});
    }
    Shape grid;
    for (const auto &axisSpans : spans)
        grid.push_back(std::int64_t(axisSpans.size()));
    std::vector<NdArray> blocks;
    std::vector<Region> regions;
    std::vector<Shape> pieceShapes;
    for (std::int64_t piece = 0; piece < elementCount(grid); ++piece) {
        const std::vector<std::int64_t> index = unflatten(piece, grid);
        // The piece sits at offset 1 inside a block one larger on every axis.
        Shape blockShape;
        Region region;
        Shape pieceShape;
        for (std::size_t axis = 0; axis < shape.size(); ++axis) {
            const auto [start, count] = spans[axis][std::size_t(index[axis])];
            blockShape.push_back(count + 2);
            region.push_back({1, count, 1, false});
            pieceShape.push_back(count);
        }
        NdArray block = randomArray(blockShape, quint32(100 + piece));
        for (std::int64_t flat = 0; flat < elementCount(pieceShape); ++flat) {
            std::vector<std::int64_t> inPiece = unflatten(flat, pieceShape);
            std::vector<std::int64_t> inBlock = inPiece;
            std::vector<std::int64_t> inSource = inPiece;
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                inBlock[axis] += 1;
                inSource[axis] += spans[axis][std::size_t(index[axis])].first;
            }
            const std::vector<std::int64_t> strides = rowMajorStrides(blockShape);
            std::int64_t target = 0;
            for (std::size_t axis = 0; axis < shape.size(); ++axis)
                target += inBlock[axis] * strides[axis];
            block.data()[target] = at(source, inSource);
        }
        // Every other piece arrives already cut, as a peer sends it.
        if (piece % 2) {
            NdArray cut(pieceShape);
            for (std::int64_t flat = 0; flat < cut.size(); ++flat) {
                std::vector<std::int64_t> inBlock = unflatten(flat, pieceShape);
                for (std::int64_t &i : inBlock)
                    ++i;
                cut.data()[flat] = at(block, inBlock);
            }
            blocks.push_back(cut);
            regions.push_back({});
        } else {
            blocks.push_back(block);
            regions.push_back(region);
        }
        pieceShapes.push_back(pieceShape);
    }
    QVERIFY(checkPieces(pieceShapes, grid, shape).isOk());
    const NdArray assembled = assemblePieces(blocks, regions, grid, shape);
    QCOMPARE(assembled.shape(), shape);
    for (std::int64_t i = 0; i < source.size(); ++i)
        QCOMPARE(assembled.at(i), source.at(i));
}

void TestAnalysisKernels::badPiecesAreRefused()
{
    // Two pieces along axis 0 that leave a row out, overlap, or do not line up.
    QVERIFY(!checkPieces({{3, 4}, {4, 4}}, {2, 1}, {8, 4}).isOk());
    QVERIFY(!checkPieces({{5, 4}, {4, 4}}, {2, 1}, {8, 4}).isOk());
    QVERIFY(!checkPieces({{4, 4}, {4, 3}}, {2, 1}, {8, 4}).isOk());
    QVERIFY(!checkPieces({{4, 4}}, {2, 1}, {8, 4}).isOk());                         // a piece missing
    QVERIFY(!checkPieces({{4}, {4, 4}}, {2, 1}, {8, 4}).isOk());                    // a piece that drops an axis
    QVERIFY(!checkPieces({{2, 2}, {2, 2}, {2, 1}, {2, 2}}, {2, 2}, {4, 4}).isOk()); // a ragged row
    QVERIFY(checkPieces({{4, 4}, {4, 4}}, {2, 1}, {8, 4}).isOk());
    QVERIFY(checkPieces({{2, 3}, {2, 1}, {2, 3}, {2, 1}}, {2, 2}, {4, 4}).isOk());
}

void TestAnalysisKernels::quantilesAsNumpy_data()
{
    QTest::addColumn<int>("axis");
    QTest::newRow("time first") << 0;
    QTest::newRow("middle") << 1;
    QTest::newRow("time last") << 2;
}

void TestAnalysisKernels::quantilesAsNumpy()
{
    QFETCH(int, axis);
    const Shape shape{13, 6, 17}; // 17: two tiles of eight cells and one more
    NdArray block = randomArray(shape, 11);
    for (std::int64_t i = 0; i < block.size(); i += 7)
        block.data()[i] = missing;
    for (std::int64_t step = 0; step < shape[std::size_t(axis)]; ++step) { // one cell with no values
        std::vector<std::int64_t> index{0, 0, 0};
        index[std::size_t(axis)] = step;
        const std::vector<std::int64_t> strides = rowMajorStrides(shape);
        block.data()[index[0] * strides[0] + index[1] * strides[1] + index[2]] = missing;
    }
    const std::vector<double> q{0.0, 0.1, 0.5, 0.9, 1.0};
    const NdArray got = quantileAlong(block, axis, q, true);
    Shape rest = shape;
    rest.erase(rest.begin() + axis);
    QCOMPARE(got.shape(), (Shape{5, rest[0], rest[1]}));
    for (std::int64_t cell = 0; cell < rest[0] * rest[1]; ++cell) {
        std::vector<double> values;
        for (std::int64_t step = 0; step < shape[std::size_t(axis)]; ++step) {
            std::vector<std::int64_t> index = unflatten(cell, rest);
            index.insert(index.begin() + axis, step);
            values.push_back(at(block, index));
        }
        for (std::size_t k = 0; k < q.size(); ++k) {
            const double expected = numpyQuantile(values, q[k]);
            const double actual = got.at(std::int64_t(k) * rest[0] * rest[1] + cell);
            QVERIFY2(std::isnan(expected) ? std::isnan(actual) : std::abs(actual - expected) <= 1e-12 * std::abs(expected),
                     qPrintable(u"cell %1 q %2: %3, numpy's formula %4"_s.arg(cell).arg(q[k]).arg(actual).arg(expected)));
        }
    }
    QCOMPARE(quantileAlong(block, axis, {0.5}, false).shape(), rest);
}

void TestAnalysisKernels::polyfitRecoversPolynomials()
{
    // x in hours since 1900, as ERA files have it: about 1e6, where the raw Vandermonde matrix
    // of degree 2 squares to 1e24 and normal equations lose every digit.
    const std::int64_t steps = 40;
    std::vector<double> x;
    for (std::int64_t step = 0; step < steps; ++step)
        x.push_back(999312 + 6.0 * double(step));
    const Shape shape{steps, 3};
    NdArray block(shape);
    // Cell c: y = a_c (x - 1e6)^2 + b_c (x - 1e6) + c_c, written around 1e6 so the values are tame.
    const double a[3] = {1e-4, -2e-5, 0}, b[3] = {0.01, 0.5, -3}, c[3] = {280, 250, 0.25};
    for (std::int64_t step = 0; step < steps; ++step) {
        for (int cell = 0; cell < 3; ++cell) {
            const double u = x[std::size_t(step)] - 1e6;
            block.data()[step * 3 + cell] = a[cell] * u * u + b[cell] * u + c[cell];
        }
    }
    block.data()[5 * 3 + 1] = missing; // a missing step in cell 1
    const NdArray got = polyfitAlong(block, 0, x, 2);
    QCOMPARE(got.shape(), (Shape{3, 3}));
    for (int cell = 0; cell < 3; ++cell) {
        // In x itself: a x^2 + (b - 2 a 1e6) x + (a 1e12 - b 1e6 + c), highest degree first.
        const double expected[3] = {a[cell], b[cell] - 2 * a[cell] * 1e6, a[cell] * 1e12 - b[cell] * 1e6 + c[cell]};
        for (int k = 0; k < 3; ++k) {
            const double actual = got.at(k * 3 + cell);
            const double scale = std::max({std::abs(expected[k]), 1e-3});
            QVERIFY2(std::abs(actual - expected[k]) <= 1e-6 * scale, qPrintable(u"cell %1 degree %2: %3, expected %4"_s.arg(cell)
                                                                                    .arg(2 - k)
                                                                                    .arg(actual, 0, 'g', 17)
                                                                                    .arg(expected[k], 0, 'g', 17)));
        }
    }
    // A cell with fewer values than coefficients has no fit.
    NdArray sparse = NdArray::filled({4, 1}, missing);
    sparse.data()[0] = 1;
    sparse.data()[2] = 2;
    const NdArray none = polyfitAlong(sparse, 0, {0, 1, 2, 3}, 2);
    QVERIFY(std::isnan(none.at(0)) && std::isnan(none.at(1)) && std::isnan(none.at(2)));
}

void TestAnalysisKernels::polyfitMatchesNormalEquations()
{
    // Degree 1 on noisy data over x = 0..n-1 (tame x): the normal equations in long double are exact enough.
    const std::int64_t steps = 25;
    const NdArray block = randomArray({steps, 4, 5}, 3);
    std::vector<double> x;
    for (std::int64_t step = 0; step < steps; ++step)
        x.push_back(double(step));
    const NdArray got = polyfitAlong(block, 0, x, 1);
    for (std::int64_t cell = 0; cell < 20; ++cell) {
        long double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (std::int64_t step = 0; step < steps; ++step) {
            const long double xs = x[std::size_t(step)], y = block.at(step * 20 + cell);
            sx += xs;
            sy += y;
            sxx += xs * xs;
            sxy += xs * y;
        }
        const long double n = steps;
        const long double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        const long double intercept = (sy - slope * sx) / n;
        QVERIFY(std::abs(got.at(cell) - double(slope)) <= 1e-10 * std::max(1.0, std::abs(double(slope))));
        QVERIFY(std::abs(got.at(20 + cell) - double(intercept)) <= 1e-10 * std::abs(double(intercept)));
    }
}

void TestAnalysisKernels::eofsMatchDenseSvd_data()
{
    QTest::addColumn<int>("axis");
    QTest::newRow("time first") << 0;
    QTest::newRow("time last") << 1;
}

void TestAnalysisKernels::eofsMatchDenseSvd()
{
    QFETCH(int, axis);
    // A field of 30 steps over 24 cells with two planted patterns and noise, cut into three
    // blocks of cells; the sum of their Gram matrices is the field's.
    const int steps = 30, cells = 24, modes = 3;
    QRandomGenerator random(5);
    Eigen::MatrixXd field(steps, cells); // steps x cells
    for (int t = 0; t < steps; ++t) {
        for (int s = 0; s < cells; ++s)
            field(t, s) = 3 * std::sin(0.3 * t) * std::cos(0.5 * s) + 1.5 * std::cos(0.7 * t + 1) * std::sin(0.2 * s * s)
                          + 0.2 * random.generateDouble() + 270;
    }
    const auto blockOf = [&](int first, int count) {
        NdArray block(axis == 0 ? Shape{steps, count} : Shape{count, steps});
        for (int t = 0; t < steps; ++t) {
            for (int s = 0; s < count; ++s)
                block.data()[axis == 0 ? t * count + s : s * steps + t] = field(t, first + s);
        }
        return block;
    };
    const std::vector<NdArray> blocks{blockOf(0, 10), blockOf(10, 10), blockOf(20, 4)};
    NdArray gram = gramAlong(blocks[0], axis);
    for (std::size_t b = 1; b < blocks.size(); ++b) {
        const NdArray more = gramAlong(blocks[b], axis);
        for (std::int64_t i = 0; i < gram.size(); ++i)
            gram.data()[i] += more.at(i);
    }
    const NdArray eigen = eigenModes(gram, modes);
    QCOMPARE(eigen.shape(), (Shape{modes, steps + 2}));

    // The reference: SVD of the anomalies about each cell's mean.
    const Eigen::MatrixXd anomalies = field.rowwise() - field.colwise().mean();
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(anomalies, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const double total = svd.singularValues().squaredNorm();
    for (int mode = 0; mode < modes; ++mode) {
        const double *row = eigen.data() + mode * (steps + 2);
        const double sigma = svd.singularValues()[mode];
        QVERIFY(std::abs(row[0] - sigma * sigma) <= 1e-9 * sigma * sigma);
        QVERIFY(std::abs(row[1] - total) <= 1e-9 * total);
        // Sign: the largest-magnitude element of the time series is positive.
        Eigen::Index largest = 0;
        Eigen::Map<const Eigen::VectorXd>(row + 2, steps).cwiseAbs().maxCoeff(&largest);
        QVERIFY(row[2 + largest] > 0);
        const double sign = (svd.matrixU().col(mode)[largest] > 0) ? 1 : -1;
        for (int t = 0; t < steps; ++t)
            QVERIFY(std::abs(row[2 + t] - sign * svd.matrixU()(t, mode)) <= 1e-8);
        // The pattern, block by block, is V's column with the same sign.
        int first = 0;
        for (const NdArray &block : blocks) {
            const NdArray pattern = projectAlong(block, axis, eigen);
            const int count = int(pattern.shape()[1]);
            for (int s = 0; s < count; ++s)
                QVERIFY2(std::abs(pattern.at(mode * count + s) - sign * svd.matrixV()(first + s, mode)) <= 1e-8,
                         qPrintable(u"mode %1 cell %2"_s.arg(mode).arg(first + s)));
            first += count;
        }
    }
    // A cell with no values has no pattern.
    NdArray holes = blocks[2];
    for (int t = 0; t < steps; ++t)
        holes.data()[axis == 0 ? t * 4 + 1 : 1 * steps + t] = missing;
    const NdArray pattern = projectAlong(holes, axis, eigen);
    QVERIFY(std::isnan(pattern.at(1)) && !std::isnan(pattern.at(0)));
}

QTEST_APPLESS_MAIN(TestAnalysisKernels)
#include "tst_analysiskernels.moc"
