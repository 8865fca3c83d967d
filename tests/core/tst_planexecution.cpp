// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Planned graphs compute numpy's answers: each graph runs here in-process with the real kernels,
// block by block as the workers would, and the assembled result is compared element by element
// with the same expression evaluated on the whole array by plain loops.
#include "plannerfixture.h"

#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"
#include "core/kernels/slice.h"
#include "core/ops.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace fixture;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// A whole array as plain values, for the reference evaluation.
struct Dense
{
    Shape shape;
    std::vector<double> values;
};

std::vector<std::int64_t> indexOf(std::int64_t flat, const Shape &shape)
{
    std::vector<std::int64_t> index(shape.size());
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    return index;
}

std::int64_t flatOf(const std::vector<std::int64_t> &index, const Shape &shape)
{
    std::int64_t flat = 0;
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        flat = flat * shape[axis] + index[axis];
    return flat;
}

// numpy's nan-reductions (xarray's defaults) over the values of one output position.
double reduceValues(ReduceOp op, const std::vector<double> &all, int ddof)
{
    std::vector<double> values;
    for (double value : all) {
        if (!std::isnan(value))
            values.push_back(value);
    }
    const double count = double(values.size());
    double sum = 0;
    for (double value : values)
        sum += value;
    switch (op) {
    case ReduceOp::Sum: return sum;
    case ReduceOp::Mean: return values.empty() ? kNan : sum / count;
    case ReduceOp::Min: return values.empty() ? kNan : *std::min_element(values.begin(), values.end());
    case ReduceOp::Max: return values.empty() ? kNan : *std::max_element(values.begin(), values.end());
    case ReduceOp::Std:
    case ReduceOp::Var: {
        if (count - ddof <= 0)
            return kNan;
        double squares = 0;
        for (double value : values)
            squares += (value - sum / count) * (value - sum / count);
        const double var = squares / (count - ddof);
        return op == ReduceOp::Var ? var : std::sqrt(var);
    }
    }
    return kNan;
}

double applyBinary(BinaryOp op, double a, double b)
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
    case BinaryOp::Minimum: return a != a || b != b ? kNan : std::min(a, b);
    case BinaryOp::Maximum: return a != a || b != b ? kNan : std::max(a, b);
    }
    return kNan;
}

// The checked expression evaluated on whole arrays, one output element at a time.
Dense evaluate(const Expr &expr, const std::map<QString, Dense> &arrays)
{
    Dense out{expr.shape, std::vector<double>(std::size_t(elementCount(expr.shape)), 0.0)};
    switch (expr.kind) {
    case Expr::Kind::Number: out.values = {expr.number}; break;
    case Expr::Kind::Name: out = arrays.at(expr.name); break;
    case Expr::Kind::Unary: {
        const Dense in = evaluate(*expr.operands[0], arrays);
        for (std::size_t i = 0; i < in.values.size(); ++i) {
            const double v = in.values[i];
            out.values[i] = expr.unaryOp == UnaryOp::Negate ? -v : expr.unaryOp == UnaryOp::Abs ? std::fabs(v) : std::sqrt(v);
        }
        break;
    }
    case Expr::Kind::Binary: {
        const Dense a = evaluate(*expr.operands[0], arrays);
        const Dense b = evaluate(*expr.operands[1], arrays);
        // Right-aligned; an extent-1 axis always reads its element 0.
        const auto pick = [&](const Dense &operand, const std::vector<std::int64_t> &index) {
            std::vector<std::int64_t> own;
            for (std::size_t axis = 0; axis < operand.shape.size(); ++axis) {
                const std::size_t outAxis = axis + index.size() - operand.shape.size();
                own.push_back(operand.shape[axis] == 1 ? 0 : index[outAxis]);
            }
            return operand.values[std::size_t(flatOf(own, operand.shape))];
        };
        for (std::int64_t flat = 0; flat < elementCount(out.shape); ++flat) {
            const auto index = indexOf(flat, out.shape);
            out.values[std::size_t(flat)] = applyBinary(expr.binaryOp, pick(a, index), pick(b, index));
        }
        break;
    }
    case Expr::Kind::Reduce: {
        const Dense in = evaluate(*expr.operands[0], arrays);
        std::vector<std::vector<double>> buckets(out.values.size());
        for (std::int64_t flat = 0; flat < elementCount(in.shape); ++flat) {
            const auto index = indexOf(flat, in.shape);
            std::vector<std::int64_t> kept;
            for (std::size_t axis = 0; axis < index.size(); ++axis) {
                if (expr.axes && std::find(expr.axes->begin(), expr.axes->end(), int(axis)) == expr.axes->end())
                    kept.push_back(index[axis]);
            }
            buckets[std::size_t(flatOf(kept, out.shape))].push_back(in.values[std::size_t(flat)]);
        }
        for (std::size_t i = 0; i < buckets.size(); ++i)
            out.values[i] = reduceValues(expr.reduceOp, buckets[i], expr.ddof);
        break;
    }
    case Expr::Kind::Index: {
        const Dense in = evaluate(*expr.operands[0], arrays);
        for (std::int64_t flat = 0; flat < elementCount(out.shape); ++flat) {
            const auto outIndex = indexOf(flat, out.shape);
            std::vector<std::int64_t> inIndex;
            std::size_t outAxis = 0;
            for (const IndexItem &item : expr.indices) {
                if (item.kind == IndexItem::Kind::Integer)
                    inIndex.push_back(item.index);
                else
                    inIndex.push_back(*item.start + outIndex[outAxis++] * *item.step);
            }
            out.values[std::size_t(flat)] = in.values[std::size_t(flatOf(inIndex, in.shape))];
        }
        break;
    }
    default: QTest::qFail(qPrintable(u"no reference rule for %1"_s.arg(expr.toString())), __FILE__, __LINE__); break;
    }
    return out;
}

