// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Rechunk plans from any block shape to any other (ragged edges, 1-D to 5-D), run in process
// with the real kernel: the new array equals the old exactly, every new block is tiled by its
// pieces, the planned traffic is what the pieces on other workers weigh, no byte crosses that
// need not, and the new blocks are spread evenly.

#include "plannerfixture.h"

#include "core/kernels/analysis.h"
#include "core/kernels/slice.h"

#include <QTest>

#include <map>
#include <numeric>

using namespace fixture;

Q_DECLARE_METATYPE(tessera::Shape)

namespace {

// Chunks of at most `extent` along each axis.
Chunks regularChunks(const Shape &shape, const Shape &extents)
{
    std::vector<std::vector<std::int64_t>> perAxis;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        std::vector<std::int64_t> chunks;
        for (std::int64_t start = 0; start < shape[axis]; start += extents[axis])
            chunks.push_back(std::min(extents[axis], shape[axis] - start));
        perAxis.push_back(chunks);
    }
    return Chunks(perAxis);
}

// The text of a block shape tuple: "(3, 4, 5)".
QString tupleText(const Shape &shape)
{
    QStringList items;
    for (std::int64_t extent : shape)
        items << QString::number(extent);
    return u"("_s + items.join(u", "_s) + (shape.size() == 1 ? u",)"_s : u")"_s);
}

} // namespace

class TestRechunkPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void anyShapeToAnyOther_data();
    void anyShapeToAnyOther();
    void onlyTheNeededHalfCrosses();
    void sameChunksAreReused();
};

void TestRechunkPlan::anyShapeToAnyOther_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<Shape>("from");
    QTest::addColumn<Shape>("to");
    QTest::addColumn<int>("workers");
    QTest::newRow("1-D, ragged both") << Shape{23} << Shape{5} << Shape{7} << 2;
    QTest::newRow("2-D, rows to columns") << Shape{12, 10} << Shape{1, 10} << Shape{12, 3} << 3;
    QTest::newRow("3-D, time to space") << Shape{16, 9, 12} << Shape{4, 9, 12} << Shape{16, 2, 12} << 2;
    QTest::newRow("3-D, ragged to ragged") << Shape{17, 9, 11} << Shape{5, 4, 11} << Shape{3, 9, 4} << 3;
    QTest::newRow("4-D") << Shape{6, 5, 4, 3} << Shape{2, 5, 4, 3} << Shape{6, 2, 3, 1} << 2;
    QTest::newRow("5-D") << Shape{4, 3, 5, 2, 6} << Shape{1, 3, 5, 2, 6} << Shape{4, 2, 2, 2, 5} << 4;
    QTest::newRow("into one block") << Shape{8, 6} << Shape{3, 2} << Shape{8, 6} << 2;
}

