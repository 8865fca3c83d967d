// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/checker.h"
#include "core/kernels/elementwise.h"
#include "core/kernels/slice.h"
#include "core/ops.h"
#include "core/region.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace tessera;

namespace {

struct SliceCase
{
    Shape shape;
    Region region;
};

struct BinaryCase
{
    Shape a;
    Shape b;
    Shape expected;
};

} // namespace

Q_DECLARE_METATYPE(SliceCase)
Q_DECLARE_METATYPE(BinaryCase)
Q_DECLARE_METATYPE(tessera::UnaryOp)
Q_DECLARE_METATYPE(tessera::BinaryOp)

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Random values in [-5, 5] with a fixed seed per shape, and a NaN now and then when asked for.
NdArray randomArray(const Shape &shape, std::uint64_t seed, double nanFraction = 0.0)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> value(-5.0, 5.0);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    NdArray array(shape);
    bool sawNan = false;
    for (std::int64_t i = 0; i < array.size(); ++i) {
        const bool nan = chance(rng) < nanFraction;
        array.data()[i] = nan ? kNan : value(rng);
        sawNan = sawNan || nan;
    }
    array.setMayHaveNan(sawNan);
    return array;
}

// Multi-index of a flat row-major position.
std::vector<std::int64_t> unflatten(std::int64_t flat, const Shape &shape)
{
    std::vector<std::int64_t> index(shape.size());
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    return index;
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

// Exact comparison (NaN equals NaN): the kernels do the same single operation per element as
// the reference, so there is no rounding to allow for.
void compareExactly(const NdArray &actual, const std::vector<double> &expected, const Shape &expectedShape)
{
    QCOMPARE(shapeToString(actual.shape()), shapeToString(expectedShape));
    QCOMPARE(actual.size(), std::int64_t(expected.size()));
    for (std::int64_t i = 0; i < actual.size(); ++i) {
        if (!sameValue(actual.at(i), expected[std::size_t(i)]))
            QFAIL(
                qPrintable(QStringLiteral("element %1: %2, expected %3").arg(i).arg(actual.at(i)).arg(expected[std::size_t(i)])));
    }
}

// numpy's results, element by element, written without the kernels' code.
double referenceUnary(UnaryOp op, double x)
{
    switch (op) {
    case UnaryOp::Negate: return -x;
    case UnaryOp::Abs: return std::fabs(x);
    case UnaryOp::Sqrt: return x < 0 ? kNan : std::sqrt(x);
    case UnaryOp::Exp: return std::exp(x);
    case UnaryOp::Log: return std::log(x);
    case UnaryOp::Log10: return std::log10(x);
    case UnaryOp::Sin: return std::sin(x);
    case UnaryOp::Cos: return std::cos(x);
    case UnaryOp::Tan: return std::tan(x);
    case UnaryOp::Radians: return x * (M_PI / 180);
    case UnaryOp::Degrees: return x * (180 / M_PI);
    case UnaryOp::Floor: return std::floor(x);
    case UnaryOp::Ceil: return std::ceil(x);
    case UnaryOp::IsNan: return x != x ? 1 : 0;
    case UnaryOp::NotNull: return x != x ? 0 : 1;
    case UnaryOp::Not: return x == 0 ? 1 : 0;
    }
    return kNan;
}

double referenceBinary(BinaryOp op, double a, double b)
{
    switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Subtract: return a - b;
    case BinaryOp::Multiply: return a * b;
    case BinaryOp::Divide: return a / b;
    case BinaryOp::Power: return std::pow(a, b);
    case BinaryOp::Less: return a < b;
    case BinaryOp::LessEqual: return a <= b;
    case BinaryOp::Greater: return a > b;
    case BinaryOp::GreaterEqual: return a >= b;
    case BinaryOp::Equal: return a == b;
    case BinaryOp::NotEqual: return a != b;
    case BinaryOp::And: return bool(a) && bool(b);
    case BinaryOp::Or: return bool(a) || bool(b);
    case BinaryOp::Minimum: return a != a || b != b ? kNan : (a < b ? a : b);
    case BinaryOp::Maximum: return a != a || b != b ? kNan : (a > b ? a : b);
    }
    return kNan;
}

} // namespace

class TestKernels : public QObject
{
    Q_OBJECT

private slots:
    void regionHelpers();
    void slice_data();
    void slice();
    void sliceKeepsNanFlag();
    void unary_data();
    void unary();
    void binary_data();
    void binary();
    void binaryNanFlag();
    void select_data();
    void select();
    void divisionByZero();
    void largeScalarOperand_data();
    void largeScalarOperand();
};