// Runs the graph as workers would: every input must already exist, regions are cut before the
// kernel runs, outputs must have their planned shapes. Returns the assembled result.
NdArray execute(const TaskGraph &graph, std::map<QString, NdArray> store)
{
    for (const Task &task : graph.tasks) {
        std::vector<NdArray> views;
        for (const TaskInput &input : task.inputs) {
            const auto found = store.find(input.key);
            if (found == store.end()) {
                QTest::qFail(qPrintable(u"%1 reads %2 before it exists"_s.arg(task.outputKey, input.key)), __FILE__, __LINE__);
                return {};
            }
            views.push_back(input.region.empty() ? found->second : sliceArray(found->second, input.region));
        }
        NdArray output;
        switch (task.kind) {
        case TaskKind::Slice: output = views.at(0); break;
        case TaskKind::Unary: output = unaryKernel(task.unaryOp, views.at(0)); break;
        case TaskKind::Binary:
            if (!task.constant)
                output = binaryKernel(task.binaryOp, views.at(0), views.at(1));
            else if (task.constantOnLeft)
                output = binaryKernel(task.binaryOp, NdArray::scalar(*task.constant), views.at(0));
            else
                output = binaryKernel(task.binaryOp, views.at(0), NdArray::scalar(*task.constant));
            break;
        case TaskKind::Partial: output = partialReduce(task.reduceOp, views, task.axes); break;
        case TaskKind::Combine: output = combinePartials(task.reduceOp, views); break;
        default:
            QTest::qFail(qPrintable(u"%1: this test's plans have no %2 tasks"_s.arg(task.outputKey, taskKindName(task.kind))),
                         __FILE__, __LINE__);
            return {};
        }
        if (task.finalize)
            output = finalizeReduce(task.reduceOp, output, task.ddof);
        if (output.shape() != task.outputShape) {
            QTest::qFail(qPrintable(u"%1 made %2, planned %3"_s.arg(task.outputKey, shapeToString(output.shape()),
                                                                    shapeToString(task.outputShape))),
                         __FILE__, __LINE__);
            return {};
        }
        store[task.outputKey] = output;
    }
    std::vector<NdArray> blocks;
    for (const QString &key : graph.result.keys)
        blocks.push_back(store.at(key));
    return assembleBlocks(graph.result.chunks, blocks);
}

// The blocks of a whole array under `layout`, cut by plain loops.
void scatter(const Dense &whole, const BlockLayout &layout, std::map<QString, NdArray> &store)
{
    for (std::int64_t flat = 0; flat < layout.chunks.blockCount(); ++flat) {
        const BlockIndex index = layout.chunks.unflatten(flat);
        const Shape shape = layout.chunks.blockShape(index);
        const std::vector<std::int64_t> offset = layout.chunks.blockOffset(index);
        std::vector<double> values;
        for (std::int64_t inBlock = 0; inBlock < elementCount(shape); ++inBlock) {
            std::vector<std::int64_t> global = indexOf(inBlock, shape);
            for (std::size_t axis = 0; axis < global.size(); ++axis)
                global[axis] += offset[axis];
            values.push_back(whole.values[std::size_t(flatOf(global, whole.shape))]);
        }
        store[layout.keys[std::size_t(flat)]] = NdArray::fromVector(shape, values);
    }
}

