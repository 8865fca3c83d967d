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
    if (std::isnan(value))
        return u"nan"_s;
    if (std::isinf(value))
        return value > 0 ? u"inf"_s : u"-inf"_s;
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

QString argumentText(const CallArgument &argument)
{
    QString text = argument.keyword.isEmpty() ? QString() : argument.keyword + u"="_s;
    QStringList items;
    for (const CallArgument &item : argument.items)
        items << argumentText(item);
    switch (argument.kind) {
    case CallArgument::Kind::Expression: return text + (argument.expr ? exprText(*argument.expr, true) : QString());
    case CallArgument::Kind::Text: return text + u"'"_s + argument.text + u"'"_s;
    case CallArgument::Kind::None: return text + u"None"_s;
    case CallArgument::Kind::Slice: return text + u"slice("_s + items.join(u", "_s) + u")"_s;
    case CallArgument::Kind::Tuple: return text + u"("_s + items.join(u", "_s) + QString(items.size() == 1 ? u",)"_s : u")"_s);
    }
    return text;
}

QString callText(const Expr &expr)
{
    QStringList arguments;
    for (const CallArgument &argument : expr.call->arguments)
        arguments << argumentText(argument);
    if (expr.call->method == u"eof") // a function of the array, not a method
        return u"eof("_s + exprText(*expr.operands.at(0), true) + (arguments.isEmpty() ? QString() : u", "_s)
               + arguments.join(u", "_s) + u")"_s;
    return receiverText(*expr.operands.at(0)) + u"."_s + expr.call->method + u"("_s + arguments.join(u", "_s) + u")"_s;
}

QString groupText(const Expr &expr)
{
    const GroupSpec &group = expr.group;
    const QString call = group.part.isEmpty() ? u"resample(%1='%2')"_s.arg(group.dimension, group.frequency)
                                              : u"groupby('%1.%2')"_s.arg(group.dimension, group.part);
    return receiverText(*expr.operands.at(0)) + u"."_s + call;
}

QString reduceText(const Expr &expr)
{
    QStringList arguments;
    if (!expr.reduceDims.empty()) {
        QStringList dims;
        for (const QString &dim : expr.reduceDims)
            dims << u"'"_s + dim + u"'"_s;
        arguments << (dims.size() == 1 ? QString(u"dim="_s + dims.front()) : QString(u"dim=("_s + dims.join(u", "_s) + u")"_s));
    } else if (expr.axes) {
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
        if (expr.unaryOp == UnaryOp::Negate || expr.unaryOp == UnaryOp::Not)
            return unaryOpName(expr.unaryOp) + exprText(*expr.operands.at(0), false);
        return unaryOpName(expr.unaryOp) + u"("_s + exprText(*expr.operands.at(0), true) + u")"_s;
    case Expr::Kind::Binary: {
        if (!isInfixOp(expr.binaryOp))
            return binaryOpName(expr.binaryOp) + u"("_s + exprText(*expr.operands.at(0), true) + u", "_s
                   + exprText(*expr.operands.at(1), true) + u")"_s;
        const QString text = exprText(*expr.operands.at(0), false) + u" "_s + binaryOpName(expr.binaryOp) + u" "_s
                             + exprText(*expr.operands.at(1), false);
        return delimited ? text : u"("_s + text + u")"_s;
    }
    case Expr::Kind::Reduce: return reduceText(expr);
    case Expr::Kind::Index: return indexText(expr);
    case Expr::Kind::Where:
        return u"where("_s + exprText(*expr.operands.at(0), true) + u", "_s + exprText(*expr.operands.at(1), true) + u", "_s
               + exprText(*expr.operands.at(2), true) + u")"_s;
    case Expr::Kind::Coordinate: return receiverText(*expr.operands.at(0)) + u"."_s + expr.name;
    case Expr::Kind::Constant: return expr.name;
    case Expr::Kind::Call: return callText(expr);
    case Expr::Kind::GroupReduce: {
        QString text = groupText(expr) + u"."_s + reduceOpName(expr.reduceOp) + u"("_s;
        if (expr.ddof != 0)
            text += u"ddof="_s + QString::number(expr.ddof);
        return text + u")"_s;
    }
    case Expr::Kind::Analysis: return expr.name;
    case Expr::Kind::GroupBinary: {
        const QString text =
            groupText(expr) + u" "_s + binaryOpName(expr.binaryOp) + u" "_s + exprText(*expr.operands.at(1), false);
        return delimited ? text : u"("_s + text + u")"_s;
    }
    }
    return QString();
}

} // namespace

QString Expr::toString() const
{
    return exprText(*this, false);
}

std::vector<QString> Expr::dimensionNames() const
{
    std::vector<QString> names;
    for (const Axis &axis : dimensions)
        names.push_back(axis.name);
    return names;
}

namespace {

CallArgument cloneArgument(const CallArgument &argument)
{
    CallArgument copy;
    copy.kind = argument.kind;
    copy.keyword = argument.keyword;
    copy.column = argument.column;
    copy.text = argument.text;
    if (argument.expr)
        copy.expr = cloneExpr(*argument.expr);
    for (const CallArgument &item : argument.items)
        copy.items.push_back(cloneArgument(item));
    return copy;
}

} // namespace

std::unique_ptr<Expr> cloneExpr(const Expr &expr)
{
    auto copy = std::make_unique<Expr>();
    copy->kind = expr.kind;
    copy->column = expr.column;
    copy->number = expr.number;
    copy->name = expr.name;
    copy->unaryOp = expr.unaryOp;
    copy->binaryOp = expr.binaryOp;
    copy->reduceOp = expr.reduceOp;
    copy->axes = expr.axes;
    copy->reduceDims = expr.reduceDims;
    copy->ddof = expr.ddof;
    copy->indices = expr.indices;
    copy->value = expr.value;
    copy->group = expr.group;
    copy->analysis = expr.analysis;
    if (expr.call) {
        auto call = std::make_shared<CallSpec>();
        call->method = expr.call->method;
        call->column = expr.call->column;
        for (const CallArgument &argument : expr.call->arguments)
            call->arguments.push_back(cloneArgument(argument));
        copy->call = std::move(call);
    }
    copy->shape = expr.shape;
    copy->dimensions = expr.dimensions;
    copy->units = expr.units;
    copy->label = expr.label;
    copy->operandAxes = expr.operandAxes;
    for (const auto &operand : expr.operands)
        copy->operands.push_back(operand ? cloneExpr(*operand) : nullptr);
    return copy;
}

} // namespace tessera
