// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/graphrunner.h"

#include "core/bytesize.h"
#include "core/io/dataset.h"
#include "core/plan/planner.h"
#include "net/protocol/clock.h"
#include "net/protocol/frame.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/protocol/workerclient.h"
#include "net/session/blockdirectory.h"

#include <limits>
#include <unordered_set>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// Head reads run a few blocks ahead of the sockets: enough to keep both busy, few enough that
// the client never holds more than a handful of blocks.
constexpr int headReadsAhead = 4;

bool isError(const Frame &reply)
{
    return isErrorReply(reply.header);
}

// What a task cost: from its worker's done reply, or from the client's clock when the client did
// the work itself (a head read, answered by a plain ok).
Result<TaskRecord> recordOf(const Task &task, const Frame &reply, qint64 originMicros, qint64 clientStartMicros, wire::Done &done)
{
    TaskRecord record;
    record.taskId = task.id;
    record.kind = task.kind;
    record.worker = task.worker;
    record.outputKey = task.outputKey;
    if (clientStartMicros) {
        TESSERA_RETURN_IF_ERROR(wire::Ok::fromCbor(reply.header));
        record.startMicros = clientStartMicros - originMicros;
        record.endMicros = epochMicros() - originMicros;
        record.outputBytes = *checkedByteSize(task.outputShape);
        return record;
    }
    Result<wire::Done> parsed = wire::Done::fromCbor(reply.header);
    TESSERA_RETURN_IF_ERROR(parsed);
    done = *parsed;
    record.thread = done.thread;
    record.startMicros = done.startMicros - originMicros;
    record.endMicros = done.endMicros - originMicros;
    record.fetchedBytes = done.fetchedBytes;
    record.outputBytes = done.outputBytes;
    return record;
}

// A worker that cannot read a file it was sent to: say how a shared path can be avoided.
Status workerReadError(const Status &status)
{
    const bool fileProblem =
        status.code() == ErrorCode::Io || status.code() == ErrorCode::NotFound || status.code() == ErrorCode::Format;
    if (!fileProblem)
        return status;
    return Status(status.code(), status.message()
                                     + u" (with --load workers every worker must see the files at the same path; use --load head "
                                       "when they cannot)"_s);
}

} // namespace

GraphRunner::GraphRunner(TaskGraph graph, Settings settings, std::vector<QPointer<WorkerClient>> clients, QStringList addresses,
                         const BlockDirectory *directory, QObject *parent)
    : QObject(parent)
    , m_graph(std::move(graph))
    , m_settings(std::move(settings))
    , m_clients(std::move(clients))
    , m_addresses(std::move(addresses))
    , m_directory(directory)
{
    const std::size_t taskCount = m_graph.tasks.size();
    m_state.assign(taskCount, State::Waiting);
    m_attempt.assign(taskCount, 0);
    m_rerun.assign(taskCount, false);
    m_waitingFor.resize(taskCount);
    m_dependents.resize(taskCount);
    m_isResult.assign(taskCount, false);
    m_resultIndex.assign(taskCount, 0);
    m_loads.assign(m_clients.size(), 0);
    // A worker lost before this run began has no connection: nothing may be placed on it again.
    for (std::size_t worker = 0; worker < m_clients.size(); ++worker) {
        if (!m_clients[worker])
            m_lostWorkers.insert(int(worker));
    }
    for (const Task &task : m_graph.tasks) {
        m_waitingFor[task.id] = int(task.dependsOn.size());
        for (int dependency : task.dependsOn)
            m_dependents[dependency].push_back(task.id);
        if (task.worker >= 0 && task.worker < int(m_loads.size()))
            m_loads[std::size_t(task.worker)] += checkedByteSize(task.outputShape).value_or(0);
    }
    markResultTasks();
    for (int worker : m_lostWorkers)
        m_loads[std::size_t(worker)] = std::numeric_limits<std::int64_t>::max() / 2;
    m_returnsOutput.assign(taskCount, false);
    if (!m_graph.returnedKeys.empty()) {
        const std::unordered_set<QString, StringHash> returned(m_graph.returnedKeys.begin(), m_graph.returnedKeys.end());
        for (const Task &task : m_graph.tasks)
            m_returnsOutput[std::size_t(task.id)] = returned.count(task.outputKey) > 0;
    }
    m_inWindow.assign(m_clients.size(), 0);
    m_resultBlocks.resize(m_graph.result.keys.size());
    m_resultArrived.assign(m_graph.result.keys.size(), false);
    m_readers.setMaxThreadCount(headReadsAhead);
    m_verdictTimer.setInterval(100);
    connect(&m_verdictTimer, &QTimer::timeout, this, &GraphRunner::checkVerdicts);
    if (m_directory) {
        connect(m_directory, &BlockDirectory::blockReady, this, &GraphRunner::onBlockReady);
        connect(m_directory, &BlockDirectory::blockDamaged, this, &GraphRunner::onBlockDamaged);
    }
}

