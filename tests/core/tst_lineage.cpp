// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Lineage and rebuild plans: a worker's blocks are made again, on the survivors, from the blocks
// still in memory and the files, and come out bit for bit as they were. Graphs run here with the
// real kernels, as tst_planexecution runs them; "files" are arrays held by the test.

#include "plannerfixture.h"

#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"
#include "core/kernels/slice.h"
#include "core/plan/lineage.h"

#include <QTest>

#include <cstring>
#include <random>
#include <set>

using namespace fixture;

namespace {

using Store = std::map<QString, NdArray>;

// (4 * files, 3, 5) values, one file per 4 rows.
NdArray fileValues(int file)
{
    std::mt19937_64 random(std::uint64_t(file) + 7);
    std::normal_distribution<double> normal(280.0, 15.0);
    std::vector<double> values(4 * 3 * 5);
    for (double &value : values)
        value = normal(random);
    return NdArray::fromVector({4, 3, 5}, values);
}

NdArray runTask(const Task &task, const Store &store)
{
    if (task.kind == TaskKind::Load)
        return fileValues(task.load.path.mid(4).toInt());
    std::vector<NdArray> views;
    for (const TaskInput &input : task.inputs) {
        const NdArray &block = store.at(input.key);
        views.push_back(input.region.empty() ? block : sliceArray(block, input.region));
    }
    NdArray output;
    switch (task.kind) {
    case TaskKind::Slice: output = views.at(0); break;
    case TaskKind::Unary: output = unaryKernel(task.unaryOp, views.at(0)); break;
    case TaskKind::Binary:
        output = !task.constant        ? binaryKernel(task.binaryOp, views.at(0), views.at(1))
                 : task.constantOnLeft ? binaryKernel(task.binaryOp, NdArray::scalar(*task.constant), views.at(0))
                                       : binaryKernel(task.binaryOp, views.at(0), NdArray::scalar(*task.constant));
        break;
    case TaskKind::Partial: output = partialReduce(task.reduceOp, views, task.axes); break;
    case TaskKind::Combine: output = combinePartials(task.reduceOp, views); break;
    default:
        QTest::qFail(qPrintable(taskKindName(task.kind) + QStringLiteral(": not in this test's graphs")), __FILE__, __LINE__);
        break;
    }
    return task.finalize ? finalizeReduce(task.reduceOp, output, task.ddof) : output;
}

// Runs every task in order; a task reading a block the store lacks fails the test.
bool execute(const TaskGraph &graph, Store &store)
{
    for (const Task &task : graph.tasks) {
        for (const TaskInput &input : task.inputs) {
            if (!store.count(input.key)) {
                QTest::qFail(qPrintable(u"%1 reads %2, which is not in memory"_s.arg(task.outputKey, input.key)), __FILE__,
                             __LINE__);
                return false;
            }
        }
        store[task.outputKey] = runTask(task, store);
    }
    return true;
}

bool sameBits(const NdArray &a, const NdArray &b)
{
    return a.shape() == b.shape() && std::memcmp(a.bytes(), b.bytes(), std::size_t(a.byteSize())) == 0;
}

// x: six files, one block each, on three workers (two each); the load's graph.
TaskGraph loadGraph()
{
    TaskGraph graph;
    graph.result.chunks = Chunks({{4, 4, 4, 4, 4, 4}, {3}, {5}});
    for (int file = 0; file < 6; ++file) {
        Task load;
        load.id = file;
        load.kind = TaskKind::Load;
        load.outputKey = blockKey(u"x@op0"_s, {file, 0, 0});
        load.outputShape = {4, 3, 5};
        load.worker = file / 2;
        load.load = {u"file%1"_s.arg(file), u"t2m"_s, 0, 4};
        graph.result.keys.push_back(load.outputKey);
        graph.result.workers.push_back(load.worker);
        graph.tasks.push_back(std::move(load));
    }
    return graph;
}

// The keys a lineage must hold: those reachable from the blocks in memory through the inputs of
// the tasks recorded, found here by a plain search over every task ever recorded.
std::set<QString> reachable(const std::map<QString, Task> &recorded, const std::set<QString> &live)
{
    std::set<QString> found;
    std::vector<QString> stack(live.begin(), live.end());
    while (!stack.empty()) {
        const QString key = stack.back();
        stack.pop_back();
        const auto task = recorded.find(key);
        if (task == recorded.end() || !found.insert(key).second)
            continue;
        for (const TaskInput &input : task->second.inputs)
            stack.push_back(input.key);
    }
    return found;
}

void checkHolds(const Lineage &lineage, const std::set<QString> &expected)
{
    QCOMPARE(lineage.size(), expected.size());
    for (const QString &key : expected)
        QVERIFY2(lineage.producer(key), qPrintable(key));
}

struct Session
{
    Workspace workspace;
    Lineage lineage;                  // kept as the session keeps it: record(), release(), settle()
    std::map<QString, Task> recorded; // every task ever recorded, for reachable()
    std::set<QString> inMemory;
    Store memory;                        // every block in memory, wherever it is
    std::map<QString, int> workerOf;     // key -> worker
    std::map<QString, BlockLayout> kept; // arrays by name
    int statements = 0;

