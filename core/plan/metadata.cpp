// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/metadata.h"

using namespace Qt::StringLiterals;

namespace tessera {
namespace {

QString longNameOf(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf);

// A labelled node (x.weighted(w).mean() as sum(x * w) / sum(notnull(x) * w)) is named after the
// data, its first operand all the way down.
QString labelledName(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf)
{
    const Expr *data = &expr;
    while (!data->operands.empty() && data->kind != Expr::Kind::Name)
        data = data->operands[0].get();
    const QString child = longNameOf(*data, metaOf);
    return child.isEmpty() ? QString() : expr.label + u" of "_s + child;
}

// What the value is called: the array's long name, through what keeps its meaning.
QString longNameOf(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf)
{
    if (!expr.label.isEmpty())
        return labelledName(expr, metaOf);
    switch (expr.kind) {
    case Expr::Kind::Name: {
        const ArrayMeta *source = metaOf(expr.name);
        return source ? source->longName : QString();
    }
    case Expr::Kind::Unary: return givesMask(expr.unaryOp) ? QString() : longNameOf(*expr.operands[0], metaOf);
    case Expr::Kind::Binary:
    case Expr::Kind::GroupBinary: {
        if (givesMask(expr.binaryOp))
            return {};
        const bool leftNumber = expr.operands[0]->kind == Expr::Kind::Number;
        return longNameOf(*expr.operands[leftNumber ? 1 : 0], metaOf);
    }
    case Expr::Kind::Where: return longNameOf(*expr.operands[1], metaOf);
    case Expr::Kind::Analysis: return longNameOf(*expr.operands[0], metaOf); // a rechunk: the same values
    case Expr::Kind::Index: return longNameOf(*expr.operands[0], metaOf);
    case Expr::Kind::Reduce:
    case Expr::Kind::GroupReduce: {
        const QString child = longNameOf(*expr.operands[0], metaOf);
        return child.isEmpty() ? QString() : reduceOpName(expr.reduceOp) + u" of "_s + child;
    }
    default: return {};
    }
}

} // namespace

ArrayMeta deriveMeta(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf)
{
    ArrayMeta meta;
    meta.shape = expr.shape;
    meta.axes = expr.dimensions;
    meta.units = expr.units;
    meta.longName = longNameOf(expr, metaOf);
    meta.axes.resize(expr.shape.size());
    for (std::size_t axis = 0; axis < meta.axes.size(); ++axis) {
        if (meta.axes[axis].name.isEmpty())
            meta.axes[axis].name = u"dim_%1"_s.arg(axis);
        if (std::int64_t(meta.axes[axis].values.size()) != expr.shape[axis]) {
            meta.axes[axis].values.clear();
            meta.axes[axis].labels.clear();
        }
    }
    return meta;
}

} // namespace tessera
