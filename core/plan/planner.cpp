// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/planner.h"

#include "core/plan/placement.h"
#include "core/plan/planner_p.h"

#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"

#include <algorithm>
#include <map>

namespace tessera {
namespace planning {

TaskInput Planner::inputFor(const BlockLayout &layout, std::int64_t flat, Region region, Shape view) const
{
    TaskInput input;
    input.key = layout.keys[flat];
    input.worker = layout.workers[flat];
    input.bytes = region.empty() ? layout.blockBytes(flat) : elementCount(regionShape(region)) * std::int64_t(sizeof(double));
    input.region = std::move(region);
    input.view = std::move(view);
    return input;
}

void Planner::reserveTasks(std::int64_t count, BlockLayout &layout)
{
    m_tasks.reserve(m_tasks.size() + std::size_t(count));
    m_producer.reserve(m_producer.size() + qsizetype(count));
    layout.keys.reserve(std::size_t(count));
    layout.workers.reserve(std::size_t(count));
}

int Planner::addTask(Task task, int forcedWorker)
{
    task.id = int(m_tasks.size());
    std::vector<InputLocation> locations;
    std::int64_t inputBytes = 0;
    for (const TaskInput &input : task.inputs) {
        locations.push_back({input.worker, input.bytes});
        inputBytes += input.bytes;
        if (auto it = m_producer.constFind(input.key); it != m_producer.cend())
            task.dependsOn.push_back(*it);
    }
    std::sort(task.dependsOn.begin(), task.dependsOn.end());
    task.dependsOn.erase(std::unique(task.dependsOn.begin(), task.dependsOn.end()), task.dependsOn.end());
    task.worker = forcedWorker >= 0 ? forcedWorker : placeTask(locations, m_loads);
    m_loads[task.worker] += std::max<std::int64_t>(inputBytes, 1);
    m_producer.insert(task.outputKey, task.id);
    m_tasks.push_back(std::move(task));
    return m_tasks.back().id;
}

Result<NodeBlocks> Planner::planResult(const Expr &expr)
{
    if (!m_context.keepResult)
        m_returnedRoot = &expr;
    return plan(expr);
}

Result<NodeBlocks> Planner::plan(const Expr &expr)
{
    switch (expr.kind) {
    case Expr::Kind::Name: {
        const BlockLayout *layout = m_context.layoutOf(expr.name);
        if (!layout)
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("column %1: no array named '%2'").arg(expr.column).arg(expr.name));
        return NodeBlocks{*layout};
    }
    case Expr::Kind::Index: return planIndex(expr);
    case Expr::Kind::Unary: return planUnary(expr);
    case Expr::Kind::Binary:
    case Expr::Kind::Where: return planElementwise(expr);
    case Expr::Kind::Reduce: return planReduce(expr);
    case Expr::Kind::Constant: return planConstant(*expr.value);
    case Expr::Kind::GroupReduce: return planGroupReduce(expr);
    case Expr::Kind::GroupBinary: return planGroupBinary(expr);
    case Expr::Kind::Analysis: return planAnalysis(expr);
    case Expr::Kind::Number:
    case Expr::Kind::Coordinate:
    case Expr::Kind::Call: break;
    }
    return makeError(ErrorCode::Internal, QStringLiteral("column %1: a constant cannot be planned on its own").arg(expr.column));
}

// One output chunk along an axis of an index expression: which input chunk it reads, and how.
struct IndexPiece
{
    int chunk = 0;
    AxisSlice slice;
};

std::vector<IndexPiece> piecesAlongAxis(const Chunks &chunks, int axis, const IndexItem &item)
{
    std::vector<IndexPiece> pieces;
    if (item.kind == IndexItem::Kind::Integer) {
        const int chunk = chunks.chunkContaining(axis, item.index);
        pieces.push_back({chunk, {item.index - chunks.chunkStart(axis, chunk), 1, 1, true}});
        return pieces;
    }
    const std::int64_t start = item.start.value_or(0);
    const std::int64_t step = item.step.value_or(1);
    std::int64_t k = 0;
    while (k < item.count) {
        const std::int64_t position = start + k * step;
        const int chunk = chunks.chunkContaining(axis, position);
        const std::int64_t chunkBegin = chunks.chunkStart(axis, chunk);
        const std::int64_t chunkEnd = chunkBegin + chunks.extents(axis)[chunk];
        const std::int64_t inChunk = step > 0 ? (chunkEnd - position + step - 1) / step : (position - chunkBegin) / (-step) + 1;
        const std::int64_t n = std::min(item.count - k, inChunk);
        pieces.push_back({chunk, {position - chunkBegin, n, step, false}});
        k += n;
    }
    // An empty selection is still one (empty) block, so a reduction over it has an input.
    if (pieces.empty() && !chunks.extents(axis).empty())
        pieces.push_back({0, {0, 0, step, false}});
    return pieces;
}

// Calls visit(index) for every index of the n-d grid `extents`, in row-major order.
template <typename Visit>
void forEachIndex(const std::vector<std::int64_t> &extents, Visit visit)
{
    for (std::int64_t extent : extents) {
        if (extent == 0)
            return;
    }
    std::vector<std::int64_t> index(extents.size(), 0);
    while (true) {
        visit(index);
        int axis = int(extents.size()) - 1;
        while (axis >= 0 && ++index[axis] == extents[axis]) {
            index[axis] = 0;
            --axis;
        }
        if (axis < 0)
            return;
    }
}

Result<NodeBlocks> Planner::planIndex(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const BlockLayout &in = child->layout;

    std::vector<std::vector<IndexPiece>> pieces; // per input axis
    std::vector<std::vector<std::int64_t>> outExtents;
    std::vector<std::int64_t> pieceCounts;
    for (int axis = 0; axis < in.chunks.rank(); ++axis) {
        pieces.push_back(piecesAlongAxis(in.chunks, axis, expr.indices[axis]));
        pieceCounts.push_back(std::int64_t(pieces.back().size()));
        if (expr.indices[axis].kind != IndexItem::Kind::Integer) {
            std::vector<std::int64_t> extents;
            for (const IndexPiece &piece : pieces.back())
                extents.push_back(piece.slice.count);
            outExtents.push_back(std::move(extents));
        }
    }

    NodeBlocks out{{Chunks(outExtents), {}, {}}};
    const QString prefix = newNodePrefix();
    forEachIndex(pieceCounts, [&](const std::vector<std::int64_t> &pieceIndex) {
        BlockIndex inIndex;
        BlockIndex outIndex;
        Region region;
        for (std::size_t axis = 0; axis < pieceIndex.size(); ++axis) {
            const IndexPiece &piece = pieces[axis][pieceIndex[axis]];
            inIndex.push_back(piece.chunk);
            region.push_back(piece.slice);
            if (!piece.slice.drop)
                outIndex.push_back(pieceIndex[axis]);
        }
        const std::int64_t inFlat = in.chunks.flatten(inIndex);
        if (in.chunks.isWholeBlock(inIndex, region)) {
            out.layout.keys.push_back(in.keys[inFlat]);
            out.layout.workers.push_back(in.workers[inFlat]);
            return;
        }
        Task task;
        task.kind = TaskKind::Slice;
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = regionShape(region);
        task.inputs.push_back(inputFor(in, inFlat, std::move(region)));
        const int id = addTask(std::move(task));
        out.layout.keys.push_back(m_tasks[id].outputKey);
        out.layout.workers.push_back(m_tasks[id].worker);
    });
    return out;
}

Result<NodeBlocks> Planner::planUnary(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const BlockLayout &in = child->layout;
    NodeBlocks out{{in.chunks, {}, {}}};
    const QString prefix = newNodePrefix();
    for (std::int64_t flat = 0; flat < in.chunks.blockCount(); ++flat) {
        Task task;
        task.kind = TaskKind::Unary;
        task.unaryOp = expr.unaryOp;
        task.outputKey = blockKey(prefix, in.chunks.unflatten(flat));
        task.outputShape = in.chunks.blockShape(in.chunks.unflatten(flat));
        task.inputs.push_back(inputFor(in, flat));
        const int id = addTask(std::move(task));
        out.layout.keys.push_back(m_tasks[id].outputKey);
        out.layout.workers.push_back(m_tasks[id].worker);
    }
    return out;
}

OperandBlock operandBlock(const BlockLayout &in, const std::vector<int> &positions, const Chunks &outChunks,
                          const BlockIndex &outIndex, std::optional<std::pair<int, std::int64_t>> pinned)
{
    // Called once per operand of every output block (100,000 on the many-tasks bench): it reads
    // the chunk tables in place rather than through shape() and blockOffset() copies.
    const int rank = in.chunks.rank();
    OperandBlock block;
    block.index.reserve(std::size_t(rank));
    block.region.reserve(std::size_t(rank));
    for (int axis = 0; axis < rank; ++axis) {
        if (pinned && pinned->first == axis) { // one position of its own (a group's slab), whatever the output's
            const int chunk = in.chunks.chunkContaining(axis, pinned->second);
            block.index.push_back(chunk);
            block.region.push_back({pinned->second - in.chunks.chunkStart(axis, chunk), 1, 1, false});
            continue;
        }
        const int outAxis = positions[std::size_t(axis)];
        const auto outChunk = int(outIndex[std::size_t(outAxis)]);
        const std::int64_t outOffset = outChunks.chunkStart(outAxis, outChunk);
        const std::int64_t outExtent = outChunks.extents(outAxis)[std::size_t(outChunk)];
        if (in.chunks.length(axis) == 1 && outChunks.length(outAxis) != 1) {
            // Broadcast along the whole axis, even where an output block is one element thick there.
            block.index.push_back(0);
            block.region.push_back(AxisSlice::whole(1));
        } else if (outExtent == 0) { // an empty axis: its one chunk, which no position lies in
            block.index.push_back(0);
            block.region.push_back(AxisSlice::whole(0));
        } else {
            const int chunk = in.chunks.chunkContaining(axis, outOffset);
            block.index.push_back(chunk);
            block.region.push_back({outOffset - in.chunks.chunkStart(axis, chunk), outExtent, 1, false});
        }
    }
    const auto outRank = int(outIndex.size());
    const bool rightAligned = [&] {
        for (std::size_t axis = 0; axis < positions.size(); ++axis) {
            if (positions[axis] != outRank - int(positions.size()) + int(axis))
                return false;
        }
        return true;
    }();
    if (!rightAligned) {
        block.view.assign(std::size_t(outRank), 1);
        for (std::size_t axis = 0; axis < positions.size(); ++axis)
            block.view[std::size_t(positions[axis])] = block.region[axis].count;
    }
    if (in.chunks.isWholeBlock(block.index, block.region))
        block.region.clear();
    return block;
}

// The common refinement of the operands' chunk boundaries, axis by axis; broadcast axes follow
// the operand that has the full extent.
Chunks unifiedChunks(const Shape &shape, const std::vector<const BlockLayout *> &operands,
                     const std::vector<const std::vector<int> *> &positions)
{
    std::vector<std::vector<std::int64_t>> extents;
    for (int axis = 0; axis < int(shape.size()); ++axis) {
        std::vector<std::int64_t> boundaries{0, shape[axis]};
        for (std::size_t operand = 0; operand < operands.size(); ++operand) {
            const std::vector<int> &along = *positions[operand];
            const auto found = std::find(along.begin(), along.end(), axis);
            if (found == along.end())
                continue;
            const int inAxis = int(found - along.begin());
            const Chunks &chunks = operands[operand]->chunks;
            if (chunks.shape()[inAxis] != shape[axis])
                continue;
            for (int chunk = 0; chunk < int(chunks.extents(inAxis).size()); ++chunk)
                boundaries.push_back(chunks.chunkStart(inAxis, chunk));
        }
        std::sort(boundaries.begin(), boundaries.end());
        boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
        std::vector<std::int64_t> axisExtents;
        for (std::size_t i = 1; i < boundaries.size(); ++i)
            axisExtents.push_back(boundaries[i] - boundaries[i - 1]);
        if (axisExtents.empty())
            axisExtents.push_back(0); // an empty axis is one empty chunk
        extents.push_back(std::move(axisExtents));
    }
    return Chunks(std::move(extents));
}

// The axes of an operand as the checker lined them up, or at the end (numpy's rule) for trees
// made without the checker's operandAxes.
std::vector<int> positionsOf(const Expr &expr, std::size_t operand, int rank)
{
    if (operand < expr.operandAxes.size() && expr.operandAxes[operand].size() == expr.operands[operand]->shape.size())
        return expr.operandAxes[operand];
    std::vector<int> positions;
    const int operandRank = int(expr.operands[operand]->shape.size());
    for (int axis = 0; axis < operandRank; ++axis)
        positions.push_back(rank - operandRank + axis);
    return positions;
}

// Binary and Where: one task per block of the operands' common chunk refinement; numbers travel
// inside the task.
Result<NodeBlocks> Planner::planElementwise(const Expr &expr)
{
    const int rank = int(expr.shape.size());
    std::vector<BlockLayout> operands;
    std::vector<std::vector<int>> positions;
    std::vector<std::optional<double>> constants;
    for (std::size_t i = 0; i < expr.operands.size(); ++i) {
        const Expr &operand = *expr.operands[i];
        if (operand.kind == Expr::Kind::Number) {
            constants.push_back(operand.number);
            continue;
        }
        constants.push_back(std::nullopt);
        auto planned = plan(operand);
        TESSERA_RETURN_IF_ERROR(planned);
        operands.push_back(std::move(planned->layout));
        positions.push_back(positionsOf(expr, i, rank));
    }
    std::vector<const BlockLayout *> layouts;
    std::vector<const std::vector<int> *> along;
    for (std::size_t i = 0; i < operands.size(); ++i) {
        layouts.push_back(&operands[i]);
        along.push_back(&positions[i]);
    }

    NodeBlocks out{{unifiedChunks(expr.shape, layouts, along), {}, {}}};
    const QString prefix = newNodePrefix();
    const std::int64_t blockCount = out.layout.chunks.blockCount();
    reserveTasks(blockCount, out.layout);
    for (std::int64_t flat = 0; flat < blockCount; ++flat) {
        const BlockIndex outIndex = out.layout.chunks.unflatten(flat);
        Task task;
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = out.layout.chunks.blockShape(outIndex);
        if (expr.kind == Expr::Kind::Where) {
            task.kind = TaskKind::Select;
            task.operandConstants = constants;
        } else {
            task.kind = TaskKind::Binary;
            task.binaryOp = expr.binaryOp;
            if (constants[0] || constants[1]) {
                task.constant = constants[0] ? constants[0] : constants[1];
                task.constantOnLeft = constants[0].has_value();
            }
        }
        for (std::size_t i = 0; i < operands.size(); ++i) {
            OperandBlock block = operandBlock(operands[i], positions[i], out.layout.chunks, outIndex);
            task.inputs.push_back(
                inputFor(operands[i], operands[i].chunks.flatten(block.index), std::move(block.region), std::move(block.view)));
        }
        const int id = addTask(std::move(task));
        out.layout.keys.push_back(m_tasks[id].outputKey);
        out.layout.workers.push_back(m_tasks[id].worker);
    }
    return out;
}

// A value the client has (coordinates, and what is computed from them) as one block, sent by
// the client to the least loaded worker; the tasks that read it fetch it from there.
Result<NodeBlocks> Planner::planConstant(const NdArray &value)
{
    Task task;
    task.kind = TaskKind::Load;
    task.headRead = true;
    task.inlineValue = std::make_shared<const NdArray>(value);
    task.outputShape = value.shape();
    task.outputKey = blockKey(newNodePrefix(), BlockIndex(value.shape().size(), 0));
    const int id = addTask(std::move(task));
    return NodeBlocks{{Chunks::single(value.shape()), {m_tasks[id].outputKey}, {m_tasks[id].worker}}};
}

TaskGraph Planner::takeGraph(const BlockLayout &result)
{
    TaskGraph graph;
    graph.result = result;
    std::vector<bool> inResult(m_tasks.size(), false);
    for (const QString &key : result.keys) {
        if (auto it = m_producer.constFind(key); it != m_producer.cend())
            inResult[std::size_t(*it)] = true;
    }
    for (const Task &task : m_tasks) {
        if (!inResult[task.id])
            graph.temporaryKeys.push_back(task.outputKey);
    }
    graph.tasks = std::move(m_tasks);
    graph.returnedKeys = std::move(m_returned);
    return graph;
}

// A constant operand shaped to line up with the others: its axes where the checker put them,
// extents of 1 elsewhere, so the kernels' broadcasting (aligned at the end) does the rest.
NdArray alignedOperand(const Expr &expr, std::size_t operand, const NdArray &value)
{
    if (value.rank() == 0)
        return value;
    const int rank = int(expr.shape.size());
    const std::vector<int> positions = positionsOf(expr, operand, rank);
    Shape shape(std::size_t(rank), 1);
    for (std::size_t axis = 0; axis < positions.size(); ++axis)
        shape[std::size_t(positions[axis])] = value.shape()[axis];
    return value.reshaped(shape);
}

// The value of an operand folded to a constant: a number, or an array known on the client.
std::optional<NdArray> constantValue(const Expr &expr)
{
    if (expr.kind == Expr::Kind::Number)
        return NdArray::scalar(expr.number);
    if (expr.kind == Expr::Kind::Constant && expr.value)
        return *expr.value;
    return std::nullopt;
}

// Evaluates subtrees that name no array on the client, so tasks carry plain numbers and arrays
// from coordinates become one block each.
std::optional<NdArray> foldConstants(Expr &expr)
{
    if (const std::optional<NdArray> known = constantValue(expr))
        return known;
    std::vector<std::optional<NdArray>> values;
    bool allConstant = !expr.operands.empty();
    for (auto &operand : expr.operands) {
        values.push_back(foldConstants(*operand));
        allConstant = allConstant && values.back().has_value();
    }
    if (!allConstant)
        return std::nullopt;
    std::optional<NdArray> value;
    switch (expr.kind) {
    case Expr::Kind::Unary: value = unaryKernel(expr.unaryOp, *values[0]); break;
    case Expr::Kind::Binary:
        value = binaryKernel(expr.binaryOp, alignedOperand(expr, 0, *values[0]), alignedOperand(expr, 1, *values[1]));
        break;
    case Expr::Kind::Where:
        value = selectKernel(alignedOperand(expr, 0, *values[0]), alignedOperand(expr, 1, *values[1]),
                             alignedOperand(expr, 2, *values[2]));
        break;
    case Expr::Kind::Reduce: {
        std::vector<int> axes = expr.axes.value_or(std::vector<int>{});
        if (!expr.axes) {
            for (int axis = 0; axis < values[0]->rank(); ++axis)
                axes.push_back(axis);
        }
        value = finalizeReduce(expr.reduceOp, partialReduce(expr.reduceOp, {*values[0]}, axes), expr.ddof);
        break;
    }
    case Expr::Kind::Index:
        // A 0-d constant takes only '...' (checked away to no items), which selects it whole.
        if (expr.indices.empty())
            value = *values[0];
        break;
    default: break; // groups need the distributed machinery even over constants: rare, and planned
    }
    if (!value)
        return std::nullopt;
    if (value->rank() == 0) {
        expr.kind = Expr::Kind::Number;
        expr.number = value->at(0);
    } else {
        expr.name = expr.toString();
        expr.kind = Expr::Kind::Constant;
        expr.value = std::make_shared<const NdArray>(*value);
    }
    expr.operands.clear();
    return value;
}

} // namespace planning

Result<Plan> planExpression(const Expr &checked, const PlannerContext &context)
{
    std::unique_ptr<Expr> folded = cloneExpr(checked);
    Expr &expr = *folded;
    Plan result;
    planning::Planner planner(context);
    if (auto constant = planning::foldConstants(expr)) {
        if (!context.keepResult) {
            result.constant = std::move(*constant);
            return result;
        }
        auto kept = planner.planConstant(*constant);
        TESSERA_RETURN_IF_ERROR(kept);
        result.graph = planner.takeGraph(kept->layout);
        return result;
    }
    auto root = planner.planResult(expr);
    TESSERA_RETURN_IF_ERROR(root);
    result.graph = planner.takeGraph(root->layout);
    return result;
}

} // namespace tessera