    Session() { workspace.threadsPerWorker = {1, 1, 1}; }

    void load()
    {
        const TaskGraph graph = loadGraph();
        QVERIFY(execute(graph, memory));
        record(graph);
        keep(u"x"_s, graph.result);
    }

    // Plans `text` with keys of its own ("op<n>..."), as the session gives each statement.
    void assign(const QString &name, const QString &text)
    {
        Result<Statement> statement = parseStatement(text);
        QVERIFY2(statement.isOk(), qPrintable(statement.status().message()));
        const Status checked = checkExpression(*statement->expr, [this](const QString &array) -> std::optional<Shape> {
            const auto found = workspace.layouts.find(array);
            return found == workspace.layouts.end() ? std::nullopt : std::optional<Shape>(found->second.chunks.shape());
        });
        QVERIFY2(checked.isOk(), qPrintable(checked.message()));
        PlannerContext context = workspace.context();
        context.keyPrefix = u"op%1"_s.arg(++statements);
        Result<Plan> plan = planExpression(*statement->expr, context);
        QVERIFY2(plan.isOk(), qPrintable(plan.status().message()));
        QVERIFY(execute(plan->graph, memory));
        record(plan->graph);
        keep(name, plan->graph.result);
    }

    // The graph's result stays in memory, as the session keeps it under a name.
    void record(const TaskGraph &graph)
    {
        const std::set<QString> result(graph.result.keys.begin(), graph.result.keys.end());
        std::vector<bool> inResult;
        for (const Task &task : graph.tasks)
            inResult.push_back(result.count(task.outputKey) > 0);
        lineage.record(graph.tasks, inResult); // a copy: the test still runs the graph
        for (const Task &task : graph.tasks)
            recorded[task.outputKey] = task;
    }

    void keep(const QString &name, const BlockLayout &layout)
    {
        kept[name] = layout;
        workspace.layouts[name] = layout;
        for (std::size_t i = 0; i < layout.keys.size(); ++i)
            workerOf[layout.keys[i]] = layout.workers[i];
        std::set<QString> live;
        for (const auto &[array, each] : kept)
            live.insert(each.keys.begin(), each.keys.end());
        for (const QString &key : inMemory) {
            if (!live.count(key))
                lineage.release(key);
        }
        lineage.settle();
        inMemory = live;
        checkHolds(lineage, reachable(recorded, live));
        // Temporaries are released after each run, as the graph runner does.
        std::erase_if(memory, [&live](const auto &entry) { return !live.count(entry.first); });
    }
};

RebuildRequest requestFor(Session &session, int lost, const std::vector<int> &targets)
{
    RebuildRequest request;
    std::size_t next = 0;
    for (const auto &[key, worker] : session.workerOf) {
        if (worker == lost && session.memory.count(key))
            request.targets.push_back({key, targets[next++ % targets.size()]});
    }
    request.locate = [&session, lost](const QString &key) {
        const auto found = session.workerOf.find(key);
        return found == session.workerOf.end() || found->second == lost || !session.memory.count(key) ? -1 : found->second;
    };
    request.workerCount = 3;
    request.usable = {true, true, true};
    request.usable[std::size_t(lost)] = false;
    request.keyPrefix = u"op9"_s;
    return request;
}

} // namespace

class TestLineage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadedBlocksComeFromTheirFiles();
    void derivedBlocksComeBackBitForBit_data();
    void derivedBlocksComeBackBitForBit();
    void replacedInputsAreMadeFromTheirOwnLineage();
    void forgetsWhatNoBlockNeeds();
    void settleForgetsWhatNoBlockNeedsAsArraysChange();
    void aTaskRecordedAgainLetsGoOfItsOldInputs();
    void aBlockWithoutLineageIsNotFound();
    void noWorkerLeftIsAnError();
    void roomDecidesWhereLostBlocksGo();
};

