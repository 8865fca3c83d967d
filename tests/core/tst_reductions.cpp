// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/reduce.h"
#include "core/ops.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace tessera;

namespace {

// One reduction problem: the input blocks (pieces of one output block along the reduced axes).
struct ReduceCase
{
    std::vector<Shape> shapes;
    std::vector<int> axes;
};

enum class NanMode {
    None,        // no NaN, mayHaveNan() false: the fast path
    NoneFlagged, // no NaN, mayHaveNan() true: the NaN-skipping path on the same data
    Some,        // about 15% NaN
    AllNanSpots, // some output positions see only NaN
};

} // namespace

Q_DECLARE_METATYPE(ReduceCase)
Q_DECLARE_METATYPE(NanMode)
Q_DECLARE_METATYPE(tessera::ReduceOp)

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

const std::vector<std::pair<const char *, ReduceOp>> &allOps()
{
    static const std::vector<std::pair<const char *, ReduceOp>> ops = {
        {"sum", ReduceOp::Sum}, {"mean", ReduceOp::Mean}, {"min", ReduceOp::Min},
        {"max", ReduceOp::Max}, {"std", ReduceOp::Std},   {"var", ReduceOp::Var},
    };
    return ops;
}

std::vector<int> allAxes(int rank)
{
    std::vector<int> axes(static_cast<std::size_t>(rank));
    for (int axis = 0; axis < rank; ++axis)
        axes[std::size_t(axis)] = axis;
    return axes;
}

std::vector<std::int64_t> unflatten(std::int64_t flat, const Shape &shape)
{
    std::vector<std::int64_t> index(shape.size());
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    return index;
}

std::vector<NdArray> makeInputs(const std::vector<Shape> &shapes, NanMode mode, std::uint64_t seed, double offset = 0.0,
                                double spread = 5.0)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> value(offset - spread, offset + spread);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    std::vector<NdArray> inputs;
    for (const Shape &shape : shapes) {
        NdArray array(shape);
        for (std::int64_t i = 0; i < array.size(); ++i)
            array.data()[i] = mode == NanMode::Some && chance(rng) < 0.15 ? kNan : value(rng);
        // Every element whose last index is 1 is NaN: with the last axis kept, those output
        // positions see nothing but NaN.
        if (mode == NanMode::AllNanSpots && !shape.empty())
            for (std::int64_t i = 0; i < array.size(); ++i)
                if (i % shape.back() == 1)
                    array.data()[i] = kNan;
        array.setMayHaveNan(mode != NanMode::None);
        inputs.push_back(array);
    }
    return inputs;
}

// The values each output position sees, gathered by plain index arithmetic.
std::vector<std::vector<double>> gather(const std::vector<NdArray> &inputs, const std::vector<int> &axes, Shape *kept)
{
    const Shape &shape = inputs.front().shape();
    kept->clear();
    for (int axis = 0; axis < int(shape.size()); ++axis)
        if (std::find(axes.begin(), axes.end(), axis) == axes.end())
            kept->push_back(shape[std::size_t(axis)]);
    std::vector<std::vector<double>> values(std::size_t(elementCount(*kept)));
    for (const NdArray &input : inputs) {
        for (std::int64_t flat = 0; flat < input.size(); ++flat) {
            const auto index = unflatten(flat, input.shape());
            std::int64_t out = 0;
            for (int axis = 0; axis < input.rank(); ++axis)
                if (std::find(axes.begin(), axes.end(), axis) == axes.end())
                    out = out * input.shape()[std::size_t(axis)] + index[std::size_t(axis)];
            values[std::size_t(out)].push_back(input.at(flat));
        }
    }
    return values;
}

