// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/planner_p.h"

#include "core/plan/placement.h"

#include "core/kernels/reduce.h"

#include <algorithm>
#include <map>

namespace tessera::planning {

namespace {

using WorkerBlocks = std::map<int, std::vector<std::int64_t>>; // worker -> flat input blocks

std::vector<int> reducedAxes(const Expr &expr, int rank)
{
    if (expr.axes)
        return *expr.axes;
    std::vector<int> axes;
    for (int axis = 0; axis < rank; ++axis)
        axes.push_back(axis);
    return axes;
}

// Input blocks of each output block, grouped by the worker holding them.
std::vector<WorkerBlocks> groupByOutputBlock(const BlockLayout &in, const std::vector<bool> &reduced, const Chunks &outChunks)
{
    std::vector<WorkerBlocks> groups(static_cast<std::size_t>(outChunks.blockCount()));
    for (std::int64_t flat = 0; flat < in.chunks.blockCount(); ++flat) {
        const BlockIndex index = in.chunks.unflatten(flat);
        BlockIndex outIndex;
        for (int axis = 0; axis < in.chunks.rank(); ++axis) {
            if (!reduced[std::size_t(axis)])
                outIndex.push_back(index[std::size_t(axis)]);
        }
        groups[std::size_t(outChunks.flatten(outIndex))][in.workers[std::size_t(flat)]].push_back(flat);
    }
    return groups;
}

} // namespace

Result<NodeBlocks> Planner::planReduce(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const BlockLayout &in = child->layout;
    const int rank = in.chunks.rank();

    Reduction reduction{expr.reduceOp, expr.ddof, reducedAxes(expr, rank), {}, partialComponents(expr.reduceOp), newNodePrefix()};
    std::vector<bool> reduced(std::size_t(rank), false);
    for (int axis : reduction.axes)
        reduced[std::size_t(axis)] = true;
    std::vector<std::vector<std::int64_t>> outExtents;
    for (int axis = 0; axis < rank; ++axis) {
        if (!reduced[std::size_t(axis)])
            outExtents.push_back(in.chunks.extents(axis));
    }
    reduction.outChunks = Chunks(outExtents);
    NodeBlocks out{{reduction.outChunks, {}, {}}};

    const std::vector<WorkerBlocks> groups = groupByOutputBlock(in, reduced, reduction.outChunks);
    std::vector<int> groupsOnWorker(m_loads.size(), 0);
    for (const auto &group : groups) {
        for (const auto &[worker, blocks] : group)
            ++groupsOnWorker[std::size_t(worker)];
    }
    for (std::int64_t outFlat = 0; outFlat < reduction.outChunks.blockCount(); ++outFlat) {
        const BlockIndex outIndex = reduction.outChunks.unflatten(outFlat);
        const WorkerBlocks &byWorker = groups[std::size_t(outFlat)];
        if (byWorker.empty()) // only an input with no chunks along a reduced axis, never one the planner made
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("column %1: the array to reduce has no blocks").arg(expr.column));
        std::map<int, std::vector<TaskInput>> inputs;
        for (const auto &[worker, blocks] : byWorker) {
            for (std::int64_t flat : blocks)
                inputs[worker].push_back(inputFor(in, flat));
        }
        const std::map<int, std::vector<int>> partials = addPartials(reduction, outIndex, std::move(inputs), groupsOnWorker);
        const Task &root = m_tasks[std::size_t(addCombines(reduction, outIndex, partials))];
        out.layout.keys.push_back(root.outputKey);
        out.layout.workers.push_back(root.worker);
    }
    return out;
}

// Partials on the workers that hold the blocks; a worker's blocks are split across its threads
// when it has few output blocks to work on, and into tasks of at most MaxTaskInputs inputs.
std::map<int, std::vector<int>> Planner::addPartials(Reduction &reduction, const BlockIndex &outIndex,
                                                     std::map<int, std::vector<TaskInput>> byWorker,
                                                     const std::vector<int> &groupsOnWorker)
{
    std::vector<std::pair<int, std::vector<TaskInput>>> partialInputs;
    for (auto &[worker, inputs] : byWorker) {
        const int threads = std::max(1, m_context.threadsPerWorker[std::size_t(worker)]);
        const int forThreads = threads / std::max(1, groupsOnWorker[std::size_t(worker)]);
        const int forSize = int((inputs.size() + MaxTaskInputs - 1) / MaxTaskInputs);
        const int splits = std::clamp(std::max(forThreads, forSize), 1, int(inputs.size()));
        for (int split = 0; split < splits; ++split) {
            const std::size_t begin = inputs.size() * std::size_t(split) / std::size_t(splits);
            const std::size_t end = inputs.size() * std::size_t(split + 1) / std::size_t(splits);
            partialInputs.push_back({worker, std::vector<TaskInput>(inputs.begin() + begin, inputs.begin() + end)});
        }
    }
    const bool single = partialInputs.size() == 1;
    std::map<int, std::vector<int>> partialsByWorker;
    for (auto &[worker, inputs] : partialInputs) {
        Task task = reduction.makeTask(TaskKind::Partial, outIndex, single);
        task.inputs = std::move(inputs);
        partialsByWorker[worker].push_back(addTask(std::move(task), worker));
    }
    return partialsByWorker;
}

// One state per worker (a local tree of at most MaxTaskInputs states per combine), then a tree
// across workers whose root finalizes; returns the root.
int Planner::addCombines(Reduction &reduction, const BlockIndex &outIndex,
                         const std::map<int, std::vector<int>> &partialsByWorker)
{
    std::vector<int> states;
    const bool oneWorker = partialsByWorker.size() == 1;
    for (const auto &[worker, partials] : partialsByWorker)
        states.push_back(addCombineTree(reduction, outIndex, partials, MaxTaskInputs, oneWorker, worker));
    return addCombineTree(reduction, outIndex, std::move(states), std::max(2, m_context.combineFanIn), true);
}

int Planner::addCombineTree(Reduction &reduction, const BlockIndex &outIndex, std::vector<int> states, int fanIn,
                            bool rootFinalizes, int worker)
{
    const auto levels = combineTree(int(states.size()), fanIn);
    for (std::size_t level = 0; level < levels.size(); ++level) {
        std::vector<int> next;
        for (const auto &group : levels[level]) {
            if (group.size() == 1) {
                next.push_back(states[std::size_t(group.front())]);
                continue;
            }
            Task task = reduction.makeTask(TaskKind::Combine, outIndex, rootFinalizes && level + 1 == levels.size());
            for (int member : group)
                task.inputs.push_back(stateInput(states[std::size_t(member)]));
            next.push_back(addTask(std::move(task), worker));
        }
        states = std::move(next);
    }
    return states.front();
}

TaskInput Planner::stateInput(int taskId) const
{
    const Task &producer = m_tasks[std::size_t(taskId)];
    return TaskInput{producer.outputKey, {}, elementCount(producer.outputShape) * std::int64_t(sizeof(double)), producer.worker};
}

} // namespace tessera::planning