void TestLineage::loadedBlocksComeFromTheirFiles()
{
    Session session;
    session.load();
    const Store before = session.memory;
    RebuildRequest request = requestFor(session, 1, {0, 2});
    for (const RebuildTarget &target : request.targets)
        session.memory.erase(target.key);
    const Result<TaskGraph> graph = planRebuild(session.lineage, request);
    QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
    QCOMPARE(kindCounts(*graph), u"load:2"_s);
    for (std::size_t i = 0; i < request.targets.size(); ++i) {
        QCOMPARE(graph->result.keys[i], request.targets[i].key);
        QCOMPARE(graph->result.workers[i], request.targets[i].worker);
    }
    QVERIFY(execute(*graph, session.memory));
    for (const auto &[key, block] : before)
        QVERIFY2(sameBits(session.memory.at(key), block), qPrintable(key));
}

void TestLineage::derivedBlocksComeBackBitForBit_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<int>("lost");
    QTest::newRow("anomaly, worker 1 lost") << u"x - x.mean()"_s << 1;
    QTest::newRow("anomaly, worker 0 lost") << u"x - x.mean()"_s << 0;
    QTest::newRow("std along time, worker 2 lost") << u"x.std(axis=0)"_s << 2;
    QTest::newRow("slices and sqrt") << u"sqrt(abs(x[2:21, 1:, ::2]))"_s << 1;
    QTest::newRow("a mean per row") << u"x.mean(axis=(1, 2))"_s << 0;
}

void TestLineage::derivedBlocksComeBackBitForBit()
{
    QFETCH(QString, statement);
    QFETCH(int, lost);
    Session session;
    session.load();
    session.assign(u"y"_s, statement);
    const Store before = session.memory;
    RebuildRequest request = requestFor(session, lost, {(lost + 1) % 3, (lost + 2) % 3});
    QVERIFY(!request.targets.empty());
    for (const RebuildTarget &target : request.targets)
        session.memory.erase(target.key);
    const Result<TaskGraph> graph = planRebuild(session.lineage, request);
    QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
    for (const Task &task : graph->tasks) {
        QVERIFY2(task.worker != lost, qPrintable(u"%1 placed on the lost worker"_s.arg(task.outputKey)));
        for (const TaskInput &input : task.inputs)
            QVERIFY2(input.worker != lost, qPrintable(u"%1 reads %2 from the lost worker"_s.arg(task.outputKey, input.key)));
    }
    QVERIFY(execute(*graph, session.memory));
    for (const auto &[key, block] : before)
        QVERIFY2(sameBits(session.memory.at(key), block), qPrintable(key));
    // Temporaries made again have new names, so they cannot be mistaken for released ones.
    for (const QString &key : graph->temporaryKeys)
        QVERIFY2(key.startsWith(u"op9.t"_s), qPrintable(key));
}

void TestLineage::replacedInputsAreMadeFromTheirOwnLineage()
{
    // y is made from x; x is then replaced by 2 * x, and its old blocks leave memory. A lost y
    // block comes back from the files, through the old x, not from the new x.
    Session session;
    session.load();
    session.assign(u"y"_s, u"x + 1"_s);
    const Store before = session.memory;
    session.assign(u"x"_s, u"x * 2"_s);
    const int lost = 1;
    RebuildRequest request = requestFor(session, lost, {0, 2});
    // y's blocks only ("op1..."); the new x's ("op2...") have their own lineage.
    std::erase_if(request.targets, [](const RebuildTarget &target) { return !target.key.startsWith(u"op1."_s); });
    for (const RebuildTarget &target : request.targets)
        session.memory.erase(target.key);
    const Result<TaskGraph> graph = planRebuild(session.lineage, request);
    QVERIFY2(graph.isOk(), qPrintable(graph.status().message()));
    QCOMPARE(kindCounts(*graph), u"load:2 binary:2"_s);
    QVERIFY(execute(*graph, session.memory));
    for (const RebuildTarget &target : request.targets)
        QVERIFY2(sameBits(session.memory.at(target.key), before.at(target.key)), qPrintable(target.key));
}

void TestLineage::forgetsWhatNoBlockNeeds()
{
    Session session;
    session.load();
    QCOMPARE(session.lineage.size(), std::size_t(6));
    session.assign(u"y"_s, u"x - x.mean()"_s);
    const std::size_t withY = session.lineage.size();
    QVERIFY(withY > 12); // y's blocks, and the mean's partials and combines they were made from
    QCOMPARE(session.lineage.runCount(), std::size_t(2));
    session.kept.erase(u"y"_s);
    session.keep(u"x"_s, session.kept.at(u"x"_s));
    QCOMPARE(session.lineage.size(), std::size_t(6));
    QCOMPARE(session.lineage.runCount(), std::size_t(1)); // y's run, partials and all, is freed
    session.kept.clear();
    session.keep(u"z"_s, BlockLayout{});
    QCOMPARE(session.lineage.size(), std::size_t(0));
    QCOMPARE(session.lineage.runCount(), std::size_t(0));
}

