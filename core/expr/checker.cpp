// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// checkExpression and broadcastShapes: numpy's and xarray's rules for names, dimensions,
// reductions and basic indexing, resolved once so the planner only ever sees in-range,
// non-negative values. Broadcasting is in checkbroadcast.cpp, methods in checkcalls.cpp.
#include "core/expr/checker.h"
#include "core/expr/checker_p.h"

#include <QStringList>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

using namespace Qt::StringLiterals;

namespace tessera {

namespace checking {

Status checkError(ErrorCode code, int column, const QString &message)
{
    return makeError(code, u"column %1: %2"_s.arg(column).arg(message));
}

QString dimensionList(const Expr &expr)
{
    const std::vector<QString> names = expr.dimensionNames();
    return names.empty() ? u"none (a single value)"_s : QStringList(names.begin(), names.end()).join(u", "_s);
}

Result<int> dimensionIndex(const Expr &expr, const QString &name, int column)
{
    for (std::size_t axis = 0; axis < expr.dimensions.size(); ++axis) {
        if (expr.dimensions[axis].name == name)
            return int(axis);
    }
    return checkError(ErrorCode::InvalidArgument, column,
                      u"no dimension '%1'; the dimensions are %2"_s.arg(name, dimensionList(expr)));
}

} // namespace checking

namespace {

using namespace checking;

QString arrayDescription(const Shape &shape)
{
    const QString dimensions = shape.size() == 1 ? u"1 dimension"_s : u"%1 dimensions"_s.arg(shape.size());
    return u"an array of %1 (shape %2)"_s.arg(dimensions, shapeToString(shape));
}

std::size_t expectedOperandCount(Expr::Kind kind)
{
    switch (kind) {
    case Expr::Kind::Number:
    case Expr::Kind::Name:
    case Expr::Kind::Constant: return 0;
    case Expr::Kind::Binary:
    case Expr::Kind::GroupBinary: return 2;
    case Expr::Kind::Where: return 3;
    default: return 1;
    }
}

// dim='time' or dim=('latitude', 'longitude'): the axes, in the order given.
Status resolveReduceDimensions(Expr &expr)
{
    if (expr.reduceDims.empty())
        return Status::ok();
    std::vector<int> axes;
    for (const QString &name : expr.reduceDims) {
        Result<int> axis = dimensionIndex(*expr.operands[0], name, expr.column);
        TESSERA_RETURN_IF_ERROR(axis);
        axes.push_back(*axis);
    }
    expr.axes = std::move(axes);
    expr.reduceDims.clear();
    return Status::ok();
}

} // namespace

namespace checking {

Status checkReduce(Expr &expr)
{
    TESSERA_RETURN_IF_ERROR(resolveReduceDimensions(expr));
    const Shape &input = expr.operands[0]->shape;
    const int rank = int(input.size());
    if (expr.ddof != 0 && expr.reduceOp != ReduceOp::Std && expr.reduceOp != ReduceOp::Var)
        return checkError(ErrorCode::InvalidArgument, expr.column, u"ddof is only accepted by std and var"_s);
    if (!expr.axes) {
        expr.shape = {};
        expr.dimensions.clear();
        return Status::ok();
    }
    // Each normalised axis, remembered with its spelling so a repeat can name both.
    std::vector<std::pair<int, int>> seen;
    for (int axis : *expr.axes) {
        if (axis < -rank || axis >= rank) {
            const QString fix = rank == 0 ? u"use axis=None"_s : u"use %1 to %2"_s.arg(-rank).arg(rank - 1);
            return checkError(ErrorCode::InvalidArgument, expr.column,
                              u"axis %1 is out of range for %2; %3"_s.arg(QString::number(axis), arrayDescription(input), fix));
        }
        const int normalised = axis < 0 ? axis + rank : axis;
        const auto repeat =
            std::find_if(seen.begin(), seen.end(), [normalised](const auto &entry) { return entry.first == normalised; });
        if (repeat != seen.end()) {
            const QString spelling = repeat->second == axis ? QString() : u" (as %1 and %2)"_s.arg(repeat->second).arg(axis);
            return checkError(ErrorCode::InvalidArgument, expr.column,
                              u"axis %1 is listed twice%2; list each axis once"_s.arg(normalised).arg(spelling));
        }
        seen.emplace_back(normalised, axis);
    }
    std::vector<int> axes;
    for (const auto &entry : seen)
        axes.push_back(entry.first);
    std::sort(axes.begin(), axes.end());
    expr.shape.clear();
    expr.dimensions.clear();
    for (int axis = 0; axis < rank; ++axis) {
        if (!std::binary_search(axes.begin(), axes.end(), axis)) {
            expr.shape.push_back(input[std::size_t(axis)]);
            expr.dimensions.push_back(expr.operands[0]->dimensions[std::size_t(axis)]);
        }
    }
    expr.axes = std::move(axes);
    return Status::ok();
}

} // namespace checking

namespace {

// Python's slice.indices(extent) and len(range(start, stop, step)).
Status resolveSlice(IndexItem &item, std::int64_t extent)
{
    const std::int64_t step = item.step.value_or(1);
    if (step == 0)
        return checkError(ErrorCode::InvalidArgument, item.column, u"slice step cannot be zero"_s);
    const std::int64_t lower = step < 0 ? -1 : 0;
    const std::int64_t upper = step < 0 ? extent - 1 : extent;
    std::int64_t start = 0;
    std::int64_t stop = 0;
    if (item.resolved) {
        // A second check keeps the first one's values, provided they still fit this extent.
        start = item.start.value_or(0);
        stop = item.stop.value_or(0);
        if (start < lower || start > upper || stop < lower || stop > upper)
            return checkError(ErrorCode::Internal, item.column,
                              u"slice %1:%2:%3 was resolved for an axis of another size than %4"_s.arg(
                                  QString::number(start), QString::number(stop), QString::number(step), QString::number(extent)));
    } else {
        const auto clamp = [&](std::optional<std::int64_t> written, std::int64_t omitted) {
            if (!written)
                return omitted;
            const std::int64_t value = *written < 0 ? *written + extent : *written;
            return std::clamp(value, lower, upper);
        };
        start = clamp(item.start, step < 0 ? upper : lower);
        stop = clamp(item.stop, step < 0 ? lower : upper);
    }
    // Written without negating step, which would overflow for the most negative step.
    if (step > 0)
        item.count = start < stop ? (stop - start - 1) / step + 1 : 0;
    else
        item.count = start > stop ? (stop - start + 1) / step + 1 : 0;
    item.start = start;
    item.stop = stop;
    item.step = step;
    item.resolved = true;
    return Status::ok();
}

} // namespace

namespace checking {

Status checkIndex(Expr &expr)
{
    const Shape &input = expr.operands[0]->shape;
    const std::size_t rank = input.size();
    std::size_t explicitCount = 0;
    const IndexItem *surplus = nullptr; // the first item past the last axis
    bool sawEllipsis = false;
    for (const IndexItem &item : expr.indices) {
        if (item.kind != IndexItem::Kind::Ellipsis) {
            if (++explicitCount > rank && !surplus)
                surplus = &item;
        } else if (sawEllipsis) {
            return checkError(ErrorCode::InvalidArgument, item.column, u"an index can only have a single ellipsis ('...')"_s);
        } else {
            sawEllipsis = true;
        }
    }
    if (surplus)
        return checkError(ErrorCode::InvalidArgument, surplus->column,
                          u"too many indices: %1 given for %2"_s.arg(QString::number(explicitCount), arrayDescription(input)));

    // '...' stands for as many ':' as needed; without one, the missing ':' go at the end.
    const auto fullSlice = [](int column) {
        IndexItem item;
        item.kind = IndexItem::Kind::Slice;
        item.column = column;
        return item;
    };
    std::vector<IndexItem> expanded;
    expanded.reserve(rank);
    for (const IndexItem &item : expr.indices) {
        if (item.kind == IndexItem::Kind::Ellipsis)
            expanded.insert(expanded.end(), rank - explicitCount, fullSlice(item.column));
        else
            expanded.push_back(item);
    }
    if (!sawEllipsis)
        expanded.insert(expanded.end(), rank - explicitCount, fullSlice(expr.column));

    Shape shape;
    for (std::size_t axis = 0; axis < rank; ++axis) {
        IndexItem &item = expanded[axis];
        const std::int64_t extent = input[axis];
        if (item.kind == IndexItem::Kind::Slice) {
            TESSERA_RETURN_IF_ERROR(resolveSlice(item, extent));
            shape.push_back(item.count);
            continue;
        }
        const std::int64_t index = item.index < 0 && !item.resolved ? item.index + extent : item.index;
        if (index < 0 || index >= extent)
            return checkError(ErrorCode::InvalidArgument, item.column,
                              u"index %1 is out of bounds for axis %2 with size %3"_s.arg(
                                  QString::number(item.index), QString::number(axis), QString::number(extent)));
        item.index = index;
        item.resolved = true;
    }
    expr.indices = std::move(expanded);
    expr.shape = std::move(shape);
    // The dimensions that survive, their coordinates sliced with the data.
    expr.dimensions.clear();
    for (std::size_t axis = 0; axis < rank; ++axis) {
        const IndexItem &item = expr.indices[axis];
        if (item.kind != IndexItem::Kind::Slice)
            continue;
        Axis sliced = expr.operands[0]->dimensions[axis];
        if (sliced.hasCoordinates()) {
            std::vector<double> values;
            std::vector<QString> labels;
            for (std::int64_t k = 0; k < item.count; ++k) {
                const auto at = std::size_t(*item.start + k * *item.step);
                values.push_back(sliced.values[at]);
                if (!sliced.labels.empty())
                    labels.push_back(sliced.labels[at]);
            }
            sliced.values = std::move(values);
            sliced.labels = std::move(labels);
        }
        expr.dimensions.push_back(std::move(sliced));
    }
    expr.units = expr.operands[0]->units;
    return Status::ok();
}

} // namespace checking

Result<Shape> broadcastShapes(const Shape &a, const Shape &b)
{
    const std::size_t rank = std::max(a.size(), b.size());
    Shape result(rank);
    // Shapes align at their last axis; a missing leading axis acts as extent 1.
    for (std::size_t fromEnd = 0; fromEnd < rank; ++fromEnd) {
        const std::int64_t extentA = fromEnd < a.size() ? a[a.size() - 1 - fromEnd] : 1;
        const std::int64_t extentB = fromEnd < b.size() ? b[b.size() - 1 - fromEnd] : 1;
        const std::size_t axis = rank - 1 - fromEnd;
        if (extentA == extentB || extentB == 1)
            result[axis] = extentA;
        else if (extentA == 1)
            result[axis] = extentB;
        else
            return makeError(ErrorCode::ShapeMismatch, u"shapes %1 and %2 do not broadcast: axis %3 has %4 against %5"_s.arg(
                                                           shapeToString(a), shapeToString(b), QString::number(axis),
                                                           QString::number(extentA), QString::number(extentB)));
    }
    return result;
}

namespace {

// Axes named dim_0, dim_1, ... where a name is missing; each as long as the shape says.
std::vector<Axis> namedAxes(std::vector<Axis> axes, const Shape &shape)
{
    axes.resize(shape.size());
    for (std::size_t axis = 0; axis < axes.size(); ++axis) {
        if (axes[axis].name.isEmpty())
            axes[axis].name = u"dim_%1"_s.arg(axis);
        if (std::int64_t(axes[axis].values.size()) != shape[axis]) {
            axes[axis].values.clear();
            axes[axis].labels.clear();
        }
    }
    return axes;
}

Status checkName(Expr &expr, const MetaLookup &lookup)
{
    const ArrayMeta *meta = lookup ? lookup(expr.name) : nullptr;
    if (!meta)
        return checkError(ErrorCode::NotFound, expr.column, u"no array named '%1'"_s.arg(expr.name));
    expr.shape = meta->shape;
    expr.dimensions = namedAxes(meta->axes, meta->shape);
    expr.units = meta->units;
    return Status::ok();
}

QString unaryUnits(UnaryOp op, const QString &units)
{
    switch (op) {
    case UnaryOp::Negate:
    case UnaryOp::Abs:
    case UnaryOp::Floor:
    case UnaryOp::Ceil: return units;
    case UnaryOp::Radians: return units.startsWith(u"degree"_s) ? u"radians"_s : QString();
    case UnaryOp::Degrees: return units.startsWith(u"radian"_s) ? u"degrees"_s : QString();
    default: return {}; // sqrt, exp, log, trigonometry, masks
    }
}

} // namespace

namespace checking {

Status check(Expr &expr, const MetaLookup &lookup)
{
    // Methods and grouped operands change the node itself; each rewrite checks what it made.
    if (expr.kind == Expr::Kind::Call)
        return rewriteCall(expr, lookup);
    if (expr.kind == Expr::Kind::Coordinate)
        return resolveCoordinate(expr, lookup);
    if (expr.kind == Expr::Kind::Reduce && !expr.operands.empty() && expr.operands[0]
        && expr.operands[0]->kind == Expr::Kind::Call)
        return rewriteGroupedReduce(expr, lookup);
    if (expr.kind == Expr::Kind::Binary && expr.operands.size() == 2 && expr.operands[0]
        && expr.operands[0]->kind == Expr::Kind::Call && expr.operands[0]->call->method == u"groupby")
        return rewriteGroupedBinary(expr, lookup);

    if (expr.operands.size() != expectedOperandCount(expr.kind))
        return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
    for (const std::unique_ptr<Expr> &operand : expr.operands) {
        if (!operand)
            return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
        TESSERA_RETURN_IF_ERROR(check(*operand, lookup));
    }

    switch (expr.kind) {
    case Expr::Kind::Number:
        expr.shape = {};
        expr.dimensions.clear();
        return Status::ok();
    case Expr::Kind::Constant:
        expr.shape = expr.value ? expr.value->shape() : Shape{};
        expr.dimensions = namedAxes(std::move(expr.dimensions), expr.shape);
        return Status::ok();
    case Expr::Kind::Name: return checkName(expr, lookup);
    case Expr::Kind::Unary:
        expr.shape = expr.operands[0]->shape;
        expr.dimensions = expr.operands[0]->dimensions;
        expr.units = unaryUnits(expr.unaryOp, expr.operands[0]->units);
        return Status::ok();
    case Expr::Kind::Binary:
    case Expr::Kind::Where: return checkBroadcast(expr);
    case Expr::Kind::Reduce:
        TESSERA_RETURN_IF_ERROR(checkReduce(expr));
        expr.units = expr.reduceOp == ReduceOp::Var && !expr.operands[0]->units.isEmpty()
                         ? u"(%1)^2"_s.arg(expr.operands[0]->units)
                         : expr.operands[0]->units;
        return Status::ok();
    case Expr::Kind::Index: return checkIndex(expr);
    case Expr::Kind::GroupReduce:
    case Expr::Kind::GroupBinary:
    case Expr::Kind::Analysis: return Status::ok(); // made checked by their rewrites, and never checked again
    case Expr::Kind::Coordinate:
    case Expr::Kind::Call: break;
    }
    return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
}

} // namespace checking

Status checkExpression(Expr &expr, const MetaLookup &lookup)
{
    return checking::check(expr, lookup);
}

Status checkExpression(Expr &expr, const ShapeLookup &lookup)
{
    // Shapes only: the metadata of each name made once, with unnamed axes.
    auto made = std::make_shared<std::map<QString, ArrayMeta>>();
    const MetaLookup metas = [&lookup, made](const QString &name) -> const ArrayMeta * {
        if (const auto found = made->find(name); found != made->end())
            return &found->second;
        const std::optional<Shape> shape = lookup ? lookup(name) : std::nullopt;
        if (!shape)
            return nullptr;
        ArrayMeta &meta = (*made)[name];
        meta.name = name;
        meta.shape = *shape;
        return &meta;
    };
    return checking::check(expr, metas);
}

} // namespace tessera
