// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The shape of planned task graphs: how many tasks of each kind, where they run, which regions
// they read. tst_planexecution runs the same kind of graphs and checks the numbers they compute.
#include "plannerfixture.h"

#include <QTest>

using namespace fixture;

Q_DECLARE_METATYPE(tessera::Chunks)
Q_DECLARE_METATYPE(tessera::Shape)

namespace {

// x of shape `shape` cut along its first axis, on `workers` workers in contiguous runs.
Workspace firstAxisWorkspace(const Shape &shape, std::int64_t chunkExtent, int workers, int threads)
{
    Workspace workspace;
    workspace.layouts[u"x"_s] = contiguousLayout(u"x"_s, Chunks::alongFirstAxis(shape, chunkExtent), workers);
    workspace.threadsPerWorker.assign(std::size_t(workers), threads);
    return workspace;
}

// Plans `text`; fails the test (returning an empty graph) when planning fails.
TaskGraph planned(const QString &text, const Workspace &workspace)
{
    Statement statement;
    Result<Plan> plan = planText(text, workspace, statement);
    if (!plan) {
        qWarning("%s: %s", qPrintable(text), qPrintable(plan.status().message()));
        return {};
    }
    return std::move(plan).value().graph;
}

// "key region" of each input of each task of `kind`, one string per task, inputs joined by " | ".
QStringList inputsOf(const TaskGraph &graph, TaskKind kind)
{
    QStringList tasks;
    for (const Task &task : graph.tasks) {
        if (task.kind != kind)
            continue;
        QStringList inputs;
        for (const TaskInput &input : task.inputs)
            inputs << input.key + u' ' + regionText(input.region);
        tasks << inputs.join(u" | "_s);
    }
    return tasks;
}

// Number of combine levels above the partials, following dependsOn down from `task`.
int depthBelow(const TaskGraph &graph, const Task &task)
{
    int depth = 0;
    for (int input : task.dependsOn)
        depth = std::max(depth, 1 + depthBelow(graph, graph.tasks[std::size_t(input)]));
    return task.kind == TaskKind::Combine ? depth : 0;
}

} // namespace

class TestPlanner : public QObject
{
    Q_OBJECT

private slots:
    void seedTaskCounts_data();
    void seedTaskCounts();
    void wholeBlockSelectionIsReused();
    void sliceRunsWhereItsBlockIs();
    void alignedReductionStaysLocal();
    void crossBlockReduction_data();
    void crossBlockReduction();
    void largeReturnedPlaneIsReduceScattered_data();
    void largeReturnedPlaneIsReduceScattered();
    void broadcastMovesOnlyTheScalar();
    void combineTreeShape_data();
    void combineTreeShape();
    void unalignedBinaryRefinesChunks();
    void broadcastOperandRegions_data();
    void broadcastOperandRegions();
    void constantFolding_data();
    void constantFolding();
    void assignedConstantIsKeptAsOneBlock();
    void constantTravelsInTasks();
    void unknownArrayIsAnError();
    void reducingBlocklessArrayIsAnError();
};