void TestKernels::regionHelpers()
{
    const Shape shape{4, 3};
    QVERIFY(isWhole({AxisSlice::whole(4), AxisSlice::whole(3)}, shape));
    QVERIFY(isWhole({}, Shape{}));
    QVERIFY(!isWhole({AxisSlice::whole(4)}, shape));
    QVERIFY(!isWhole({{0, 4, 1, false}, {0, 3, -1, false}}, shape));
    QVERIFY(!isWhole({{1, 3, 1, false}, AxisSlice::whole(3)}, shape));
    QVERIFY(!isWhole({{0, 1, 1, true}, AxisSlice::whole(3)}, Shape{1, 3}));
    QCOMPARE(regionShape({{2, 1, 1, true}, {0, 3, 1, false}}), (Shape{3}));
    QCOMPARE(regionShape({{2, 1, 1, true}}), Shape{});
    QCOMPARE(regionShape({{0, 0, 1, false}, {5, 2, -2, false}}), (Shape{0, 2}));
}

void TestKernels::slice_data()
{
    QTest::addColumn<SliceCase>("sliceCase");
    const auto add = [](const char *name, Shape shape, Region region) {
        QTest::newRow(name) << SliceCase{std::move(shape), std::move(region)};
    };
    add("0-d", {}, {});
    add("1-d whole", {7}, {AxisSlice::whole(7)});
    add("1-d step 2", {7}, {{1, 3, 2, false}});
    add("1-d reversed", {7}, {{6, 7, -1, false}});
    add("1-d step -3", {8}, {{7, 3, -3, false}});
    add("1-d drop", {7}, {{4, 1, 1, true}});
    add("1-d empty", {7}, {{3, 0, 1, false}});
    add("2-d row", {4, 5}, {{2, 1, 1, true}, AxisSlice::whole(5)});
    add("2-d column", {4, 5}, {AxisSlice::whole(4), {3, 1, 1, true}});
    add("2-d block", {6, 9}, {{1, 3, 1, false}, {2, 5, 1, false}});
    add("2-d both reversed", {4, 5}, {{3, 4, -1, false}, {4, 5, -1, false}});
    add("3-d plane", {4, 6, 7}, {{1, 1, 1, true}, AxisSlice::whole(6), AxisSlice::whole(7)});
    add("3-d plane kept axis", {4, 6, 7}, {{2, 1, 1, false}, AxisSlice::whole(6), AxisSlice::whole(7)});
    add("3-d mixed", {5, 6, 7}, {{4, 2, -2, false}, {1, 1, 1, true}, {1, 3, 2, false}});
    add("3-d inner reversed", {3, 4, 5}, {AxisSlice::whole(3), AxisSlice::whole(4), {4, 5, -1, false}});
    add("3-d all dropped", {3, 4, 5}, {{2, 1, 1, true}, {0, 1, 1, true}, {4, 1, 1, true}});
    add("3-d extent 1 axes", {1, 4, 1}, {AxisSlice::whole(1), {1, 2, 1, false}, AxisSlice::whole(1)});
    add("5-d", {3, 2, 4, 1, 5}, {{2, 2, -1, false}, AxisSlice::whole(2), {1, 2, 2, false}, {0, 1, 1, true}, {0, 5, 1, false}});
    add("5-d contiguous tail", {2, 3, 1, 4, 5},
        {{1, 1, 1, true}, {1, 2, 1, false}, AxisSlice::whole(1), AxisSlice::whole(4), AxisSlice::whole(5)});
}

void TestKernels::slice()
{
    QFETCH(SliceCase, sliceCase);
    const NdArray in = randomArray(sliceCase.shape, 11);
    const auto inStrides = rowMajorStrides(sliceCase.shape);

    // Reference: for every output element, the input element it names.
    Shape keptShape;
    std::vector<std::size_t> keptAxes;
    for (std::size_t axis = 0; axis < sliceCase.region.size(); ++axis) {
        if (!sliceCase.region[axis].drop) {
            keptShape.push_back(sliceCase.region[axis].count);
            keptAxes.push_back(axis);
        }
    }
    std::vector<double> expected;
    for (std::int64_t flat = 0; flat < elementCount(keptShape); ++flat) {
        const auto index = unflatten(flat, keptShape);
        std::int64_t source = 0;
        for (std::size_t axis = 0; axis < sliceCase.region.size(); ++axis)
            source += sliceCase.region[axis].start * inStrides[axis];
        for (std::size_t k = 0; k < keptAxes.size(); ++k)
            source += index[k] * sliceCase.region[keptAxes[k]].step * inStrides[keptAxes[k]];
        expected.push_back(in.at(source));
    }
    compareExactly(sliceArray(in, sliceCase.region), expected, keptShape);
}

