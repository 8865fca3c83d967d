// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/taskexecutor.h"

#include "net/protocol/clock.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/worker/peerclient.h"
#include "net/worker/taskcheck.h"
#include "net/worker/taskcompute.h"

#include "core/io/dataset.h"
#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"
#include "core/kernels/slice.h"
#include "core/region.h"

#include <QCborArray>

namespace tessera {

namespace {

QString regionText(const Region &region)
{
    QString text;
    for (const AxisSlice &slice : region)
        text += QStringLiteral("%1,%2,%3,%4;").arg(slice.start).arg(slice.count).arg(slice.step).arg(int(slice.drop));
    return text;
}

// A task this small costs less to run where it arrived than to hand to a pool thread and back
// (a lock, two wake-ups and a queued event): with 100,000 tasks of a few kB that hand-over was
// a large share of each task's cost.
constexpr std::int64_t InlineTaskBytes = 64 * 1024;

} // namespace

struct TaskExecutor::Job
{
    qint64 requestId = 0;
    quint64 owner = 0;
    ReplyFunction reply;
    Task task;
    QString operation;
    bool store = true;
    bool returnOutput = false;
    std::vector<NdArray> inputs;
    std::vector<Region> regions;
    std::size_t remaining = 0;
    bool failed = false;
    std::int64_t reservedBytes = 0;
    std::int64_t pieceBytes = 0; // reserved for pieces fetched for this job alone (a rechunk)
    std::int64_t fetchedBytes = 0;
    qint64 receivedMicros = 0;
    qint64 inputsReadyMicros = 0;
};

// What the kernel reads and writes: regions of its inputs (whole blocks where none is given) and its output.
std::int64_t TaskExecutor::bytesTouched(const Job &job)
{
    std::int64_t elements = elementCount(job.task.outputShape);
    for (std::size_t i = 0; i < job.inputs.size(); ++i)
        elements += job.regions[i].empty() ? elementCount(job.inputs[i].shape()) : elementCount(regionShape(job.regions[i]));
    return elements * std::int64_t(sizeof(double));
}

// Small, stable numbers for the task stream: 0 .. threads - 1, in the order the pool's threads
// first run work (they never expire), counted per executor (a test runs several in one process).
int TaskExecutor::poolThreadIndex()
{
    thread_local const TaskExecutor *owner = nullptr;
    thread_local int index = 0;
    if (owner != this) {
        owner = this;
        index = m_nextPoolThread++;
    }
    return index;
}

int TaskExecutor::socketThreadIndex() const
{
    return m_pool.maxThreadCount();
}

TaskExecutor::TaskExecutor(BlockStore &store, const WorkerOptions &options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_workerName(options.name)
    , m_peers(new PeerClient(options.token, options.heartbeatMillis, options.tls, this))
    , m_reserve(store)
{
    m_pool.setMaxThreadCount(options.threads);
    m_pool.setExpiryTimeout(-1);
}

TaskExecutor::~TaskExecutor()
{
    m_pool.waitForDone();
}

void TaskExecutor::handle(const QString &type, qint64 id, const Frame &frame, const ReplyFunction &reply, quint64 owner)
{
    const auto refuse = [&](const Status &status) {
        reply(errorReply(id, status), {});
    };
    m_reserve.workArrived();
    if (type == msg::Get) {
        if (Result<wire::Get> get = wire::Get::fromCbor(frame.header); get.isOk())
            handleGet(*get, reply);
        else
            refuse(get.status());
    } else if (type == msg::Put) {
        if (Result<wire::Put> put = wire::Put::fromCbor(frame.header); put.isOk())
            handlePut(*put, frame.payload, reply, owner);
        else
            refuse(put.status());
    } else if (type == msg::Load) {
        if (Result<wire::Load> load = wire::Load::fromCbor(frame.header); load.isOk())
            handleLoad(*load, reply, owner);
        else
            refuse(load.status());
    } else if (type == msg::Task) {
        if (Result<wire::TaskRequest> task = wire::TaskRequest::fromCbor(frame.header); task.isOk())
            handleTask(std::move(*task), reply, owner);
        else
            refuse(task.status());
    } else if (type == msg::Release) {
        if (Result<wire::Release> release = wire::Release::fromCbor(frame.header); release.isOk())
            handleRelease(*release, reply, owner);
        else
            refuse(release.status());
    } else if (type == msg::Measure) {
        if (Result<wire::Measure> measure = wire::Measure::fromCbor(frame.header); measure.isOk())
            handleMeasure(*measure, reply);
        else
            refuse(measure.status());
    }
    if (m_activeTasks == 0)
        m_reserve.workerIdle();
}

void TaskExecutor::handleGet(const wire::Get &get, const ReplyFunction &reply)
{
    const std::optional<NdArray> block = m_store.find(get.key);
    if (!block) {
        reply(errorReply(get.id,
                         makeError(ErrorCode::NotFound, QStringLiteral("worker %1 has no block %2").arg(m_workerName, get.key))),
              {});
        return;
    }
    if (!get.region.empty()) {
        if (Status inside = checkRegion(get.region, block->shape()); !inside.isOk()) {
            reply(errorReply(get.id, inside.withContext(QStringLiteral("get %1").arg(get.key))), {});
            return;
        }
    }
    const NdArray value = applyRegion(*block, get.region);
    const BlockReply answer = blockReply(get.id, value);
    reply(answer.header, answer.payload);
}

void TaskExecutor::handlePut(const wire::Put &put, const ByteBuffer &payload, const ReplyFunction &reply, quint64 owner)
{
    Result<NdArray> block = arrayFromPayload(put.shape, put.mayHaveNan, payload);
    const std::int64_t bytes = block.isOk() ? block->byteSize() : 0;
    Status status = block.isOk() ? m_store.reserve(bytes, put.key) : block.status();
    if (status.isOk())
        storeFor(owner, put.key, std::move(*block), bytes);
    if (!status.isOk()) {
        reply(errorReply(put.id, status), {});
        return;
    }
    reply(wire::Ok{put.id}.toCbor(), {});
}

void TaskExecutor::handleLoad(const wire::Load &load, const ReplyFunction &reply, quint64 owner)
{
    const std::int64_t bytes = *checkedByteSize(load.shape); // fromCbor checked it
    if (Status reserved = m_store.reserve(bytes, load.key); !reserved.isOk()) {
        reply(errorReply(load.id, reserved), {});
        return;
    }
    ++m_activeTasks;
    const qint64 received = epochMicros();
    m_pool.start([this, load, reply, bytes, received, owner] {
        wire::Done done{load.id, received};
        done.startMicros = epochMicros();
        done.thread = poolThreadIndex();
        Result<NdArray> block = readDatasetVariable(load.source.path, load.source.variable, load.source.start, load.source.count);
        if (block.isOk() && block->shape() != load.shape) {
            block = makeError(
                ErrorCode::ShapeMismatch,
                QStringLiteral("%1: variable %2 has shape %3 here, but the client planned %4; "
                               "did the file change since it was inspected?")
                    .arg(load.source.path, load.source.variable, shapeToString(block->shape()), shapeToString(load.shape)));
        }
        done.endMicros = epochMicros();
        QMetaObject::invokeMethod(
            this,
            [this, load, reply, bytes, done, owner, block = std::move(block)]() mutable {
            taskEnded();
            if (!block.isOk()) {
                m_store.unreserve(bytes);
                reply(errorReply(load.id, block.status().withContext(QStringLiteral("worker ") + m_workerName)), {});
                return;
            }
            done.outputBytes = bytes;
            done.mayHaveNan = block->mayHaveNan();
            if (storeFor(owner, load.key, std::move(*block), bytes))
                reply([&done](CborBytes &writer) { done.write(writer); }, {});
            },
            Qt::QueuedConnection);
    });
}

void TaskExecutor::handleTask(wire::TaskRequest request, const ReplyFunction &reply, quint64 owner)
{
    auto job = std::make_shared<Job>();
    job->requestId = request.id;
    job->owner = owner;
    if (!request.operation.isEmpty())
        m_operationsByOwner[owner].insert(request.operation);
    job->reply = reply;
    job->task = std::move(request.task);
    job->operation = request.operation;
    job->store = request.store;
    job->returnOutput = request.returnOutput;
    job->receivedMicros = epochMicros();
    job->inputs.resize(job->task.inputs.size());
    job->regions.resize(job->task.inputs.size());
    job->remaining = job->task.inputs.size();

    if (job->store) {
        const std::int64_t bytes = *checkedByteSize(job->task.outputShape); // fromCbor checked it
        if (Status reserved = m_store.reserve(bytes, job->task.outputKey); !reserved.isOk()) {
            reply(errorReply(request.id, reserved), {});
            return;
        }
        job->reservedBytes = bytes;
    }
    ++m_activeTasks;
    for (std::size_t i = 0; i < job->task.inputs.size(); ++i)
        resolveInput(job, i, request.sources[i]);
}

void TaskExecutor::resolveInput(const std::shared_ptr<Job> &job, std::size_t index, const QString &source)
{
    const TaskInput &input = job->task.inputs[index];
    auto arrived = [this, job, index](NdArray block, Region region) {
        if (job->failed)
            return;
        job->inputs[index] = std::move(block);
        job->regions[index] = std::move(region);
        if (--job->remaining == 0) {
            job->inputsReadyMicros = epochMicros();
            startJob(job);
        }
    };
    if (std::optional<NdArray> local = m_store.find(input.key)) {
        arrived(std::move(*local), input.region);
        return;
    }
    const QString replicaKey = input.key + QLatin1Char('|') + regionText(input.region);
    if (std::optional<NdArray> replica = m_store.find(replicaKey)) {
        arrived(std::move(*replica), {});
        return;
    }
    if (source.isEmpty()) {
        inputFailed(job,
                    makeError(ErrorCode::NotFound, QStringLiteral("worker %1 has no block %2 and was not told where to fetch it; "
                                                                  "it may have been released")
                                                       .arg(m_workerName, input.key)));
        return;
    }
    if (job->task.kind == TaskKind::Rechunk) {
        fetchPiece(job, index, source, arrived);
        return;
    }
    // One fetch per block and region, however many tasks wait for it.
    auto &waiters = m_inflightFetches[replicaKey];
    waiters.push_back([this, job, replicaKey, arrived, source](const Status &status) {
        if (!status.isOk()) {
            // Saying which peer failed lets the client tell a lost peer from a bad request.
            inputFailed(job, status, status.code() == ErrorCode::Network ? source : QString());
            return;
        }
        if (std::optional<NdArray> replica = m_store.find(replicaKey))
            arrived(std::move(*replica), {});
        else
            inputFailed(job, makeError(ErrorCode::Internal, QStringLiteral("fetched block %1 vanished").arg(replicaKey)));
    });
    if (waiters.size() > 1)
        return;
    m_peers->fetch(source, input.key, input.region, [this, job, replicaKey](Result<NdArray> block, std::int64_t sentBytes) {
        Status status = block.status();
        if (block.isOk()) {
            job->fetchedBytes += sentBytes;
            status = m_store.insert(replicaKey, std::move(*block));
            if (status.isOk())
                m_replicasByOperation[job->operation].insert(replicaKey);
        }
        auto waiting = std::move(m_inflightFetches[replicaKey]);
        m_inflightFetches.erase(replicaKey);
        for (auto &resume : waiting)
            resume(status);
    });
}

// A rechunk's piece is read once: it stays with its task, counted against the limit until the
// task is done, instead of being kept as a replica until the operation ends.
void TaskExecutor::fetchPiece(const std::shared_ptr<Job> &job, std::size_t index, const QString &source,
                              const std::function<void(NdArray, Region)> &arrived)
{
    const TaskInput &input = job->task.inputs[index];
    const std::int64_t bytes = checkedByteSize(regionShape(input.region)).value_or(0);
    if (Status reserved = m_store.reserve(bytes, input.key); !reserved.isOk()) {
        inputFailed(job, reserved);
        return;
    }
    job->pieceBytes += bytes;
    m_peers->fetch(source, input.key, input.region, [this, job, source, arrived](Result<NdArray> block, std::int64_t sentBytes) {
        if (!block.isOk()) {
            inputFailed(job, block.status(), block.status().code() == ErrorCode::Network ? source : QString());
            return;
        }
        job->fetchedBytes += sentBytes;
        arrived(std::move(*block), {});
    });
}

void TaskExecutor::inputFailed(const std::shared_ptr<Job> &job, const Status &status, const QString &unreachablePeer)
{
    if (job->failed)
        return;
    job->failed = true;
    taskEnded();
    m_store.unreserve(job->reservedBytes + std::exchange(job->pieceBytes, 0));
    job->reply(errorReply(job->requestId, status, unreachablePeer), {});
}

void TaskExecutor::startJob(const std::shared_ptr<Job> &job)
{
    if (job->inputsReadyMicros == 0)
        job->inputsReadyMicros = epochMicros();
    if (Status fits = checkTaskInputs(job->task, job->inputs, job->regions); !fits.isOk()) {
        inputFailed(job, fits);
        return;
    }
    if (bytesTouched(*job) <= InlineTaskBytes) {
        finishJob(job, compute(*job, socketThreadIndex()));
        return;
    }
    m_pool.start([this, job] {
        Computed computed = compute(*job, poolThreadIndex());
        QMetaObject::invokeMethod(
            this, [this, job, computed = std::move(computed)]() mutable { finishJob(job, std::move(computed)); },
            Qt::QueuedConnection);
    });
}

TaskExecutor::Computed TaskExecutor::compute(Job &job, int thread)
{
    Computed computed;
    computed.startMicros = epochMicros();
    computed.thread = thread;
    computed.output = computeTask(job.task, job.inputs, job.regions, !job.store);
    if (computed.output.isOk() && computed.output->shape() != job.task.outputShape) {
        computed.output = makeError(ErrorCode::Internal, QStringLiteral("task %1 made shape %2 where %3 was planned")
                                                             .arg(job.task.outputKey, shapeToString(computed.output->shape()),
                                                                  shapeToString(job.task.outputShape)));
    }
    computed.endMicros = epochMicros();
    job.inputs.clear(); // drop input references as soon as possible
    return computed;
}

void TaskExecutor::finishJob(const std::shared_ptr<Job> &job, Computed computed)
{
    taskEnded();
    m_store.unreserve(std::exchange(job->pieceBytes, 0)); // the pieces went with job->inputs
    if (!computed.output.isOk()) {
        m_store.unreserve(job->reservedBytes);
        job->reply(errorReply(job->requestId, computed.output.status()), {});
        return;
    }
    const NdArray value = std::move(*computed.output);
    wire::Done done{job->requestId,       job->receivedMicros, job->inputsReadyMicros,
                    computed.startMicros, computed.endMicros,  computed.thread};
    done.fetchedBytes = job->fetchedBytes;
    done.outputBytes = value.byteSize();
    done.shape = value.shape();
    done.mayHaveNan = value.mayHaveNan();
    if (job->store && !storeFor(job->owner, job->task.outputKey, value, job->reservedBytes))
        return; // its connection is gone: nobody to keep it for, nobody to answer
    job->reply([&done](CborBytes &writer) { done.write(writer); },
               job->returnOutput ? QByteArrayView(value.bytes(), value.byteSize()) : QByteArrayView());
}

void TaskExecutor::handleRelease(const wire::Release &release, const ReplyFunction &reply, quint64 owner)
{
    std::vector<QString> keys = release.keys;
    if (auto owned = m_keysByOwner.find(owner); owned != m_keysByOwner.end()) {
        for (const QString &key : release.keys)
            owned->second.erase(key);
    }
    if (!release.operation.isEmpty()) {
        if (auto it = m_replicasByOperation.find(release.operation); it != m_replicasByOperation.end()) {
            keys.insert(keys.end(), it->second.begin(), it->second.end());
            m_replicasByOperation.erase(it);
        }
        if (auto ops = m_operationsByOwner.find(owner); ops != m_operationsByOwner.end())
            ops->second.erase(release.operation);
    }
    const std::int64_t freed = m_store.remove(keys);
    reply(wire::Ok{release.id, freed}.toCbor(), {});
}

bool TaskExecutor::storeFor(quint64 owner, const QString &key, NdArray block, std::int64_t reservedBytes)
{
    const auto owned = m_keysByOwner.find(owner);
    if (owned == m_keysByOwner.end()) {
        m_store.unreserve(reservedBytes);
        return false;
    }
    m_store.insertReserved(key, std::move(block), reservedBytes);
    owned->second.insert(key);
    return true;
}

void TaskExecutor::taskEnded()
{
    if (--m_activeTasks == 0)
        m_reserve.workerIdle();
}

void TaskExecutor::connectionOpened(quint64 owner)
{
    m_keysByOwner[owner];
}

std::int64_t TaskExecutor::connectionClosed(quint64 owner)
{
    std::vector<QString> keys;
    if (auto owned = m_keysByOwner.find(owner); owned != m_keysByOwner.end()) {
        keys.assign(owned->second.begin(), owned->second.end());
        m_keysByOwner.erase(owned);
    }
    if (auto ops = m_operationsByOwner.find(owner); ops != m_operationsByOwner.end()) {
        for (const QString &operation : ops->second) {
            if (auto replicas = m_replicasByOperation.find(operation); replicas != m_replicasByOperation.end()) {
                keys.insert(keys.end(), replicas->second.begin(), replicas->second.end());
                m_replicasByOperation.erase(replicas);
            }
        }
        m_operationsByOwner.erase(ops);
    }
    const std::int64_t freed = m_store.remove(keys);
    if (m_activeTasks == 0)
        m_reserve.workerIdle();
    return freed;
}

} // namespace tessera
