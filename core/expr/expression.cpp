// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Names of operators and Expr::toString: the text that parseStatement reads back into the same
// tree; a checked tree prints resolved indices that check again to the same values.
#include "core/expr/expression.h"

#include <QLocale>
#include <QStringList>

#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

QString exprText(const Expr &expr, bool delimited);

// The shortest digits that read back as the same double.
QString numberText(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

// `.mean()` and `[...]` bind tighter than a sign, and "1.mean()" is not a number followed by a
// method, so those receivers need parentheses; a binary node brings its own.
QString receiverText(const Expr &operand)
{
    const bool needsParens =
        operand.kind == Expr::Kind::Number || (operand.kind == Expr::Kind::Unary && operand.unaryOp == UnaryOp::Negate);
    return needsParens ? u"("_s + exprText(operand, true) + u")"_s : exprText(operand, false);
}

QString optionalText(const std::optional<std::int64_t> &value)
{
    return value ? QString::number(*value) : QString();
}

QString sliceText(const IndexItem &item, std::optional<std::int64_t> extent)
{
    if (!item.resolved) {
        QString text = optionalText(item.start) + u":"_s + optionalText(item.stop);
        if (item.step)
            text += u":"_s + QString::number(*item.step);
        return text;
    }
    // Resolved bounds lie in [0, extent] for a positive step and [-1, extent - 1] for a negative
    // one. Written, -1 would mean the last element: as a stop it is spelled by omission, as a
    // start (only in an empty slice) by any value below -extent.
    const std::int64_t step = item.step.value_or(1);
    const std::int64_t start = item.start.value_or(0);
    const std::int64_t stop = item.stop.value_or(0);
    if (step == 1 && start == 0 && extent && stop == *extent)
        return u":"_s;
    QString text;
    if (start >= 0)
        text = QString::number(start);
    else if (extent)
        text = QString::number(-*extent - 1);
    else
        return u"0:0"_s; // empty, and without the extent this selects nothing just as well
    text += u":"_s;
    if (stop >= 0)
        text += QString::number(stop);
    if (step != 1)
        text += u":"_s + QString::number(step);
    return text;
}

QString indexText(const Expr &expr)
{
    const Expr &operand = *expr.operands.at(0);
    const bool extentsKnown = operand.shape.size() == expr.indices.size();
    QStringList items;
    for (std::size_t i = 0; i < expr.indices.size(); ++i) {
        const IndexItem &item = expr.indices[i];
        switch (item.kind) {
        case IndexItem::Kind::Integer: items << QString::number(item.index); break;
        case IndexItem::Kind::Ellipsis: items << u"..."_s; break;
        case IndexItem::Kind::Slice:
            items << sliceText(item, extentsKnown ? std::optional(operand.shape[i]) : std::nullopt);
            break;
        }
    }
    if (items.isEmpty())
        items << u"..."_s; // a checked index into a 0-d array; "[]" would not parse
    return receiverText(operand) + u"["_s + items.join(u", "_s) + u"]"_s;
}

QString reduceText(const Expr &expr)
{
    QStringList arguments;
    if (expr.axes) {
        QStringList axes;
        for (int axis : *expr.axes)
            axes << QString::number(axis);
        if (axes.size() == 1)
            arguments << u"axis="_s + axes.front();
        else
            arguments << u"axis=("_s + axes.join(u", "_s) + u")"_s;
    }
    if (expr.ddof != 0)
        arguments << u"ddof="_s + QString::number(expr.ddof);
    return receiverText(*expr.operands.at(0)) + u"."_s + reduceOpName(expr.reduceOp) + u"("_s + arguments.join(u", "_s) + u")"_s;
}

// `delimited` is true where surrounding brackets already group the text (function arguments,
// receivers in parentheses), so a binary node can leave its own off.
QString exprText(const Expr &expr, bool delimited)
{
    switch (expr.kind) {
    case Expr::Kind::Number:
        // A negative literal only arises in trees built by code; it reads back as a negation,
        // which the parentheses keep a single operand.
        if (std::signbit(expr.number) && !delimited)
            return u"("_s + numberText(expr.number) + u")"_s;
        return numberText(expr.number);
    case Expr::Kind::Name: return expr.name;
    case Expr::Kind::Unary:
        if (expr.unaryOp == UnaryOp::Negate)
            return u"-"_s + exprText(*expr.operands.at(0), false);
        return unaryOpName(expr.unaryOp) + u"("_s + exprText(*expr.operands.at(0), true) + u")"_s;
    case Expr::Kind::Binary: {
        const QString text = exprText(*expr.operands.at(0), false) + u" "_s + binaryOpName(expr.binaryOp) + u" "_s
                             + exprText(*expr.operands.at(1), false);
        return delimited ? text : u"("_s + text + u")"_s;
    }
    case Expr::Kind::Reduce: return reduceText(expr);
    case Expr::Kind::Index: return indexText(expr);
    }
    return QString();
}

} // namespace

QString Expr::toString() const
{
    return exprText(*this, false);
}

} // namespace tessera
