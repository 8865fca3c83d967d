// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Operands of elementwise nodes line up by dimension name, as in xarray: weights along latitude
// multiply a (time, latitude, longitude) array along its latitude. Where the names do not say
// (numpy code, unnamed axes), numpy's rule aligns them at the last axis.
#include "core/expr/checker_p.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace tessera::checking {

namespace {

bool isUnnamed(const Axis &axis)
{
    return axis.name.startsWith(u"dim_"_s);
}

// Each operand axis's position among the base's dimensions, when every name is there in the
// same order; empty otherwise.
std::optional<std::vector<int>> mapByName(const Expr &operand, const std::vector<QString> &base)
{
    std::vector<int> positions;
    int after = -1;
    for (const Axis &axis : operand.dimensions) {
        const auto found = std::find(base.begin() + (after + 1), base.end(), axis.name);
        if (isUnnamed(axis) || found == base.end())
            return std::nullopt;
        after = int(found - base.begin());
        positions.push_back(after);
    }
    return positions;
}

std::vector<int> mapRightAligned(const Expr &operand, int rank)
{
    std::vector<int> positions;
    const int shift = rank - int(operand.shape.size());
    for (int axis = 0; axis < int(operand.shape.size()); ++axis)
        positions.push_back(axis + shift);
    return positions;
}

bool isRightAligned(const std::vector<int> &positions, int rank)
{
    for (std::size_t axis = 0; axis < positions.size(); ++axis) {
        if (positions[axis] != rank - int(positions.size()) + int(axis))
            return false;
    }
    return true;
}

QString binaryUnits(const Expr &expr)
{
    const Expr &left = *expr.operands[0];
    const Expr &right = *expr.operands[1];
    if (givesMask(expr.binaryOp) || expr.binaryOp == BinaryOp::Power)
        return {};
    const bool leftNumber = left.kind == Expr::Kind::Number;
    const bool rightNumber = right.kind == Expr::Kind::Number;
    // A number scales or shifts the array's quantity, except as a numerator: 1 / x is not in x's units.
    if (leftNumber && expr.binaryOp == BinaryOp::Divide)
        return {};
    if (leftNumber || rightNumber)
        return leftNumber ? right.units : left.units;
    const bool keepsQuantity = expr.binaryOp == BinaryOp::Add || expr.binaryOp == BinaryOp::Subtract
                               || expr.binaryOp == BinaryOp::Minimum || expr.binaryOp == BinaryOp::Maximum;
    return keepsQuantity && left.units == right.units ? left.units : QString();
}

bool sameCoordinate(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

// Where `part` lies in `whole` as one contiguous run of equal values; nullopt otherwise.
std::optional<std::int64_t> runStart(const std::vector<double> &part, const std::vector<double> &whole)
{
    if (part.empty() || part.size() > whole.size())
        return std::nullopt;
    for (std::size_t start = 0; start + part.size() <= whole.size(); ++start) {
        if (!sameCoordinate(whole[start], part.front()))
            continue;
        if (std::equal(part.begin(), part.end(), whole.begin() + std::ptrdiff_t(start), sameCoordinate))
            return std::int64_t(start);
        return std::nullopt;
    }
    return std::nullopt;
}

// xarray aligns operands by coordinate (an inner join): weights over all latitudes multiply a
// selection of them. Here the shorter coordinate must be one run of the longer; the longer
// operand is cut to it. Other mismatches are left for extentsOf to report.
Status alignByCoordinates(Expr &expr, int rank)
{
    for (int position = 0; position < rank; ++position) {
        const Axis *shortest = nullptr;
        for (std::size_t operand = 0; operand < expr.operands.size(); ++operand) {
            const auto &axes = expr.operandAxes[operand];
            const auto found = std::find(axes.begin(), axes.end(), position);
            if (found == axes.end())
                continue;
            const Axis &axis = expr.operands[operand]->dimensions[std::size_t(found - axes.begin())];
            if (axis.hasCoordinates() && axis.values.size() > 1 && (!shortest || axis.values.size() < shortest->values.size()))
                shortest = &axis;
        }
        if (!shortest)
            continue;
        const std::vector<double> common = shortest->values; // copied: the operands are replaced below
        for (std::size_t operand = 0; operand < expr.operands.size(); ++operand) {
            const auto &axes = expr.operandAxes[operand];
            const auto found = std::find(axes.begin(), axes.end(), position);
            if (found == axes.end())
                continue;
            const auto axisIndex = std::size_t(found - axes.begin());
            const Axis &axis = expr.operands[operand]->dimensions[axisIndex];
            if (!axis.hasCoordinates() || axis.values.size() == common.size())
                continue;
            const std::optional<std::int64_t> start = runStart(common, axis.values);
            if (!start)
                continue;
            auto cut = std::make_unique<Expr>();
            cut->kind = Expr::Kind::Index;
            cut->column = expr.column;
            for (std::size_t i = 0; i < axes.size(); ++i) {
                IndexItem item;
                item.kind = IndexItem::Kind::Slice;
                item.column = expr.column;
                if (i == axisIndex) {
                    item.start = *start;
                    item.stop = *start + std::int64_t(common.size());
                }
                cut->indices.push_back(item);
            }
            cut->operands.push_back(std::move(expr.operands[operand]));
            TESSERA_RETURN_IF_ERROR(checkIndex(*cut));
            expr.operands[operand] = std::move(cut);
        }
    }
    return Status::ok();
}

// The extents of the result along `rank` axes, or the axis where two operands disagree.
Status extentsOf(Expr &expr, int rank, bool byName)
{
    expr.shape.assign(std::size_t(rank), 1);
    for (std::size_t operand = 0; operand < expr.operands.size(); ++operand) {
        const Shape &shape = expr.operands[operand]->shape;
        for (std::size_t axis = 0; axis < shape.size(); ++axis) {
            std::int64_t &extent = expr.shape[std::size_t(expr.operandAxes[operand][axis])];
            if (shape[axis] == extent || shape[axis] == 1)
                continue;
            if (extent != 1) {
                if (!byName) { // numpy's message, for numpy's rule
                    Result<Shape> numpy = broadcastShapes(expr.operands[0]->shape, expr.operands[1]->shape);
                    if (!numpy.isOk())
                        return numpy.status().withContext(u"column %1"_s.arg(expr.column));
                }
                const QString name = expr.operands[operand]->dimensions[axis].name;
                return checkError(ErrorCode::ShapeMismatch, expr.column,
                                  u"dimension '%1' has %2 values on one side and %3 on the other; select the same range on "
                                  "both"_s.arg(name)
                                      .arg(extent)
                                      .arg(shape[axis]));
            }
            extent = shape[axis];
        }
    }
    return Status::ok();
}

// Each result axis takes its name and coordinates from an operand that spans it fully.
void dimensionsOf(Expr &expr)
{
    expr.dimensions.assign(expr.shape.size(), Axis{});
    std::vector<bool> chosen(expr.shape.size(), false);
    for (std::size_t operand = 0; operand < expr.operands.size(); ++operand) {
        const Expr &input = *expr.operands[operand];
        for (std::size_t axis = 0; axis < input.dimensions.size(); ++axis) {
            const auto position = std::size_t(expr.operandAxes[operand][axis]);
            const bool better = !chosen[position] || (isUnnamed(expr.dimensions[position]) && !isUnnamed(input.dimensions[axis]));
            if (input.shape[axis] == expr.shape[position] && better) {
                expr.dimensions[position] = input.dimensions[axis];
                chosen[position] = true;
            }
        }
    }
    for (std::size_t axis = 0; axis < expr.dimensions.size(); ++axis) {
        if (expr.dimensions[axis].name.isEmpty())
            expr.dimensions[axis].name = u"dim_%1"_s.arg(axis);
    }
}

} // namespace

Status checkBroadcast(Expr &expr)
{
    // The operand with the most dimensions gives the order; the others must fit into it by name.
    std::size_t widest = 0;
    for (std::size_t operand = 1; operand < expr.operands.size(); ++operand) {
        if (expr.operands[operand]->shape.size() > expr.operands[widest]->shape.size())
            widest = operand;
    }
    const std::vector<QString> base = expr.operands[widest]->dimensionNames();
    const int rank = int(base.size());
    expr.operandAxes.clear();
    bool byName = true;
    for (const auto &operand : expr.operands) {
        std::optional<std::vector<int>> positions = mapByName(*operand, base);
        if (!positions) {
            byName = false;
            break;
        }
        expr.operandAxes.push_back(std::move(*positions));
    }
    if (byName)
        TESSERA_RETURN_IF_ERROR(alignByCoordinates(expr, rank));
    // Named alignment that is just numpy's is numpy's: its errors read as numpy's.
    if (byName && std::all_of(expr.operandAxes.begin(), expr.operandAxes.end(), [rank](const std::vector<int> &positions) {
            return isRightAligned(positions, rank);
        }))
        byName = false;
    if (!byName) {
        expr.operandAxes.clear();
        for (const auto &operand : expr.operands)
            expr.operandAxes.push_back(mapRightAligned(*operand, rank));
    }
    TESSERA_RETURN_IF_ERROR(extentsOf(expr, rank, byName));
    dimensionsOf(expr);
    if (expr.kind == Expr::Kind::Binary) {
        expr.units = binaryUnits(expr);
    } else { // where(condition, a, b): what a is, when b agrees or is a number
        const Expr &a = *expr.operands[1];
        const Expr &b = *expr.operands[2];
        expr.units = a.units == b.units || b.kind == Expr::Kind::Number ? a.units : QString();
    }
    return Status::ok();
}

} // namespace tessera::checking