void TestPlanner::seedTaskCounts_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<int>("chunkExtent");
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("threads");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    const Shape x{12, 5, 6}; // 3 blocks of 4 on 2 workers unless a row says otherwise
    QTest::newRow("x[0,0,0]") << x << 4 << 2 << 1 << u"x[0,0,0]"_s << u"slice:1"_s;
    QTest::newRow("x[10,:,:]") << x << 4 << 2 << 1 << u"x[10,:,:]"_s << u"slice:1"_s;
    QTest::newRow("whole block") << x << 4 << 2 << 1 << u"x[4:8]"_s << u"none"_s;
    QTest::newRow("ellipsis") << x << 4 << 2 << 1 << u"x[...]"_s << u"none"_s;
    QTest::newRow("x[1:]") << x << 4 << 2 << 1 << u"x[1:]"_s << u"slice:1"_s;
    QTest::newRow("x.sum() 1 thread") << x << 4 << 2 << 1 << u"x.sum()"_s << u"partial:2 combine:1"_s;
    QTest::newRow("x.sum() one worker") << x << 4 << 1 << 1 << u"x.sum()"_s << u"partial:1"_s;
    QTest::newRow("x.sum() one worker 2 threads") << x << 4 << 1 << 2 << u"x.sum()"_s << u"partial:2 combine:1"_s;
    QTest::newRow("x.sum(axis=())") << x << 4 << 2 << 1 << u"x.sum(axis=())"_s << u"partial:3"_s;
    QTest::newRow("x.mean(axis=(1,2))") << x << 4 << 2 << 1 << u"x.mean(axis=(1,2))"_s << u"partial:3"_s;
    QTest::newRow("x.mean(axis=(1,2)) 4 threads") << x << 4 << 2 << 4 << u"x.mean(axis=(1,2))"_s << u"partial:3"_s;
    QTest::newRow("x.mean(axis=0)") << x << 4 << 2 << 1 << u"x.mean(axis=0)"_s << u"partial:2 combine:1"_s;
    QTest::newRow("x.std(axis=0)") << x << 4 << 2 << 1 << u"x.std(axis=0)"_s << u"partial:2 combine:1"_s;
    QTest::newRow("x.mean(axis=0) 90 blocks")
        << Shape{90, 5, 6} << 1 << 2 << 1 << u"x.mean(axis=0)"_s << u"partial:2 combine:1"_s;
    QTest::newRow("x.mean(axis=0) 90 blocks 4 threads")
        << Shape{90, 5, 6} << 1 << 2 << 4 << u"x.mean(axis=0)"_s << u"partial:8 combine:3"_s;
    QTest::newRow("x.sum() 9 workers") << Shape{18, 5, 6} << 2 << 9 << 1 << u"x.sum()"_s << u"partial:9 combine:3"_s;
    QTest::newRow("y = x - x.mean()") << x << 4 << 2 << 1 << u"y = x - x.mean()"_s << u"binary:3 partial:2 combine:1"_s;
    QTest::newRow("x - x.mean(axis=0)") << x << 4 << 2 << 1 << u"x - x.mean(axis=0)"_s << u"binary:3 partial:2 combine:1"_s;
    QTest::newRow("x - 1") << x << 4 << 2 << 1 << u"x - 1"_s << u"binary:3"_s;
    QTest::newRow("-x") << x << 4 << 2 << 1 << u"-x"_s << u"unary:3"_s;
    QTest::newRow("sqrt(abs(x))") << x << 4 << 2 << 1 << u"sqrt(abs(x))"_s << u"unary:6"_s;
    QTest::newRow("x[1:] - x[:-1]") << x << 4 << 2 << 1 << u"x[1:] - x[:-1]"_s << u"slice:2 binary:5"_s;
    QTest::newRow("2*3") << x << 4 << 2 << 1 << u"2*3"_s << u"none"_s;
    QTest::newRow("empty selection sum") << x << 4 << 2 << 1 << u"x[5:5].sum()"_s << u"slice:1 partial:1"_s;
    QTest::newRow("empty selection minus 1") << x << 4 << 2 << 1 << u"x[:, 2:2] - 1"_s << u"slice:3 binary:3"_s;
}

