#include "net/protocol/messages.h"
#include "net/session/clustersession_p.h"
#include "net/protocol/clock.h"

#include "core/bytesize.h"
#include "core/io/filestack.h"
#include "core/io/netcdfreader.h"
#include "core/plan/placement.h"

#include <QCborArray>
#include <QRegularExpression>
#include <QThreadPool>

namespace tessera {
namespace {

struct LoadItem
{
    int file = 0;
    std::int64_t start = 0; // along the file's first dimension
    std::int64_t count = 0;
};

// Everything an in-flight load needs, shared by the reply handlers.
struct LoadState
{
    LoadRequest request;
    FileStack stack;
    QString operationId;
    std::vector<LoadItem> items;
    Chunks chunks;
    std::vector<QString> keys;
    std::vector<int> workers;
    std::vector<bool> stored;
    std::size_t next = 0;
    int outstanding = 0;
    std::size_t done = 0;
    Status failure;
    bool stopping = false;
    QElapsedTimer wall;
    qint64 startEpochMicros = 0;
    std::int64_t clientBytesBefore = 0;
};

bool isIdentifier(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return pattern.match(name).hasMatch();
}

} // namespace

void ClusterSession::Private::startLoad(Operation *operation, const LoadRequest &request)
{
    auto state = std::make_shared<LoadState>();
    state->wall.start();
    state->startEpochMicros = epochMicros();
    state->clientBytesBefore = clientPayloadBytes();
    state->request = request;
    state->operationId = nextOperationId();

    std::vector<int> alive;
    for (const auto &worker : workers) {
        if (worker.info.state != WorkerState::Lost)
            alive.push_back(worker.info.index);
    }
    if (alive.empty()) {
        operationDone(operation, makeError(ErrorCode::Network, QStringLiteral("not connected to any worker; connect to a cluster "
                                                                              "or start a local one first")));
        return;
    }
    if (!isIdentifier(request.name)) {
        operationDone(operation, makeError(ErrorCode::InvalidArgument, QStringLiteral("'%1' cannot name an array; use letters, digits "
                                                                                      "and _ , starting with a letter").arg(request.name)));
        return;
    }
    auto stack = planFileStack(request.files, request.variable);
    if (!stack.isOk()) {
        operationDone(operation, stack.status());
        return;
    }
    state->stack = std::move(*stack);
    const Shape &shape = state->stack.meta.shape;
    if (shape.empty()) {
        operationDone(operation, makeError(ErrorCode::InvalidArgument, QStringLiteral("variable %1 is a scalar; only variables with at "
                                                                                      "least one dimension can be stacked").arg(request.variable)));
        return;
    }

    // Blocks: each file's slab, split into blocksPerFile pieces along the first dimension.
    std::vector<std::int64_t> firstExtents;
    std::vector<std::int64_t> itemBytes;
    const std::int64_t rowBytes = elementCount(shape) / std::max<std::int64_t>(shape[0], 1) * std::int64_t(sizeof(double));
    for (int file = 0; file < int(state->stack.files.size()); ++file) {
        const std::int64_t extent = state->stack.firstExtents[file];
        const std::int64_t pieces = std::clamp<std::int64_t>(request.blocksPerFile, 1, std::max<std::int64_t>(extent, 1));
        for (std::int64_t piece = 0; piece < pieces; ++piece) {
            const std::int64_t begin = extent * piece / pieces;
            const std::int64_t end = extent * (piece + 1) / pieces;
            if (end == begin)
                continue;
            state->items.push_back({file, begin, end - begin});
            firstExtents.push_back(end - begin);
            itemBytes.push_back((end - begin) * rowBytes);
        }
    }
    std::vector<std::vector<std::int64_t>> extents{firstExtents};
    for (std::size_t axis = 1; axis < shape.size(); ++axis)
        extents.push_back({shape[axis]});
    state->chunks = Chunks(extents);

    std::vector<int> choice;
    switch (request.distribution) {
    case Distribution::Contiguous: choice = assignContiguous(itemBytes, int(alive.size())); break;
    case Distribution::RoundRobin: choice = assignRoundRobin(itemBytes.size(), int(alive.size())); break;
    case Distribution::FreeMemory: {
        std::vector<std::int64_t> freeBytes;
        for (int index : alive)
            freeBytes.push_back(workers[index].info.memoryLimitBytes - workers[index].info.memoryUsedBytes);
        choice = assignByFreeMemory(itemBytes, freeBytes);
        break;
    }
    }
    std::vector<std::int64_t> planned(workers.size(), 0);
    for (std::size_t i = 0; i < choice.size(); ++i) {
        const int worker = choice[i] >= 0 ? alive[choice[i]] : alive.front();
        state->workers.push_back(worker);
        planned[worker] += itemBytes[i];
        state->keys.push_back(blockKey(request.name + QLatin1Char('@') + state->operationId, state->chunks.unflatten(std::int64_t(i))));
    }
    for (int index : alive) {
        const WorkerInfo &info = workers[index].info;
        const std::int64_t freeBytes = info.memoryLimitBytes - info.memoryUsedBytes;
        if (planned[index] > freeBytes) {
            operationDone(operation, makeError(ErrorCode::Memory,
                                               QStringLiteral("%1 needs %2 on worker %3, which has %4 free of %5; add workers, free arrays "
                                                              "or start workers with a larger --memory-limit")
                                                   .arg(request.name, formatBytes(planned[index]), info.name, formatBytes(freeBytes),
                                                        formatBytes(info.memoryLimitBytes))));
            return;
        }
    }
    state->stored.assign(state->items.size(), false);

    auto finishIfIdle = [this, operation, state] {
        if (state->outstanding > 0 || operation->isFinished())
            return;
        if (!state->failure.isOk() || operation->isCancelRequested()) {
            // Nothing half-loaded stays behind.
            std::vector<QString> keys;
            std::vector<int> owners;
            for (std::size_t i = 0; i < state->items.size(); ++i) {
                if (state->stored[i]) {
                    keys.push_back(state->keys[i]);
                    owners.push_back(state->workers[i]);
                }
            }
            releaseKeys(keys, owners, {});
            operationDone(operation, state->failure.isOk() ? makeError(ErrorCode::Cancelled, QStringLiteral("load cancelled; no block was kept"))
                                                           : state->failure);
            return;
        }
        if (state->done < state->items.size())
            return;
        ArrayInfo info;
        info.meta = state->stack.meta;
        info.meta.name = state->request.name;
        info.layout = BlockLayout{state->chunks, state->keys, state->workers};
        info.storageType = state->stack.storageType;
        registerArray(std::move(info));
        OperationReport &report = operation->mutableReport();
        report.wallSeconds = double(state->wall.nsecsElapsed()) / 1e9;
        report.computeSeconds = report.wallSeconds;
        report.taskCount = int(state->items.size());
        report.clientBytes = clientPayloadBytes() - state->clientBytesBefore;
        if (state->request.mode == LoadMode::Head) {
            report.transferSeconds = report.wallSeconds;
            report.computeSeconds = 0;
        }
        operationDone(operation, Status::ok());
    };

    auto recordDone = [this, operation, state](std::size_t item, const Frame &reply, qint64 clientStart) {
        state->stored[item] = true;
        ++state->done;
        TaskRecord record;
        record.taskId = int(item);
        record.kind = TaskKind::Load;
        record.worker = state->workers[item];
        record.thread = int(reply.header.value(QStringLiteral("thread")).toInteger());
        record.startMicros = (clientStart ? clientStart : reply.header.value(QStringLiteral("start")).toInteger()) - state->startEpochMicros;
        record.endMicros = (clientStart ? epochMicros() : reply.header.value(QStringLiteral("end")).toInteger()) - state->startEpochMicros;
        record.outputBytes = elementCount(state->chunks.blockShape(state->chunks.unflatten(std::int64_t(item)))) * std::int64_t(sizeof(double));
        record.outputKey = state->keys[item];
        operation->mutableReport().tasks.push_back(record);
        Q_EMIT q->blockStored(state->request.name, qint64(item), state->workers[item]);
        operation->reportProgress(std::int64_t(state->done), std::int64_t(state->items.size()), QStringLiteral("blocks"));
    };

    auto fail = [state](const Status &status) {
        if (state->failure.isOk())
            state->failure = status;
    };

    if (request.mode == LoadMode::Workers) {
        for (std::size_t i = 0; i < state->items.size(); ++i) {
            const LoadItem &item = state->items[i];
            Worker &worker = workers[state->workers[i]];
            QCborMap header{{field::Type, msg::Load},
                            {QStringLiteral("key"), state->keys[i]},
                            {QStringLiteral("path"), state->stack.files[item.file]},
                            {QStringLiteral("variable"), state->request.variable},
                            {QStringLiteral("start"), qint64(item.start)},
                            {QStringLiteral("count"), qint64(item.count)},
                            {QStringLiteral("shape"), shapeToCbor(state->chunks.blockShape(state->chunks.unflatten(std::int64_t(i))))}};
            ++state->outstanding;
            worker.client->request(header, [state, i, recordDone, fail, finishIfIdle](const Frame &reply) {
                --state->outstanding;
                if (reply.header.value(field::Type).toString() == msg::Error) {
                    Status status = statusFromErrorReply(reply.header);
                    const bool fileProblem = status.code() == ErrorCode::Io || status.code() == ErrorCode::NotFound
                                             || status.code() == ErrorCode::Format;
                    fail(fileProblem ? Status(status.code(), status.message()
                                                                 + QStringLiteral(" (with --load workers every worker must see the files "
                                                                                  "at the same path; use --load head when they cannot)"))
                                     : status);
                } else {
                    recordDone(i, reply, 0);
                }
                finishIfIdle();
            });
        }
        QObject::connect(operation, &Operation::cancelRequested, q, finishIfIdle);
        return;
    }

    // Head mode: read on client threads, a few blocks ahead of the sockets, and send each block.
    constexpr int maxInFlight = 4;
    auto pump = std::make_shared<std::function<void()>>();
    // The pump holds itself weakly; the reads and sends in flight keep it alive.
    *pump = [this, operation, state, weakPump = std::weak_ptr(pump), recordDone, fail, finishIfIdle] {
        auto self = weakPump.lock();
        while (state->failure.isOk() && !operation->isCancelRequested() && state->outstanding < maxInFlight
               && state->next < state->items.size()) {
            const std::size_t i = state->next++;
            ++state->outstanding;
            const LoadItem item = state->items[i];
            const QString path = state->stack.files[item.file];
            const QString variable = state->request.variable;
            const qint64 clientStart = epochMicros();
            QThreadPool::globalInstance()->start([this, state, self, recordDone, fail, finishIfIdle, i, item, path, variable, clientStart] {
                Result<NdArray> block = readVariable(path, variable, item.start, item.count);
                QMetaObject::invokeMethod(q, [this, state, self, recordDone, fail, finishIfIdle, i, clientStart, block = std::move(block)] {
                    if (!block.isOk() || !state->failure.isOk()) {
                        --state->outstanding;
                        if (!block.isOk())
                            fail(block.status());
                        finishIfIdle();
                        return;
                    }
                    Worker &worker = workers[state->workers[i]];
                    QCborMap header = blockHeader(*block);
                    header[field::Type] = msg::Put;
                    header[QStringLiteral("key")] = state->keys[i];
                    worker.client->request(header, QByteArrayView(block->bytes(), block->byteSize()),
                                           [state, self, recordDone, fail, finishIfIdle, i, clientStart](const Frame &reply) {
                        --state->outstanding;
                        if (reply.header.value(field::Type).toString() == msg::Error)
                            fail(statusFromErrorReply(reply.header));
                        else
                            recordDone(i, reply, clientStart);
                        (*self)();
                        finishIfIdle();
                    });
                    (*self)();
                }, Qt::QueuedConnection);
            });
        }
    };
    QObject::connect(operation, &Operation::cancelRequested, q, finishIfIdle);
    (*pump)();
}

} // namespace tessera