// numpy's nan* functions, written plainly; var is two-pass.
double reference(ReduceOp op, const std::vector<double> &all, int ddof)
{
    std::vector<double> values;
    std::copy_if(all.begin(), all.end(), std::back_inserter(values), [](double v) { return !std::isnan(v); });
    const double n = double(values.size());
    double sum = 0;
    for (double v : values)
        sum += v;
    switch (op) {
    case ReduceOp::Sum: return sum;
    case ReduceOp::Mean: return values.empty() ? kNan : sum / n;
    case ReduceOp::Min: return values.empty() ? kNan : *std::min_element(values.begin(), values.end());
    case ReduceOp::Max: return values.empty() ? kNan : *std::max_element(values.begin(), values.end());
    case ReduceOp::Std:
    case ReduceOp::Var: {
        if (values.empty() || n - ddof <= 0)
            return kNan;
        const double mean = sum / n;
        double m2 = 0;
        for (double v : values)
            m2 += (v - mean) * (v - mean);
        const double var = m2 / (n - ddof);
        return op == ReduceOp::Std ? std::sqrt(var) : var;
    }
    }
    return kNan;
}

// Tolerance scaled to the magnitudes involved, so a sum of cancelling terms is judged by its terms.
void compareResult(const NdArray &actual, const std::vector<std::vector<double>> &values, const Shape &kept, ReduceOp op,
                   int ddof, double relative)
{
    QCOMPARE(shapeToString(actual.shape()), shapeToString(kept));
    bool sawNan = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double expected = reference(op, values[i], ddof);
        const double got = actual.at(std::int64_t(i));
        sawNan = sawNan || std::isnan(got);
        if (std::isnan(expected) || std::isnan(got)) {
            if (std::isnan(expected) != std::isnan(got))
                QFAIL(qPrintable(QStringLiteral("position %1: %2, expected %3").arg(i).arg(got).arg(expected)));
            continue;
        }
        double scale = std::fabs(expected);
        if (op == ReduceOp::Sum || op == ReduceOp::Mean) {
            // A sum's rounding is relative to the sum of magnitudes, not to the (cancelling) sum.
            double magnitudes = 0;
            double count = 0;
            for (double v : values[i]) {
                magnitudes += std::isnan(v) ? 0.0 : std::fabs(v);
                count += std::isnan(v) ? 0.0 : 1.0;
            }
            scale = std::max(scale, op == ReduceOp::Sum ? magnitudes : magnitudes / count);
        }
        if (std::fabs(got - expected) > relative * std::max(scale, 1e-300))
            QFAIL(qPrintable(QStringLiteral("position %1: %2, expected %3 (difference %4)")
                                 .arg(i)
                                 .arg(got, 0, 'g', 17)
                                 .arg(expected, 0, 'g', 17)
                                 .arg(got - expected)));
    }
    QCOMPARE(actual.mayHaveNan(), sawNan);
}

NdArray reduceOnce(ReduceOp op, const std::vector<NdArray> &inputs, const std::vector<int> &axes, int ddof = 0)
{
    return finalizeReduce(op, partialReduce(op, inputs, axes), ddof);
}

// The cases every op runs on: shapes 0-d to 5-d, extents of 1, single/multiple/non-adjacent axes,
// runs longer than a tile or a summation block, and several inputs of different reduced extents.
std::vector<std::pair<const char *, ReduceCase>> reduceCases()
{
    return {
        {"0-d nothing", {{{}}, {}}},
        {"1-d all", {{{37}}, {0}}},
        {"1-d nothing", {{{9}}, {}}},
        {"2-d axis 0", {{{6, 5}}, {0}}},
        {"2-d axis 1", {{{6, 5}}, {1}}},
        {"2-d all", {{{6, 5}}, {0, 1}}},
        {"3-d axis 0", {{{4, 3, 5}}, {0}}},
        {"3-d axis 1", {{{4, 3, 5}}, {1}}},
        {"3-d axis 2", {{{4, 3, 5}}, {2}}},
        {"3-d axes (0,2)", {{{4, 3, 5}}, {0, 2}}},
        {"3-d axes (1,2)", {{{4, 3, 5}}, {1, 2}}},
        {"3-d axes (0,1)", {{{4, 3, 5}}, {0, 1}}},
        {"3-d all", {{{4, 3, 5}}, {0, 1, 2}}},
        {"3-d nothing", {{{2, 3, 4}}, {}}},
        {"5-d axes (1,3)", {{{2, 3, 2, 4, 3}}, {1, 3}}},
        {"5-d axes (0,2,4)", {{{3, 2, 2, 3, 4}}, {0, 2, 4}}},
        {"5-d axis 4", {{{2, 2, 3, 2, 5}}, {4}}},
        {"5-d all", {{{2, 3, 1, 2, 3}}, {0, 1, 2, 3, 4}}},
        {"extent 1 reduced", {{{1, 5, 2}}, {0}}},
        {"extent 1 kept", {{{4, 1, 3}}, {0, 2}}},
        {"extents 1 both", {{{1, 6, 1}}, {0, 2}}},
        {"long kept run", {{{3, 5000}}, {0}}},
        {"long kept run odd many slices", {{{9, 4501}}, {0}}},
        {"odd kept run 5 slices", {{{5, 3, 3}}, {0}}},
        {"long reduced run", {{{2, 9001}}, {1}}},
        {"inputs along axis 0", {{{2, 3, 4}, {5, 3, 4}, {1, 3, 4}}, {0}}},
        {"inputs along axis 1", {{{3, 2, 4}, {3, 7, 4}}, {1}}},
        {"inputs along axes (0,2)", {{{2, 3, 4}, {1, 3, 6}, {3, 3, 1}}, {0, 2}}},
        {"inputs with an empty one", {{{4, 5}, {4, 0}, {4, 2}}, {1}}},
        {"inputs nothing reduced", {{{3, 4}, {3, 4}}, {}}},
    };
}

} // namespace

