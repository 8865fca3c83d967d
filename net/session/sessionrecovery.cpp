// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// When a worker is lost: its blocks go to the survivors (by free memory, neighbours together),
// running operations re-plan what they lost, and a recovery operation makes the blocks again
// from their lineage, in the background. A block whose sources cannot be read any more damages
// its arrays; everything else keeps working.

#include "net/session/clustersession_p.h"

#include "core/bytesize.h"
#include "core/plan/placement.h"
#include "core/plan/room.h"
#include "net/protocol/clock.h"

#include <QFileInfo>

#include <map>
#include <numeric>
#include <tuple>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

QString blockList(const std::vector<std::int64_t> &flats)
{
    QStringList shown;
    for (std::size_t i = 0; i < flats.size() && i < 8; ++i)
        shown << QString::number(flats[i]);
    if (flats.size() > 8)
        shown << u"… (%1 in all)"_s.arg(flats.size());
    return shown.join(u", "_s);
}

} // namespace

void ClusterSession::Private::onWorkerLost(int index, const QString &lostMessage)
{
    WorkerInfo &info = workers[std::size_t(index)].info;
    if (info.state == WorkerState::Lost)
        return;
    QString message = lostMessage;
    if (const QString why = launcher ? launcher->whyWorkersEnded() : QString(); !why.isEmpty())
        message += u"; "_s + why;
    info.state = WorkerState::Lost;
    info.error = message;
    info.memoryUsedBytes = 0;
    info.blockCount = 0;
    Q_EMIT q->workerLost(index, message);
    if (capacities().empty()) {
        loseEverything(Status(ErrorCode::Network, u"%1; it was the last worker, and no worker is left to run on or to rebuild "
                                                  "its blocks on; connect to workers or start a local cluster, then load the "
                                                  "data again"_s.arg(message)));
        return;
    }

    std::vector<std::pair<QString, Status>> unplaced;
    const std::vector<RebuildTarget> targets = placeLostBlocks(index, unplaced);
    // Running graphs re-plan before anything else runs: their replies from the lost worker are
    // about to fail, and must find them already moved on.
    for (const QPointer<GraphRunner> &runner : runners) {
        if (runner)
            runner->workerLost(index);
    }
    damage(unplaced);
    Q_EMIT q->workersChanged();
    Q_EMIT q->arraysChanged();
    if (!targets.empty())
        startRecovery(targets, info.name);
}

// The lost blocks to the live workers in proportion to their free memory, neighbouring blocks
// together. Blocks that an earlier recovery was making on the lost
// worker are that recovery's: its runner places them again (workerLost).
std::vector<RebuildTarget> ClusterSession::Private::placeLostBlocks(int lostWorker,
                                                                    std::vector<std::pair<QString, Status>> &unplaced)
{
    std::vector<QString> keys;
    std::vector<std::int64_t> bytes;
    directory.forEach([&](const QString &key, const BlockDirectory::Entry &entry) {
        if (entry.worker == lostWorker && entry.state == BlockDirectory::State::Ready) {
            keys.push_back(key);
            bytes.push_back(entry.bytes);
        }
    });
    // The directory is unordered. Blocks in flat order, and the blocks of one position in the
    // arrays side by side: derived arrays share their source's chunks, so y's block k goes where
    // x's block k goes, and statements over both need no fetch.
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const BlockDirectory::Use &ua = directory.find(keys[a])->uses.front();
        const BlockDirectory::Use &ub = directory.find(keys[b])->uses.front();
        return std::tie(ua.flat, ua.array) < std::tie(ub.flat, ub.array);
    });
    std::vector<WorkerCapacity> room = capacities();
    std::vector<std::int64_t> freeBytes;
    for (const WorkerCapacity &worker : room)
        freeBytes.push_back(std::max<std::int64_t>(0, worker.freeBytes));
    std::vector<std::int64_t> orderedBytes;
    for (std::size_t i : order)
        orderedBytes.push_back(bytes[i]);
    const std::vector<int> choice = assignContiguousByRoom(orderedBytes, freeBytes);

    std::vector<RebuildTarget> targets;
    std::int64_t refusedBytes = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const QString &key = keys[order[k]];
        if (choice[k] < 0) {
            refusedBytes += orderedBytes[k];
            unplaced.emplace_back(key, Status());
            continue;
        }
        const int worker = room[std::size_t(choice[k])].worker;
        targets.push_back({key, worker});
        retarget(key, worker);
        adjustUsedBytes(worker, orderedBytes[k]);
    }
    if (!unplaced.empty()) {
        std::int64_t free = 0;
        for (std::int64_t bytesFree : freeBytes)
            free += bytesFree;
        const Status noRoom(ErrorCode::Memory,
                            u"the surviving workers have %1 free, and the lost blocks need %2 more; add a worker "
                            "(Add local worker, or connect one) or drop arrays you no longer need, then load "
                            "this array again"_s.arg(formatBytes(free), formatBytes(refusedBytes)));
        for (auto &[key, why] : unplaced)
            why = noRoom;
    }
    return targets;
}