// Random values near 280 with about one in ten NaN, plus positions that are NaN all along axis 0
// (x[:, 2, 3]) and a first block with a NaN row, for the all-NaN cases of the reductions.
Dense randomArray(const Shape &shape, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::normal_distribution<double> normal(280.0, 15.0);
    Dense dense{shape, {}};
    for (std::int64_t flat = 0; flat < elementCount(shape); ++flat) {
        const auto index = indexOf(flat, shape);
        const bool allNan = shape.size() == 3 && ((index[1] == 2 && index[2] == 3) || (index[0] < 4 && index[1] == 1));
        dense.values.push_back(allNan || random() % 10 == 0 ? kNan : normal(random));
    }
    return dense;
}

struct Setup
{
    Chunks chunks;
    std::vector<int> workers;
    std::vector<int> threads;
    int fanIn = 4;
    std::int64_t scatterMinStateBytes = PlannerContext{}.scatterMinStateBytes;
};

} // namespace

Q_DECLARE_METATYPE(Setup)

class TestPlanExecution : public QObject
{
    Q_OBJECT

private slots:
    void matchesWholeArrayEvaluation_data();
    void matchesWholeArrayEvaluation();
};

void TestPlanExecution::matchesWholeArrayEvaluation_data()
{
    QTest::addColumn<Setup>("setup");
    QTest::addColumn<QString>("text");

    const Shape x{12, 5, 6};
    const std::vector<std::pair<const char *, Setup>> setups{
        {"1 block", {Chunks::single(x), {0}, {1}}},
        {"3 blocks on 2", {Chunks::alongFirstAxis(x, 4), {0, 1, 1}, {1, 1}}},
        {"5,5,2 on 3 with 2 threads", {Chunks::alongFirstAxis(x, 5), {0, 1, 2}, {2, 2, 2}}},
        {"12 planes on 4 fan-in 2",
         {Chunks::alongFirstAxis(x, 1), assignContiguous(std::vector<std::int64_t>(12, 240), 4), {3, 3, 3, 3}, 2}},
        {"irregular grid round robin", {Chunks({{3, 1, 8}, {2, 3}, {4, 2}}), assignRoundRobin(12, 3), {1, 4, 2}, 2}},
        {"1-row blocks on 2",
         {Chunks({{6, 6}, {1, 1, 1, 1, 1}, {6}}), assignContiguous(std::vector<std::int64_t>(10, 1), 2), {2, 1}}},
        // More blocks on a worker than one task may take: several partials, a local combine tree.
        {"2100 planes on 2",
         {Chunks::alongFirstAxis({2100, 5, 6}, 1), assignContiguous(std::vector<std::int64_t>(2100, 240), 2), {1, 1}}},
        {"1100 planes on 1", {Chunks::alongFirstAxis({1100, 5, 6}, 1), std::vector<int>(1100, 0), {1}}},
        {"24 blocks on 9 fan-in 4",
         {Chunks({std::vector<std::int64_t>(12, 1), {2, 3}, {6}}), assignRoundRobin(24, 9), std::vector<int>(9, 1)}},
        // Returned reductions of any size are combined piece by piece on the workers (reduce-scatter).
        {"3 blocks on 2, reduce-scatter", {Chunks::alongFirstAxis(x, 4), {0, 1, 1}, {1, 1}, 4, 0}},
        {"12 planes on 4 with 2 threads, reduce-scatter",
         {Chunks::alongFirstAxis(x, 1), assignContiguous(std::vector<std::int64_t>(12, 240), 4), {2, 2, 2, 2}, 4, 0}},
        {"irregular grid on 5, reduce-scatter",
         {Chunks({{3, 1, 8}, {2, 3}, {4, 2}}), assignRoundRobin(12, 5), {1, 1, 1, 1, 1}, 2, 0}},
    };
    const QStringList expressions{
        u"x[0,0,0]"_s,
        u"x[10,:,:]"_s,
        u"x[4:8]"_s,
        u"x[...]"_s,
        u"x[1:]"_s,
        u"x[::-1]"_s,
        u"x[::3, 1:4, ::-2]"_s,
        u"x[-1, ::2]"_s,
        u"x[2:11:3, -1]"_s,
        u"x[:, 4:0:-2, 3]"_s,
        u"x[11:2:-4, :, 1:2]"_s,
        u"x.sum()"_s,
        u"x.mean()"_s,
        u"x.mean(axis=(1,2))"_s,
        u"x.mean(axis=0)"_s,
        u"x.std(axis=0)"_s,
        u"x.var(axis=(0, 2), ddof=1)"_s,
        u"x.min(axis=1)"_s,
        u"x.max()"_s,
        u"x.sum(axis=())"_s,
        u"x.mean(axis=-1)"_s,
        u"x.std(ddof=1)"_s,
        u"x[:, 2:4].var(axis=0, ddof=3)"_s,
        u"x - x.mean()"_s,
        u"x - x.mean(axis=0)"_s,
        u"x[1:] - x[:-1]"_s,
        u"x * (1+1)"_s,
        u"2 - x"_s,
        u"sqrt(abs(x))"_s,
        u"-x"_s,
        u"x / x.std(axis=(0,1))"_s,
        u"(x - x.mean(axis=0)).std(axis=0)"_s,
        u"x[::-1] + x"_s,
        u"x - x[:, 0:1]"_s,
        u"x - x[0:1]"_s,
        u"x[0] * w"_s,
        u"w - x"_s,
        u"x.sum(axis=0)[1:3, ::-1]"_s,
        u"(x[1:] - x[:-1]).mean(axis=0)"_s,
        u"x[2:9].max(axis=(0,2)) - w[:, 0]"_s,
        u"y = (x - x.mean(axis=(1,2))[0]) / 2"_s,
        // Empty selections: numpy gives a sum of 0 and NaN for the rest (min/max raise there).
        u"x[5:5]"_s,
        u"x[:, 3:3] - 1"_s,
        u"x[5:5].sum()"_s,
        u"x[5:5].mean(axis=0)"_s,
        u"x[5:5].sum(axis=(1,2))"_s,
        u"x[:, 3:3].std(axis=1)"_s,
        u"(x[5:5] * 2).max(axis=(0, 1))"_s,
        u"x[7:3, ::-1].min()"_s,
        u"x * (2)[...]"_s,
    };
    for (const auto &[setupName, setup] : setups) {
        for (const QString &text : expressions)
            QTest::addRow("%s: %s", setupName, qPrintable(text)) << setup << text;
    }
}