void TestPlanner::seedTaskCounts()
{
    QFETCH(Shape, shape);
    QFETCH(int, chunkExtent);
    QFETCH(int, workers);
    QFETCH(int, threads);
    QFETCH(QString, text);
    QFETCH(QString, expected);

    const Workspace workspace = firstAxisWorkspace(shape, chunkExtent, workers, threads);
    Statement statement;
    Result<Plan> plan = planText(text, workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    QCOMPARE(kindCounts(plan->graph), expected);
    if (plan->constant)
        return;
    const QString problem = graphProblem(plan->graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestPlanner::wholeBlockSelectionIsReused()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    const BlockLayout &x = workspace.layouts.at(u"x"_s);

    const TaskGraph block = planned(u"x[4:8, :, 0:6]"_s, workspace);
    QVERIFY(block.tasks.empty() && block.temporaryKeys.empty());
    QCOMPARE(block.result.keys, std::vector<QString>{u"x:1.0.0"_s});
    QCOMPARE(block.result.workers, std::vector<int>{x.workers[1]});

    const TaskGraph all = planned(u"x[...]"_s, workspace);
    QVERIFY(all.tasks.empty());
    QCOMPARE(all.result.keys, x.keys);
    QCOMPARE(all.result.workers, x.workers);
    QVERIFY(all.result.chunks == x.chunks);
}

void TestPlanner::sliceRunsWhereItsBlockIs()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    const BlockLayout &x = workspace.layouts.at(u"x"_s);

    const TaskGraph element = planned(u"x[0,0,0]"_s, workspace);
    QCOMPARE(element.tasks.size(), std::size_t(1));
    QCOMPARE(inputsOf(element, TaskKind::Slice), QStringList{u"x:0.0.0 [0],[0],[0]"_s});
    QCOMPARE(element.tasks[0].worker, x.workers[0]);
    QCOMPARE(element.tasks[0].inputs[0].bytes, std::int64_t(8));
    QCOMPARE(element.result.chunks.rank(), 0);

    const TaskGraph plane = planned(u"x[10,:,:]"_s, workspace);
    QCOMPARE(plane.tasks.size(), std::size_t(1));
    QCOMPARE(inputsOf(plane, TaskKind::Slice), QStringList{u"x:2.0.0 [2],0+5*1,0+6*1"_s});
    QCOMPARE(plane.tasks[0].worker, x.workers[2]);
    QCOMPARE(shapeToString(plane.tasks[0].outputShape), u"(5, 6)"_s);
    QCOMPARE(bytesMoved(plane), std::int64_t(0));
    QCOMPARE(plane.temporaryKeys.size(), std::size_t(0));
}

// x.mean(axis=(1,2)): each block reduces to its own output block where it lies.
void TestPlanner::alignedReductionStaysLocal()
{
    const Workspace workspace = firstAxisWorkspace({90, 5, 6}, 1, 2, 4);
    const BlockLayout &x = workspace.layouts.at(u"x"_s);
    const TaskGraph graph = planned(u"x.mean(axis=(1,2))"_s, workspace);

    QCOMPARE(kindCounts(graph), u"partial:90"_s);
    QCOMPARE(bytesMoved(graph), std::int64_t(0));
    for (std::size_t flat = 0; flat < graph.tasks.size(); ++flat) {
        const Task &task = graph.tasks[flat];
        QVERIFY(task.finalize);
        QCOMPARE(task.inputs.size(), std::size_t(1));
        QCOMPARE(task.inputs[0].key, x.keys[flat]);
        QCOMPARE(task.worker, x.workers[flat]);
    }
    QCOMPARE(graph.result.workers, x.workers);
    QCOMPARE(graph.result.chunks.extents(0), std::vector<std::int64_t>(90, 1));
}

void TestPlanner::crossBlockReduction_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("threads");
    QTest::newRow("2 workers 1 thread") << 2 << 1;
    QTest::newRow("2 workers 4 threads") << 2 << 4;
    QTest::newRow("3 workers 2 threads") << 3 << 2;
    QTest::newRow("4 workers 64 threads") << 4 << 64;
}

