// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/loadplan.h"

#include <QTest>

#include <numeric>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

// Files of (rows[i], 3, 4) float64 values: 96 bytes a row.
FileStack stackOf(const std::vector<std::int64_t> &rows)
{
    FileStack stack;
    stack.variable = u"t2m"_s;
    stack.storageType = u"int16"_s;
    for (std::size_t i = 0; i < rows.size(); ++i)
        stack.files << u"/data/day%1.nc"_s.arg(i);
    stack.firstExtents = rows;
    stack.meta.shape = {std::accumulate(rows.begin(), rows.end(), std::int64_t(0)), 3, 4};
    return stack;
}

std::vector<WorkerCapacity> roomy(std::vector<int> indices, std::int64_t freeBytes = 1 << 30)
{
    std::vector<WorkerCapacity> workers;
    for (int index : indices)
        workers.push_back({index, u"w%1"_s.arg(index + 1), freeBytes, freeBytes});
    return workers;
}

LoadLayout layoutOf(Distribution distribution, int blocksPerFile = 1)
{
    return {u"x"_s, u"x@s.op1"_s, distribution, blocksPerFile};
}

std::vector<int> workersOf(const TaskGraph &graph)
{
    std::vector<int> workers;
    for (const Task &task : graph.tasks)
        workers.push_back(task.worker);
    return workers;
}

} // namespace

class TestLoadPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneTaskPerFile()
    {
        const Result<TaskGraph> graph = planLoad(stackOf({4, 4, 4, 4}), layoutOf(Distribution::Contiguous), roomy({0, 1}));
        QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
        QCOMPARE(graph->tasks.size(), std::size_t(4));
        QCOMPARE(graph->result.chunks.shape(), (Shape{16, 3, 4}));
        QCOMPARE(graph->result.chunks.extents(0), (std::vector<std::int64_t>{4, 4, 4, 4}));
        for (const Task &task : graph->tasks) {
            QCOMPARE(task.kind, TaskKind::Load);
            QVERIFY(task.inputs.empty() && task.dependsOn.empty());
            QCOMPARE(task.outputShape, (Shape{4, 3, 4}));
            QCOMPARE(task.load.path, u"/data/day%1.nc"_s.arg(task.id));
            QCOMPARE(task.load.variable, u"t2m"_s);
            QCOMPARE(task.load.start, std::int64_t(0));
            QCOMPARE(task.load.count, std::int64_t(4));
            QCOMPARE(task.outputKey, u"x@s.op1:%1.0.0"_s.arg(task.id));
            QCOMPARE(graph->result.keys[std::size_t(task.id)], task.outputKey);
            QCOMPARE(graph->result.workers[std::size_t(task.id)], task.worker);
        }
        QCOMPARE(workersOf(*graph), (std::vector<int>{0, 0, 1, 1}));
    }

    void splitsFilesAlongTheFirstDimension()
    {
        // A file of 3 rows in 2 blocks: rows [0, 1) and [1, 3); 8 pieces asked of a 1-row file give 1.
        const Result<TaskGraph> graph = planLoad(stackOf({3, 1}), layoutOf(Distribution::RoundRobin, 2), roomy({0, 1}));
        QVERIFY(graph.isOk());
        QCOMPARE(graph->tasks.size(), std::size_t(3));
        QCOMPARE(graph->result.chunks.extents(0), (std::vector<std::int64_t>{1, 2, 1}));
        QCOMPARE(graph->tasks[0].load.start, std::int64_t(0));
        QCOMPARE(graph->tasks[1].load.start, std::int64_t(1));
        QCOMPARE(graph->tasks[1].load.count, std::int64_t(2));
        QCOMPARE(graph->tasks[2].load.path, u"/data/day1.nc"_s);
        QCOMPARE(workersOf(*graph), (std::vector<int>{0, 1, 0}));

        const Result<TaskGraph> many = planLoad(stackOf({1}), layoutOf(Distribution::Contiguous, 8), roomy({0}));
        QVERIFY(many.isOk());
        QCOMPARE(many->tasks.size(), std::size_t(1));
    }

    void zarrBlocksFollowTheChunks_data()
    {
        // One store of 400 rows of (721, 1440) float64 (8.3 MB a row), on two workers.
        QTest::addColumn<std::int64_t>("chunkRows");
        QTest::addColumn<int>("blocksPerFile");
        QTest::addColumn<std::vector<std::int64_t>>("blockRows");
        // 4-row chunks (33 MB): one chunk a block.
        QTest::newRow("chunks of 32 MB") << std::int64_t(4) << 1 << std::vector<std::int64_t>(100, 4);
        // 1-row chunks (8.3 MB): four to a block (33.2 MB, within 32 MiB).
        QTest::newRow("small chunks grouped") << std::int64_t(1) << 1 << std::vector<std::int64_t>(100, 4);
        // 3-row chunks (24.9 MB): one to a block, the last chunk short.
        QTest::newRow("chunks that do not divide") << std::int64_t(3) << 1 << [] {
            std::vector<std::int64_t> rows(133, 3);
            rows.push_back(1);
            return rows;
        }();
        // 300-row chunks: two chunk runs, fewer than two blocks a worker, so cut into four.
        QTest::newRow("large chunks split") << std::int64_t(300) << 1 << std::vector<std::int64_t>{100, 100, 100, 100};
        // Asked for 5 blocks of 4-row chunks: 20 chunk runs each, at chunk edges.
        QTest::newRow("asked for 5") << std::int64_t(4) << 5 << std::vector<std::int64_t>(5, 80);
    }

    void zarrBlocksFollowTheChunks()
    {
        QFETCH(std::int64_t, chunkRows);
        QFETCH(int, blocksPerFile);
        QFETCH(std::vector<std::int64_t>, blockRows);
        FileStack stack = stackOf({400});
        stack.meta.shape = {400, 721, 1440};
        stack.files = {u"/data/era.zarr"_s};
        stack.firstChunks = {chunkRows};
        const Result<TaskGraph> graph =
            planLoad(stack, layoutOf(Distribution::Contiguous, blocksPerFile), roomy({0, 1}, 8LL << 30));
        QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
        QCOMPARE(graph->result.chunks.extents(0), blockRows);
    }

    void placesOnlyOnTheWorkersGiven()
    {
        // Worker 1 is lost: the session gives workers 0 and 2, and their indices are kept.
        const Result<TaskGraph> graph = planLoad(stackOf({2, 2, 2}), layoutOf(Distribution::RoundRobin), roomy({0, 2}));
        QVERIFY(graph.isOk());
        QCOMPARE(workersOf(*graph), (std::vector<int>{0, 2, 0}));
    }

    void contiguousBalancesBytes()
    {
        // Files of 1, 1, 1 and 3 rows: the long file alone balances the three short ones.
        const Result<TaskGraph> graph = planLoad(stackOf({1, 1, 1, 3}), layoutOf(Distribution::Contiguous), roomy({0, 1}));
        QVERIFY(graph.isOk());
        QCOMPARE(workersOf(*graph), (std::vector<int>{0, 0, 0, 1}));
    }

    void freeMemoryFillsTheRoomiest()
    {
        // 96 bytes a row, 2-row blocks of 192 bytes, each to where most room is left: w1 (800
        // bytes) keeps more room than w2 (200) for four blocks; the fifth goes to w2.
        std::vector<WorkerCapacity> workers{{0, u"w1"_s, 800, 1000}, {1, u"w2"_s, 200, 1000}};
        const Result<TaskGraph> graph = planLoad(stackOf({2, 2, 2, 2, 2}), layoutOf(Distribution::FreeMemory), workers);
        QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
        QCOMPARE(workersOf(*graph), (std::vector<int>{0, 0, 0, 0, 1}));
    }

    void refusesWhatDoesNotFit_data()
    {
        QTest::addColumn<int>("distribution");
        QTest::newRow("contiguous") << int(Distribution::Contiguous);
        QTest::newRow("round-robin") << int(Distribution::RoundRobin);
        QTest::newRow("free memory") << int(Distribution::FreeMemory);
    }

    void refusesWhatDoesNotFit()
    {
        QFETCH(int, distribution);
        // 4 blocks of 384 bytes on two workers with 500 bytes free each: 1536 bytes do not fit in 1000.
        std::vector<WorkerCapacity> workers{{0, u"w1"_s, 500, 2000}, {1, u"w2"_s, 500, 2000}};
        const Result<TaskGraph> graph = planLoad(stackOf({4, 4, 4, 4}), layoutOf(Distribution(distribution)), workers);
        QVERIFY(!graph.isOk());
        QCOMPARE(graph.status().code(), ErrorCode::Memory);
        const QString message = graph.status().message();
        for (const QString &part :
             {u"x needs"_s, u" on worker w"_s, u"500 B free of 2.0 kB"_s, u"add workers"_s, u"--memory-limit"_s})
            QVERIFY2(message.contains(part), qPrintable(message));
    }

    void needsAWorker()
    {
        const Result<TaskGraph> graph = planLoad(stackOf({1}), layoutOf(Distribution::Contiguous), {});
        QVERIFY(!graph.isOk());
        QVERIFY(graph.status().message().contains(u"no worker"_s));
    }
};

QTEST_APPLESS_MAIN(TestLoadPlan)
#include "tst_loadplan.moc"