void TestKernels::sliceKeepsNanFlag()
{
    NdArray clean = randomArray({3, 4}, 5);
    QVERIFY(!sliceArray(clean, {{1, 1, 1, true}, AxisSlice::whole(4)}).mayHaveNan());
    clean.setMayHaveNan(true);
    QVERIFY(sliceArray(clean, {{1, 1, 1, true}, AxisSlice::whole(4)}).mayHaveNan());
}

void TestKernels::unary_data()
{
    QTest::addColumn<UnaryOp>("op");
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<double>("nanFraction");
    QTest::newRow("negate 0-d") << UnaryOp::Negate << Shape{} << 0.0;
    QTest::newRow("negate 3-d nan") << UnaryOp::Negate << Shape{3, 4, 5} << 0.1;
    QTest::newRow("abs 1-d") << UnaryOp::Abs << Shape{17} << 0.0;
    QTest::newRow("abs 2-d nan") << UnaryOp::Abs << Shape{5, 7} << 0.2;
    QTest::newRow("sqrt 1-d odd length") << UnaryOp::Sqrt << Shape{9} << 0.0;
    QTest::newRow("sqrt 5-d nan") << UnaryOp::Sqrt << Shape{2, 3, 1, 4, 3} << 0.1;
    QTest::newRow("sqrt empty") << UnaryOp::Sqrt << Shape{0, 3} << 0.0;
    const std::vector<std::pair<const char *, UnaryOp>> functions = {
        {"exp", UnaryOp::Exp},     {"log", UnaryOp::Log},   {"log10", UnaryOp::Log10},     {"sin", UnaryOp::Sin},
        {"cos", UnaryOp::Cos},     {"tan", UnaryOp::Tan},   {"radians", UnaryOp::Radians}, {"degrees", UnaryOp::Degrees},
        {"floor", UnaryOp::Floor}, {"ceil", UnaryOp::Ceil}, {"isnan", UnaryOp::IsNan},     {"notnull", UnaryOp::NotNull},
        {"not", UnaryOp::Not},
    };
    for (const auto &[name, op] : functions) {
        QTest::addRow("%s 2-d", name) << op << Shape{5, 7} << 0.0;
        QTest::addRow("%s 3-d nan", name) << op << Shape{3, 4, 5} << 0.1;
    }
}

void TestKernels::unary()
{
    QFETCH(UnaryOp, op);
    QFETCH(Shape, shape);
    QFETCH(double, nanFraction);
    const NdArray in = randomArray(shape, 3, nanFraction);
    std::vector<double> expected;
    for (std::int64_t i = 0; i < in.size(); ++i)
        expected.push_back(referenceUnary(op, in.at(i)));
    const NdArray out = unaryKernel(op, in);
    compareExactly(out, expected, shape);
    // The flag may only be cleared where no NaN can come out.
    for (std::int64_t i = 0; i < out.size(); ++i)
        QVERIFY(out.mayHaveNan() || !std::isnan(out.at(i)));
    const bool masks = op == UnaryOp::IsNan || op == UnaryOp::NotNull || op == UnaryOp::Not;
    QCOMPARE(out.mayHaveNan(), !masks
                                   && (in.mayHaveNan()
                                       || !(op == UnaryOp::Negate || op == UnaryOp::Abs || op == UnaryOp::Radians
                                            || op == UnaryOp::Degrees || op == UnaryOp::Floor || op == UnaryOp::Ceil)));
}

