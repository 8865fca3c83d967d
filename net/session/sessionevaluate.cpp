#include "net/protocol/messages.h"
#include "net/session/clustersession_p.h"
#include "net/protocol/clock.h"

#include "core/expr/checker.h"
#include "core/expr/parser.h"
#include "core/plan/metadata.h"
#include "core/kernels/slice.h"
#include "core/plan/planner.h"

#include <QCborArray>
#include <QStringList>

#include <map>

namespace tessera {

// An evaluation in flight: the plan, which tasks wait for which, and what came back.
struct EvaluationState
{
    QString operationId;
    QString target;
    bool gather = false;
    bool storeResult = false;
    Plan plan;
    ArrayMeta meta;
    std::vector<int> waitingFor;         // per task: unfinished dependencies
    std::vector<std::vector<int>> dependents;
    std::map<QString, std::size_t> resultIndex; // result key -> flat block index
    std::vector<NdArray> resultBlocks;
    std::vector<bool> resultArrived;
    std::size_t finishedTasks = 0;
    int outstanding = 0;
    Status failure;
    QElapsedTimer wall;
    qint64 startEpochMicros = 0;
    std::int64_t clientBytesBefore = 0;
    std::int64_t peerBytes = 0;
    qint64 longestFetchWaitMicros = 0;
    qint64 longestReturnMicros = 0;
    qint64 gatherMicros = 0;
};

namespace {

QString arrayList(const std::map<QString, ArrayInfo> &arrays)
{
    if (arrays.empty())
        return QStringLiteral("no arrays are loaded yet; load files first");
    QStringList names;
    for (const auto &[name, info] : arrays)
        names << name + shapeToString(info.meta.shape);
    return QStringLiteral("arrays are: ") + names.join(QStringLiteral(", "));
}

} // namespace

void ClusterSession::Private::startEvaluate(Operation *operation, const QString &text)
{
    auto state = std::make_shared<EvaluationState>();
    state->wall.start();
    state->startEpochMicros = epochMicros();
    state->clientBytesBefore = clientPayloadBytes();
    state->operationId = nextOperationId();

    auto statement = parseStatement(text);
    if (!statement.isOk()) {
        operationDone(operation, statement.status());
        return;
    }
    Expr &expr = *statement->expr;
    const Status checked = checkExpression(expr, [this](const QString &name) -> std::optional<Shape> {
        auto it = arrays.find(name);
        return it == arrays.end() ? std::nullopt : std::optional<Shape>(it->second.meta.shape);
    });
    if (!checked.isOk()) {
        operationDone(operation, checked.code() == ErrorCode::NotFound ? Status(checked.code(), checked.message() + QStringLiteral("; ") + arrayList(arrays))
                                                                       : checked);
        return;
    }
    state->meta = deriveMeta(expr, [this](const QString &name) -> const ArrayMeta * {
        auto it = arrays.find(name);
        return it == arrays.end() ? nullptr : &it->second.meta;
    });

    PlannerContext context;
    context.layoutOf = [this](const QString &name) -> const BlockLayout * {
        auto it = arrays.find(name);
        return it == arrays.end() ? nullptr : &it->second.layout;
    };
    context.threadsPerWorker = threadsPerWorker();
    context.keyPrefix = state->operationId;
    auto plan = planExpression(expr, context);
    if (!plan.isOk()) {
        operationDone(operation, plan.status());
        return;
    }
    state->plan = std::move(*plan);
    OperationReport &report = operation->mutableReport();
    report.planSeconds = double(state->wall.nsecsElapsed()) / 1e9;

    EvaluationResult &result = operation->mutableResult();
    if (state->plan.constant) {
        result.meta = state->meta;
        result.gathered = true;
        result.value = *state->plan.constant;
        report.wallSeconds = double(state->wall.nsecsElapsed()) / 1e9;
        operationDone(operation, Status::ok());
        return;
    }

    for (const Task &task : state->plan.graph.tasks) {
        for (const TaskInput &input : task.inputs) {
            const int holder = input.worker;
            if (holder >= 0 && workers[holder].info.state == WorkerState::Lost) {
                operationDone(operation, makeError(ErrorCode::Network, QStringLiteral("worker %1 is lost (%2) and held block %3 of this "
                                                                                      "expression; reconnect and load the data again")
                                                                           .arg(workers[holder].info.name, workers[holder].info.error, input.key)));
                return;
            }
        }
    }

    const std::int64_t resultBytes = state->meta.byteSize();
    state->target = statement->target;
    // A named result stays on the workers: naming it is asking to keep it there.
    state->gather = state->target.isEmpty() && resultBytes <= q->resultLimitBytes();
    if (state->target.isEmpty() && !state->gather)
        state->target = nextResultName();
    state->storeResult = !state->target.isEmpty();
    state->meta.name = state->target;
    state->meta.source = expr.toString();

    const TaskGraph &graph = state->plan.graph;
    const std::size_t taskCount = graph.tasks.size();
    state->waitingFor.resize(taskCount);
    state->dependents.resize(taskCount);
    for (const Task &task : graph.tasks) {
        state->waitingFor[task.id] = int(task.dependsOn.size());
        for (int dependency : task.dependsOn)
            state->dependents[dependency].push_back(task.id);
    }
    for (std::size_t i = 0; i < graph.result.keys.size(); ++i)
        state->resultIndex[graph.result.keys[i]] = i;
    state->resultBlocks.resize(graph.result.keys.size());
    state->resultArrived.assign(graph.result.keys.size(), false);
    report.taskCount = int(taskCount);

    const QStringList addresses = workerAddresses();

    auto finishIfIdle = std::make_shared<std::function<void()>>();
    auto dispatch = std::make_shared<std::function<void(int)>>();

    *finishIfIdle = [this, operation, state] {
        if (state->outstanding > 0 || operation->isFinished())
            return;
        const TaskGraph &graphRef = state->plan.graph;
        const bool failed = !state->failure.isOk() || operation->isCancelRequested();
        if (!failed && state->finishedTasks < graphRef.tasks.size())
            return;

        // Temporaries (and the result when it is not kept) go; so do blocks fetched from peers.
        std::vector<QString> keys;
        std::vector<int> owners;
        for (const Task &task : graphRef.tasks) {
            const bool isResult = state->resultIndex.count(task.outputKey) != 0;
            if (!isResult || (failed && state->storeResult)) {
                keys.push_back(task.outputKey);
                owners.push_back(task.worker);
            }
        }
        releaseKeys(keys, owners, state->operationId);

        if (failed) {
            operationDone(operation, state->failure.isOk() ? makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")) : state->failure);
            return;
        }
        // Result blocks that are blocks of an existing array were not computed: fetch them.
        for (std::size_t i = 0; state->gather && i < graphRef.result.keys.size(); ++i) {
            if (state->resultArrived[i])
                continue;
            Worker &holder = workers[graphRef.result.workers[i]];
            ++state->outstanding;
            const qint64 askedAt = epochMicros();
            holder.client->request(QCborMap{{field::Type, msg::Get}, {QStringLiteral("key"), graphRef.result.keys[i]}},
                                   [this, operation, state, i, askedAt](const Frame &reply) {
                --state->outstanding;
                state->gatherMicros = std::max(state->gatherMicros, epochMicros() - askedAt);
                if (reply.header.value(field::Type).toString() == msg::Error) {
                    state->failure = statusFromErrorReply(reply.header);
                } else if (auto block = blockFromFrame(reply.header, reply.payload); block.isOk()) {
                    state->resultBlocks[i] = std::move(*block);
                    state->resultArrived[i] = true;
                } else {
                    state->failure = block.status();
                }
                if (state->outstanding == 0)
                    finalizeEvaluation(operation, state);
            });
        }
        if (state->outstanding == 0)
            finalizeEvaluation(operation, state);
    };

    *dispatch = [this, operation, state, addresses, weakDispatch = std::weak_ptr(dispatch), finishIfIdle](int taskId) {
        auto self = weakDispatch.lock();
        const Task &task = state->plan.graph.tasks[taskId];
        const bool isResult = state->resultIndex.count(task.outputKey) != 0;
        QCborMap header{{field::Type, msg::Task},
                        {QStringLiteral("op"), state->operationId},
                        {QStringLiteral("task"), taskToCbor(task, addresses)},
                        {QStringLiteral("store"), !isResult || state->storeResult},
                        {QStringLiteral("return"), isResult && state->gather}};
        ++state->outstanding;
        workers[task.worker].client->request(header, [this, operation, state, self, finishIfIdle, taskId, isResult](const Frame &reply) {
            --state->outstanding;
            const Task &doneTask = state->plan.graph.tasks[taskId];
            const QCborMap &h = reply.header;
            if (h.value(field::Type).toString() == msg::Error) {
                if (state->failure.isOk())
                    state->failure = statusFromErrorReply(h);
                (*finishIfIdle)();
                return;
            }
            const qint64 now = epochMicros();
            TaskRecord record;
            record.taskId = taskId;
            record.kind = doneTask.kind;
            record.worker = doneTask.worker;
            record.thread = int(h.value(QStringLiteral("thread")).toInteger());
            record.startMicros = h.value(QStringLiteral("start")).toInteger() - state->startEpochMicros;
            record.endMicros = h.value(QStringLiteral("end")).toInteger() - state->startEpochMicros;
            record.fetchedBytes = h.value(QStringLiteral("fetched")).toInteger();
            record.outputBytes = h.value(QStringLiteral("bytes")).toInteger();
            record.outputKey = doneTask.outputKey;
            operation->mutableReport().tasks.push_back(record);
            state->peerBytes += record.fetchedBytes;
            if (record.fetchedBytes > 0) {
                state->longestFetchWaitMicros = std::max(state->longestFetchWaitMicros,
                                                         h.value(QStringLiteral("ready")).toInteger() - h.value(QStringLiteral("received")).toInteger());
            }
            if (isResult && state->gather) {
                state->longestReturnMicros = std::max(state->longestReturnMicros, now - h.value(QStringLiteral("end")).toInteger());
                auto block = blockFromFrame(h, reply.payload);
                if (block.isOk()) {
                    const std::size_t index = state->resultIndex[doneTask.outputKey];
                    state->resultBlocks[index] = std::move(*block);
                    state->resultArrived[index] = true;
                } else if (state->failure.isOk()) {
                    state->failure = block.status();
                }
            }
            ++state->finishedTasks;
            operation->reportProgress(std::int64_t(state->finishedTasks), std::int64_t(state->plan.graph.tasks.size()), QStringLiteral("tasks"));
            if (state->failure.isOk() && !operation->isCancelRequested()) {
                for (int dependent : state->dependents[taskId]) {
                    if (--state->waitingFor[dependent] == 0)
                        (*self)(dependent);
                }
            }
            (*finishIfIdle)();
        });
    };

    QObject::connect(operation, &Operation::cancelRequested, q, [finishIfIdle] { (*finishIfIdle)(); });
    for (const Task &task : graph.tasks) {
        if (task.dependsOn.empty())
            (*dispatch)(task.id);
    }
    (*finishIfIdle)(); // a statement that only names existing blocks has no task
}

void ClusterSession::Private::finalizeEvaluation(Operation *operation, const std::shared_ptr<EvaluationState> &state)
{
    if (operation->isFinished())
        return;
    if (!state->failure.isOk()) {
        operationDone(operation, state->failure);
        return;
    }
    EvaluationResult &result = operation->mutableResult();
    result.meta = state->meta;
    if (state->gather) {
        result.gathered = true;
        result.value = assembleBlocks(state->plan.graph.result.chunks, state->resultBlocks);
    }
    if (state->storeResult) {
        result.arrayName = state->target;
        ArrayInfo info;
        info.meta = state->meta;
        info.layout = state->plan.graph.result;
        info.storageType = QStringLiteral("float64");
        registerArray(std::move(info));
    }
    OperationReport &report = operation->mutableReport();
    report.wallSeconds = double(state->wall.nsecsElapsed()) / 1e9;
    report.transferSeconds = double(state->longestFetchWaitMicros + state->longestReturnMicros + state->gatherMicros) / 1e6;
    report.transferSeconds = std::min(report.transferSeconds, report.wallSeconds - report.planSeconds);
    report.computeSeconds = std::max(0.0, report.wallSeconds - report.planSeconds - report.transferSeconds);
    report.clientBytes = clientPayloadBytes() - state->clientBytesBefore;
    report.peerBytes = state->peerBytes;
    operationDone(operation, Status::ok());
}

} // namespace tessera