// x.mean(axis=0) over 90 blocks: per worker, min(threads, blocks) partials over its own blocks and
// one local combine when there are several; across workers, exactly one state from each worker.
void TestPlanner::crossBlockReduction()
{
    QFETCH(int, workers);
    QFETCH(int, threads);

    const Workspace workspace = firstAxisWorkspace({90, 5, 6}, 1, workers, threads);
    const BlockLayout &x = workspace.layouts.at(u"x"_s);
    const TaskGraph graph = planned(u"x.mean(axis=0)"_s, workspace);
    const QString problem = graphProblem(graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    std::vector<int> partials(std::size_t(workers), 0);
    std::vector<int> statesSent(std::size_t(workers), 0);
    std::multiset<QString> blocksRead;
    for (const Task &task : graph.tasks) {
        if (task.kind == TaskKind::Partial) {
            ++partials[std::size_t(task.worker)];
            QVERIFY(!task.finalize);
            for (const TaskInput &input : task.inputs)
                blocksRead.insert(input.key);
        }
        for (const TaskInput &input : task.inputs) {
            if (input.worker != task.worker) {
                QCOMPARE(input.bytes, std::int64_t(2 * 5 * 6 * 8)); // a mean state: counts and sums
                ++statesSent[std::size_t(input.worker)];
            }
        }
    }
    std::vector<int> expectedPartials(std::size_t(workers), 0);
    for (int worker : x.workers)
        ++expectedPartials[std::size_t(worker)];
    for (int &count : expectedPartials)
        count = std::min(count, threads);
    QCOMPARE(partials, expectedPartials);
    QCOMPARE(blocksRead, std::multiset<QString>(x.keys.begin(), x.keys.end()));
    // The root keeps its own state; every other worker sends exactly one.
    QCOMPARE(std::count(statesSent.begin(), statesSent.end(), 1), std::ptrdiff_t(workers - 1));
    QCOMPARE(std::count(statesSent.begin(), statesSent.end(), 0), std::ptrdiff_t(1));

    const auto localCombines = std::count_if(expectedPartials.begin(), expectedPartials.end(), [](int n) { return n > 1; });
    const auto combines =
        std::count_if(graph.tasks.begin(), graph.tasks.end(), [](const Task &task) { return task.kind == TaskKind::Combine; });
    QCOMPARE(combines, localCombines + 1);
    const Task &root = graph.tasks.back();
    QVERIFY(root.finalize && root.kind == TaskKind::Combine);
    QCOMPARE(int(root.inputs.size()), workers);
    QCOMPARE(graph.result.keys, std::vector<QString>{root.outputKey});
}

void TestPlanner::largeReturnedPlaneIsReduceScattered_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("components");
    QTest::addColumn<bool>("scattered");
    QTest::newRow("mean") << u"x.mean(axis=0)"_s << 2 << true;
    QTest::newRow("std") << u"x.std(axis=0)"_s << 3 << true;
    QTest::newRow("kept as an array") << u"m = x.mean(axis=0)"_s << 2 << false;
    QTest::newRow("state under the threshold") << u"x[:, :, :4].sum(axis=0)"_s << 1 << false;
}

// x.mean(axis=0) over 90 blocks on 4 workers, a plane of 80 x 100 (125 kB of state): the plane
// is cut into 4 pieces of 25 along the wider axis, each finalized on its own worker from that
// piece of every worker's state. Each worker sends 3 pieces and receives 3: 3/4 of a state each
// way, where the tree's root received 3 whole states.
void TestPlanner::largeReturnedPlaneIsReduceScattered()
{
    QFETCH(QString, text);
    QFETCH(int, components);
    QFETCH(bool, scattered);

    const int workers = 4;
    const Workspace workspace = firstAxisWorkspace({90, 80, 100}, 1, workers, 1);
    const TaskGraph graph = planned(text, workspace);
    const QString problem = graphProblem(graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    std::vector<std::int64_t> sent(workers, 0);
    std::vector<std::int64_t> received(workers, 0);
    for (const Task &task : graph.tasks) {
        for (const TaskInput &input : task.inputs) {
            if (input.worker != task.worker) {
                sent[std::size_t(input.worker)] += input.bytes;
                received[std::size_t(task.worker)] += input.bytes;
            }
        }
    }
    const std::int64_t keptColumns = text.contains(u":4"_s) ? 4 : 100;
    const std::int64_t state = components * 80 * keptColumns * 8;
    if (!scattered) {
        QCOMPARE(graph.result.chunks.blockCount(), std::int64_t(1));
        QCOMPARE(*std::max_element(received.begin(), received.end()), (workers - 1) * state);
        return;
    }
    QCOMPARE(graph.result.chunks.extents(0), std::vector<std::int64_t>{80});
    QCOMPARE(graph.result.chunks.extents(1), (std::vector<std::int64_t>{25, 25, 25, 25}));
    QCOMPARE(graph.result.workers, (std::vector<int>{0, 1, 2, 3}));
    for (int worker = 0; worker < workers; ++worker) {
        QCOMPARE(sent[std::size_t(worker)], (workers - 1) * state / workers);
        QCOMPARE(received[std::size_t(worker)], (workers - 1) * state / workers);
    }
    for (const QString &key : graph.result.keys) {
        const auto root =
            std::find_if(graph.tasks.begin(), graph.tasks.end(), [&](const Task &task) { return task.outputKey == key; });
        QVERIFY(root != graph.tasks.end());
        QVERIFY(root->kind == TaskKind::Combine && root->finalize);
        QCOMPARE(int(root->inputs.size()), workers);
    }
}

// y = x - x.mean(): blocks stay; the 8-byte scalar goes to them.
void TestPlanner::broadcastMovesOnlyTheScalar()
{
    const Workspace workspace = firstAxisWorkspace({90, 5, 6}, 1, 2, 1);
    const BlockLayout &x = workspace.layouts.at(u"x"_s);
    const TaskGraph graph = planned(u"y = x - x.mean()"_s, workspace);
    QCOMPARE(kindCounts(graph), u"binary:90 partial:2 combine:1"_s);

    int scalarWorker = -1;
    for (const Task &task : graph.tasks) {
        if (task.kind == TaskKind::Combine)
            scalarWorker = task.worker;
    }
    std::int64_t moved = 0;
    int flat = 0;
    for (const Task &task : graph.tasks) {
        for (const TaskInput &input : task.inputs)
            QVERIFY2(input.worker == task.worker || input.bytes <= 16, qPrintable(input.key));
        if (task.kind != TaskKind::Binary)
            continue;
        QCOMPARE(task.inputs[0].key, x.keys[std::size_t(flat)]);
        QCOMPARE(task.worker, x.workers[std::size_t(flat)]);
        ++flat;
        moved += bytesMoved(task);
    }
    QCOMPARE(moved,
             std::int64_t(8 * std::count_if(x.workers.begin(), x.workers.end(), [&](int w) { return w != scalarWorker; })));
    QCOMPARE(graph.result.workers, x.workers);
}

void TestPlanner::combineTreeShape_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("fanIn");
    QTest::addColumn<int>("expectedCombines");
    QTest::addColumn<int>("expectedDepth");
    QTest::newRow("2 workers fan-in 4") << 2 << 4 << 1 << 1;
    QTest::newRow("4 workers fan-in 4") << 4 << 4 << 1 << 1;
    QTest::newRow("5 workers fan-in 4") << 5 << 4 << 2 << 2;
    QTest::newRow("9 workers fan-in 4") << 9 << 4 << 3 << 2;
    QTest::newRow("16 workers fan-in 4") << 16 << 4 << 5 << 2;
    QTest::newRow("17 workers fan-in 4") << 17 << 4 << 6 << 3;
    QTest::newRow("9 workers fan-in 2") << 9 << 2 << 8 << 4;
    QTest::newRow("9 workers fan-in 3") << 9 << 3 << 4 << 2;
    QTest::newRow("fan-in below 2 acts as 2") << 3 << 1 << 2 << 2;
}

