// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/planner_p.h"

#include "core/plan/placement.h"

#include "core/kernels/reduce.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

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

// `chunks` with every chunk along `axis` cut into `pieces` nearly equal pieces.
Chunks splitAlong(const Chunks &chunks, int axis, int pieces)
{
    std::vector<std::vector<std::int64_t>> extents = chunks.allExtents();
    std::vector<std::int64_t> split;
    for (std::int64_t extent : extents[std::size_t(axis)]) {
        for (int piece = 0; piece < pieces; ++piece)
            split.push_back(extent * (piece + 1) / pieces - extent * piece / pieces);
    }
    extents[std::size_t(axis)] = std::move(split);
    return Chunks(std::move(extents));
}

} // namespace

// How a reduce-scatter splits the output: every chunk along output axis `axis` into `pieces`.
struct Planner::Scatter
{
    int axis = 0;
    int pieces = 1;
    Chunks fine;
};

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
    const std::optional<Scatter> scatter = chooseScatter(expr, reduction, in);
    NodeBlocks out{{scatter ? scatter->fine : reduction.outChunks, {}, {}}};
    out.layout.keys.resize(std::size_t(out.layout.chunks.blockCount()));
    out.layout.workers.resize(out.layout.keys.size());
    const auto place = [&out, this](const BlockIndex &index, int taskId) {
        const auto flat = std::size_t(out.layout.chunks.flatten(index));
        out.layout.keys[flat] = m_tasks[std::size_t(taskId)].outputKey;
        out.layout.workers[flat] = m_tasks[std::size_t(taskId)].worker;
    };

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
        const std::map<int, std::vector<int>> partials =
            addPartials(reduction, outIndex, std::move(inputs), groupsOnWorker, !scatter);
        if (!scatter) {
            place(outIndex, addCombines(reduction, outIndex, partials));
            continue;
        }
        const std::vector<int> roots = addScatteredCombines(reduction, *scatter, outIndex, partials);
        for (int piece = 0; piece < scatter->pieces; ++piece) {
            BlockIndex pieceIndex = outIndex;
            pieceIndex[std::size_t(scatter->axis)] = outIndex[std::size_t(scatter->axis)] * scatter->pieces + piece;
            place(pieceIndex, roots[std::size_t(piece)]);
        }
    }
    return out;
}

// A reduce-scatter pays when the statement returns the reduction (a kept array stays in the
// chunks its inputs imply), the output has fewer blocks than the workers holding the input, and
// its states are large; the output axis whose thinnest chunk is widest is split.
std::optional<Planner::Scatter> Planner::chooseScatter(const Expr &expr, const Reduction &reduction, const BlockLayout &in) const
{
    const Chunks &chunks = reduction.outChunks;
    if (&expr != m_returnedRoot || chunks.rank() == 0)
        return std::nullopt;
    const std::set<int> holders(in.workers.begin(), in.workers.end());
    if (chunks.blockCount() >= std::int64_t(holders.size()) || holders.size() > std::size_t(MaxTaskInputs))
        return std::nullopt;
    int axis = 0;
    std::int64_t widest = 0;
    for (int candidate = 0; candidate < chunks.rank(); ++candidate) {
        const std::vector<std::int64_t> &extents = chunks.extents(candidate);
        const std::int64_t thinnest = *std::min_element(extents.begin(), extents.end());
        if (thinnest > widest) {
            widest = thinnest;
            axis = candidate;
        }
    }
    const int pieces = int(std::min<std::int64_t>(std::int64_t(holders.size()), widest));
    const std::int64_t stateBytes = reduction.components
                                    * elementCount(chunks.blockShape(BlockIndex(std::size_t(chunks.rank()), 0)))
                                    * std::int64_t(sizeof(double));
    if (pieces < 2 || stateBytes < m_context.scatterMinStateBytes)
        return std::nullopt;
    return Scatter{axis, pieces, splitAlong(chunks, axis, pieces)};
}

// One state per worker, as addCombines makes them; then piece p of the output is combined and
// finalized on the p-th of those workers from piece p of every state, so each worker's link
// carries (workers - 1) / workers of a state each way instead of the root's carrying them all.
std::vector<int> Planner::addScatteredCombines(Reduction &reduction, const Scatter &scatter, const BlockIndex &outIndex,
                                               const std::map<int, std::vector<int>> &partialsByWorker)
{
    std::vector<int> states;
    std::vector<int> holders;
    for (const auto &[worker, partials] : partialsByWorker) {
        states.push_back(addCombineTree(reduction, outIndex, partials, MaxTaskInputs, false, worker));
        holders.push_back(worker);
    }
    const Shape stateShape = m_tasks[std::size_t(states.front())].outputShape; // (components, kept extents...)
    const std::size_t stateAxis = std::size_t(scatter.axis) + 1;
    std::vector<int> roots;
    std::int64_t start = 0;
    for (int piece = 0; piece < scatter.pieces; ++piece) {
        BlockIndex pieceIndex = outIndex;
        pieceIndex[std::size_t(scatter.axis)] = outIndex[std::size_t(scatter.axis)] * scatter.pieces + piece;
        Task task = reduction.makeTask(TaskKind::Combine, scatter.fine, pieceIndex, true);
        const std::int64_t count = task.outputShape[std::size_t(scatter.axis)];
        for (int state : states) {
            Region region;
            for (std::int64_t extent : stateShape)
                region.push_back(AxisSlice::whole(extent));
            region[stateAxis] = {start, count, 1, false};
            TaskInput input = stateInput(state);
            input.bytes = elementCount(regionShape(region)) * std::int64_t(sizeof(double));
            input.region = std::move(region);
            task.inputs.push_back(std::move(input));
        }
        roots.push_back(addTask(std::move(task), holders[std::size_t(piece) % holders.size()]));
        start += count;
    }
    return roots;
}

// Partials on the workers that hold the blocks; a worker's blocks are split across its threads
// when it has few output blocks to work on, and into tasks of at most MaxTaskInputs inputs.
std::map<int, std::vector<int>> Planner::addPartials(Reduction &reduction, const BlockIndex &outIndex,
                                                     std::map<int, std::vector<TaskInput>> byWorker,
                                                     const std::vector<int> &groupsOnWorker, bool mayFinalize)
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
    const bool single = mayFinalize && partialInputs.size() == 1;
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