class TestReductions : public QObject
{
    Q_OBJECT

private slots:
    void components();
    void reduce_data();
    void reduce();
    void statePlanes();
    void combineAnyGrouping_data();
    void combineAnyGrouping();
    void fastPathMatchesSlowPath_data();
    void fastPathMatchesSlowPath();
    void ddof_data();
    void ddof();
    void temperatureAccuracy();
    void emptyInputs();
    void zeroDimensionalState();
};

void TestReductions::components()
{
    QCOMPARE(partialComponents(ReduceOp::Sum), 1);
    QCOMPARE(partialComponents(ReduceOp::Mean), 2);
    QCOMPARE(partialComponents(ReduceOp::Min), 1);
    QCOMPARE(partialComponents(ReduceOp::Max), 1);
    QCOMPARE(partialComponents(ReduceOp::Std), 3);
    QCOMPARE(partialComponents(ReduceOp::Var), 3);
}

void TestReductions::reduce_data()
{
    QTest::addColumn<ReduceOp>("op");
    QTest::addColumn<ReduceCase>("reduceCase");
    QTest::addColumn<NanMode>("nanMode");
    const std::vector<std::pair<const char *, NanMode>> modes = {
        {"clean", NanMode::None},
        {"nan", NanMode::Some},
        {"all-nan spots", NanMode::AllNanSpots},
    };
    for (const auto &[opName, op] : allOps())
        for (const auto &[caseName, reduceCase] : reduceCases())
            for (const auto &[modeName, mode] : modes)
                QTest::addRow("%s %s %s", opName, caseName, modeName) << op << reduceCase << mode;
}

void TestReductions::reduce()
{
    QFETCH(ReduceOp, op);
    QFETCH(ReduceCase, reduceCase);
    QFETCH(NanMode, nanMode);
    const auto inputs = makeInputs(reduceCase.shapes, nanMode, 7);
    Shape kept;
    const auto values = gather(inputs, reduceCase.axes, &kept);
    compareResult(reduceOnce(op, inputs, reduceCase.axes), values, kept, op, 0, 1e-12);
}

void TestReductions::statePlanes()
{
    // Mean's state is [count, sum]; Std's is [count, mean, M2]; counts skip NaN.
    const NdArray in = NdArray::fromVector({2, 3}, {1.0, kNan, 4.0, 3.0, kNan, 8.0});
    const NdArray mean = partialReduce(ReduceOp::Mean, {in}, {0});
    QCOMPARE(shapeToString(mean.shape()), QStringLiteral("(2, 3)"));
    const std::vector<double> meanState{2, 0, 2, 4, 0, 12};
    for (std::int64_t i = 0; i < 6; ++i)
        QCOMPARE(mean.at(i), meanState[std::size_t(i)]);
    const NdArray std = partialReduce(ReduceOp::Std, {in}, {0});
    QCOMPARE(shapeToString(std.shape()), QStringLiteral("(3, 3)"));
    QCOMPARE(std.at(0), 2.0);
    QCOMPARE(std.at(1), 0.0);
    QCOMPARE(std.at(3), 2.0);
    QCOMPARE(std.at(6), 2.0); // (1-2)^2 + (3-2)^2
    QCOMPARE(std.at(8), 8.0); // (4-6)^2 + (8-6)^2
    const NdArray min = partialReduce(ReduceOp::Min, {in}, {0});
    QCOMPARE(min.at(0), 1.0);
    QVERIFY(std::isnan(min.at(1)));
}