void TestPlanner::combineTreeShape()
{
    QFETCH(int, workers);
    QFETCH(int, fanIn);
    QFETCH(int, expectedCombines);
    QFETCH(int, expectedDepth);

    Workspace workspace = firstAxisWorkspace({std::int64_t(2 * workers), 5, 6}, 2, workers, 1);
    workspace.combineFanIn = fanIn;
    const TaskGraph graph = planned(u"x.sum()"_s, workspace);
    const QString problem = graphProblem(graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QCOMPARE(kindCounts(graph), u"partial:%1 combine:%2"_s.arg(workers).arg(expectedCombines));
    for (const Task &task : graph.tasks) {
        if (task.kind == TaskKind::Combine)
            QVERIFY(int(task.inputs.size()) <= std::max(2, fanIn) && task.inputs.size() >= 2);
    }
    const Task &root = graph.tasks.back();
    QCOMPARE(graph.result.keys, std::vector<QString>{root.outputKey});
    QCOMPARE(depthBelow(graph, root), expectedDepth);
    // Each partial reaches the root along exactly one path.
    std::vector<int> paths(graph.tasks.size(), 0);
    paths[std::size_t(root.id)] = 1;
    for (auto task = graph.tasks.rbegin(); task != graph.tasks.rend(); ++task) {
        for (int input : task->dependsOn)
            paths[std::size_t(input)] += paths[std::size_t(task->id)];
    }
    for (const Task &task : graph.tasks)
        QCOMPARE(paths[std::size_t(task.id)], 1);
}

// x[1:] - x[:-1] on blocks of 4: boundaries 0,3,7,11 and 0,4,8,11 refine to 3,1,3,1,3.
void TestPlanner::unalignedBinaryRefinesChunks()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    const TaskGraph graph = planned(u"x[1:] - x[:-1]"_s, workspace);
    QCOMPARE(graph.result.chunks.extents(0), (std::vector<std::int64_t>{3, 1, 3, 1, 3}));
    QCOMPARE(shapeToString(graph.result.chunks.shape()), u"(11, 5, 6)"_s);
    const QStringList expected{
        u"op1.n0:0.0.0 whole | x:0.0.0 0+3*1,0+5*1,0+6*1"_s,        u"x:1.0.0 0+1*1,0+5*1,0+6*1 | x:0.0.0 3+1*1,0+5*1,0+6*1"_s,
        u"x:1.0.0 1+3*1,0+5*1,0+6*1 | x:1.0.0 0+3*1,0+5*1,0+6*1"_s, u"x:2.0.0 0+1*1,0+5*1,0+6*1 | x:1.0.0 3+1*1,0+5*1,0+6*1"_s,
        u"x:2.0.0 1+3*1,0+5*1,0+6*1 | op1.n1:2.0.0 whole"_s,
    };
    QCOMPARE(inputsOf(graph, TaskKind::Binary), expected);
    QCOMPARE(inputsOf(graph, TaskKind::Slice), (QStringList{u"x:0.0.0 1+3*1,0+5*1,0+6*1"_s, u"x:2.0.0 0+3*1,0+5*1,0+6*1"_s}));
    const QString problem = graphProblem(graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestPlanner::broadcastOperandRegions_data()
{
    QTest::addColumn<Chunks>("chunks");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected"); // the broadcast operand's input, per binary task

    const Chunks grid({{4, 4, 4}, {2, 3}, {6}});
    QTest::newRow("x - x.mean(axis=0)") << grid << u"x - x.mean(axis=0)"_s
                                        << QStringList{u"op1.n0:0.0 whole"_s, u"op1.n0:1.0 whole"_s, u"op1.n0:0.0 whole"_s,
                                                       u"op1.n0:1.0 whole"_s, u"op1.n0:0.0 whole"_s, u"op1.n0:1.0 whole"_s};
    QTest::newRow("x - x[0]") << grid << u"x - x[0]"_s
                              << QStringList{u"op1.n0:0.0 whole"_s, u"op1.n0:1.0 whole"_s, u"op1.n0:0.0 whole"_s,
                                             u"op1.n0:1.0 whole"_s, u"op1.n0:0.0 whole"_s, u"op1.n0:1.0 whole"_s};
    QTest::newRow("x - x[:, :, 2:3]") << grid << u"x - x[:, :, 2:3]"_s
                                      << QStringList{u"op1.n0:0.0.0 whole"_s, u"op1.n0:0.1.0 whole"_s, u"op1.n0:1.0.0 whole"_s,
                                                     u"op1.n0:1.1.0 whole"_s, u"op1.n0:2.0.0 whole"_s, u"op1.n0:2.1.0 whole"_s};
    // Blocks one row thick along the broadcast axis: the operand's single row serves them all.
    const Chunks rows({{6, 6}, {1, 1, 1, 1, 1}, {6}});
    QStringList firstColumn;
    for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 5; ++j)
            firstColumn << u"x:%1.0.0 whole"_s.arg(i);
    }
    QTest::newRow("x - x[:, 0:1] on 1-row blocks") << rows << u"x - x[:, 0:1]"_s << firstColumn;
    const Chunks planes = Chunks::alongFirstAxis({4, 5, 6}, 1);
    QTest::newRow("x - x[0:1] on 1-plane blocks") << planes << u"x - x[0:1]"_s << QStringList(4, u"x:0.0.0 whole"_s);
}