GraphRunner::~GraphRunner()
{
    // A read still running would post its block to this object as it goes.
    m_readers.waitForDone();
}

void GraphRunner::start()
{
    std::vector<int> ready;
    for (const Task &task : m_graph.tasks) {
        if (task.dependsOn.empty())
            ready.push_back(task.id);
    }
    dispatchReady(ready);
    finishIfIdle(); // a statement that only names existing blocks has no task
}

void GraphRunner::cancel()
{
    m_cancelled = true;
    m_headQueue.clear();
    finishIfIdle();
}

void GraphRunner::abandon(const Status &status)
{
    fail(status);
    finishIfIdle();
}

std::vector<NdArray> GraphRunner::takeResultBlocks()
{
    return std::exchange(m_resultBlocks, {});
}

// Worker by worker in turn: a graph lists each worker's tasks together, and sent in that order the
// last worker would wait for every request to the others to be written (0.35 s of a 110,960-task
// rechunk, as the task stream showed).
void GraphRunner::dispatchReady(const std::vector<int> &ready)
{
    std::vector<std::vector<int>> byWorker(m_clients.size() + 1); // the last for tasks of no worker
    for (int taskId : ready) {
        const int worker = m_graph.tasks[std::size_t(taskId)].worker;
        byWorker[worker >= 0 && std::size_t(worker) < m_clients.size() ? std::size_t(worker) : m_clients.size()].push_back(
            taskId);
    }
    for (std::size_t turn = 0, sent = 0; sent < ready.size(); ++turn) {
        for (const std::vector<int> &tasks : byWorker) {
            if (turn < tasks.size()) {
                dispatch(tasks[turn]);
                ++sent;
            }
        }
    }
    pumpHeadReads();
}

void GraphRunner::dispatch(int taskId)
{
    if (stopping() || m_state[taskId] != State::Waiting || m_waitingFor[taskId] > 0 || m_awaitingVerdict.count(taskId)
        || waitsForBlocks(taskId))
        return;
    Task &task = m_graph.tasks[taskId];
    if (m_lostWorkers.count(task.worker))
        placeAgain(taskId);
    if (m_state[taskId] != State::Waiting)
        return; // nowhere left to run it
    refreshInputWorkers(task);
    if (!takeWindow(task))
        return; // dispatched again when a task of its worker finishes
    m_state[taskId] = State::Sent;
    Q_EMIT taskSent(taskId);
    if (task.kind != TaskKind::Load)
        sendTask(task);
    else if (task.headRead)
        m_headQueue.emplace_back(taskId, m_attempt[taskId]);
    else
        sendWorkerLoad(task);
}

