#include "core/plan/planner_p.h"

#include "core/plan/placement.h"

#include "core/kernels/reduce.h"

#include <algorithm>
#include <map>

namespace tessera::planning {

Result<NodeBlocks> Planner::planReduce(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const BlockLayout &in = child->layout;
    const int rank = in.chunks.rank();

    std::vector<int> axes;
    if (expr.axes) {
        axes = *expr.axes;
    } else {
        for (int axis = 0; axis < rank; ++axis)
            axes.push_back(axis);
    }
    std::vector<bool> reduced(rank, false);
    for (int axis : axes)
        reduced[axis] = true;
    std::vector<std::vector<std::int64_t>> outExtents;
    for (int axis = 0; axis < rank; ++axis) {
        if (!reduced[axis])
            outExtents.push_back(in.chunks.extents(axis));
    }
    NodeBlocks out{{Chunks(outExtents), {}, {}}};
    const std::int64_t outCount = out.layout.chunks.blockCount();
    const int components = partialComponents(expr.reduceOp);
    const QString prefix = newNodePrefix();

    // Input blocks of each output block, grouped by the worker holding them.
    std::vector<std::map<int, std::vector<std::int64_t>>> groups(static_cast<std::size_t>(outCount));
    for (std::int64_t flat = 0; flat < in.chunks.blockCount(); ++flat) {
        const BlockIndex index = in.chunks.unflatten(flat);
        BlockIndex outIndex;
        for (int axis = 0; axis < rank; ++axis) {
            if (!reduced[axis])
                outIndex.push_back(index[axis]);
        }
        groups[out.layout.chunks.flatten(outIndex)][in.workers[flat]].push_back(flat);
    }
    std::vector<int> groupsOnWorker(m_loads.size(), 0);
    for (const auto &group : groups) {
        for (const auto &[worker, blocks] : group)
            ++groupsOnWorker[worker];
    }

    int stateCount = 0;
    auto makeTask = [&](TaskKind kind, const BlockIndex &outIndex, bool finalize) {
        Task task;
        task.kind = kind;
        task.reduceOp = expr.reduceOp;
        task.axes = axes;
        task.ddof = expr.ddof;
        task.finalize = finalize;
        const Shape blockShape = out.layout.chunks.blockShape(outIndex);
        if (finalize) {
            task.outputKey = blockKey(prefix, outIndex);
            task.outputShape = blockShape;
        } else {
            task.outputKey = prefix + QStringLiteral(".s") + QString::number(stateCount++) + QLatin1Char(':') + blockKey(QString(), outIndex).mid(1);
            task.outputShape = blockShape;
            task.outputShape.insert(task.outputShape.begin(), components);
        }
        return task;
    };
    auto stateInput = [&](int taskId) {
        const Task &producer = m_tasks[taskId];
        return TaskInput{producer.outputKey, {}, elementCount(producer.outputShape) * std::int64_t(sizeof(double)), producer.worker};
    };

    for (std::int64_t outFlat = 0; outFlat < outCount; ++outFlat) {
        const BlockIndex outIndex = out.layout.chunks.unflatten(outFlat);
        const auto &byWorker = groups[outFlat];
        if (byWorker.empty()) // only an input with no chunks along a reduced axis, never one the planner made
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("column %1: the array to reduce has no blocks").arg(expr.column));

        // Partials: split a worker's blocks across its threads when there are few groups.
        std::vector<std::pair<int, std::vector<std::int64_t>>> partialInputs;
        for (const auto &[worker, blocks] : byWorker) {
            const int threads = std::max(1, m_context.threadsPerWorker[worker]);
            const int splits = std::clamp(threads / std::max(1, groupsOnWorker[worker]), 1, int(blocks.size()));
            for (int split = 0; split < splits; ++split) {
                const std::size_t begin = blocks.size() * split / splits;
                const std::size_t end = blocks.size() * (split + 1) / splits;
                partialInputs.push_back({worker, std::vector<std::int64_t>(blocks.begin() + begin, blocks.begin() + end)});
            }
        }
        const bool single = partialInputs.size() == 1;
        std::map<int, std::vector<int>> partialsByWorker;
        for (auto &[worker, blocks] : partialInputs) {
            Task task = makeTask(TaskKind::Partial, outIndex, single);
            for (std::int64_t flat : blocks)
                task.inputs.push_back(inputFor(in, flat));
            partialsByWorker[worker].push_back(addTask(std::move(task), worker));
        }

        // One state per worker, then a tree across workers.
        std::vector<int> states;
        const bool oneWorker = partialsByWorker.size() == 1;
        for (const auto &[worker, partials] : partialsByWorker) {
            if (partials.size() == 1) {
                states.push_back(partials.front());
                continue;
            }
            Task task = makeTask(TaskKind::Combine, outIndex, oneWorker);
            for (int partial : partials)
                task.inputs.push_back(stateInput(partial));
            states.push_back(addTask(std::move(task), worker));
        }
        const auto levels = combineTree(int(states.size()), std::max(2, m_context.combineFanIn));
        for (std::size_t level = 0; level < levels.size(); ++level) {
            std::vector<int> next;
            for (const auto &group : levels[level]) {
                if (group.size() == 1) {
                    next.push_back(states[group.front()]);
                    continue;
                }
                Task task = makeTask(TaskKind::Combine, outIndex, level + 1 == levels.size());
                for (int member : group)
                    task.inputs.push_back(stateInput(states[member]));
                next.push_back(addTask(std::move(task)));
            }
            states = std::move(next);
        }
        const Task &root = m_tasks[states.front()];
        out.layout.keys.push_back(root.outputKey);
        out.layout.workers.push_back(root.worker);
    }
    return out;
}

} // namespace tessera::planning
