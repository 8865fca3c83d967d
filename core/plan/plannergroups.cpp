// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Groups along one axis (x.groupby('time.month'), x.resample(time='1D')), planned with the
// reduction tree: each group's pieces of blocks are reduced by partials on the workers holding
// them, one combine per worker, then across workers; and an array combined with one value per
// group (x.groupby('time.month') - clim) as elementwise tasks over runs of one group each.
#include "core/plan/planner_p.h"

#include "core/kernels/reduce.h"

#include <algorithm>
#include <limits>

namespace tessera::planning {

namespace {

// What a reduction over nothing gives (a bin of a resample with no data): xarray's values.
double emptyValue(ReduceOp op)
{
    return op == ReduceOp::Sum ? 0.0 : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

Result<NodeBlocks> Planner::planGroupReduce(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const BlockLayout &in = child->layout;
    const int grouped = expr.group.axis;
    const auto groupCount = std::int64_t(expr.group.runs.size());
    std::vector<std::vector<std::int64_t>> outExtents = in.chunks.allExtents();
    outExtents[std::size_t(grouped)] = std::vector<std::int64_t>(std::size_t(groupCount), 1);
    Reduction reduction{expr.reduceOp,  expr.ddof, {grouped}, Chunks(outExtents), partialComponents(expr.reduceOp),
                        newNodePrefix()};
    NodeBlocks out{{reduction.outChunks, {}, {}}};

    // Each output block's inputs: the pieces of the input blocks, along the grouped axis, that
    // its group's runs cover.
    std::vector<std::map<int, std::vector<TaskInput>>> inputs(std::size_t(reduction.outChunks.blockCount()));
    std::vector<int> groupsOnWorker(m_loads.size(), 0);
    for (std::int64_t outFlat = 0; outFlat < reduction.outChunks.blockCount(); ++outFlat) {
        const BlockIndex outIndex = reduction.outChunks.unflatten(outFlat);
        for (const auto &[begin, end] : expr.group.runs[std::size_t(outIndex[std::size_t(grouped)])]) {
            for (int chunk = in.chunks.chunkContaining(grouped, begin); chunk < int(in.chunks.extents(grouped).size()); ++chunk) {
                const std::int64_t chunkBegin = in.chunks.chunkStart(grouped, chunk);
                if (chunkBegin >= end)
                    break;
                BlockIndex inIndex = outIndex;
                inIndex[std::size_t(grouped)] = chunk;
                const Shape shape = in.chunks.blockShape(inIndex);
                Region region;
                for (std::size_t axis = 0; axis < shape.size(); ++axis)
                    region.push_back(AxisSlice::whole(shape[axis]));
                const std::int64_t from = std::max(begin, chunkBegin);
                const std::int64_t to = std::min(end, chunkBegin + shape[std::size_t(grouped)]);
                region[std::size_t(grouped)] = {from - chunkBegin, to - from, 1, false};
                if (isWhole(region, shape))
                    region.clear();
                const std::int64_t inFlat = in.chunks.flatten(inIndex);
                inputs[std::size_t(outFlat)][in.workers[std::size_t(inFlat)]].push_back(inputFor(in, inFlat, std::move(region)));
            }
        }
        for (const auto &[worker, pieces] : inputs[std::size_t(outFlat)])
            ++groupsOnWorker[std::size_t(worker)];
    }
    for (std::int64_t outFlat = 0; outFlat < reduction.outChunks.blockCount(); ++outFlat) {
        const BlockIndex outIndex = reduction.outChunks.unflatten(outFlat);
        if (inputs[std::size_t(outFlat)].empty()) { // an empty bin
            Result<NodeBlocks> filled =
                planConstant(NdArray::filled(reduction.outChunks.blockShape(outIndex), emptyValue(expr.reduceOp)));
            TESSERA_RETURN_IF_ERROR(filled);
            out.layout.keys.push_back(filled->layout.keys.front());
            out.layout.workers.push_back(filled->layout.workers.front());
            continue;
        }
        const std::map<int, std::vector<int>> partials =
            addPartials(reduction, outIndex, std::move(inputs[std::size_t(outFlat)]), groupsOnWorker);
        const Task &root = m_tasks[std::size_t(addCombines(reduction, outIndex, partials))];
        out.layout.keys.push_back(root.outputKey);
        out.layout.workers.push_back(root.worker);
    }
    return out;
}

Result<NodeBlocks> Planner::planGroupBinary(const Expr &expr)
{
    auto left = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(left);
    auto right = plan(*expr.operands[1]);
    TESSERA_RETURN_IF_ERROR(right);
    const BlockLayout &x = left->layout;
    const BlockLayout &other = right->layout;
    const int grouped = expr.group.axis;
    const std::vector<int> &along = expr.operandAxes[1];
    const int otherGroupAxis = int(std::find(along.begin(), along.end(), grouped) - along.begin());

    // x's chunks, cut again where one group's run ends and the next begins.
    std::vector<std::vector<std::int64_t>> extents = x.chunks.allExtents();
    std::vector<std::int64_t> boundaries{0, x.chunks.shape()[std::size_t(grouped)]};
    for (int chunk = 0; chunk < int(extents[std::size_t(grouped)].size()); ++chunk)
        boundaries.push_back(x.chunks.chunkStart(grouped, chunk));
    for (const auto &run : expr.group.runGroups)
        boundaries.push_back(run[0]);
    std::sort(boundaries.begin(), boundaries.end());
    boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
    extents[std::size_t(grouped)].clear();
    for (std::size_t i = 1; i < boundaries.size(); ++i)
        extents[std::size_t(grouped)].push_back(boundaries[i] - boundaries[i - 1]);
    NodeBlocks out{{Chunks(extents), {}, {}}};

    const QString prefix = newNodePrefix();
    std::vector<int> identity;
    for (int axis = 0; axis < x.chunks.rank(); ++axis)
        identity.push_back(axis);
    for (std::int64_t flat = 0; flat < out.layout.chunks.blockCount(); ++flat) {
        const BlockIndex outIndex = out.layout.chunks.unflatten(flat);
        const std::vector<std::int64_t> offset = out.layout.chunks.blockOffset(outIndex);
        const auto run = std::upper_bound(expr.group.runGroups.begin(), expr.group.runGroups.end(), offset[std::size_t(grouped)],
                                          [](std::int64_t position, const auto &each) { return position < each[0]; })
                         - 1;
        const std::int64_t position = (*run)[2]; // of the group, along the other side's group axis
        Task task;
        task.kind = TaskKind::Binary;
        task.binaryOp = expr.binaryOp;
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = out.layout.chunks.blockShape(outIndex);
        OperandBlock xBlock = operandBlock(x, identity, out.layout.chunks, outIndex);
        task.inputs.push_back(inputFor(x, x.chunks.flatten(xBlock.index), std::move(xBlock.region)));
        // The other side: its group's slab, one thick along the grouped axis, the rest as usual.
        OperandBlock otherBlock = operandBlock(other, along, out.layout.chunks, outIndex, std::pair{otherGroupAxis, position});
        if (otherBlock.region.empty()) { // the slab is the whole block: say so, for the view below
            const Shape otherShape = other.chunks.blockShape(otherBlock.index);
            for (std::size_t axis = 0; axis < otherShape.size(); ++axis)
                otherBlock.region.push_back(AxisSlice::whole(otherShape[axis]));
        }
        Shape view(task.outputShape.size(), 1);
        for (std::size_t axis = 0; axis < along.size(); ++axis)
            view[std::size_t(along[axis])] = otherBlock.region[axis].count;
        task.inputs.push_back(
            inputFor(other, other.chunks.flatten(otherBlock.index), std::move(otherBlock.region), std::move(view)));
        const int id = addTask(std::move(task));
        out.layout.keys.push_back(m_tasks[id].outputKey);
        out.layout.workers.push_back(m_tasks[id].worker);
    }
    return out;
}

} // namespace tessera::planning