// Each keep() checks the lineage against a search over every task recorded; this walks it through
// replaced, derived, removed and self-replacing arrays.
void TestLineage::settleForgetsWhatNoBlockNeedsAsArraysChange()
{
    Session session;
    session.load();
    session.assign(u"y"_s, u"x - x.mean()"_s);
    session.assign(u"y"_s, u"x * 2"_s); // y's old blocks and the mean go
    QCOMPARE(session.lineage.size(), std::size_t(12));
    QCOMPARE(session.lineage.runCount(), std::size_t(2)); // the load's and the new y's
    session.assign(u"z"_s, u"y - y.mean()"_s);
    const std::size_t withZ = session.lineage.size();
    session.kept.erase(u"y"_s); // y's blocks leave memory; z was made from them, so their tasks stay
    session.keep(u"x"_s, session.kept.at(u"x"_s));
    QCOMPARE(session.lineage.size(), withZ);
    QCOMPARE(session.lineage.runCount(), std::size_t(3));
    session.assign(u"z"_s, u"z + 1"_s); // z read by its own replacement
    session.kept.clear();
    session.keep(u"w"_s, BlockLayout{});
    QCOMPARE(session.lineage.size(), std::size_t(0));
}

void TestLineage::aTaskRecordedAgainLetsGoOfItsOldInputs()
{
    const auto task = [](const QString &key, const QString &input) {
        Task made;
        made.kind = input.isEmpty() ? TaskKind::Load : TaskKind::Unary;
        made.outputKey = key;
        if (!input.isEmpty())
            made.inputs.push_back(TaskInput{input, {}});
        return made;
    };
    Lineage lineage;
    TaskGraph first;
    first.tasks = {task(u"a"_s, {}), task(u"b"_s, {}), task(u"c"_s, u"a"_s)};
    lineage.record(first.tasks, {false, false, true}); // c stays in memory
    lineage.settle();
    QCOMPARE(lineage.size(), std::size_t(2)); // c and the a it was made from
    TaskGraph second;
    second.tasks = {task(u"b"_s, {}), task(u"c"_s, u"b"_s)}; // c made again, from b
    lineage.record(second.tasks, {false, true});
    lineage.settle();
    QCOMPARE(lineage.size(), std::size_t(2));
    QVERIFY(lineage.producer(u"b"_s));
    QVERIFY(!lineage.producer(u"a"_s));
    QCOMPARE(lineage.producer(u"c"_s)->inputs.front().key, u"b"_s);
    QCOMPARE(lineage.runCount(), std::size_t(1)); // the first run named nothing any more
}

void TestLineage::aBlockWithoutLineageIsNotFound()
{
    Lineage lineage;
    RebuildRequest request{{{u"x:0"_s, 0}}, [](const QString &) { return -1; }, 2, {true, false}, u"op2"_s};
    const Result<TaskGraph> graph = planRebuild(lineage, request);
    QCOMPARE(graph.status().code(), ErrorCode::NotFound);
    QVERIFY2(graph.status().message().contains(u"x:0"_s), qPrintable(graph.status().message()));
}

void TestLineage::noWorkerLeftIsAnError()
{
    Session session;
    session.load();
    RebuildRequest request = requestFor(session, 1, {0});
    request.usable = {false, false, false};
    const Result<TaskGraph> graph = planRebuild(session.lineage, request);
    QCOMPARE(graph.status().code(), ErrorCode::Network);
}

void TestLineage::roomDecidesWhereLostBlocksGo()
{
    // Four 100-byte blocks to workers with 300 and 100 bytes free: three and one, in runs.
    QCOMPARE(assignContiguousByRoom({100, 100, 100, 100}, {300, 100}), (std::vector<int>{0, 0, 0, 1}));
    // Equal room: two and two.
    QCOMPARE(assignContiguousByRoom({100, 100, 100, 100}, {500, 500}), (std::vector<int>{0, 0, 1, 1}));
    // A worker with no room gets nothing.
    QCOMPARE(assignContiguousByRoom({100, 100}, {0, 1000}), (std::vector<int>{1, 1}));
    // Too little room in all: what does not fit goes nowhere.
    QCOMPARE(assignContiguousByRoom({100, 100, 100}, {150, 100}), (std::vector<int>{0, 1, -1}));
    QCOMPARE(assignContiguousByRoom({100}, {0, 0}), (std::vector<int>{-1}));
}

QTEST_GUILESS_MAIN(TestLineage)
#include "tst_lineage.moc"