bool GraphRunner::takeWindow(const Task &task)
{
    const std::vector<std::int64_t> &window = m_settings.transferWindowBytes;
    if (task.kind == TaskKind::Load || window.empty() || task.worker < 0 || std::size_t(task.worker) >= window.size())
        return true;
    std::int64_t remote = 0;
    for (const TaskInput &input : task.inputs)
        remote += input.worker != task.worker ? input.bytes : 0;
    if (remote == 0)
        return true;
    std::int64_t &inFlight = m_inWindow[std::size_t(task.worker)];
    if (inFlight > 0 && inFlight + remote > window[std::size_t(task.worker)]) {
        m_windowQueue[task.worker].push_back(task.id);
        return false;
    }
    inFlight += remote;
    m_windowHeld[task.id] = {task.worker, remote};
    return true;
}

void GraphRunner::releaseWindow(int taskId)
{
    const auto held = m_windowHeld.find(taskId);
    if (held == m_windowHeld.end())
        return;
    const auto [worker, bytes] = held->second;
    m_windowHeld.erase(held);
    m_inWindow[std::size_t(worker)] -= bytes;
    std::deque<int> &queue = m_windowQueue[worker];
    // Waiting tasks go in the order they came while there is room; dispatch() queues them again if not.
    while (!queue.empty() && !stopping()) {
        const int next = queue.front();
        queue.pop_front();
        if (m_state[next] != State::Waiting)
            continue;
        const std::size_t before = queue.size();
        dispatch(next);
        if (queue.size() > before)
            break; // no room for it: it is back at the end, and so wait the others
    }
}

// Inputs from outside the graph that are being rebuilt hold the task back until they are in
// memory; one that cannot be rebuilt fails it.
bool GraphRunner::waitsForBlocks(int taskId)
{
    if (!m_directory)
        return false;
    for (const TaskInput &input : m_graph.tasks[taskId].inputs) {
        if (producerOf(input.key, taskId) >= 0)
            continue;
        const BlockDirectory::Entry *entry = m_directory->find(input.key);
        if (!entry || entry->state == BlockDirectory::State::Ready)
            continue;
        if (entry->state == BlockDirectory::State::Damaged) {
            taskFailed(taskId, entry->damage);
            return true;
        }
        m_blockedTasks[input.key].push_back(taskId);
        return true;
    }
    return false;
}

// Inputs are read where they are now: a producer may have run again elsewhere, an array's block
// may have been rebuilt on another worker.
void GraphRunner::refreshInputWorkers(Task &task) const
{
    for (TaskInput &input : task.inputs) {
        if (const int producer = producerOf(input.key, task.id); producer >= 0) {
            input.worker = m_graph.tasks[std::size_t(producer)].worker;
        } else if (m_directory) {
            if (const int worker = m_directory->workerOf(input.key); worker >= 0)
                input.worker = worker;
        }
    }
}

// The task of this graph making `key` for `consumer`: one of those it depends on (every plan
// lists the tasks making a task's inputs there); -1 for a block from outside, or a block a task
// moves to another worker under its own key (a rebalance). A scan of a few dependencies, where a
// map of every output key was built for every run (110,960 entries for a rechunk) and searched.
int GraphRunner::producerOf(const QString &key, int consumer) const
{
    for (const int dependency : m_graph.tasks[std::size_t(consumer)].dependsOn) {
        if (m_graph.tasks[std::size_t(dependency)].outputKey == key)
            return dependency;
    }
    return -1;
}

void GraphRunner::pumpHeadReads()
{
    while (!stopping() && m_headInFlight < headReadsAhead && !m_headQueue.empty()) {
        const auto [taskId, attempt] = m_headQueue.front();
        m_headQueue.pop_front();
        if (attempt == m_attempt[taskId] && m_state[taskId] == State::Sent)
            startHeadRead(m_graph.tasks[taskId]);
    }
}

