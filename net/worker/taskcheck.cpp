// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/taskcheck.h"

#include "core/expr/checker.h"
#include "core/kernels/analysis.h"
#include "core/kernels/reduce.h"

#include <QDir>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

Status unfit(const Task &task, const QString &why)
{
    return makeError(ErrorCode::InvalidArgument, u"task %1 (%2): %3"_s.arg(task.outputKey, taskKindName(task.kind), why));
}

Result<Shape> partialShape(const Task &task, const std::vector<Shape> &shapes)
{
    const std::size_t rank = shapes.front().size();
    for (int axis : task.axes) {
        if (axis >= int(rank))
            return unfit(task, u"reduces axis %1 of inputs of rank %2"_s.arg(axis).arg(rank));
    }
    Shape kept;
    for (std::size_t axis = 0; axis < rank; ++axis) {
        if (std::find(task.axes.begin(), task.axes.end(), int(axis)) == task.axes.end())
            kept.push_back(shapes.front()[axis]);
    }
    for (const Shape &shape : shapes) {
        if (shape.size() != rank)
            return unfit(task, u"inputs of ranks %1 and %2"_s.arg(rank).arg(shape.size()));
        for (std::size_t axis = 0, k = 0; axis < rank; ++axis) {
            if (std::find(task.axes.begin(), task.axes.end(), int(axis)) != task.axes.end())
                continue;
            if (shape[axis] != kept[k++])
                return unfit(
                    task, u"inputs %1 and %2 differ along kept axis %3"_s.arg(shapeToString(shapes.front()), shapeToString(shape))
                              .arg(axis));
        }
    }
    if (!task.finalize)
        kept.insert(kept.begin(), partialComponents(task.reduceOp));
    return kept;
}

Result<Shape> combineShape(const Task &task, const std::vector<Shape> &shapes)
{
    const Shape &state = shapes.front();
    if (state.empty() || state.front() != partialComponents(task.reduceOp))
        return unfit(task,
                     u"partial state %1 is not one of %2 (%3 components)"_s.arg(shapeToString(state), reduceOpName(task.reduceOp))
                         .arg(partialComponents(task.reduceOp)));
    for (const Shape &shape : shapes) {
        if (shape != state)
            return unfit(task, u"partial states %1 and %2 differ"_s.arg(shapeToString(state), shapeToString(shape)));
    }
    return task.finalize ? Shape(state.begin() + 1, state.end()) : state;
}

// The whole-dimension analyses: one axis of the first input, and their parameters in range.
Result<Shape> analysisShape(const Task &task, const std::vector<Shape> &shapes)
{
    const Shape &block = shapes.at(0);
    if (task.kind == TaskKind::Eigen) {
        if (block.size() != 2 || block[0] != block[1])
            return unfit(task, u"takes a square matrix, not %1"_s.arg(shapeToString(block)));
        if (task.order < 1 || task.order > block[0])
            return unfit(task, u"asks for %1 modes of a %2 x %2 matrix"_s.arg(task.order).arg(block[0]));
        return Shape{task.order, block[0] + 2};
    }
    if (task.axes.size() != 1 || task.axes[0] >= int(block.size()))
        return unfit(task, u"takes one axis of its input %1"_s.arg(shapeToString(block)));
    const auto axis = std::size_t(task.axes[0]);
    const std::int64_t steps = block[axis];
    Shape rest = block;
    rest.erase(rest.begin() + std::ptrdiff_t(axis));
    const auto leading = [&rest](std::int64_t extent) {
        Shape shape{extent};
        shape.insert(shape.end(), rest.begin(), rest.end());
        return shape;
    };
    switch (task.kind) {
    case TaskKind::Quantile:
        if (task.values.empty()
            || std::any_of(task.values.begin(), task.values.end(), [](double q) { return !(q >= 0 && q <= 1); }))
            return unfit(task, u"quantiles must lie between 0 and 1"_s);
        if (task.order == 0 && task.values.size() != 1)
            return unfit(task, u"a single quantile without a quantile axis"_s);
        return task.order ? leading(std::int64_t(task.values.size())) : rest;
    case TaskKind::Polyfit:
        if (std::int64_t(task.values.size()) != steps)
            return unfit(task, u"has %1 x values for %2 steps"_s.arg(task.values.size()).arg(steps));
        if (task.order < 0 || task.order > 32)
            return unfit(task, u"degree %1 is outside 0..32"_s.arg(task.order));
        return leading(task.order + 1);
    case TaskKind::Gram: return Shape{steps, steps};
    case TaskKind::Project: {
        const Shape &modes = shapes.at(1);
        if (modes.size() != 2 || modes[1] != steps + 2)
            return unfit(task, u"modes %1 do not fit %2 steps"_s.arg(shapeToString(modes)).arg(steps));
        return leading(modes[0]);
    }
    default: break;
    }
    return unfit(task, u"not an analysis"_s);
}

