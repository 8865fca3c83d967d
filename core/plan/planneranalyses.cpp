// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The whole-dimension analyses. Each first has its operand rechunked so that every block holds
// the whole of the analysed dimension (unless it already does), then runs one task per block:
//   rechunk   one Rechunk task per new block, its inputs the pieces of the old blocks it covers
//   quantile  one Quantile task per block
//   polyfit   one Polyfit task per block
//   eof       a Gram task per block, a tree of additions per worker and across workers, one
//             Eigen task at the root, then a Project task per block with the root's modes
#include "core/plan/planner_p.h"

#include "core/plan/placement.h"

#include <algorithm>
#include <numeric>

namespace tessera::planning {

namespace {

std::vector<std::int64_t> regularExtents(std::int64_t total, std::int64_t block)
{
    std::vector<std::int64_t> extents;
    for (std::int64_t start = 0; start < total; start += block)
        extents.push_back(std::min(block, total - start));
    if (extents.empty())
        extents.push_back(0); // an empty axis is one empty chunk
    return extents;
}

// One output chunk along an axis read from the input chunks it overlaps: (input chunk, start
// inside it, count) for each.
struct Overlap
{
    int chunk;
    std::int64_t start;
    std::int64_t count;
};

std::vector<Overlap> overlaps(const Chunks &in, int axis, std::int64_t begin, std::int64_t count)
{
    std::vector<Overlap> pieces;
    if (count == 0) {
        pieces.push_back({0, 0, 0});
        return pieces;
    }
    for (std::int64_t position = begin; position < begin + count;) {
        const int chunk = in.chunkContaining(axis, position);
        const std::int64_t chunkBegin = in.chunkStart(axis, chunk);
        const std::int64_t take = std::min(begin + count, chunkBegin + in.extents(axis)[std::size_t(chunk)]) - position;
        pieces.push_back({chunk, position - chunkBegin, take});
        position += take;
    }
    return pieces;
}

// Calls visit(index) for every index of the grid `extents`, in row-major order.
template <typename Visit>
void forEachGridIndex(const Shape &extents, Visit visit)
{
    if (std::any_of(extents.begin(), extents.end(), [](std::int64_t extent) { return extent == 0; }))
        return;
    std::vector<std::int64_t> index(extents.size(), 0);
    for (;;) {
        visit(index);
        int axis = int(extents.size()) - 1;
        while (axis >= 0 && ++index[std::size_t(axis)] == extents[std::size_t(axis)]) {
            index[std::size_t(axis)] = 0;
            --axis;
        }
        if (axis < 0)
            return;
    }
}

// The output's chunk layout with `leading` (a quantile, degree or mode axis) in front and `axis` gone.
Chunks withoutAxis(const Chunks &chunks, int axis, std::int64_t leading)
{
    std::vector<std::vector<std::int64_t>> extents;
    if (leading > 0)
        extents.push_back({leading});
    for (int i = 0; i < chunks.rank(); ++i) {
        if (i != axis)
            extents.push_back(chunks.extents(i));
    }
    return Chunks(std::move(extents));
}

BlockIndex withoutAxis(const BlockIndex &index, int axis, bool leading)
{
    BlockIndex out;
    if (leading)
        out.push_back(0);
    for (int i = 0; i < int(index.size()); ++i) {
        if (i != axis)
            out.push_back(index[std::size_t(i)]);
    }
    return out;
}

} // namespace

// Blocks with `axis` whole, of about the bytes of the biggest block now, at least one per
// worker thread: the outermost other axis long enough is cut (latitude rows of whole longitude
// lines copy as long runs).
Chunks Planner::wholeAlong(const Chunks &chunks, int axis) const
{
    const Shape shape = chunks.shape();
    std::int64_t biggest = 1;
    for (std::int64_t flat = 0; flat < chunks.blockCount(); ++flat)
        biggest = std::max(biggest, elementCount(chunks.blockShape(chunks.unflatten(flat))));
    const int threads = std::accumulate(m_context.threadsPerWorker.begin(), m_context.threadsPerWorker.end(), 0,
                                        [](int sum, int t) { return sum + std::max(1, t); });
    const std::int64_t wanted = std::max<std::int64_t>({1, (elementCount(shape) + biggest - 1) / biggest, std::int64_t(threads)});
    int cut = -1;
    for (int i = 0; i < int(shape.size()); ++i) {
        if (i == axis)
            continue;
        if (cut < 0 || (shape[std::size_t(cut)] < wanted && shape[std::size_t(i)] > shape[std::size_t(cut)]))
            cut = i;
        if (shape[std::size_t(i)] >= wanted)
            break;
    }
    std::vector<std::vector<std::int64_t>> extents;
    for (int i = 0; i < int(shape.size()); ++i) {
        if (i == axis)
            extents.push_back({shape[std::size_t(i)]});
        else if (i == cut)
            extents.push_back(
                regularExtents(shape[std::size_t(i)], (shape[std::size_t(i)] + wanted - 1) / std::max<std::int64_t>(wanted, 1)));
        else
            extents.push_back(chunks.extents(i));
    }
    return Chunks(std::move(extents));
}

Chunks Planner::requestedChunks(const Chunks &chunks, const std::vector<std::int64_t> &blockExtents)
{
    std::vector<std::vector<std::int64_t>> extents;
    const Shape shape = chunks.shape();
    for (int axis = 0; axis < chunks.rank(); ++axis) {
        const std::int64_t wanted = blockExtents[std::size_t(axis)];
        extents.push_back(wanted > 0 ? regularExtents(shape[std::size_t(axis)], wanted) : chunks.extents(axis));
    }
    return Chunks(std::move(extents));
}

// Each new block from the pieces of the old ones it covers, on the worker holding most of those
// bytes unless it already has its share of the new array (then the next best): bytes stay
// balanced and as few as possible cross. A new block that is an old one is reused.
NodeBlocks Planner::planRechunk(const BlockLayout &in, const Chunks &out)
{
    if (out == in.chunks)
        return NodeBlocks{in};
    NodeBlocks result{{out, {}, {}}};
    const QString prefix = newNodePrefix();
    const std::size_t workers = m_loads.size();
    const std::int64_t totalBytes = elementCount(out.shape()) * std::int64_t(sizeof(double));
    std::vector<std::int64_t> assigned(workers, 0);
    const std::int64_t blockCount = out.blockCount();
    reserveTasks(blockCount, result.layout);
    for (std::int64_t flat = 0; flat < blockCount; ++flat) {
        const BlockIndex index = out.unflatten(flat);
        const Shape blockShape = out.blockShape(index);
        const std::vector<std::int64_t> offset = out.blockOffset(index);
        std::vector<std::vector<Overlap>> perAxis;
        Shape grid;
        for (int axis = 0; axis < out.rank(); ++axis) {
            perAxis.push_back(overlaps(in.chunks, axis, offset[std::size_t(axis)], blockShape[std::size_t(axis)]));
            grid.push_back(std::int64_t(perAxis.back().size()));
        }
        Task task;
        task.kind = TaskKind::Rechunk;
        task.outputKey = blockKey(prefix, index);
        task.outputShape = blockShape;
        task.pieceGrid = grid;
        std::vector<std::int64_t> localBytes(workers, 0);
        forEachGridIndex(grid, [&](const std::vector<std::int64_t> &piece) {
            BlockIndex inIndex;
            Region region;
            for (int axis = 0; axis < out.rank(); ++axis) {
                const Overlap &overlap = perAxis[std::size_t(axis)][std::size_t(piece[std::size_t(axis)])];
                inIndex.push_back(overlap.chunk);
                region.push_back({overlap.start, overlap.count, 1, false});
            }
            const std::int64_t inFlat = in.chunks.flatten(inIndex);
            if (in.chunks.isWholeBlock(inIndex, region))
                region.clear();
            task.inputs.push_back(inputFor(in, inFlat, std::move(region)));
            const TaskInput &input = task.inputs.back();
            if (input.worker >= 0 && std::size_t(input.worker) < workers)
                localBytes[std::size_t(input.worker)] += input.bytes;
        });
        if (task.inputs.size() == 1 && task.inputs.front().region.empty()) { // the same block
            result.layout.keys.push_back(task.inputs.front().key);
            result.layout.workers.push_back(task.inputs.front().worker);
            continue;
        }
        const std::int64_t bytes = elementCount(blockShape) * std::int64_t(sizeof(double));
        const std::int64_t share = totalBytes / std::int64_t(std::max<std::size_t>(1, workers)) + bytes;
        int chosen = -1;
        for (std::size_t worker = 0; worker < workers; ++worker) {
            const bool room = assigned[worker] + bytes <= share;
            if (!room)
                continue;
            if (chosen < 0 || localBytes[worker] > localBytes[std::size_t(chosen)]
                || (localBytes[worker] == localBytes[std::size_t(chosen)] && assigned[worker] < assigned[std::size_t(chosen)]))
                chosen = int(worker);
        }
        if (chosen < 0)
            chosen = int(std::min_element(assigned.begin(), assigned.end()) - assigned.begin());
        assigned[std::size_t(chosen)] += bytes;
        const int id = addTask(std::move(task), chosen);
        result.layout.keys.push_back(m_tasks[std::size_t(id)].outputKey);
        result.layout.workers.push_back(m_tasks[std::size_t(id)].worker);
    }
    return result;
}

Result<NodeBlocks> Planner::planAnalysis(const Expr &expr)
{
    auto child = plan(*expr.operands[0]);
    TESSERA_RETURN_IF_ERROR(child);
    const AnalysisSpec &spec = *expr.analysis;
    if (spec.kind == AnalysisSpec::Kind::Rechunk)
        return planRechunk(child->layout, requestedChunks(child->layout.chunks, spec.blockExtents));
    const BlockLayout whole = planRechunk(child->layout, wholeAlong(child->layout.chunks, spec.axis)).layout;
    if (spec.kind == AnalysisSpec::Kind::Eof)
        return planEof(whole, spec);

    const bool quantile = spec.kind == AnalysisSpec::Kind::Quantile;
    const std::int64_t leading = quantile ? (spec.quantileAxis ? std::int64_t(spec.quantiles.size()) : 0) : spec.degree + 1;
    NodeBlocks out{{withoutAxis(whole.chunks, spec.axis, leading), {}, {}}};
    const QString prefix = newNodePrefix();
    for (std::int64_t flat = 0; flat < whole.chunks.blockCount(); ++flat) {
        const BlockIndex index = whole.chunks.unflatten(flat);
        Task task;
        task.kind = quantile ? TaskKind::Quantile : TaskKind::Polyfit;
        task.axes = {spec.axis};
        task.values = quantile ? spec.quantiles : spec.x;
        task.order = quantile ? int(spec.quantileAxis) : spec.degree;
        const BlockIndex outIndex = withoutAxis(index, spec.axis, leading > 0);
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = out.layout.chunks.blockShape(outIndex);
        task.inputs.push_back(inputFor(whole, flat));
        const int id = addTask(std::move(task), whole.workers[std::size_t(flat)]);
        out.layout.keys.push_back(m_tasks[std::size_t(id)].outputKey);
        out.layout.workers.push_back(m_tasks[std::size_t(id)].worker);
    }
    // Tasks were made in the input's block order, which is the output's too (the leading axis
    // has one chunk and `axis` one block).
    return out;
}

NodeBlocks Planner::planEof(const BlockLayout &whole, const AnalysisSpec &spec)
{
    const std::int64_t steps = whole.chunks.shape()[std::size_t(spec.axis)];
    const QString prefix = newNodePrefix();
    int made = 0;
    const auto intermediateKey = [&](const QString &what) -> QString { // QString: not a builder of temporaries
        return prefix + u'.' + what + QString::number(made++) + u":0";
    };

    // Per block its Gram matrix; per worker a chain of sums, then a pairwise tree across workers.
    std::map<int, std::vector<int>> gramsByWorker;
    for (std::int64_t flat = 0; flat < whole.chunks.blockCount(); ++flat) {
        Task task;
        task.kind = TaskKind::Gram;
        task.axes = {spec.axis};
        task.outputKey = intermediateKey(QStringLiteral("g"));
        task.outputShape = {steps, steps};
        task.inputs.push_back(inputFor(whole, flat));
        gramsByWorker[whole.workers[std::size_t(flat)]].push_back(addTask(std::move(task), whole.workers[std::size_t(flat)]));
    }
    const auto add = [&](int left, int right, int worker) {
        Task task;
        task.kind = TaskKind::Binary;
        task.binaryOp = BinaryOp::Add;
        task.outputKey = intermediateKey(QStringLiteral("s"));
        task.outputShape = {steps, steps};
        task.inputs = {stateInput(left), stateInput(right)};
        return addTask(std::move(task), worker);
    };
    std::vector<int> perWorker;
    for (const auto &[worker, grams] : gramsByWorker) {
        int sum = grams.front();
        for (std::size_t i = 1; i < grams.size(); ++i)
            sum = add(sum, grams[i], worker);
        perWorker.push_back(sum);
    }
    while (perWorker.size() > 1) {
        std::vector<int> next;
        for (std::size_t i = 0; i + 1 < perWorker.size(); i += 2)
            next.push_back(add(perWorker[i], perWorker[i + 1], m_tasks[std::size_t(perWorker[i])].worker));
        if (perWorker.size() % 2)
            next.push_back(perWorker.back());
        perWorker = std::move(next);
    }
    Task eigen;
    eigen.kind = TaskKind::Eigen;
    eigen.order = spec.modes;
    eigen.outputKey = intermediateKey(QStringLiteral("e"));
    eigen.outputShape = {spec.modes, steps + 2};
    eigen.inputs.push_back(stateInput(perWorker.front()));
    const int root = addTask(std::move(eigen), m_tasks[std::size_t(perWorker.front())].worker);
    m_returned.push_back(m_tasks[std::size_t(root)].outputKey);

    NodeBlocks out{{withoutAxis(whole.chunks, spec.axis, spec.modes), {}, {}}};
    for (std::int64_t flat = 0; flat < whole.chunks.blockCount(); ++flat) {
        const BlockIndex outIndex = withoutAxis(whole.chunks.unflatten(flat), spec.axis, true);
        Task task;
        task.kind = TaskKind::Project;
        task.axes = {spec.axis};
        task.outputKey = blockKey(prefix, outIndex);
        task.outputShape = out.layout.chunks.blockShape(outIndex);
        task.inputs = {inputFor(whole, flat), stateInput(root)};
        const int id = addTask(std::move(task), whole.workers[std::size_t(flat)]);
        out.layout.keys.push_back(m_tasks[std::size_t(id)].outputKey);
        out.layout.workers.push_back(m_tasks[std::size_t(id)].worker);
    }
    return out;
}

} // namespace tessera::planning