void TestPlanner::broadcastOperandRegions()
{
    QFETCH(Chunks, chunks);
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    Workspace workspace;
    workspace.layouts[u"x"_s] = contiguousLayout(u"x"_s, chunks, 2);
    const TaskGraph graph = planned(text, workspace);
    QStringList broadcast;
    for (const QString &inputs : inputsOf(graph, TaskKind::Binary))
        broadcast << inputs.section(u" | "_s, 1);
    QCOMPARE(broadcast, expected);
    QVERIFY(graph.result.chunks == chunks);
    const QString problem = graphProblem(graph, workspace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestPlanner::constantFolding_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("expected");
    QTest::newRow("2*3") << u"2*3"_s << 6.0;
    QTest::newRow("sqrt(16) / 2") << u"sqrt(16) / 2"_s << 2.0;
    QTest::newRow("-(1 - 4)") << u"-(1 - 4)"_s << 3.0;
    QTest::newRow("(2).min()") << u"(2).min()"_s << 2.0;
    QTest::newRow("(5).std()") << u"(5).std()"_s << 0.0;
    QTest::newRow("(1+1)[...]") << u"(1+1)[...]"_s << 2.0;
}

void TestPlanner::constantFolding()
{
    QFETCH(QString, text);
    QFETCH(double, expected);

    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    Statement statement;
    Result<Plan> plan = planText(text, workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    QVERIFY(plan->constant.has_value());
    QCOMPARE(plan->constant->rank(), 0);
    QCOMPARE(plan->constant->at(0), expected);
    QVERIFY(plan->graph.tasks.empty());
}

// A folded value kept under a name is one block the client sends, for later statements to use.
void TestPlanner::assignedConstantIsKeptAsOneBlock()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    Statement statement;
    Result<Plan> plan = planText(u"c = abs(-2.5)"_s, workspace, statement);
    QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
    QVERIFY(!plan->constant);
    QCOMPARE(kindCounts(plan->graph), u"load:1"_s);
    const Task &task = plan->graph.tasks.front();
    QVERIFY(task.headRead && task.inlineValue);
    QCOMPARE(task.inlineValue->rank(), 0);
    QCOMPARE(task.inlineValue->at(0), 2.5);
    QCOMPARE(plan->graph.result.keys, std::vector<QString>{task.outputKey});
}

// x * (1+1) and (3 - 1) / x: the folded 2 rides in each task, on the side it was written.
void TestPlanner::constantTravelsInTasks()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    for (const auto &[text, onLeft] :
         {std::pair{u"x * (1+1)"_s, false}, std::pair{u"(3 - 1) / x"_s, true}, std::pair{u"x * (2)[...]"_s, false}}) {
        Statement statement;
        Result<Plan> plan = planText(text, workspace, statement);
        QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
        QVERIFY(!plan->constant);
        QCOMPARE(kindCounts(plan->graph), u"binary:3"_s);
        for (const Task &task : plan->graph.tasks) {
            QCOMPARE(task.constant, std::optional<double>(2.0));
            QCOMPARE(task.constantOnLeft, onLeft);
            QCOMPARE(task.inputs.size(), std::size_t(1));
            QCOMPARE(bytesMoved(task), std::int64_t(0));
        }
        // The caller's checked tree is left as it was.
        QVERIFY(statement.expr->operands[onLeft ? 1 : 0]->kind == Expr::Kind::Name);
        QVERIFY(statement.expr->operands[onLeft ? 0 : 1]->kind != Expr::Kind::Number);
    }
}