// The shape the kernel makes from inputs of these shapes, or why it cannot run on them.
Result<Shape> outputShape(const Task &task, const std::vector<Shape> &shapes)
{
    switch (task.kind) {
    case TaskKind::Slice:
    case TaskKind::Unary: return shapes.at(0);
    case TaskKind::Binary: {
        Result<Shape> broadcast = broadcastShapes(shapes.at(0), task.constant ? Shape{} : shapes.at(1));
        if (!broadcast.isOk())
            return unfit(task, broadcast.status().message());
        return broadcast;
    }
    case TaskKind::Partial: return partialShape(task, shapes);
    case TaskKind::Combine: return combineShape(task, shapes);
    case TaskKind::Select: {
        Shape shape;
        for (const Shape &operand : shapes) {
            Result<Shape> broadcast = broadcastShapes(shape, operand);
            if (!broadcast.isOk())
                return unfit(task, broadcast.status().message());
            shape = *broadcast;
        }
        return shape;
    }
    case TaskKind::Rechunk: {
        // A piece that drops an axis has a lower rank, which checkPieces refuses.
        if (Status tiled = checkPieces(shapes, task.pieceGrid, task.outputShape); !tiled.isOk())
            return unfit(task, tiled.message());
        return task.outputShape;
    }
    case TaskKind::Quantile:
    case TaskKind::Polyfit:
    case TaskKind::Gram:
    case TaskKind::Eigen:
    case TaskKind::Project: return analysisShape(task, shapes);
    case TaskKind::Store:
        // The client names the folder; a relative or unclean path would land where the worker happens to run.
        if (!QDir::isAbsolutePath(task.store.folder) || QDir::cleanPath(task.store.folder) != task.store.folder)
            return unfit(task, u"writes to %1, which is not an absolute path without . or .."_s.arg(task.store.folder));
        if (task.store.origin.size() != shapes.at(0).size())
            return unfit(
                task,
                u"origin %1 does not fit a block of rank %2"_s.arg(shapeToString(task.store.origin)).arg(shapes.at(0).size()));
        return Shape{2};
    case TaskKind::Load: break;
    }
    return unfit(task, u"a load is not a task"_s);
}

} // namespace

Status checkTaskInputs(const Task &task, const std::vector<NdArray> &inputs, const std::vector<Region> &regions)
{
    if (inputs.empty() || inputs.size() != regions.size())
        return unfit(task, u"no inputs"_s);
    std::vector<Shape> shapes;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (regions[i].empty()) {
            shapes.push_back(inputs[i].shape());
            continue;
        }
        if (Status inside = checkRegion(regions[i], inputs[i].shape()); !inside.isOk())
            return unfit(task, u"input %1: %2"_s.arg(task.inputs[i].key, inside.message()));
        shapes.push_back(regionShape(regions[i]));
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Shape &view = task.inputs[i].view;
        if (view.empty())
            continue;
        if (!sameUpToUnitAxes(view, shapes[i]))
            return unfit(task, u"input %1 of shape %2 cannot be read as %3"_s.arg(task.inputs[i].key, shapeToString(shapes[i]),
                                                                                  shapeToString(view)));
        shapes[i] = view;
    }
    Result<Shape> made = outputShape(task, shapes);
    TESSERA_RETURN_IF_ERROR(made);
    // Extents of 1 may be added or left out (a group's mean, one thick along its group axis).
    if (*made != task.outputShape && !sameUpToUnitAxes(*made, task.outputShape))
        return unfit(task, u"its inputs make shape %1, not the %2 it declares"_s.arg(shapeToString(*made),
                                                                                     shapeToString(task.outputShape)));
    return Status::ok();
}

} // namespace tessera