void TestReductions::combineAnyGrouping_data()
{
    QTest::addColumn<ReduceOp>("op");
    QTest::addColumn<NanMode>("nanMode");
    for (const auto &[opName, op] : allOps()) {
        QTest::addRow("%s clean", opName) << op << NanMode::None;
        QTest::addRow("%s nan", opName) << op << NanMode::Some;
        QTest::addRow("%s all-nan spots", opName) << op << NanMode::AllNanSpots;
    }
}

void TestReductions::combineAnyGrouping()
{
    // Five blocks along axis 0, one of them empty; reducing axes (0, 1) leaves axis 2.
    QFETCH(ReduceOp, op);
    QFETCH(NanMode, nanMode);
    const std::vector<Shape> shapes{{3, 4, 6}, {1, 4, 6}, {0, 4, 6}, {5, 4, 6}, {2, 4, 6}};
    const auto blocks = makeInputs(shapes, nanMode, 99);
    const std::vector<int> axes{0, 1};
    Shape kept;
    const auto values = gather(blocks, axes, &kept);

    std::vector<NdArray> partials;
    for (const NdArray &block : blocks)
        partials.push_back(partialReduce(op, {block}, axes));
    const NdArray flat = combinePartials(op, partials);
    const NdArray leftDeep = combinePartials(
        op, {combinePartials(op, {combinePartials(op, {partials[0], partials[1]}), partials[2]}), partials[3], partials[4]});
    const NdArray rightDeep = combinePartials(
        op, {partials[4], combinePartials(op, {partials[3], combinePartials(op, {partials[2], partials[1], partials[0]})})});
    const NdArray mixed = combinePartials(
        op, {partialReduce(op, {blocks[0], blocks[3]}, axes), partialReduce(op, {blocks[1], blocks[2], blocks[4]}, axes)});
    const NdArray single = partialReduce(op, blocks, axes);
    for (const NdArray &state : {flat, leftDeep, rightDeep, mixed, single}) {
        compareResult(finalizeReduce(op, state), values, kept, op, 0, 1e-12);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestReductions::fastPathMatchesSlowPath_data()
{
    QTest::addColumn<ReduceOp>("op");
    QTest::addColumn<ReduceCase>("reduceCase");
    for (const auto &[opName, op] : allOps())
        for (const auto &[caseName, reduceCase] : reduceCases())
            QTest::addRow("%s %s", opName, caseName) << op << reduceCase;
}

void TestReductions::fastPathMatchesSlowPath()
{
    QFETCH(ReduceOp, op);
    QFETCH(ReduceCase, reduceCase);
    const NdArray fast = reduceOnce(op, makeInputs(reduceCase.shapes, NanMode::None, 5), reduceCase.axes);
    const NdArray slow = reduceOnce(op, makeInputs(reduceCase.shapes, NanMode::NoneFlagged, 5), reduceCase.axes);
    QCOMPARE(shapeToString(fast.shape()), shapeToString(slow.shape()));
    for (std::int64_t i = 0; i < fast.size(); ++i) {
        const double a = fast.at(i);
        const double b = slow.at(i);
        if (std::isnan(a) || std::isnan(b))
            QCOMPARE(std::isnan(a), std::isnan(b));
        else
            QVERIFY2(std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(a)),
                     qPrintable(QStringLiteral("position %1: fast %2, slow %3").arg(i).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17)));
    }
}