void TestPlanner::unknownArrayIsAnError()
{
    const Workspace workspace = firstAxisWorkspace({12, 5, 6}, 4, 2, 1);
    Statement statement;
    QCOMPARE(planText(u"x - z"_s, workspace, statement).status().code(), ErrorCode::NotFound);
    QVERIFY(planText(u"x - 1"_s, workspace, statement).isOk());
    // Known to the checker, gone by the time the plan is made (released in between).
    Workspace without = workspace;
    without.layouts.erase(u"x"_s);
    const Result<Plan> plan = planExpression(*statement.expr, without.context());
    QVERIFY(!plan.isOk());
    QCOMPARE(plan.status().code(), ErrorCode::NotFound);
    QVERIFY2(plan.status().message().contains(u"'x'"_s), qPrintable(plan.status().message()));
}

// A layout without chunks along an axis (none the planner makes) cannot be reduced; it must say
// so rather than crash.
void TestPlanner::reducingBlocklessArrayIsAnError()
{
    Workspace workspace;
    workspace.layouts[u"e"_s] = makeLayout(u"e"_s, Chunks({{}, {3}}), {});
    Statement statement;
    const Result<Plan> plan = planText(u"e.sum()"_s, workspace, statement);
    QCOMPARE(plan.status().code(), ErrorCode::InvalidArgument);
    QVERIFY(planText(u"e.sum(axis=1)"_s, workspace, statement).isOk());
}

QTEST_APPLESS_MAIN(TestPlanner)
#include "tst_planner.moc"
