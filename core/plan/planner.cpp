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

TaskInput Planner::inputFor(const BlockLayout &layout, std::int64_t flat, Region region) const
{
    TaskInput input;
    input.key = layout.keys[flat];
    input.worker = layout.workers[flat];
    input.bytes = region.empty() ? layout.blockBytes(flat) : elementCount(regionShape(region)) * std::int64_t(sizeof(double));
    input.region = std::move(region);
    return input;
}

int Planner::addTask(Task task, int forcedWorker)
{
    task.id = int(m_tasks.size());
    std::vector<InputLocation> locations;
    std::int64_t inputBytes = 0;
    for (const TaskInput &input : task.inputs) {
        locations.push_back({input.worker, input.bytes});
        inputBytes += input.bytes;
        if (auto it = m_producer.find(input.key); it != m_producer.end())
            task.dependsOn.push_back(it->second);
    }
    std::sort(task.dependsOn.begin(), task.dependsOn.end());
    task.dependsOn.erase(std::unique(task.dependsOn.begin(), task.dependsOn.end()), task.dependsOn.end());
    task.worker = forcedWorker >= 0 ? forcedWorker : placeTask(locations, m_loads);
    m_loads[task.worker] += std::max<std::int64_t>(inputBytes, 1);
    m_producer[task.outputKey] = task.id;
    m_tasks.push_back(std::move(task));
    return m_tasks.back().id;
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
    case Expr::Kind::Binary: return planBinary(expr);
    case Expr::Kind::Reduce: return planReduce(expr);
    case Expr::Kind::Number: break;
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
        if (isWhole(region, in.chunks.blockShape(inIndex))) {
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

// Where output block `outIndex` of an elementwise node reads operand `in` (right-aligned
// broadcasting): the operand's block index and the region inside it.
std::pair<BlockIndex, Region> operandBlock(const BlockLayout &in, const Chunks &outChunks, const BlockIndex &outIndex)
{
    const int offset = outChunks.rank() - in.chunks.rank();
    const std::vector<std::int64_t> outOffset = outChunks.blockOffset(outIndex);
    const Shape outShape = outChunks.blockShape(outIndex);
    const Shape outFullShape = outChunks.shape();
    const Shape inShape = in.chunks.shape();
    BlockIndex index;
    Region region;
    for (int axis = 0; axis < in.chunks.rank(); ++axis) {
        const int outAxis = axis + offset;
        // Broadcast along the whole axis, even where an output block is one element thick there.
        if (inShape[axis] == 1 && outFullShape[outAxis] != 1) {
            index.push_back(0);
            region.push_back(AxisSlice::whole(1));
            continue;
        }
        if (outShape[outAxis] == 0) { // an empty axis: its one chunk, which no position lies in
            index.push_back(0);
            region.push_back(AxisSlice::whole(0));
            continue;
        }
        const int chunk = in.chunks.chunkContaining(axis, outOffset[outAxis]);
        index.push_back(chunk);
        region.push_back({outOffset[outAxis] - in.chunks.chunkStart(axis, chunk), outShape[outAxis], 1, false});
    }
    if (isWhole(region, in.chunks.blockShape(index)))
        region.clear();
    return {std::move(index), std::move(region)};
}

// The common refinement of the operands' chunk boundaries, axis by axis; broadcast axes follow
// the operand that has the full extent.
Chunks unifiedChunks(const Shape &shape, const std::vector<const BlockLayout *> &operands)
{
    std::vector<std::vector<std::int64_t>> extents;
    for (int axis = 0; axis < int(shape.size()); ++axis) {
        std::vector<std::int64_t> boundaries{0, shape[axis]};
        for (const BlockLayout *operand : operands) {
            const int inAxis = axis - (int(shape.size()) - operand->chunks.rank());
            if (inAxis < 0 || operand->chunks.shape()[inAxis] != shape[axis])
                continue;
            for (int chunk = 0; chunk < int(operand->chunks.extents(inAxis).size()); ++chunk)
                boundaries.push_back(operand->chunks.chunkStart(inAxis, chunk));
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

Result<NodeBlocks> Planner::planBinary(const Expr &expr)
{
    const Expr &left = *expr.operands[0];
    const Expr &right = *expr.operands[1];
    const bool leftConstant = left.kind == Expr::Kind::Number;
    const bool rightConstant = right.kind == Expr::Kind::Number;

    std::vector<BlockLayout> operands;
    for (const Expr *operand : {&left, &right}) {
        if (operand->kind == Expr::Kind::Number)
            continue;
        auto planned = plan(*operand);
        TESSERA_RETURN_IF_ERROR(planned);
        operands.push_back(std::move(planned->layout));
    }
    std::vector<const BlockLayout *> operandPointers;
    for (const BlockLayout &operand : operands)
        operandPointers.push_back(&operand);

    NodeBlocks out{{unifiedChunks(expr.shape, operandPointers), {}, {}}};
    const QString prefix = newNodePrefix();
    for (std::int64_t flat = 0; flat < out.layout.chunks.blockCount(); ++flat) {
        const BlockIndex outIndex = out.layout.chunks.unflatten(flat);
        Task task;
        task.kind = TaskKind::Binary;
        task.binaryOp = expr.binaryOp;
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = out.layout.chunks.blockShape(outIndex);
        if (leftConstant || rightConstant) {
            task.constant = leftConstant ? left.number : right.number;
            task.constantOnLeft = leftConstant;
        }
        for (const BlockLayout &operand : operands) {
            auto [index, region] = operandBlock(operand, out.layout.chunks, outIndex);
            task.inputs.push_back(inputFor(operand, operand.chunks.flatten(index), std::move(region)));
        }
        const int id = addTask(std::move(task));
        out.layout.keys.push_back(m_tasks[id].outputKey);
        out.layout.workers.push_back(m_tasks[id].worker);
    }
    return out;
}

TaskGraph Planner::takeGraph(const BlockLayout &result)
{
    TaskGraph graph;
    graph.result = result;
    std::vector<bool> inResult(m_tasks.size(), false);
    for (const QString &key : result.keys) {
        if (auto it = m_producer.find(key); it != m_producer.end())
            inResult[it->second] = true;
    }
    for (const Task &task : m_tasks) {
        if (!inResult[task.id])
            graph.temporaryKeys.push_back(task.outputKey);
    }
    graph.tasks = std::move(m_tasks);
    return graph;
}

std::unique_ptr<Expr> cloneExpr(const Expr &expr)
{
    auto copy = std::make_unique<Expr>();
    copy->kind = expr.kind;
    copy->column = expr.column;
    copy->number = expr.number;
    copy->name = expr.name;
    copy->unaryOp = expr.unaryOp;
    copy->binaryOp = expr.binaryOp;
    copy->reduceOp = expr.reduceOp;
    copy->axes = expr.axes;
    copy->ddof = expr.ddof;
    copy->indices = expr.indices;
    copy->shape = expr.shape;
    for (const auto &operand : expr.operands)
        copy->operands.push_back(cloneExpr(*operand));
    return copy;
}

// Evaluates subtrees that name no array on the client, so tasks carry plain constants.
std::optional<NdArray> foldConstants(Expr &expr)
{
    std::vector<std::optional<NdArray>> values;
    bool allConstant = true;
    for (auto &operand : expr.operands) {
        values.push_back(foldConstants(*operand));
        allConstant = allConstant && values.back().has_value();
    }
    std::optional<NdArray> value;
    switch (expr.kind) {
    case Expr::Kind::Number: value = NdArray::scalar(expr.number); break;
    case Expr::Kind::Name: return std::nullopt;
    case Expr::Kind::Unary:
        if (allConstant)
            value = unaryKernel(expr.unaryOp, *values[0]);
        break;
    case Expr::Kind::Binary:
        if (allConstant)
            value = binaryKernel(expr.binaryOp, *values[0], *values[1]);
        break;
    case Expr::Kind::Reduce:
        if (allConstant) {
            std::vector<int> axes = expr.axes.value_or(std::vector<int>{});
            value = finalizeReduce(expr.reduceOp, partialReduce(expr.reduceOp, {*values[0]}, axes), expr.ddof);
        }
        break;
    case Expr::Kind::Index:
        // A 0-d constant takes only '...' (checked away to no items), which selects it whole.
        if (allConstant && expr.indices.empty())
            value = *values[0];
        break;
    }
    if (value && value->rank() == 0) {
        expr.kind = Expr::Kind::Number;
        expr.number = value->at(0);
        expr.operands.clear();
    }
    return value;
}

} // namespace planning

Result<Plan> planExpression(const Expr &checked, const PlannerContext &context)
{
    std::unique_ptr<Expr> folded = planning::cloneExpr(checked);
    Expr &expr = *folded;
    Plan result;
    if (auto constant = planning::foldConstants(expr)) {
        result.constant = std::move(*constant);
        return result;
    }
    planning::Planner planner(context);
    auto root = planner.plan(expr);
    TESSERA_RETURN_IF_ERROR(root);
    result.graph = planner.takeGraph(root->layout);
    return result;
}

} // namespace tessera
