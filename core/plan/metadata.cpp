// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/metadata.h"

#include <algorithm>
#include <cstring>

namespace tessera {
namespace {

Axis sliceAxis(const Axis &axis, const IndexItem &item)
{
    Axis result = axis;
    if (!axis.hasCoordinates())
        return result;
    result.values.clear();
    const std::int64_t start = item.start.value_or(0);
    const std::int64_t step = item.step.value_or(1);
    for (std::int64_t k = 0; k < item.count; ++k)
        result.values.push_back(axis.values[std::size_t(start + k * step)]);
    return result;
}

} // namespace

ArrayMeta deriveMeta(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf)
{
    ArrayMeta meta;
    switch (expr.kind) {
    case Expr::Kind::Number: break;
    case Expr::Kind::Name:
        if (const ArrayMeta *source = metaOf(expr.name))
            meta = *source;
        break;
    case Expr::Kind::Unary:
        meta = deriveMeta(*expr.operands[0], metaOf);
        if (expr.unaryOp == UnaryOp::Sqrt)
            meta.units.clear();
        break;
    case Expr::Kind::Binary: {
        const ArrayMeta left = deriveMeta(*expr.operands[0], metaOf);
        const ArrayMeta right = deriveMeta(*expr.operands[1], metaOf);
        const bool leftNumber = expr.operands[0]->kind == Expr::Kind::Number;
        const bool rightNumber = expr.operands[1]->kind == Expr::Kind::Number;
        // Each output axis takes its coordinates from an operand that spans it fully.
        const int rank = int(expr.shape.size());
        for (int axis = 0; axis < rank; ++axis) {
            Axis chosen;
            for (const ArrayMeta *operand : {&left, &right}) {
                const int inAxis = axis - (rank - int(operand->shape.size()));
                if (inAxis >= 0 && inAxis < int(operand->axes.size()) && operand->shape[inAxis] == expr.shape[axis]) {
                    chosen = operand->axes[inAxis];
                    break;
                }
            }
            meta.axes.push_back(chosen);
        }
        const bool additive = expr.binaryOp == BinaryOp::Add || expr.binaryOp == BinaryOp::Subtract;
        // A number scales or shifts the array's quantity, except as a numerator: 1 / x is not in x's units.
        if (leftNumber && expr.binaryOp == BinaryOp::Divide)
            meta.units.clear();
        else if (leftNumber || rightNumber)
            meta.units = leftNumber ? right.units : left.units;
        else if (additive && left.units == right.units)
            meta.units = left.units;
        meta.longName = leftNumber ? right.longName : left.longName;
        break;
    }
    case Expr::Kind::Reduce: {
        const ArrayMeta child = deriveMeta(*expr.operands[0], metaOf);
        for (int axis = 0; axis < int(child.axes.size()); ++axis) {
            const bool reduced = !expr.axes || std::find(expr.axes->begin(), expr.axes->end(), axis) != expr.axes->end();
            if (!reduced)
                meta.axes.push_back(child.axes[axis]);
        }
        meta.units = child.units;
        if (expr.reduceOp == ReduceOp::Var && !child.units.isEmpty())
            meta.units = QStringLiteral("(%1)^2").arg(child.units);
        meta.longName =
            child.longName.isEmpty() ? QString() : reduceOpName(expr.reduceOp) + QStringLiteral(" of ") + child.longName;
        break;
    }
    case Expr::Kind::Index: {
        const ArrayMeta child = deriveMeta(*expr.operands[0], metaOf);
        for (std::size_t axis = 0; axis < expr.indices.size() && axis < child.axes.size(); ++axis) {
            if (expr.indices[axis].kind == IndexItem::Kind::Slice)
                meta.axes.push_back(sliceAxis(child.axes[axis], expr.indices[axis]));
        }
        meta.units = child.units;
        meta.longName = child.longName;
        break;
    }
    }
    meta.shape = expr.shape;
    meta.axes.resize(expr.shape.size());
    for (std::size_t axis = 0; axis < meta.axes.size(); ++axis) {
        if (meta.axes[axis].name.isEmpty())
            meta.axes[axis].name = QStringLiteral("dim_%1").arg(axis);
        if (std::int64_t(meta.axes[axis].values.size()) != expr.shape[axis])
            meta.axes[axis].values.clear();
    }
    return meta;
}

} // namespace tessera
