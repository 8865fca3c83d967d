// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/graphrunner.h"

#include "core/io/netcdfreader.h"
#include "net/protocol/clock.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/protocol/workerclient.h"

#include <QCborArray>

#include <map>

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
                         QObject *parent)
    : QObject(parent)
    , m_graph(std::move(graph))
    , m_settings(std::move(settings))
    , m_clients(std::move(clients))
    , m_addresses(std::move(addresses))
{
    const std::size_t taskCount = m_graph.tasks.size();
    m_waitingFor.resize(taskCount);
    m_dependents.resize(taskCount);
    m_isResult.assign(taskCount, false);
    m_resultIndex.assign(taskCount, 0);
    std::map<QString, std::size_t> resultIndex;
    for (std::size_t i = 0; i < m_graph.result.keys.size(); ++i)
        resultIndex[m_graph.result.keys[i]] = i;
    for (const Task &task : m_graph.tasks) {
        m_waitingFor[task.id] = int(task.dependsOn.size());
        for (int dependency : task.dependsOn)
            m_dependents[dependency].push_back(task.id);
        if (auto it = resultIndex.find(task.outputKey); it != resultIndex.end()) {
            m_isResult[task.id] = true;
            m_resultIndex[task.id] = it->second;
        }
    }
    m_resultBlocks.resize(m_graph.result.keys.size());
    m_resultArrived.assign(m_graph.result.keys.size(), false);
    m_readers.setMaxThreadCount(headReadsAhead);
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

std::vector<NdArray> GraphRunner::takeResultBlocks()
{
    return std::exchange(m_resultBlocks, {});
}

void GraphRunner::dispatchReady(const std::vector<int> &ready)
{
    for (int taskId : ready) {
        const Task &task = m_graph.tasks[taskId];
        if (task.kind != TaskKind::Load)
            sendTask(task);
        else if (m_settings.headReads)
            m_headQueue.push_back(taskId);
        else
            sendWorkerLoad(task);
    }
    pumpHeadReads();
}

void GraphRunner::pumpHeadReads()
{
    while (!stopping() && m_headInFlight < headReadsAhead && !m_headQueue.empty()) {
        const int taskId = m_headQueue.front();
        m_headQueue.pop_front();
        startHeadRead(m_graph.tasks[taskId]);
    }
}

void GraphRunner::sendTask(const Task &task)
{
    const bool isResult = m_isResult[task.id];
    wire::TaskRequest request = wire::TaskRequest::forTask(task, m_addresses);
    request.operation = m_settings.operationId;
    request.store = !isResult || m_settings.storeResult;
    request.returnOutput = isResult && m_settings.gatherResult;
    const QCborMap header = request.toCbor();
    ++m_outstanding;
    send(task.worker, header, {}, [this, id = task.id](const Frame &reply) { onReply(id, reply, 0); });
}

void GraphRunner::sendWorkerLoad(const Task &task)
{
    const QCborMap header = wire::Load{0, task.outputKey, task.load, task.outputShape}.toCbor();
    ++m_outstanding;
    send(task.worker, header, {}, [this, id = task.id](const Frame &reply) {
        if (isError(reply)) {
            --m_outstanding;
            fail(workerReadError(statusFromErrorReply(reply.header)));
            finishIfIdle();
            return;
        }
        onReply(id, reply, 0);
    });
}

void GraphRunner::startHeadRead(const Task &task)
{
    ++m_outstanding;
    ++m_headInFlight;
    const qint64 clientStart = epochMicros();
    const LoadSource source = task.load;
    const int taskId = task.id;
    m_readers.start([this, source, taskId, clientStart] {
        Result<NdArray> block = readVariable(source.path, source.variable, source.start, source.count);
        QMetaObject::invokeMethod(
            this,
            [this, taskId, clientStart, block = std::move(block)]() mutable {
            putBlock(m_graph.tasks[taskId], std::move(block), clientStart);
            },
            Qt::QueuedConnection);
    });
}

void GraphRunner::putBlock(const Task &task, Result<NdArray> block, qint64 clientStartMicros)
{
    if (!block.isOk() || stopping()) {
        --m_outstanding;
        --m_headInFlight;
        if (!block.isOk())
            fail(block.status());
        finishIfIdle();
        return;
    }
    const QCborMap header = wire::Put{0, task.outputKey, block->shape(), block->mayHaveNan()}.toCbor();
    send(task.worker, header, QByteArrayView(block->bytes(), block->byteSize()),
         [this, id = task.id, clientStartMicros](const Frame &reply) {
        --m_headInFlight;
        onReply(id, reply, clientStartMicros);
        pumpHeadReads();
    });
}

void GraphRunner::onReply(int taskId, const Frame &reply, qint64 clientStartMicros)
{
    --m_outstanding;
    const Task &task = m_graph.tasks[taskId];
    if (isError(reply)) {
        fail(statusFromErrorReply(reply.header));
        finishIfIdle();
        return;
    }
    wire::Done done;
    Result<TaskRecord> record = recordOf(task, reply, m_settings.originMicros, clientStartMicros, done);
    if (!record.isOk()) {
        fail(record.status().withContext(QStringLiteral("worker %1").arg(m_addresses.value(task.worker))));
        finishIfIdle();
        return;
    }
    m_stats.peerBytes += record->fetchedBytes;
    if (record->fetchedBytes > 0)
        m_stats.longestFetchWaitMicros = std::max(m_stats.longestFetchWaitMicros, done.readyMicros - done.receivedMicros);
    m_stats.records.push_back(std::move(*record));
    if (m_isResult[taskId] && m_settings.gatherResult && task.kind != TaskKind::Load)
        keepReturnedBlock(task, done, reply.payload);
    ++m_finishedTasks;
    Q_EMIT taskFinished(taskId, m_finishedTasks, int(m_graph.tasks.size()));
    if (!stopping()) {
        std::vector<int> ready;
        for (int dependent : m_dependents[taskId]) {
            if (--m_waitingFor[dependent] == 0)
                ready.push_back(dependent);
        }
        dispatchReady(ready);
    }
    finishIfIdle();
}

void GraphRunner::keepReturnedBlock(const Task &task, const wire::Done &done, const ByteBuffer &payload)
{
    m_stats.longestReturnMicros = std::max(m_stats.longestReturnMicros, epochMicros() - done.endMicros);
    Result<NdArray> block = done.shape
                                ? arrayFromPayload(*done.shape, done.mayHaveNan, payload)
                                : Result<NdArray>(makeError(ErrorCode::Format, QStringLiteral("done: field 'shape' is missing")));
    if (block.isOk() && block->shape() != task.outputShape)
        block = makeError(ErrorCode::Format,
                          QStringLiteral("task %1 came back with shape %2, not %3")
                              .arg(task.outputKey, shapeToString(block->shape()), shapeToString(task.outputShape)));
    if (!block.isOk()) {
        fail(block.status());
        return;
    }
    const std::size_t index = m_resultIndex[task.id];
    m_resultBlocks[index] = std::move(*block);
    m_resultArrived[index] = true;
}

// Result blocks that are blocks of an existing array were not computed: fetch them.
void GraphRunner::gatherStoredResults()
{
    m_gathering = true;
    for (std::size_t i = 0; i < m_graph.result.keys.size(); ++i) {
        if (m_resultArrived[i])
            continue;
        ++m_outstanding;
        const qint64 askedAt = epochMicros();
        send(m_graph.result.workers[i], wire::Get{0, m_graph.result.keys[i]}.toCbor(), {},
             [this, i, askedAt](const Frame &reply) { onGathered(i, reply, askedAt); });
    }
}

void GraphRunner::onGathered(std::size_t index, const Frame &reply, qint64 askedMicros)
{
    --m_outstanding;
    m_stats.gatherMicros = std::max(m_stats.gatherMicros, epochMicros() - askedMicros);
    Result<NdArray> block = blockFromReply(reply.header, reply.payload);
    if (block.isOk() && block->shape() != m_graph.result.chunks.blockShape(m_graph.result.chunks.unflatten(std::int64_t(index))))
        block = makeError(
            ErrorCode::Format,
            QStringLiteral("block %1 came back with shape %2").arg(m_graph.result.keys[index], shapeToString(block->shape())));
    if (block.isOk()) {
        m_resultBlocks[index] = std::move(*block);
        m_resultArrived[index] = true;
    } else {
        fail(block.status());
    }
    finishIfIdle();
}

void GraphRunner::send(int worker, const QCborMap &header, QByteArrayView payload, std::function<void(const Frame &)> handler)
{
    WorkerClient *client = worker >= 0 && worker < int(m_clients.size()) ? m_clients[std::size_t(worker)].data() : nullptr;
    if (client) {
        client->request(header, payload, std::move(handler));
        return;
    }
    // Every request gets its answer, as WorkerClient promises, and after this call returns.
    const QString where = worker >= 0 && worker < m_addresses.size() ? m_addresses[worker] : QString::number(worker);
    QMetaObject::invokeMethod(
        this,
        [handler = std::move(handler), where] {
        handler(Frame{errorReply(0, Status(ErrorCode::Network, u"the worker at %1 is not connected"_s.arg(where))), {}});
        },
        Qt::QueuedConnection);
}

void GraphRunner::fail(const Status &status)
{
    if (m_failure.isOk())
        m_failure = status;
    m_headQueue.clear();
}

void GraphRunner::finishIfIdle()
{
    if (m_done || m_outstanding > 0)
        return;
    const bool failed = stopping();
    if (!failed && m_finishedTasks < int(m_graph.tasks.size()))
        return;
    if (!failed && m_settings.gatherResult && !m_gathering) {
        gatherStoredResults();
        if (m_outstanding > 0)
            return;
    }
    m_done = true;
    releaseAfterRun(failed);
    if (failed)
        m_resultBlocks.clear();
    Q_EMIT finished(m_failure.isOk() && m_cancelled ? makeError(ErrorCode::Cancelled, u"cancelled; nothing it made was kept"_s)
                                                    : m_failure);
}

void GraphRunner::releaseAfterRun(bool failed)
{
    std::vector<QString> keys;
    std::vector<int> owners;
    bool computed = false;
    for (const Task &task : m_graph.tasks) {
        computed = computed || task.kind != TaskKind::Load;
        if (failed || !m_isResult[task.id]) {
            keys.push_back(task.outputKey);
            owners.push_back(task.worker);
        }
    }
    releaseBlocks(m_clients, keys, owners, computed ? m_settings.operationId : QString());
}

void GraphRunner::releaseBlocks(const std::vector<QPointer<WorkerClient>> &clients, const std::vector<QString> &keys,
                                const std::vector<int> &owners, const QString &operationId)
{
    std::map<int, QCborArray> byWorker;
    for (std::size_t i = 0; i < keys.size(); ++i)
        byWorker[owners[i]].append(keys[i]);
    for (int worker = 0; worker < int(clients.size()); ++worker) {
        WorkerClient *client = clients[std::size_t(worker)];
        if (!client || client->state() != WorkerClient::State::Ready)
            continue;
        if (byWorker[worker].isEmpty() && operationId.isEmpty())
            continue;
        QCborMap header{{field::Type, msg::Release}, {u"keys"_s, byWorker[worker]}};
        if (!operationId.isEmpty())
            header[u"op"_s] = operationId;
        client->request(header, [](const Frame &) {});
    }
}

} // namespace tessera