void TestReductions::ddof_data()
{
    QTest::addColumn<ReduceOp>("op");
    QTest::addColumn<NanMode>("nanMode");
    QTest::addColumn<int>("ddof");
    for (ReduceOp op : {ReduceOp::Std, ReduceOp::Var}) {
        const char *name = op == ReduceOp::Std ? "std" : "var";
        QTest::addRow("%s ddof 1 clean", name) << op << NanMode::None << 1;
        QTest::addRow("%s ddof 1 nan", name) << op << NanMode::Some << 1;
        QTest::addRow("%s ddof 2 all-nan spots", name) << op << NanMode::AllNanSpots << 2;
        QTest::addRow("%s ddof 3 beyond some counts", name) << op << NanMode::Some << 3;
    }
}

void TestReductions::ddof()
{
    QFETCH(ReduceOp, op);
    QFETCH(NanMode, nanMode);
    QFETCH(int, ddof);
    // Three values per position along axis 0, fewer where NaN: ddof reaches count at some of them.
    const auto inputs = makeInputs({{2, 4, 5}, {1, 4, 5}}, nanMode, 31);
    Shape kept;
    const auto values = gather(inputs, {0}, &kept);
    compareResult(finalizeReduce(op, partialReduce(op, inputs, {0}), ddof), values, kept, op, ddof, 1e-12);
}

void TestReductions::temperatureAccuracy()
{
    // Values ~280 +- 30 as in the seed experiment: 360 values per position over 90 blocks along
    // axis 0, reduced on two "workers" and combined, against numpy's two-pass formula.
    std::vector<Shape> shapes(90, Shape{4, 3, 7});
    const auto blocks = makeInputs(shapes, NanMode::None, 2024, 280.0, 30.0);
    const std::vector<NdArray> first(blocks.begin(), blocks.begin() + 45);
    const std::vector<NdArray> second(blocks.begin() + 45, blocks.end());
    Shape kept;
    const auto values = gather(blocks, {0}, &kept);
    for (ReduceOp op : {ReduceOp::Std, ReduceOp::Var, ReduceOp::Mean}) {
        const NdArray state = combinePartials(op, {partialReduce(op, first, {0}), partialReduce(op, second, {0})});
        compareResult(finalizeReduce(op, state), values, kept, op, 0, 1e-12);
        compareResult(finalizeReduce(op, state, 1), values, kept, op, 1, 1e-12);
    }
    // The same values reduced over all axes in one long row per block.
    const NdArray all = reduceOnce(ReduceOp::Std, blocks, {0, 1, 2});
    std::vector<double> everything;
    for (const auto &position : values)
        everything.insert(everything.end(), position.begin(), position.end());
    compareResult(all, {everything}, {}, ReduceOp::Std, 0, 1e-12);
}

void TestReductions::emptyInputs()
{
    // Nothing along the reduced axis: xarray gives sum 0 and NaN for the rest.
    const std::vector<NdArray> inputs{NdArray(Shape{0, 3}), NdArray(Shape{0, 3})};
    for (const auto &[name, op] : allOps()) {
        const NdArray result = reduceOnce(op, inputs, {0});
        QCOMPARE(shapeToString(result.shape()), QStringLiteral("(3,)"));
        for (std::int64_t i = 0; i < 3; ++i) {
            if (op == ReduceOp::Sum)
                QCOMPARE(result.at(i), 0.0);
            else
                QVERIFY2(std::isnan(result.at(i)), name);
        }
        QCOMPARE(result.mayHaveNan(), op != ReduceOp::Sum);
    }
    // Nothing kept: an empty state and an empty result.
    const NdArray none = reduceOnce(ReduceOp::Mean, {NdArray(Shape{4, 0})}, {0});
    QCOMPARE(shapeToString(none.shape()), QStringLiteral("(0,)"));
}

void TestReductions::zeroDimensionalState()
{
    const auto inputs = makeInputs({{3, 4}}, NanMode::None, 3);
    for (const auto &[name, op] : allOps()) {
        const NdArray state = partialReduce(op, inputs, allAxes(2));
        QCOMPARE(state.shape(), (Shape{partialComponents(op)}));
        const NdArray result = finalizeReduce(op, state);
        QCOMPARE(result.shape(), Shape{});
        QCOMPARE(result.size(), std::int64_t(1));
    }
}

QTEST_GUILESS_MAIN(TestReductions)
#include "tst_reductions.moc"