void TestKernels::binary_data()
{
    QTest::addColumn<BinaryOp>("op");
    QTest::addColumn<BinaryCase>("shapes");
    const std::vector<std::pair<const char *, BinaryCase>> patterns = {
        {"0-d with 0-d", {{}, {}, {}}},
        {"same 1-d", {{13}, {13}, {13}}},
        {"same 3-d", {{3, 4, 5}, {3, 4, 5}, {3, 4, 5}}},
        {"array with 0-d", {{3, 5}, {}, {3, 5}}},
        {"0-d with array", {{}, {3, 5}, {3, 5}}},
        {"array with (1,)", {{4, 3}, {1}, {4, 3}}},
        {"(1,1) with array", {{1, 1}, {2, 3}, {2, 3}}},
        {"leading ones", {{1, 3, 4}, {3, 4}, {1, 3, 4}}},
        {"row vector", {{3, 4}, {4}, {3, 4}}},
        {"row vector on left", {{4}, {3, 4}, {3, 4}}},
        {"column vector", {{3, 4}, {3, 1}, {3, 4}}},
        {"outer product", {{3, 1}, {1, 4}, {3, 4}}},
        {"outer product missing axis", {{5, 1}, {4}, {5, 4}}},
        {"both stride 0 inner", {{3, 1}, {3, 1, 1}, {3, 3, 1}}},
        {"3-d middle broadcast", {{2, 1, 4}, {3, 1}, {2, 3, 4}}},
        {"3-d plane with line", {{2, 3, 4}, {2, 1, 4}, {2, 3, 4}}},
        {"5-d mixed", {{5, 1, 3, 1, 2}, {4, 1, 1, 2}, {5, 4, 3, 1, 2}}},
        {"5-d vs 1-d", {{2, 3, 1, 2, 3}, {3}, {2, 3, 1, 2, 3}}},
        {"extent 0", {{0, 3}, {3}, {0, 3}}},
        {"extent 0 broadcast", {{0, 1}, {1, 3}, {0, 3}}},
    };
    const std::vector<std::pair<const char *, BinaryOp>> ops = {
        {"add", BinaryOp::Add},
        {"subtract", BinaryOp::Subtract},
        {"multiply", BinaryOp::Multiply},
        {"divide", BinaryOp::Divide},
        {"power", BinaryOp::Power},
        {"less", BinaryOp::Less},
        {"less or equal", BinaryOp::LessEqual},
        {"greater", BinaryOp::Greater},
        {"greater or equal", BinaryOp::GreaterEqual},
        {"equal", BinaryOp::Equal},
        {"not equal", BinaryOp::NotEqual},
        {"and", BinaryOp::And},
        {"or", BinaryOp::Or},
        {"minimum", BinaryOp::Minimum},
        {"maximum", BinaryOp::Maximum},
    };
    for (const auto &[opName, op] : ops)
        for (const auto &[patternName, shapes] : patterns)
            QTest::addRow("%s %s", opName, patternName) << op << shapes;
}

void TestKernels::binary()
{
    QFETCH(BinaryOp, op);
    QFETCH(BinaryCase, shapes);
    const NdArray a = randomArray(shapes.a, 21, 0.05);
    const NdArray b = randomArray(shapes.b, 22, 0.05);

    // Reference: right-align each operand's index with the output's; extent 1 reads index 0.
    const auto operandIndex = [&](const NdArray &operand, const std::vector<std::int64_t> &outIndex) {
        const std::size_t shift = outIndex.size() - operand.shape().size();
        const auto strides = rowMajorStrides(operand.shape());
        std::int64_t flat = 0;
        for (std::size_t axis = 0; axis < operand.shape().size(); ++axis)
            if (operand.shape()[axis] != 1)
                flat += outIndex[axis + shift] * strides[axis];
        return flat;
    };
    std::vector<double> expected;
    for (std::int64_t flat = 0; flat < elementCount(shapes.expected); ++flat) {
        const auto index = unflatten(flat, shapes.expected);
        expected.push_back(referenceBinary(op, a.at(operandIndex(a, index)), b.at(operandIndex(b, index))));
    }
    compareExactly(binaryKernel(op, a, b), expected, shapes.expected);
}

void TestKernels::select_data()
{
    QTest::addColumn<Shape>("condition");
    QTest::addColumn<Shape>("a");
    QTest::addColumn<Shape>("b");
    QTest::newRow("same shapes") << Shape{3, 4} << Shape{3, 4} << Shape{3, 4};
    QTest::newRow("constant a and b") << Shape{3, 4} << Shape{} << Shape{};
    QTest::newRow("mask along the last axis") << Shape{4} << Shape{2, 3, 4} << Shape{};
    QTest::newRow("column condition") << Shape{3, 1} << Shape{3, 4} << Shape{1, 4};
    QTest::newRow("empty") << Shape{0, 4} << Shape{4} << Shape{};
}

