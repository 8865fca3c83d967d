// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/loadplan.h"

#include "core/plan/placement.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// One block: a run of one file's first dimension.
struct Piece
{
    int file = 0;
    std::int64_t start = 0;
    std::int64_t count = 0;
};

// A Zarr store left at one block per file is cut at its chunks' boundaries into blocks of about
// this size (several small chunks per block), as a day's NetCDF file of the seed data is one
// block; but into at least two blocks per worker while there are chunks enough.
constexpr std::int64_t zarrBlockBytes = std::int64_t(32) << 20;
constexpr std::int64_t zarrBlocksPerWorker = 2;

// Where one file's rows are cut: `parts` even runs, or, for a Zarr store (chunk > 0), runs of
// whole chunks, so that no two blocks read the same chunk unless a chunk is split on purpose:
// asked for, or a store of fewer chunks than the workers should get blocks (each block then
// decodes the whole chunk and keeps its rows).
std::vector<std::int64_t> cutPoints(std::int64_t extent, std::int64_t chunk, int blocksPerFile, std::int64_t rowBytes,
                                    std::int64_t fewestBlocks)
{
    std::vector<std::int64_t> points{0};
    const std::int64_t chunkRuns = chunk > 0 ? (extent + chunk - 1) / chunk : 0;
    if (chunk > 0 && blocksPerFile == 1 && chunkRuns < fewestBlocks)
        blocksPerFile = int(std::min<std::int64_t>(fewestBlocks, extent));
    else if (chunk > 0 && (blocksPerFile == 1 || blocksPerFile <= chunkRuns)) {
        const std::int64_t bySize = zarrBlockBytes / std::max<std::int64_t>(1, chunk * rowBytes);
        const std::int64_t perBlock =
            blocksPerFile == 1 ? std::max<std::int64_t>(1, std::min(bySize, chunkRuns / std::max<std::int64_t>(1, fewestBlocks)))
                               : 0;
        const std::int64_t parts = blocksPerFile == 1 ? (chunkRuns + perBlock - 1) / perBlock : blocksPerFile;
        for (std::int64_t part = 1; part <= parts; ++part)
            points.push_back(std::min(extent, chunk * (chunkRuns * part / parts)));
        return points;
    }
    const std::int64_t parts = std::clamp<std::int64_t>(blocksPerFile, 1, std::max<std::int64_t>(extent, 1));
    for (std::int64_t part = 1; part <= parts; ++part)
        points.push_back(extent * part / parts);
    return points;
}

std::vector<Piece> cutFiles(const FileStack &stack, int blocksPerFile, int workers)
{
    const auto files = std::int64_t(stack.files.size());
    const std::int64_t fewestBlocksPerFile = (zarrBlocksPerWorker * workers + files - 1) / std::max<std::int64_t>(1, files);
    const Shape &shape = stack.meta.shape;
    const std::int64_t rowBytes = elementCount(Shape(shape.begin() + 1, shape.end())) * std::int64_t(sizeof(double));
    std::vector<Piece> pieces;
    for (int file = 0; file < int(stack.files.size()); ++file) {
        const std::int64_t chunk = std::size_t(file) < stack.firstChunks.size() ? stack.firstChunks[std::size_t(file)] : 0;
        const std::vector<std::int64_t> points =
            cutPoints(stack.firstExtents[std::size_t(file)], chunk, blocksPerFile, rowBytes, fewestBlocksPerFile);
        for (std::size_t i = 1; i < points.size(); ++i) {
            if (points[i] > points[i - 1])
                pieces.push_back({file, points[i - 1], points[i] - points[i - 1]});
        }
    }
    return pieces;
}

Chunks chunksOf(const std::vector<Piece> &pieces, const Shape &shape)
{
    std::vector<std::vector<std::int64_t>> extents(1);
    for (const Piece &piece : pieces)
        extents[0].push_back(piece.count);
    for (std::size_t axis = 1; axis < shape.size(); ++axis)
        extents.push_back({shape[axis]});
    return Chunks(extents);
}

// Index into `workers` for each block.
std::vector<int> distribute(const std::vector<std::int64_t> &blockBytes, Distribution distribution,
                            const std::vector<WorkerCapacity> &workers)
{
    switch (distribution) {
    case Distribution::Contiguous: return assignContiguous(blockBytes, int(workers.size()));
    case Distribution::RoundRobin: return assignRoundRobin(blockBytes.size(), int(workers.size()));
    case Distribution::FreeMemory: {
        std::vector<std::int64_t> freeBytes;
        for (const WorkerCapacity &worker : workers)
            freeBytes.push_back(worker.freeBytes);
        std::vector<int> choice = assignByFreeMemory(blockBytes, freeBytes);
        // A block that fits nowhere goes to the roomiest worker, where the check below refuses it.
        const auto roomiest = int(std::max_element(freeBytes.begin(), freeBytes.end()) - freeBytes.begin());
        std::replace(choice.begin(), choice.end(), -1, roomiest);
        return choice;
    }
    }
    return {};
}

} // namespace

Result<TaskGraph> planLoad(const FileStack &stack, const LoadLayout &layout, const std::vector<WorkerCapacity> &workers)
{
    if (workers.empty())
        return makeError(ErrorCode::InvalidArgument, u"%1: no worker to place its blocks on"_s.arg(layout.arrayName));
    const Shape &shape = stack.meta.shape;
    if (shape.empty() || stack.firstExtents.size() != std::size_t(stack.files.size()))
        return makeError(ErrorCode::InvalidArgument,
                         u"%1: nothing to stack (no files, or a scalar variable)"_s.arg(layout.arrayName));

    const std::vector<Piece> pieces = cutFiles(stack, layout.blocksPerFile, int(workers.size()));
    TaskGraph graph;
    graph.result.chunks = chunksOf(pieces, shape);
    std::vector<std::int64_t> blockBytes;
    for (std::size_t i = 0; i < pieces.size(); ++i)
        blockBytes.push_back(graph.result.blockBytes(std::int64_t(i)));

    const std::vector<int> choice = distribute(blockBytes, layout.distribution, workers);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const BlockIndex index = graph.result.chunks.unflatten(std::int64_t(i));
        Task task;
        task.id = int(i);
        task.kind = TaskKind::Load;
        task.worker = workers[std::size_t(choice[i])].worker;
        task.outputKey = blockKey(layout.keyPrefix, index);
        task.outputShape = graph.result.chunks.blockShape(index);
        task.load = {stack.files[pieces[i].file], stack.variable, pieces[i].start, pieces[i].count};
        task.headRead = layout.headReads;
        graph.result.keys.push_back(task.outputKey);
        graph.result.workers.push_back(task.worker);
        graph.tasks.push_back(std::move(task));
    }
    TESSERA_RETURN_IF_ERROR(
        checkRoom(plannedBytesPerWorker(graph, true), workers, layout.arrayName,
                  u"add workers, free arrays, load fewer files or start workers with a larger --memory-limit"_s));
    return graph;
}

} // namespace tessera
