// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Rebalance: after workers join (or the survivors of a loss took the lost worker's blocks), move
// blocks from the workers holding more than their share, in proportion to their memory limits,
// to those holding less. Each move is a task on the receiving worker that fetches the block from
// its holder and keeps it under the same key; the holder then frees it.

#include "net/session/clustersession_p.h"

#include "core/bytesize.h"

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

struct Holding
{
    std::int64_t bytes = 0;
    std::int64_t target = 0;
    std::vector<QString> keys; // in the arrays' order, so moves take the end of a run
};

// What each worker holds now and its share of all of it, in proportion to its memory limit
// (`limits`: worker index -> limit, for the workers that may hold blocks).
std::map<int, Holding> holdingsOf(const std::map<int, std::int64_t> &limits, const BlockDirectory &directory)
{
    std::map<int, Holding> holdings;
    std::int64_t limitTotal = 0;
    for (const auto &[index, limit] : limits) {
        holdings[index];
        limitTotal += limit;
    }
    // Keys sorted by (array, flat): a worker gives away the end of its runs.
    std::vector<std::pair<BlockDirectory::Use, QString>> ordered;
    std::int64_t total = 0;
    directory.forEach([&](const QString &key, const BlockDirectory::Entry &entry) {
        if (entry.state == BlockDirectory::State::Ready && holdings.count(entry.worker)) {
            ordered.emplace_back(entry.uses.front(), key);
            total += entry.bytes;
        }
    });
    std::sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) {
        return std::tie(a.first.array, a.first.flat) < std::tie(b.first.array, b.first.flat);
    });
    for (const auto &[use, key] : ordered) {
        Holding &holding = holdings[directory.workerOf(key)];
        holding.keys.push_back(key);
        holding.bytes += directory.find(key)->bytes;
    }
    for (auto &[index, holding] : holdings)
        holding.target = std::int64_t(double(total) * double(limits.at(index)) / double(limitTotal));
    return holdings;
}

// One task per block to move, on the worker that receives it, fetching it from its holder under
// the same key; a move must bring both sides nearer their targets.
TaskGraph planMoves(std::map<int, Holding> &holdings, const BlockDirectory &directory,
                    const std::function<Shape(const BlockDirectory::Use &)> &shapeOf, std::int64_t &movedBytes)
{
    TaskGraph graph;
    for (auto &[donor, giving] : holdings) {
        while (!giving.keys.empty()) {
            const QString key = giving.keys.back();
            const BlockDirectory::Entry &entry = *directory.find(key);
            const std::int64_t bytes = entry.bytes;
            auto receiver = std::max_element(holdings.begin(), holdings.end(), [](const auto &a, const auto &b) {
                return a.second.target - a.second.bytes < b.second.target - b.second.bytes;
            });
            if (giving.bytes - bytes < giving.target - bytes / 2 || receiver->second.target - receiver->second.bytes < bytes / 2)
                break;
            giving.keys.pop_back();
            giving.bytes -= bytes;
            receiver->second.bytes += bytes;
            movedBytes += bytes;
            Task move;
            move.id = int(graph.tasks.size());
            move.kind = TaskKind::Slice;
            move.inputs.push_back(TaskInput{key, {}, bytes, donor});
            move.outputKey = key;
            move.outputShape = shapeOf(entry.uses.front());
            move.worker = receiver->first;
            graph.result.keys.push_back(key);
            graph.result.workers.push_back(move.worker);
            graph.tasks.push_back(std::move(move));
        }
    }
    graph.result.chunks = Chunks({std::vector<std::int64_t>(graph.tasks.size(), 1)});
    return graph;
}

} // namespace

void ClusterSession::Private::startRebalance(Operation *operation)
{
    const OperationClock clock = startClock();
    if (q->isRecovering()) {
        operationDone(operation, makeError(ErrorCode::InvalidArgument, u"blocks of a lost worker are still being rebuilt; "
                                                                       "rebalance once that has finished"_s));
        return;
    }
    std::map<int, std::int64_t> limits;
    for (const Worker &worker : workers) {
        if (worker.info.state != WorkerState::Lost && worker.client)
            limits[worker.info.index] = worker.info.memoryLimitBytes;
    }
    if (limits.empty() || std::all_of(limits.begin(), limits.end(), [](const auto &limit) { return limit.second <= 0; })) {
        operationDone(operation, makeError(ErrorCode::Network, u"not connected to any worker"_s));
        return;
    }
    std::map<int, Holding> holdings = holdingsOf(limits, directory);
    std::int64_t movedBytes = 0;
    TaskGraph graph = planMoves(
        holdings, directory,
        [this](const BlockDirectory::Use &use) {
        const BlockLayout &layout = arrays.at(use.array).layout;
        return layout.chunks.blockShape(layout.chunks.unflatten(use.flat));
        },
        movedBytes);
    GraphRunner::Settings settings;
    settings.operationId = nextOperationId();
    settings.originMicros = clock.originMicros;
    runGraph(
        operation, std::move(graph), settings,
        [this, operation, clock, movedBytes](GraphRunner &runner) { finishRebalance(operation, clock, runner, movedBytes); },
        u"blocks moved"_s);
}

// The moved blocks now live on their receivers; the donors free their copies.
void ClusterSession::Private::finishRebalance(Operation *operation, const OperationClock &clock, const GraphRunner &runner,
                                              std::int64_t movedBytes)
{
    std::vector<QString> released;
    std::vector<int> donors;
    for (const Task &task : runner.graph().tasks) {
        const BlockDirectory::Entry *entry = directory.find(task.outputKey);
        if (!entry)
            continue; // dropped meanwhile
        released.push_back(task.outputKey);
        donors.push_back(entry->worker);
        adjustUsedBytes(entry->worker, -entry->bytes);
        adjustUsedBytes(task.worker, entry->bytes);
        for (const BlockDirectory::Use &use : entry->uses)
            arrays[use.array].layout.workers[std::size_t(use.flat)] = task.worker;
        directory.markReady(task.outputKey, task.worker);
    }
    releaseKeys(released, donors);
    OperationReport &report = operation->mutableReport();
    report.text = u"rebalance: moved %1 blocks (%2)"_s.arg(runner.graph().tasks.size()).arg(formatBytes(movedBytes));
    report.wallSeconds = clock.elapsedSeconds();
    report.taskCount = int(runner.graph().tasks.size());
    report.peerBytes = runner.stats().peerBytes;
    report.tasks = runner.stats().records;
    Q_EMIT q->arraysChanged();
    operationDone(operation, Status::ok());
}

} // namespace tessera