// The block is being made again on `worker`: the directory and every array using it say so.
void ClusterSession::Private::retarget(const QString &key, int worker)
{
    directory.markRebuilding(key, worker);
    for (const BlockDirectory::Use &use : directory.find(key)->uses)
        arrays[use.array].layout.workers[std::size_t(use.flat)] = worker;
}

void ClusterSession::Private::startRecovery(std::vector<RebuildTarget> targets, const QString &lostName)
{
    std::vector<bool> usable;
    for (const Worker &worker : workers)
        usable.push_back(worker.info.state != WorkerState::Lost && worker.client);
    const QString operationId = nextOperationId();
    const auto locate = [this](const QString &key) {
        const BlockDirectory::Entry *entry = directory.find(key);
        return entry && entry->state == BlockDirectory::State::Ready ? entry->worker : -1;
    };
    Result<TaskGraph> graph = planRebuild(lineage, {targets, locate, int(workers.size()), usable, operationId});
    if (graph.isOk()) {
        // Blocks made from files that are gone or changed are lost; the others are still made.
        const std::vector<std::pair<QString, Status>> unreadable = unreadableTargets(*graph);
        if (!unreadable.empty()) {
            damage(unreadable);
            std::erase_if(targets, [this](const RebuildTarget &target) { return !directory.isPending(target.key); });
            if (targets.empty()) {
                Q_EMIT q->arraysChanged();
                return;
            }
            graph = planRebuild(lineage, {targets, locate, int(workers.size()), usable, operationId});
        }
    }
    Status ready = graph.status();
    if (ready.isOk())
        ready = checkRoom(plannedBytesPerWorker(*graph, true), capacities(), u"rebuilding the blocks %1 held"_s.arg(lostName),
                          u"add a worker (Add local worker, or connect one) or drop arrays you no longer need"_s);
    if (!ready.isOk()) {
        std::vector<std::pair<QString, Status>> lost;
        for (const RebuildTarget &target : targets)
            lost.emplace_back(target.key, ready);
        damage(lost);
        Q_EMIT q->arraysChanged();
        return;
    }
    std::int64_t bytes = 0;
    for (const RebuildTarget &target : targets)
        bytes += directory.find(target.key)->bytes;
    auto *operation =
        new Operation(Operation::Kind::Recover,
                      u"rebuild %1 blocks (%2) that %3 held"_s.arg(targets.size()).arg(formatBytes(bytes), lostName), q);
    recoveries.emplace_back(operation);
    std::erase_if(recoveries, [](const QPointer<Operation> &each) { return !each; });
    Q_EMIT q->recoveryStarted(operation);
    Q_EMIT q->operationStarted(operation);

    GraphRunner::Settings settings;
    settings.operationId = operationId;
    settings.originMicros = startClock().originMicros;
    settings.keepGoing = true;
    settings.rebuild = true;
    GraphRunner *runner = makeRunner(std::move(*graph), settings, operation);
    QObject::connect(runner, &GraphRunner::taskFinished, operation, [this, operation, runner](int taskId, int done, int total) {
        recoveryTaskFinished(*runner, taskId);
        operation->reportProgress(done, total, u"rebuild tasks"_s);
    });
    QObject::connect(runner, &GraphRunner::finished, operation,
                     [this, operation, runner](const Status &status) { finishRecovery(operation, *runner, status); });
    QObject::connect(operation, &Operation::cancelRequested, runner, &GraphRunner::cancel);
    runner->start();
}

// Targets whose chain reaches a file that is gone, or changed since it was loaded (a rebuild
// from it would give other values without a word), with why.
std::vector<std::pair<QString, Status>> ClusterSession::Private::unreadableTargets(const TaskGraph &graph) const
{
    std::vector<Status> bad(graph.tasks.size());
    for (const Task &task : graph.tasks) {
        Status &why = bad[std::size_t(task.id)];
        for (int producer : task.dependsOn) {
            if (!bad[std::size_t(producer)].isOk())
                why = bad[std::size_t(producer)];
        }
        if (task.kind != TaskKind::Load || task.inlineValue || !why.isOk())
            continue;
        const QFileInfo file(task.load.path);
        const auto stamp = fileStamps.find(task.load.path);
        if (!file.exists())
            why = makeError(ErrorCode::NotFound, u"file %1, which it was loaded from, is gone"_s.arg(task.load.path));
        else if (stamp != fileStamps.end() && (stamp->second.first != file.size() || stamp->second.second != file.lastModified()))
            why = makeError(ErrorCode::Io, u"file %1 changed since it was loaded"_s.arg(task.load.path));
    }
    std::vector<std::pair<QString, Status>> unreadable;
    for (const Task &task : graph.tasks) {
        if (!bad[std::size_t(task.id)].isOk() && directory.isPending(task.outputKey))
            unreadable.emplace_back(task.outputKey, bad[std::size_t(task.id)]);
    }
    return unreadable;
}

