// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// checkExpression and broadcastShapes: numpy's rules for names, broadcasting, reductions and
// basic indexing, resolved once so the planner only ever sees in-range, non-negative values.
#include "core/expr/checker.h"

#include <QStringList>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

Status checkError(ErrorCode code, int column, const QString &message)
{
    return makeError(code, u"column %1: %2"_s.arg(column).arg(message));
}

QString arrayDescription(const Shape &shape)
{
    const QString dimensions = shape.size() == 1 ? u"1 dimension"_s : u"%1 dimensions"_s.arg(shape.size());
    return u"an array of %1 (shape %2)"_s.arg(dimensions, shapeToString(shape));
}

std::size_t expectedOperandCount(Expr::Kind kind)
{
    switch (kind) {
    case Expr::Kind::Number:
    case Expr::Kind::Name: return 0;
    case Expr::Kind::Binary: return 2;
    default: return 1;
    }
}

Status checkReduce(Expr &expr)
{
    const Shape &input = expr.operands[0]->shape;
    const int rank = int(input.size());
    if (expr.ddof != 0 && expr.reduceOp != ReduceOp::Std && expr.reduceOp != ReduceOp::Var)
        return checkError(ErrorCode::InvalidArgument, expr.column, u"ddof is only accepted by std and var"_s);
    if (!expr.axes) {
        expr.shape = {};
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
    for (int axis = 0; axis < rank; ++axis) {
        if (!std::binary_search(axes.begin(), axes.end(), axis))
            expr.shape.push_back(input[std::size_t(axis)]);
    }
    expr.axes = std::move(axes);
    return Status::ok();
}

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
    return Status::ok();
}

} // namespace

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

Status checkExpression(Expr &expr, const ShapeLookup &lookup)
{
    if (expr.operands.size() != expectedOperandCount(expr.kind))
        return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
    for (const std::unique_ptr<Expr> &operand : expr.operands) {
        if (!operand)
            return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
        TESSERA_RETURN_IF_ERROR(checkExpression(*operand, lookup));
    }

    switch (expr.kind) {
    case Expr::Kind::Number: expr.shape = {}; return Status::ok();
    case Expr::Kind::Name: {
        std::optional<Shape> shape = lookup ? lookup(expr.name) : std::nullopt;
        if (!shape)
            return checkError(ErrorCode::NotFound, expr.column, u"no array named '%1'"_s.arg(expr.name));
        expr.shape = std::move(*shape);
        return Status::ok();
    }
    case Expr::Kind::Unary: expr.shape = expr.operands[0]->shape; return Status::ok();
    case Expr::Kind::Binary: {
        Result<Shape> shape = broadcastShapes(expr.operands[0]->shape, expr.operands[1]->shape);
        if (!shape)
            return shape.status().withContext(u"column %1"_s.arg(expr.column));
        expr.shape = std::move(shape).value();
        return Status::ok();
    }
    case Expr::Kind::Reduce: return checkReduce(expr);
    case Expr::Kind::Index: return checkIndex(expr);
    }
    return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
}

} // namespace tessera