void TestRechunkPlan::anyShapeToAnyOther()
{
    QFETCH(Shape, shape);
    QFETCH(Shape, from);
    QFETCH(Shape, to);
    QFETCH(int, workers);
    Workspace workspace;
    workspace.threadsPerWorker.assign(std::size_t(workers), 1);
    const BlockLayout in = contiguousLayout(u"x"_s, regularChunks(shape, from), workers);
    workspace.layouts[u"x"_s] = in;

    // The array's values: element i is i, so any misplaced copy shows.
    std::map<QString, NdArray> store;
    for (std::int64_t flat = 0; flat < in.chunks.blockCount(); ++flat) {
        const BlockIndex index = in.chunks.unflatten(flat);
        NdArray block(in.chunks.blockShape(index));
        const std::vector<std::int64_t> offset = in.chunks.blockOffset(index);
        const std::vector<std::int64_t> strides = rowMajorStrides(shape);
        for (std::int64_t i = 0; i < block.size(); ++i) {
            std::int64_t rest = i;
            std::int64_t global = 0;
            const std::vector<std::int64_t> blockStrides = rowMajorStrides(block.shape());
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                global += (offset[axis] + rest / blockStrides[axis]) * strides[axis];
                rest %= blockStrides[axis];
            }
            block.data()[i] = double(global);
        }
        store[in.keys[std::size_t(flat)]] = block;
    }

    Statement statement;
    Result<Plan> plan = planText(u"x.rechunk(%1)"_s.arg(tupleText(to)), workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    const TaskGraph &graph = plan->graph;
    QCOMPARE(graph.result.chunks, regularChunks(shape, to));

    std::int64_t remoteBytes = 0;
    std::vector<std::int64_t> newBytes(std::size_t(workers), 0);
    for (const Task &task : graph.tasks) {
        QCOMPARE(task.kind, TaskKind::Rechunk);
        std::vector<NdArray> blocks;
        std::vector<Region> regions;
        std::vector<Shape> pieceShapes;
        for (const TaskInput &input : task.inputs) {
            blocks.push_back(store.at(input.key));
            regions.push_back(input.region);
            pieceShapes.push_back(input.region.empty() ? blocks.back().shape() : regionShape(input.region));
            QCOMPARE(input.bytes, elementCount(pieceShapes.back()) * 8);
            if (input.worker != task.worker)
                remoteBytes += input.bytes;
        }
        const Status tiled = checkPieces(pieceShapes, task.pieceGrid, task.outputShape);
        QVERIFY2(tiled.isOk(), qPrintable(tiled.message()));
        store[task.outputKey] = assemblePieces(blocks, regions, task.pieceGrid, task.outputShape);
        newBytes[std::size_t(task.worker)] += elementCount(task.outputShape) * 8;
    }
    // The new blocks hold the old values, element for element.
    for (std::int64_t flat = 0; flat < graph.result.chunks.blockCount(); ++flat) {
        const BlockIndex index = graph.result.chunks.unflatten(flat);
        const NdArray &block = store.at(graph.result.keys[std::size_t(flat)]);
        QCOMPARE(block.shape(), graph.result.chunks.blockShape(index));
        const std::vector<std::int64_t> offset = graph.result.chunks.blockOffset(index);
        const std::vector<std::int64_t> strides = rowMajorStrides(shape);
        const std::vector<std::int64_t> blockStrides = rowMajorStrides(block.shape());
        for (std::int64_t i = 0; i < block.size(); ++i) {
            std::int64_t rest = i;
            std::int64_t global = 0;
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                global += (offset[axis] + rest / blockStrides[axis]) * strides[axis];
                rest %= blockStrides[axis];
            }
            QCOMPARE(block.at(i), double(global));
        }
    }
    // What the plan says crosses is what its pieces on other workers weigh.
    const auto traffic = peerTraffic(graph, workers);
    std::int64_t planned = 0;
    for (const auto &row : traffic)
        planned = std::accumulate(row.begin(), row.end(), planned);
    QCOMPARE(planned, remoteBytes);
    // Spread: no worker gets more than its share and one block.
    const std::int64_t total = elementCount(shape) * 8;
    std::int64_t biggest = 0;
    for (std::int64_t flat = 0; flat < graph.result.chunks.blockCount(); ++flat)
        biggest = std::max(biggest, elementCount(graph.result.chunks.blockShape(graph.result.chunks.unflatten(flat))) * 8);
    for (int worker = 0; worker < workers; ++worker)
        QVERIFY2(newBytes[std::size_t(worker)] <= total / workers + biggest,
                 qPrintable(u"worker %1 gets %2 of %3 bytes"_s.arg(worker).arg(newBytes[std::size_t(worker)]).arg(total)));
}

void TestRechunkPlan::onlyTheNeededHalfCrosses()
{
    // Days on two workers, first half and second half: every new block needs both halves, so
    // exactly half of the array must cross, and no more does.
    Workspace workspace;
    const Shape shape{40, 16, 8};
    workspace.layouts[u"x"_s] = contiguousLayout(u"x"_s, regularChunks(shape, {4, 16, 8}), 2);
    Statement statement;
    Result<Plan> plan = planText(u"x.rechunk((40, 2, 8))"_s, workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    const auto traffic = peerTraffic(plan->graph, 2);
    QCOMPARE(traffic[0][1] + traffic[1][0], elementCount(shape) * 8 / 2);
    QCOMPARE(traffic[0][1], traffic[1][0]); // and both ways alike
}

void TestRechunkPlan::sameChunksAreReused()
{
    Workspace workspace;
    workspace.layouts[u"x"_s] = contiguousLayout(u"x"_s, regularChunks({12, 5}, {4, 5}), 2);
    Statement statement;
    Result<Plan> plan = planText(u"x.rechunk((4, 5))"_s, workspace, statement);
    QVERIFY(plan.isOk());
    QVERIFY(plan->graph.tasks.empty());
    QCOMPARE(plan->graph.result.keys, workspace.layouts[u"x"_s].keys);
}

QTEST_APPLESS_MAIN(TestRechunkPlan)
#include "tst_rechunkplan.moc"
