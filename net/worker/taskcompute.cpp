// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/taskcompute.h"

#include "core/io/zarrwriter.h"
#include "core/kernels/analysis.h"
#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"
#include "core/kernels/slice.h"

namespace tessera {

NdArray applyRegion(const NdArray &block, const Region &region)
{
    return region.empty() ? block : sliceArray(block, region);
}

namespace {

// A region that is one contiguous run of the block (x[100,:,:] of a (4,721,1440) block) can be
// read in place: returns its flat offset, or -1.
std::int64_t contiguousOffset(const NdArray &block, const Region &region)
{
    const Shape &shape = block.shape();
    const std::vector<std::int64_t> strides = rowMajorStrides(shape);
    int axis = 0;
    std::int64_t offset = 0;
    while (axis < int(region.size()) && region[axis].count == 1) {
        offset += region[axis].start * strides[axis];
        ++axis;
    }
    if (axis < int(region.size())) {
        if (region[axis].step != 1)
            return -1;
        offset += region[axis].start * strides[axis];
        ++axis;
    }
    for (; axis < int(region.size()); ++axis) {
        if (region[axis].start != 0 || region[axis].step != 1 || region[axis].count != shape[axis])
            return -1;
    }
    return offset;
}

Result<NdArray> runKernel(const Task &task, const std::vector<NdArray> &views);

// Writes the block's chunks into the Zarr array the task names: [bytes, files] written.
Result<NdArray> storeBlock(const Task &task, const NdArray &block)
{
    Result<zarr::ArrayMetadata> array = zarr::parseArrayMetadata(task.store.folder, task.store.metadata);
    TESSERA_RETURN_IF_ERROR(array);
    Result<WrittenChunks> written = writeZarrBlock(*array, task.store.origin, block);
    TESSERA_RETURN_IF_ERROR(written);
    return NdArray::fromVector({2}, {double(written->bytes), double(written->files)});
}

} // namespace

Result<NdArray> computeTask(const Task &task, const std::vector<NdArray> &inputs, const std::vector<Region> &regions,
                            bool outputIsTransient)
{
    // A transient slice (returned, not stored) can be a view: nothing outlives the reply.
    if (task.kind == TaskKind::Slice && outputIsTransient && !regions[0].empty()) {
        const std::int64_t offset = contiguousOffset(inputs[0], regions[0]);
        if (offset >= 0)
            return inputs[0].view(offset, regionShape(regions[0]));
    }
    // Pieces are copied straight from their blocks into the new one, without cutting them first.
    if (task.kind == TaskKind::Rechunk)
        return assemblePieces(inputs, regions, task.pieceGrid, task.outputShape);
    std::vector<NdArray> views;
    views.reserve(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        NdArray view = applyRegion(inputs[i], regions[i]);
        views.push_back(task.inputs[i].view.empty() ? view : view.reshaped(task.inputs[i].view));
    }
    Result<NdArray> output = runKernel(task, views);
    // A declared output with extents of 1 more or fewer holds the same values: read it as declared.
    if (output.isOk() && output->shape() != task.outputShape && sameUpToUnitAxes(output->shape(), task.outputShape))
        output = output->reshaped(task.outputShape);
    return output;
}

namespace {

Result<NdArray> runKernel(const Task &task, const std::vector<NdArray> &views)
{
    switch (task.kind) {
    case TaskKind::Slice: return views.at(0);
    case TaskKind::Unary: return unaryKernel(task.unaryOp, views.at(0));
    case TaskKind::Binary:
        if (task.constant) {
            const NdArray constant = NdArray::scalar(*task.constant);
            return task.constantOnLeft ? binaryKernel(task.binaryOp, constant, views.at(0))
                                       : binaryKernel(task.binaryOp, views.at(0), constant);
        }
        return binaryKernel(task.binaryOp, views.at(0), views.at(1));
    case TaskKind::Partial: {
        NdArray state = partialReduce(task.reduceOp, views, task.axes);
        return task.finalize ? finalizeReduce(task.reduceOp, state, task.ddof) : state;
    }
    case TaskKind::Combine: {
        NdArray state = combinePartials(task.reduceOp, views);
        return task.finalize ? finalizeReduce(task.reduceOp, state, task.ddof) : state;
    }
    case TaskKind::Select: {
        std::vector<NdArray> operands;
        std::size_t next = 0;
        for (const std::optional<double> &constant : task.operandConstants)
            operands.push_back(constant ? NdArray::scalar(*constant) : views.at(next++));
        return selectKernel(operands.at(0), operands.at(1), operands.at(2));
    }
    case TaskKind::Quantile: return quantileAlong(views.at(0), task.axes.at(0), task.values, task.order != 0);
    case TaskKind::Polyfit: return polyfitAlong(views.at(0), task.axes.at(0), task.values, task.order);
    case TaskKind::Gram: return gramAlong(views.at(0), task.axes.at(0));
    case TaskKind::Eigen: return eigenModes(views.at(0), task.order);
    case TaskKind::Project: return projectAlong(views.at(0), task.axes.at(0), views.at(1));
    case TaskKind::Store: return storeBlock(task, views.at(0));
    case TaskKind::Rechunk: // assembled above
    case TaskKind::Load: break;
    }
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("task kind %1 cannot run as a task").arg(int(task.kind)));
}

} // namespace

} // namespace tessera