void GraphRunner::sendTask(const Task &task)
{
    const bool isResult = m_isResult[task.id];
    wire::TaskRequest request = wire::TaskRequest::forTask(task, m_addresses);
    request.operation = m_settings.operationId;
    request.store = !isResult || m_settings.storeResult;
    request.returnOutput = (isResult && m_settings.gatherResult) || m_returnsOutput[std::size_t(task.id)];
    // A worker closes a connection whose frame header passes the limit, as broken framing: a task
    // naming that many inputs (a rechunk of tens of thousands of blocks into one) is refused here.
    if (task.inputs.size() > std::size_t(MaxTaskInputs)) {
        const qsizetype bytes = request.toCbor().toCborValue().toCbor().size();
        if (bytes > FrameLimits{}.maxHeaderBytes) {
            const QString block = task.outputKey.section(QLatin1Char(':'), 1).replace(QLatin1Char('.'), QStringLiteral(", "));
            fail(makeError(ErrorCode::InvalidArgument,
                           QStringLiteral("block (%1) of the result would be made from %2 pieces: a request of %3, over the "
                                          "protocol's %4; make fewer, larger blocks first, e.g. with .rechunk(...)")
                               .arg(block)
                               .arg(task.inputs.size())
                               .arg(formatBytes(bytes), formatBytes(FrameLimits{}.maxHeaderBytes))));
            QMetaObject::invokeMethod(this, &GraphRunner::finishIfIdle, Qt::QueuedConnection);
            return;
        }
    }
    ++m_outstanding;
    ReplyHandler handler = [this, id = task.id, attempt = m_attempt[task.id]](const Frame &reply) {
        onReply(id, attempt, reply, 0);
    };
    if (WorkerClient *client = clientOf(task.worker)) {
        client->request([&request](CborBytes &writer, qint64 id) { request.write(writer, id); }, {}, std::move(handler));
        return;
    }
    answerUnreachable(task.worker, std::move(handler));
}

void GraphRunner::sendWorkerLoad(const Task &task)
{
    const QCborMap header = wire::Load{0, task.outputKey, task.load, task.outputShape}.toCbor();
    ++m_outstanding;
    send(task.worker, header, {},
         [this, id = task.id, attempt = m_attempt[task.id]](const Frame &reply) { onReply(id, attempt, reply, 0); });
}

void GraphRunner::startHeadRead(const Task &task)
{
    ++m_outstanding;
    ++m_headInFlight;
    const qint64 clientStart = epochMicros();
    const LoadSource source = task.load;
    const int taskId = task.id;
    const int attempt = m_attempt[taskId];
    if (task.inlineValue) { // a value the client has: sent as it is
        QMetaObject::invokeMethod(
            this,
            [this, taskId, attempt, clientStart, value = *task.inlineValue] { putBlock(taskId, attempt, value, clientStart); },
            Qt::QueuedConnection);
        return;
    }
    m_readers.start([this, source, taskId, attempt, clientStart] {
        Result<NdArray> block = readDatasetVariable(source.path, source.variable, source.start, source.count);
        QMetaObject::invokeMethod(
            this,
            [this, taskId, attempt, clientStart, block = std::move(block)]() mutable {
            putBlock(taskId, attempt, std::move(block), clientStart);
            },
            Qt::QueuedConnection);
    });
}

void GraphRunner::putBlock(int taskId, int attempt, Result<NdArray> block, qint64 clientStartMicros)
{
    const Task &task = m_graph.tasks[taskId];
    if (!block.isOk() || stopping() || attempt != m_attempt[taskId]) {
        --m_outstanding;
        --m_headInFlight;
        if (!block.isOk() && attempt == m_attempt[taskId])
            taskFailed(taskId, block.status());
        pumpHeadReads();
        finishIfIdle();
        return;
    }
    const QCborMap header = wire::Put{0, task.outputKey, block->shape(), block->mayHaveNan()}.toCbor();
    send(task.worker, header, QByteArrayView(block->bytes(), block->byteSize()),
         [this, taskId, attempt, clientStartMicros](const Frame &reply) {
        --m_headInFlight;
        onReply(taskId, attempt, reply, clientStartMicros);
        pumpHeadReads();
    });
}

