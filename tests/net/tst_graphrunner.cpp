// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The graph runner against two real worker services on loopback: results, task records, what
// is left in the workers' memory after success, failure and cancel, and both kinds of load.

#include "core/expr/checker.h"
#include "core/expr/parser.h"
#include "core/io/filestack.h"
#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"
#include "core/kernels/slice.h"
#include "core/plan/loadplan.h"
#include "core/plan/planner.h"
#include "net/protocol/messages.h"
#include "net/protocol/workerclient.h"
#include "net/session/graphrunner.h"
#include "net/worker/workerservice.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int waitMillis = 20000;

std::set<QString> keysOf(WorkerService *service)
{
    std::set<QString> keys;
    for (const auto &[key, bytes] : service->store().list())
        keys.insert(key);
    return keys;
}

} // namespace

class TestGraphRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void evaluatesAndReleasesTemporaries();
    void keepsAnAssignedResult();
    void resultTasksInAnotherOrderStillGather();
    void failureReleasesWhatItMade();
    void cancelReleasesWhatItMade();
    void aTaskTooLargeToSendFailsTheRunNotTheWorker();
    void releasingManyBlocksKeepsTheWorkers();
    void aWorkerGoneBeforeTheRunGetsNoTask();
    void aWorkerThatStopsAnsweringFailsTheRun();
    void aWorkerLostMidRunIsReplaced();
    void loads_data();
    void loads();

private:
    // Plans `text` over the array "a" (two blocks of (2, 3), one per worker).
    Plan plan(const QString &text, const QString &operationId);
    Status run(GraphRunner &runner);
    bool onlyArrayBlocksRemain();
    // Both workers are still connected and compute a * 3 correctly.
    void checkWorkersStillServe(const QString &operationId);

    QObject m_scope;
    std::vector<WorkerService *> m_services;
    std::vector<QPointer<WorkerClient>> m_clients;
    QStringList m_addresses;
    BlockLayout m_a;
    NdArray m_values; // a's values, whole
    QTemporaryDir m_dir;
};

void TestGraphRunner::initTestCase()
{
    for (int i = 0; i < 2; ++i) {
        WorkerOptions options;
        options.name = u"w%1"_s.arg(i + 1);
        options.threads = 2;
        options.memoryLimitBytes = std::int64_t(256) << 20;
        auto *service = new WorkerService(options, &m_scope);
        QVERIFY(service->start().isOk());
        m_services.push_back(service);
        auto *client = new WorkerClient({}, u"client"_s, &m_scope);
        QSignalSpy ready(client, &WorkerClient::ready);
        client->connectTo(service->listenAddress());
        QVERIFY(ready.wait(waitMillis));
        m_clients.push_back(client);
        m_addresses << client->address();
    }
    std::vector<double> values(12);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = double(i) * 1.5 - 4;
    m_values = NdArray::fromVector({4, 3}, values);
    m_a = BlockLayout{Chunks({{2, 2}, {3}}), {u"a:0.0"_s, u"a:1.0"_s}, {0, 1}};
    for (int block = 0; block < 2; ++block) {
        QVERIFY(m_services[std::size_t(block)]
                    ->store()
                    .insert(m_a.keys[std::size_t(block)], m_values.view(block * 6, {2, 3}))
                    .isOk());
    }
    QVERIFY(m_dir.isValid());
}

Plan TestGraphRunner::plan(const QString &text, const QString &operationId)
{
    Result<Statement> statement = parseStatement(text);
    Q_ASSERT(statement.isOk());
    const Status checked = checkExpression(*statement->expr, [](const QString &name) -> std::optional<Shape> {
        return name == u"a"_s ? std::optional<Shape>(Shape{4, 3}) : std::nullopt;
    });
    Q_ASSERT(checked.isOk());
    PlannerContext context;
    context.layoutOf = [this](const QString &name) {
        return name == u"a"_s ? &m_a : nullptr;
    };
    context.threadsPerWorker = {2, 2};
    context.keyPrefix = operationId;
    Result<Plan> planned = planExpression(*statement->expr, context);
    Q_ASSERT(planned.isOk());
    return std::move(*planned);
}

Status TestGraphRunner::run(GraphRunner &runner)
{
    QSignalSpy finished(&runner, &GraphRunner::finished);
    runner.start();
    if (finished.isEmpty() && !finished.wait(waitMillis))
        return makeError(ErrorCode::Internal, u"the runner did not finish"_s);
    return finished.front().front().value<Status>();
}

