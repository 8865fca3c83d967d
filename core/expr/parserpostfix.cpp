// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The parts of parseStatement's grammar inside brackets after an operand:
//   x[0, 1:10:2, ...]                 index items: integer, slice or one ellipsis
//   x.std(axis=(1, 2), ddof=1)        method arguments: the axis (or positional), ddof
#include "core/expr/parser_p.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using Kind = ExprParser::Kind;
using ExprPtr = ExprParser::ExprPtr;

const QString methodList = u"methods are sum, mean, min, max, std, var"_s;

} // namespace

ExprPtr ExprParser::parseIndex(ExprPtr base)
{
    const ExprToken &open = next();
    ExprPtr node = makeNode(Expr::Kind::Index, open.column);
    if (!node)
        return nullptr;
    node->operands.push_back(std::move(base));
    bool sawEllipsis = false;
    for (;;) {
        IndexItem item;
        if (!parseIndexItem(item, sawEllipsis, open))
            return nullptr;
        node->indices.push_back(item);
        if (at(Kind::Comma)) {
            next();
            if (!at(Kind::RightBracket))
                continue; // a trailing comma, as in x[0,], is allowed like in numpy
        }
        if (!expectClose(Kind::RightBracket, open))
            return nullptr;
        return node;
    }
}

bool ExprParser::parseIndexItem(IndexItem &item, bool &sawEllipsis, const ExprToken &open)
{
    item.column = peek().column;
    if (at(Kind::Ellipsis)) {
        if (sawEllipsis)
            return reject(item.column, u"an index can only have a single ellipsis ('...')"_s);
        next();
        sawEllipsis = true;
        item.kind = IndexItem::Kind::Ellipsis;
        return true;
    }
    std::optional<std::int64_t> first;
    if (startsInteger()) {
        std::int64_t value = 0;
        if (!parseInteger(u"index"_s, value))
            return false;
        first = value;
    }
    if (!at(Kind::Colon)) {
        if (!first)
            return reject(item.column, u"expected an integer, a slice like 0:10 or '...' inside '[' at column %1, found %2"_s.arg(
                                           QString::number(open.column), peek().describe()));
        item.kind = IndexItem::Kind::Integer;
        item.index = *first;
        return true;
    }
    next();
    item.kind = IndexItem::Kind::Slice;
    item.start = first;
    std::int64_t value = 0;
    if (startsInteger()) {
        if (!parseInteger(u"slice stop"_s, value))
            return false;
        item.stop = value;
    }
    if (at(Kind::Colon)) {
        next();
        if (startsInteger()) {
            if (!parseInteger(u"slice step"_s, value))
                return false;
            item.step = value;
        }
    }
    return true;
}

bool ExprParser::startsInteger() const
{
    return at(Kind::Number) || at(Kind::Minus) || at(Kind::Plus);
}

bool ExprParser::parseInteger(const QString &what, std::int64_t &value)
{
    bool negative = false;
    if (at(Kind::Minus) || at(Kind::Plus)) {
        negative = next().kind == Kind::Minus;
        if (!at(Kind::Number))
            return reject(peek().column,
                          u"expected an integer after '%1', found %2"_s.arg(negative ? u"-"_s : u"+"_s, peek().describe()));
    }
    const ExprToken &token = peek();
    if (token.kind != Kind::Number || !token.isInteger)
        return reject(token.column, u"%1 must be an integer, found %2"_s.arg(what, token.describe()));
    if (!token.fitsInt64)
        return reject(token.column, u"%1 %2 is too large"_s.arg(what, token.text));
    next();
    value = negative ? -token.integer : token.integer;
    return true;
}

