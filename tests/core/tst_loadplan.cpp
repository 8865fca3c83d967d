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