void TestPlanExecution::matchesWholeArrayEvaluation()
{
    QFETCH(Setup, setup);
    QFETCH(QString, text);

    Workspace workspace;
    workspace.threadsPerWorker = setup.threads;
    workspace.combineFanIn = setup.fanIn;
    workspace.scatterMinStateBytes = setup.scatterMinStateBytes;
    workspace.layouts[u"x"_s] = makeLayout(u"x"_s, setup.chunks, setup.workers);
    workspace.layouts[u"w"_s] = makeLayout(u"w"_s, Chunks({{2, 3}, {3, 3}}), {int(1 % setup.threads.size()), 0, 0, 0});
    const std::map<QString, Dense> arrays{{u"x"_s, randomArray(setup.chunks.shape(), 42)}, {u"w"_s, randomArray({5, 6}, 7)}};
    std::map<QString, NdArray> store;
    for (const auto &[name, layout] : workspace.layouts)
        scatter(arrays.at(name), layout, store);

    Statement statement;
    Result<Plan> plan = planText(text, workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    QVERIFY(!plan->constant);
    const QString problem = graphProblem(plan->graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const NdArray result = execute(plan->graph, store);
    if (QTest::currentTestFailed())
        return;
    const Dense expected = evaluate(*statement.expr, arrays);
    QCOMPARE(shapeToString(result.shape()), shapeToString(expected.shape));
    for (std::int64_t i = 0; i < result.size(); ++i) {
        const double actual = result.at(i);
        const double wanted = expected.values[std::size_t(i)];
        const bool same = std::isnan(wanted) ? std::isnan(actual) : std::abs(actual - wanted) <= 1e-9 * (1 + std::abs(wanted));
        QVERIFY2(same, qPrintable(u"element %1 of %2: %3, expected %4"_s.arg(i)
                                      .arg(shapeToString(expected.shape))
                                      .arg(actual, 0, 'g', 17)
                                      .arg(wanted, 0, 'g', 17)));
    }
}

QTEST_APPLESS_MAIN(TestPlanExecution)
#include "tst_planexecution.moc"