void TestKernels::select()
{
    QFETCH(Shape, condition);
    QFETCH(Shape, a);
    QFETCH(Shape, b);
    // A condition of zeros, ones and NaN (which counts as true, as in numpy).
    NdArray mask = randomArray(condition, 7, 0.2);
    for (std::int64_t i = 0; i < mask.size(); ++i)
        mask.data()[i] = std::isnan(mask.at(i)) ? kNan : (mask.at(i) > 280 ? 1.0 : 0.0);
    const NdArray left = randomArray(a, 8, 0.1);
    const NdArray right = randomArray(b, 9, 0.1);
    const Shape shape = broadcastShapes(broadcastShapes(condition, a).value(), b).value();
    const auto pick = [&](const NdArray &operand, const std::vector<std::int64_t> &index) {
        const std::size_t shift = index.size() - operand.shape().size();
        const auto strides = rowMajorStrides(operand.shape());
        std::int64_t flat = 0;
        for (std::size_t axis = 0; axis < operand.shape().size(); ++axis)
            flat += operand.shape()[axis] == 1 ? 0 : index[axis + shift] * strides[axis];
        return operand.at(flat);
    };
    std::vector<double> expected;
    for (std::int64_t flat = 0; flat < elementCount(shape); ++flat) {
        const auto index = unflatten(flat, shape);
        expected.push_back(pick(mask, index) != 0 ? pick(left, index) : pick(right, index));
    }
    compareExactly(selectKernel(mask, left, right), expected, shape);
}

void TestKernels::binaryNanFlag()
{
    NdArray a = randomArray({4, 3}, 1);
    NdArray b = randomArray({3}, 2);
    QVERIFY(!binaryKernel(BinaryOp::Add, a, b).mayHaveNan());
    QVERIFY(!binaryKernel(BinaryOp::Multiply, a, NdArray::scalar(2.0)).mayHaveNan());
    QVERIFY(binaryKernel(BinaryOp::Divide, a, b).mayHaveNan()); // 0/0
    b.setMayHaveNan(true);
    QVERIFY(binaryKernel(BinaryOp::Subtract, a, b).mayHaveNan());
    QVERIFY(binaryKernel(BinaryOp::Subtract, b, a).mayHaveNan());
}

void TestKernels::divisionByZero()
{
    const NdArray a = NdArray::fromVector({4}, {1.0, -1.0, 0.0, kNan});
    const NdArray out = binaryKernel(BinaryOp::Divide, a, NdArray::scalar(0.0));
    QCOMPARE(out.at(0), std::numeric_limits<double>::infinity());
    QCOMPARE(out.at(1), -std::numeric_limits<double>::infinity());
    QVERIFY(std::isnan(out.at(2)));
    QVERIFY(std::isnan(out.at(3)));
    QVERIFY(out.mayHaveNan());
}

void TestKernels::largeScalarOperand_data()
{
    QTest::addColumn<int>("op");
    QTest::addColumn<bool>("scalarOnLeft");
    QTest::addColumn<qint64>("count");
    // Past the streaming-store threshold (2^20 elements), odd length for the scalar tail.
    for (int op = 0; op < 4; ++op) {
        for (bool left : {false, true}) {
            const QByteArray name =
                binaryOpName(BinaryOp(op)).toLatin1() + (left ? " scalar on the left" : " scalar on the right");
            QTest::newRow(name.constData()) << op << left << qint64((1 << 20) + 3);
        }
    }
}

// Outputs larger than the caches take a streaming-store path; it must give the plain loop's bits.
void TestKernels::largeScalarOperand()
{
    QFETCH(int, op);
    QFETCH(bool, scalarOnLeft);
    QFETCH(qint64, count);
    NdArray values({count});
    for (qint64 i = 0; i < count; ++i)
        values.data()[i] = 250.0 + double(i % 997) * 0.173 - (i % 5 == 0 ? 0.0 : 1e-3 * double(i % 13));
    const double constant = 273.15;
    const NdArray scalar = NdArray::scalar(constant);
    const NdArray result = scalarOnLeft ? binaryKernel(BinaryOp(op), scalar, values) : binaryKernel(BinaryOp(op), values, scalar);
    QCOMPARE(result.shape(), values.shape());
    for (qint64 i = 0; i < count; ++i) {
        const double a = scalarOnLeft ? constant : values.at(i);
        const double b = scalarOnLeft ? values.at(i) : constant;
        const double expected = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b;
        if (result.at(i) != expected)
            QFAIL(qPrintable(
                QStringLiteral("element %1: %2, expected %3").arg(i).arg(result.at(i), 0, 'g', 17).arg(expected, 0, 'g', 17)));
    }
}

QTEST_GUILESS_MAIN(TestKernels)
#include "tst_kernels.moc"