ExprPtr ExprParser::parseMethod(ExprPtr base)
{
    next(); // '.'
    const ExprToken &name = peek();
    if (name.kind != Kind::Name)
        return fail(name.column, u"expected a method name after '.', found %1"_s.arg(name.describe()));
    const std::optional<ReduceOp> op = methodNamed(name.text);
    if (!op) {
        if (functionNamed(name.text))
            return fail(name.column, u"'%1' is a function, as in %1(x); %2"_s.arg(name.text, methodList));
        return fail(name.column, u"unknown method '%1'; %2"_s.arg(name.text, methodList));
    }
    next();
    if (!at(Kind::LeftParen))
        return fail(peek().column, u"expected '(' after method '%1', found %2"_s.arg(name.text, peek().describe()));
    const ExprToken &open = next();
    ExprPtr node = makeNode(Expr::Kind::Reduce, name.column);
    if (!node)
        return nullptr;
    node->reduceOp = *op;
    node->operands.push_back(std::move(base));
    bool axisGiven = false;
    bool ddofGiven = false;
    bool sawKeyword = false;
    while (!at(Kind::RightParen)) {
        if (!parseArgument(*node, axisGiven, ddofGiven, sawKeyword))
            return nullptr;
        if (!at(Kind::Comma))
            break;
        next(); // a trailing comma before ')' is allowed, as in Python
    }
    if (!expectClose(Kind::RightParen, open))
        return nullptr;
    return node;
}

bool ExprParser::parseArgument(Expr &reduce, bool &axisGiven, bool &ddofGiven, bool &sawKeyword)
{
    const QString method = reduceOpName(reduce.reduceOp);
    const bool takesDdof = reduce.reduceOp == ReduceOp::Std || reduce.reduceOp == ReduceOp::Var;
    const ExprToken &first = peek();
    if (first.kind == Kind::Name && peek(1).kind == Kind::Equals) {
        next();
        next();
        sawKeyword = true;
        if (first.text == u"axis") {
            if (axisGiven)
                return reject(first.column, u"axis is given twice"_s);
            axisGiven = true;
            return parseAxis(reduce.axes);
        }
        if (first.text == u"ddof" && takesDdof) {
            if (ddofGiven)
                return reject(first.column, u"ddof is given twice"_s);
            ddofGiven = true;
            const int valueColumn = peek().column;
            std::int64_t ddof = 0;
            if (!parseInteger(u"ddof"_s, ddof))
                return false;
            if (ddof < 0 || ddof > std::numeric_limits<int>::max())
                return reject(valueColumn, u"ddof must be between 0 and %1, found %2"_s.arg(
                                               QString::number(std::numeric_limits<int>::max()), QString::number(ddof)));
            reduce.ddof = int(ddof);
            return true;
        }
        if (first.text == u"ddof")
            return reject(first.column, u"ddof is only accepted by std and var, not %1"_s.arg(method));
        return reject(first.column, u"unknown keyword '%1' for %2(); keywords are %3"_s.arg(
                                        first.text, method, takesDdof ? u"axis, ddof"_s : u"axis"_s));
    }
    if (sawKeyword)
        return reject(first.column, u"positional argument follows keyword argument"_s);
    if (axisGiven)
        return reject(first.column, u"%1() takes one positional argument, the axis%2"_s.arg(
                                        method, takesDdof ? u"; name the others, as in ddof=1"_s : QString()));
    axisGiven = true;
    return parseAxis(reduce.axes);
}

bool ExprParser::parseAxis(std::optional<std::vector<int>> &axes)
{
    const ExprToken &token = peek();
    if (token.kind == Kind::Name && token.text == u"None") {
        next();
        axes.reset();
        return true;
    }
    axes.emplace();
    if (token.kind == Kind::LeftParen || token.kind == Kind::LeftBracket) {
        const Kind close = token.kind == Kind::LeftParen ? Kind::RightParen : Kind::RightBracket;
        const ExprToken &open = next();
        while (!at(close)) {
            if (!parseAxisInteger(*axes))
                return false;
            if (!at(Kind::Comma))
                break;
            next();
        }
        return expectClose(close, open);
    }
    if (!startsInteger())
        return reject(token.column,
                      u"expected an axis (an integer, a tuple like (1, 2), or None), found %1"_s.arg(token.describe()));
    return parseAxisInteger(*axes);
}

bool ExprParser::parseAxisInteger(std::vector<int> &axes)
{
    const int column = peek().column;
    std::int64_t axis = 0;
    if (!parseInteger(u"axis"_s, axis))
        return false;
    if (axis < std::numeric_limits<int>::min() || axis > std::numeric_limits<int>::max())
        return reject(column, u"axis %1 is too large"_s.arg(axis));
    axes.push_back(int(axis));
    return true;
}

} // namespace tessera