void ClusterSession::Private::recoveryTaskFinished(GraphRunner &runner, int taskId)
{
    const Task &task = runner.graph().tasks[std::size_t(taskId)];
    if (!runner.makesResult(taskId))
        return; // a temporary of the rebuild; the runner releases it at the end
    const BlockDirectory::Entry *entry = directory.find(task.outputKey);
    if (!entry) {
        // Its arrays were dropped while it was being made: nobody wants it.
        releaseKeys({task.outputKey}, {task.worker});
        return;
    }
    if (entry->state != BlockDirectory::State::Rebuilding)
        return; // made again twice
    if (entry->worker != task.worker) {
        adjustUsedBytes(entry->worker, -entry->bytes);
        adjustUsedBytes(task.worker, entry->bytes);
    }
    const BlockDirectory::Uses uses = entry->uses; // a copy: the signals below may change the entry
    for (const BlockDirectory::Use &use : uses)
        arrays[use.array].layout.workers[std::size_t(use.flat)] = task.worker;
    directory.markReady(task.outputKey, task.worker); // views follow the directory's blockReady
}

void ClusterSession::Private::finishRecovery(Operation *operation, GraphRunner &runner, const Status &status)
{
    std::vector<std::pair<QString, Status>> lost;
    for (const auto &[taskId, why] : runner.failedTasks()) {
        const QString &key = runner.graph().tasks[std::size_t(taskId)].outputKey;
        if (directory.isPending(key))
            lost.emplace_back(key, why);
    }
    // Cancelled or failed as a whole: what was not made again is lost for good.
    for (const QString &key : runner.graph().result.keys) {
        if (!status.isOk() && directory.isPending(key))
            lost.emplace_back(key, status);
    }
    damage(lost);
    OperationReport &report = operation->mutableReport();
    report.text = operation->description();
    report.wallSeconds = double(epochMicros() - runner.settings().originMicros) / 1e6;
    report.computeSeconds = report.wallSeconds; // workers reading files and recomputing
    report.taskCount = int(runner.graph().tasks.size());
    report.tasks = runner.stats().records;
    report.peerBytes = runner.stats().peerBytes;
    operation->finish(
        lost.empty()
            ? Status::ok()
            : makeError(ErrorCode::Io,
                        u"%1 of %2 blocks could not be made again"_s.arg(lost.size()).arg(runner.graph().result.keys.size())));
    Q_EMIT q->operationFinished(operation);
    Q_EMIT q->arraysChanged();
    Q_EMIT q->workersChanged();
    if (q->autoDeleteOperations())
        operation->deleteLater();
}

// No worker is left: running operations end with `why`, and every array is damaged by it.
void ClusterSession::Private::loseEverything(const Status &why)
{
    for (const QPointer<GraphRunner> &runner : runners) {
        if (runner)
            runner->abandon(why);
    }
    std::vector<std::pair<QString, Status>> all;
    directory.forEach([&all, &why](const QString &key, const BlockDirectory::Entry &entry) {
        if (entry.state != BlockDirectory::State::Damaged)
            all.emplace_back(key, why);
    });
    damage(all);
    Q_EMIT q->workersChanged();
    Q_EMIT q->arraysChanged();
}

// The arrays holding these blocks cannot be used any more: say which blocks, why and the fix.
void ClusterSession::Private::damage(const std::vector<std::pair<QString, Status>> &keys)
{
    std::map<QString, std::pair<std::vector<std::int64_t>, QString>> byArray;
    for (const auto &[key, why] : keys) {
        const BlockDirectory::Entry *entry = directory.find(key);
        if (!entry)
            continue;
        adjustUsedBytes(entry->worker, -entry->bytes);
        const BlockDirectory::Uses uses = entry->uses; // a copy: the signals below may change the entry
        directory.markDamaged(key, why);
        for (const BlockDirectory::Use &use : uses) {
            auto &[flats, reason] = byArray[use.array];
            flats.push_back(use.flat);
            if (reason.isEmpty())
                reason = why.message();
        }
    }
    for (auto &[name, lost] : byArray) {
        auto &[flats, reason] = lost;
        std::sort(flats.begin(), flats.end());
        ArrayInfo &info = arrays[name];
        info.damage = u"array '%1' is damaged: blocks %2 of %3 were on a lost worker and cannot be made again: %4; remove it "
                      "(workspace) and load it again"_s.arg(name, blockList(flats))
                          .arg(info.layout.keys.size())
                          .arg(reason);
    }
}

} // namespace tessera