bool TestGraphRunner::onlyArrayBlocksRemain()
{
    return keysOf(m_services[0]) == std::set<QString>{m_a.keys[0]} && keysOf(m_services[1]) == std::set<QString>{m_a.keys[1]};
}

void TestGraphRunner::checkWorkersStillServe(const QString &operationId)
{
    for (const QPointer<WorkerClient> &client : m_clients)
        QVERIFY(client && client->state() == WorkerClient::State::Ready);
    Plan planned = plan(u"a * 3"_s, operationId);
    GraphRunner::Settings gather;
    gather.operationId = operationId;
    gather.storeResult = false;
    gather.gatherResult = true;
    GraphRunner runner(std::move(planned.graph), gather, m_clients, m_addresses);
    const Status status = run(runner);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    const NdArray tripled = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    for (std::int64_t i = 0; i < m_values.size(); ++i)
        QCOMPARE(tripled.at(i), m_values.at(i) * 3);
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::evaluatesAndReleasesTemporaries()
{
    // a + 1 per block, a partial per worker, one combine across workers: temporaries on both, and
    // a peer fetch for the combine.
    Plan planned = plan(u"(a + 1).sum(axis=0)"_s, u"t.op1"_s);
    const std::size_t taskCount = planned.graph.tasks.size();
    GraphRunner::Settings settings;
    settings.operationId = u"t.op1"_s;
    settings.storeResult = false;
    settings.gatherResult = true;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    QSignalSpy progress(&runner, &GraphRunner::taskFinished);
    const Status status = run(runner);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(std::size_t(progress.size()), taskCount);
    QCOMPARE(progress.back().at(1).toInt(), int(taskCount));
    QCOMPARE(runner.stats().records.size(), taskCount);
    QVERIFY(runner.stats().peerBytes > 0);

    const NdArray sum = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    QCOMPARE(sum.shape(), (Shape{3}));
    for (int column = 0; column < 3; ++column) {
        double expected = 0;
        for (int row = 0; row < 4; ++row)
            expected += m_values.at(row * 3 + column) + 1;
        QCOMPARE(sum.at(column), expected);
    }
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::keepsAnAssignedResult()
{
    Plan planned = plan(u"a * 2"_s, u"t.op2"_s);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op2"_s;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    QVERIFY(run(runner).isOk());
    const BlockLayout &result = runner.graph().result;
    for (std::size_t block = 0; block < result.keys.size(); ++block) {
        const std::optional<NdArray> kept = m_services[std::size_t(result.workers[block])]->store().find(result.keys[block]);
        QVERIFY(kept);
        QCOMPARE(kept->at(0), m_values.at(std::int64_t(block) * 6) * 2);
    }
    GraphRunner::releaseBlocks(m_clients, result.keys, result.workers);
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

// Planners list the result's tasks in the result's order, which the runner relies on first; a graph
// listing them otherwise must still put each block in its place.
void TestGraphRunner::resultTasksInAnotherOrderStillGather()
{
    Plan planned = plan(u"a * 3"_s, u"t.op7"_s);
    std::vector<Task> &tasks = planned.graph.tasks;
    QCOMPARE(tasks.size(), std::size_t(2));
    QVERIFY(tasks[0].dependsOn.empty() && tasks[1].dependsOn.empty());
    std::swap(tasks[0], tasks[1]);
    tasks[0].id = 0;
    tasks[1].id = 1;
    QCOMPARE(tasks[1].outputKey, planned.graph.result.keys[0]);
    GraphRunner::Settings gather;
    gather.operationId = u"t.op7"_s;
    gather.storeResult = false;
    gather.gatherResult = true;
    GraphRunner runner(std::move(planned.graph), gather, m_clients, m_addresses);
    QVERIFY(runner.makesResult(0) && runner.makesResult(1));
    QVERIFY(run(runner).isOk());
    const NdArray tripled = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    for (std::int64_t i = 0; i < m_values.size(); ++i)
        QCOMPARE(tripled.at(i), m_values.at(i) * 3);
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::failureReleasesWhatItMade()
{
    // The second block's task reads a key that no worker has: the first block's output goes too.
    Plan planned = plan(u"a - 1"_s, u"t.op3"_s);
    planned.graph.tasks[1].inputs[0].key = u"nowhere:1.0"_s;
    GraphRunner::Settings settings;
    settings.operationId = u"t.op3"_s;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    const Status status = run(runner);
    QCOMPARE(status.code(), ErrorCode::NotFound);
    QVERIFY2(status.message().contains(u"nowhere:1.0"_s), qPrintable(status.message()));
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::aTaskTooLargeToSendFailsTheRunNotTheWorker()
{
    // A task naming 30,000 inputs needs a request over the 1 MiB header limit, which a worker takes
    // for broken framing and closes the connection: the runner refuses to send it instead.
    Plan planned = plan(u"a + 1"_s, u"t.op9"_s);
    Task &task = planned.graph.tasks[1];
    TaskInput input = task.inputs.front();
    input.key = QString(60, u'k') + u":0.0"_s; // about 80 bytes of CBOR per input: 2.4 MB in all
    task.inputs.assign(30000, input);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op9"_s;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    const Status status = run(runner);
    QCOMPARE(status.code(), ErrorCode::InvalidArgument);
    QVERIFY2(status.message().contains(u"30000 pieces"_s) && status.message().contains(u"rechunk"_s),
             qPrintable(status.message()));
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
    checkWorkersStillServe(u"t.op10"_s);
}

void TestGraphRunner::releasingManyBlocksKeepsTheWorkers()
{
    // 40,000 keys of 64 characters per worker (2.6 MB of CBOR) go in several requests, each
    // under the frame header limit; the workers keep their connections and their blocks.
    std::vector<QString> keys;
    std::vector<int> owners;
    for (int i = 0; i < 80000; ++i) {
        keys.push_back(u"gone.%1:0.0"_s.arg(i, 56, 10, QLatin1Char('0')));
        owners.push_back(i % 2);
    }
    GraphRunner::releaseBlocks(m_clients, keys, owners, u"t.op11"_s);
    checkWorkersStillServe(u"t.op12"_s);
}

void TestGraphRunner::cancelReleasesWhatItMade()
{
    Plan planned = plan(u"(a * a).mean(axis=0)"_s, u"t.op4"_s);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op4"_s;
    settings.storeResult = false;
    settings.gatherResult = true;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    QSignalSpy finished(&runner, &GraphRunner::finished);
    // Cancelled once the first task is done: the rest are never sent.
    connect(&runner, &GraphRunner::taskFinished, &runner, &GraphRunner::cancel);
    const Status status = run(runner);
    QCOMPARE(status.code(), ErrorCode::Cancelled);
    QCOMPARE(finished.size(), 1);
    QVERIFY(int(runner.stats().records.size()) < int(runner.graph().tasks.size()));
    QVERIFY(runner.takeResultBlocks().empty());
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::aWorkerGoneBeforeTheRunGetsNoTask()
{
    // No connection to worker 1 (the session passes none for a lost worker): everything runs on
    // worker 0, which fetches a's second block from worker 1's address (still up here).
    Plan planned = plan(u"a + 1"_s, u"t.op6"_s);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op6"_s;
    settings.storeResult = false;
    settings.gatherResult = true;
    std::vector<QPointer<WorkerClient>> clients{m_clients[0], nullptr};
    GraphRunner runner(std::move(planned.graph), settings, clients, m_addresses);
    QVERIFY(run(runner).isOk());
    for (const TaskRecord &record : runner.stats().records)
        QCOMPARE(record.worker, 0);
    const NdArray result = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    for (std::int64_t i = 0; i < 12; ++i)
        QCOMPARE(result.at(i), m_values.at(i) + 1);
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::aWorkerThatStopsAnsweringFailsTheRun()
{
    // Its connection is gone and nobody says the worker is lost: after the verdict time the
    // task's error stands, naming the worker.
    Plan planned = plan(u"a + 1"_s, u"t.op8"_s);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op8"_s;
    settings.verdictMillis = 100;
    auto *closed = new WorkerClient({}, u"client"_s, &m_scope);
    QSignalSpy ready(closed, &WorkerClient::ready);
    closed->connectTo(m_addresses[1]);
    QVERIFY(ready.wait(waitMillis));
    closed->close();
    std::vector<QPointer<WorkerClient>> clients{m_clients[0], closed};
    GraphRunner runner(std::move(planned.graph), settings, clients, m_addresses);
    const Status status = run(runner);
    QCOMPARE(status.code(), ErrorCode::Network);
    QVERIFY2(status.message().contains(u"not connected"_s), qPrintable(status.message()));
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

void TestGraphRunner::aWorkerLostMidRunIsReplaced()
{
    // Told that worker 1 is lost once the first task is done, the runner moves what was to run
    // there to worker 0 (which reads a's second block from worker 1, here still up) and the
    // result is still right.
    Plan planned = plan(u"(a * 2).sum(axis=0)"_s, u"t.op7"_s);
    GraphRunner::Settings settings;
    settings.operationId = u"t.op7"_s;
    settings.storeResult = false;
    settings.gatherResult = true;
    GraphRunner runner(std::move(planned.graph), settings, m_clients, m_addresses);
    bool told = false;
    std::vector<int> workersAfter;
    connect(&runner, &GraphRunner::taskSent, &runner, [&](int taskId) {
        if (told)
            workersAfter.push_back(runner.graph().tasks[std::size_t(taskId)].worker);
    });
    connect(&runner, &GraphRunner::taskFinished, &runner, [&] {
        if (!std::exchange(told, true))
            runner.workerLost(1);
    });
    QVERIFY(run(runner).isOk());
    QVERIFY(!workersAfter.empty());
    for (int worker : workersAfter)
        QCOMPARE(worker, 0);
    const NdArray result = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    QCOMPARE(result.shape(), (Shape{3}));
    for (std::int64_t column = 0; column < 3; ++column) {
        double expected = 0;
        for (std::int64_t row = 0; row < 4; ++row)
            expected += 2 * m_values.at(row * 3 + column);
        QCOMPARE(result.at(column), expected);
    }
    QVERIFY(runner.stats().rerunTasks > 0);
    QVERIFY(std::any_of(runner.stats().records.begin(), runner.stats().records.end(),
                        [](const TaskRecord &record) { return record.rebuild; }));
    // The survivor keeps only the array. The "lost" worker is still up here, holding what it made
    // before; a really lost one has its session's blocks freed with the connection.
    QTRY_COMPARE_WITH_TIMEOUT(keysOf(m_services[0]), std::set<QString>{m_a.keys[0]}, waitMillis);
    std::set<QString> leftOnLost = keysOf(m_services[1]);
    leftOnLost.erase(m_a.keys[1]);
    m_services[1]->store().remove(std::vector<QString>(leftOnLost.begin(), leftOnLost.end()));
    QVERIFY(onlyArrayBlocksRemain());
}

void TestGraphRunner::loads_data()
{
    QTest::addColumn<bool>("headReads");
    QTest::newRow("workers read") << false;
    QTest::newRow("the client reads") << true;
}

void TestGraphRunner::loads()
{
    QFETCH(bool, headReads);
    SampleDataOptions sample;
    sample.days = 3;
    sample.gridDegrees = 5;
    const Result<QStringList> files = writeSampleData(m_dir.filePath(u"era"_s), sample);
    QVERIFY(files.isOk());
    const Result<FileStack> stack = planFileStack(*files, u"t2m"_s);
    QVERIFY(stack.isOk());
    std::vector<WorkerCapacity> workers{{0, u"w1"_s, 1 << 28, 1 << 28}, {1, u"w2"_s, 1 << 28, 1 << 28}};
    Result<TaskGraph> graph = planLoad(*stack, {u"x"_s, u"x@t.op5"_s, Distribution::RoundRobin, 2, headReads}, workers);
    QVERIFY(graph.isOk());
    GraphRunner::Settings settings;
    settings.operationId = u"t.op5"_s;
    GraphRunner runner(std::move(*graph), settings, m_clients, m_addresses);
    QVERIFY(run(runner).isOk());

    // Every block holds what reading its slab gives, on the worker the plan chose.
    for (const Task &task : runner.graph().tasks) {
        const std::optional<NdArray> block = m_services[std::size_t(task.worker)]->store().find(task.outputKey);
        QVERIFY2(block, qPrintable(task.outputKey));
        const Result<NdArray> expected = readVariable(task.load.path, task.load.variable, task.load.start, task.load.count);
        QVERIFY(expected.isOk());
        QCOMPARE(block->shape(), expected->shape());
        QVERIFY(std::equal(block->data(), block->data() + block->size(), expected->data()));
        QCOMPARE(runner.stats().records[std::size_t(task.id)].kind, TaskKind::Load);
    }
    GraphRunner::releaseBlocks(m_clients, runner.graph().result.keys, runner.graph().result.workers);
    QTRY_VERIFY_WITH_TIMEOUT(onlyArrayBlocksRemain(), waitMillis);
}

QTEST_GUILESS_MAIN(TestGraphRunner)
#include "tst_graphrunner.moc"