void GraphRunner::onReply(int taskId, int attempt, const Frame &reply, qint64 clientStartMicros)
{
    --m_outstanding;
    releaseWindow(taskId);
    if (attempt != m_attempt[taskId]) {
        finishIfIdle(); // an attempt that a lost worker made moot
        return;
    }
    if (isError(reply)) {
        if (!stopping() && awaitVerdict(taskId, reply)) {
            finishIfIdle();
            return;
        }
        const Task &task = m_graph.tasks[taskId];
        const Status status = statusFromErrorReply(reply.header);
        taskFailed(taskId, task.kind == TaskKind::Load && !task.headRead ? workerReadError(status) : status);
        finishIfIdle();
        return;
    }
    taskDone(taskId, reply, clientStartMicros);
    finishIfIdle();
}

void GraphRunner::taskDone(int taskId, const Frame &reply, qint64 clientStartMicros)
{
    const Task &task = m_graph.tasks[taskId];
    wire::Done done;
    Result<TaskRecord> record = recordOf(task, reply, m_settings.originMicros, clientStartMicros, done);
    if (!record.isOk()) {
        taskFailed(taskId, record.status().withContext(QStringLiteral("worker %1").arg(m_addresses.value(task.worker))));
        return;
    }
    record->rebuild = m_settings.rebuild || m_rerun[taskId];
    m_stats.rerunTasks += m_rerun[taskId] ? 1 : 0;
    m_stats.peerBytes += record->fetchedBytes;
    if (record->fetchedBytes > 0)
        m_stats.longestFetchWaitMicros = std::max(m_stats.longestFetchWaitMicros, done.readyMicros - done.receivedMicros);
    m_stats.records.push_back(std::move(*record));
    if (m_isResult[taskId] && m_settings.gatherResult && task.kind != TaskKind::Load)
        keepReturnedBlock(task, done, reply.payload);
    if (m_returnsOutput[std::size_t(taskId)]) {
        Result<NdArray> block = done.shape ? arrayFromPayload(*done.shape, done.mayHaveNan, reply.payload)
                                           : Result<NdArray>(makeError(ErrorCode::Format, QStringLiteral("done: no shape")));
        if (block.isOk() && block->shape() == task.outputShape)
            m_returnedBlocks[task.outputKey] = std::move(*block);
        else
            fail(block.isOk()
                     ? makeError(ErrorCode::Format, QStringLiteral("task %1 came back with the wrong shape").arg(task.outputKey))
                     : block.status());
    }
    m_state[taskId] = State::Done;
    ++m_finishedTasks;
    std::vector<int> ready;
    for (int dependent : m_dependents[taskId]) {
        if (m_state[dependent] == State::Waiting && --m_waitingFor[dependent] == 0)
            ready.push_back(dependent);
    }
    // Listeners may change the run (a worker lost meanwhile); dispatch() checks each task again.
    Q_EMIT taskFinished(taskId, m_finishedTasks, int(m_graph.tasks.size()));
    dispatchReady(ready);
}

// With keepGoing, the task and everything that needs it are marked failed and the rest runs on.
void GraphRunner::taskFailed(int taskId, const Status &status)
{
    if (!m_settings.keepGoing) {
        fail(status);
        return;
    }
    std::vector<std::pair<int, Status>> stack{{taskId, status}};
    while (!stack.empty()) {
        auto [id, why] = std::move(stack.back());
        stack.pop_back();
        if (m_state[id] == State::Failed || m_state[id] == State::Done)
            continue;
        m_state[id] = State::Failed;
        ++m_attempt[id];
        m_awaitingVerdict.erase(id);
        m_failedTasks[id] = why;
        const Status needs(why.code(),
                           u"needs %1, which could not be made: %2"_s.arg(m_graph.tasks[id].outputKey, why.message()));
        for (int dependent : m_dependents[id])
            stack.emplace_back(dependent, needs);
    }
}

// A network error may mean the task's worker, or the peer it fetched from, is being lost: the
// session will say so (workerLost), and then the task runs again. Until then it waits.
bool GraphRunner::awaitVerdict(int taskId, const Frame &reply)
{
    if (statusFromErrorReply(reply.header).code() != ErrorCode::Network)
        return false;
    const QString peer = unreachablePeerOf(reply.header);
    const int suspect = peer.isEmpty() ? m_graph.tasks[taskId].worker : workerOfAddress(peer);
    if (suspect < 0)
        return false;
    m_state[taskId] = State::Waiting;
    if (m_lostWorkers.count(suspect)) {
        requeue(taskId);
        return true;
    }
    m_awaitingVerdict[taskId] = {statusFromErrorReply(reply.header), suspect,
                                 epochMicros() + qint64(m_settings.verdictMillis) * 1000};
    m_verdictTimer.start();
    return true;
}

void GraphRunner::checkVerdicts()
{
    const qint64 now = epochMicros();
    std::vector<std::pair<int, Status>> expired;
    for (const auto &[taskId, suspended] : m_awaitingVerdict) {
        if (suspended.deadlineMicros <= now)
            expired.emplace_back(taskId, suspended.status);
    }
    for (const auto &[taskId, status] : expired) {
        m_awaitingVerdict.erase(taskId);
        taskFailed(taskId, status);
    }
    if (m_awaitingVerdict.empty())
        m_verdictTimer.stop();
    finishIfIdle();
}

void GraphRunner::onBlockReady(const QString &key)
{
    if (const auto blocked = m_blockedTasks.find(key); blocked != m_blockedTasks.end()) {
        const std::vector<int> tasks = std::move(blocked->second);
        m_blockedTasks.erase(blocked);
        dispatchReady(tasks);
    }
    if (const auto blocked = m_blockedGathers.find(key); blocked != m_blockedGathers.end()) {
        const std::vector<std::size_t> indices = std::move(blocked->second);
        m_blockedGathers.erase(blocked);
        for (std::size_t index : indices)
            gather(index);
    }
}

void GraphRunner::onBlockDamaged(const QString &key, const Status &why)
{
    if (const auto blocked = m_blockedTasks.find(key); blocked != m_blockedTasks.end()) {
        const std::vector<int> tasks = std::move(blocked->second);
        m_blockedTasks.erase(blocked);
        for (int taskId : tasks)
            taskFailed(taskId, why);
    }
    if (m_blockedGathers.erase(key))
        fail(why);
    finishIfIdle();
}

WorkerClient *GraphRunner::clientOf(int worker) const
{
    return worker >= 0 && worker < int(m_clients.size()) ? m_clients[std::size_t(worker)].data() : nullptr;
}

void GraphRunner::send(int worker, const QCborMap &header, QByteArrayView payload, ReplyHandler handler)
{
    if (WorkerClient *client = clientOf(worker)) {
        client->request(header, payload, std::move(handler));
        return;
    }
    answerUnreachable(worker, std::move(handler));
}

// Every request gets its answer, as WorkerClient promises, and after the call that sent it returns.
void GraphRunner::answerUnreachable(int worker, ReplyHandler handler)
{
    const QString where = worker >= 0 && worker < m_addresses.size() ? m_addresses[worker] : QString::number(worker);
    QMetaObject::invokeMethod(
        this,
        [handler = std::move(handler), where] {
        handler(Frame{errorReply(0, Status(ErrorCode::Network, u"the worker at %1 is not connected"_s.arg(where))), {}});
        },
        Qt::QueuedConnection);
}

int GraphRunner::workerOfAddress(const QString &address) const
{
    const qsizetype index = m_addresses.indexOf(address);
    return index < 0 ? -1 : int(index);
}

void GraphRunner::fail(const Status &status)
{
    if (m_failure.isOk())
        m_failure = status;
    m_headQueue.clear();
}

} // namespace tessera
