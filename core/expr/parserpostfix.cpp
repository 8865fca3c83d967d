// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The parts of parseStatement's grammar after an operand:
//   x[0, 1:10:2, ...]                 index items: integer, slice or one ellipsis
//   x.std(axis=(1, 2), ddof=1)        reduction arguments: the axis or dim (or positional), ddof
//   x.sel(time=slice('2014-06-01', '2014-08-31'), method='nearest')
//                                     other methods: keyword and positional values of any kind
//   x.latitude                        a coordinate
#include "core/expr/parser_p.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using Kind = ExprParser::Kind;
using ExprPtr = ExprParser::ExprPtr;

const QString methodList = u"methods are sum, mean, min, max, std, var, count, any, all, median, quantile, sel, isel, "
                           "where, clip, weighted, groupby, resample, rechunk, polyfit"_s;

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
    if (peek(1).kind != Kind::LeftParen) { // x.latitude: a coordinate, an array of its own
        if (methodNamed(name.text) || isCallMethod(name.text))
            return fail(name.column, u"'%1' is a method: call it, as in x.%1()"_s.arg(name.text));
        next();
        ExprPtr node = makeNode(Expr::Kind::Coordinate, name.column);
        if (!node)
            return nullptr;
        node->name = name.text;
        node->operands.push_back(std::move(base));
        return node;
    }
    if (isCallMethod(name.text))
        return parseCall(std::move(base), next());
    const std::optional<ReduceOp> op = methodNamed(name.text);
    if (!op) {
        if (functionNamed(name.text) || isFunctionOfSeveral(name.text))
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
        if (first.text == u"dim") {
            if (axisGiven)
                return reject(first.column, u"give axis or dim, once"_s);
            axisGiven = true;
            return parseDims(reduce.reduceDims);
        }
        if (first.text == u"ddof")
            return reject(first.column, u"ddof is only accepted by std and var, not %1"_s.arg(method));
        return reject(first.column, u"unknown keyword '%1' for %2(); keywords are %3"_s.arg(
                                        first.text, method, takesDdof ? u"axis, dim, ddof"_s : u"axis, dim"_s));
    }
    if (sawKeyword)
        return reject(first.column, u"positional argument follows keyword argument"_s);
    if (axisGiven)
        return reject(first.column, u"%1() takes one positional argument, the axis or dim%2"_s.arg(
                                        method, takesDdof ? u"; name the others, as in ddof=1"_s : QString()));
    axisGiven = true;
    // xarray's first argument is the dimension's name, numpy's the axis number.
    const bool named = at(Kind::String) || ((at(Kind::LeftParen) || at(Kind::LeftBracket)) && peek(1).kind == Kind::String);
    return named ? parseDims(reduce.reduceDims) : parseAxis(reduce.axes);
}

// 'time', or ('latitude', 'longitude'), or ['latitude', 'longitude'].
bool ExprParser::parseDims(std::vector<QString> &dims)
{
    const ExprToken &token = peek();
    if (token.kind == Kind::String) {
        dims.push_back(next().text);
        return true;
    }
    if (token.kind != Kind::LeftParen && token.kind != Kind::LeftBracket)
        return reject(token.column,
                      u"expected a dimension's name like 'time', or a tuple of them, found %1"_s.arg(token.describe()));
    const Kind close = token.kind == Kind::LeftParen ? Kind::RightParen : Kind::RightBracket;
    const ExprToken &open = next();
    while (!at(close)) {
        if (!at(Kind::String))
            return reject(peek().column, u"expected a dimension's name like 'latitude', found %1"_s.arg(peek().describe()));
        dims.push_back(next().text);
        if (!at(Kind::Comma))
            break;
        next();
    }
    return expectClose(close, open);
}

// A method the checker resolves, with its arguments as written; without a base (a function such
// as eof), the caller supplies the receiver.
ExprPtr ExprParser::parseCall(ExprPtr base, const ExprToken &name)
{
    const ExprToken &open = next(); // '('
    ExprPtr node = makeNode(Expr::Kind::Call, name.column);
    if (!node)
        return nullptr;
    node->call = std::make_shared<CallSpec>();
    node->call->method = name.text;
    node->call->column = name.column;
    if (base)
        node->operands.push_back(std::move(base));
    if (!parseCallArguments(node->call->arguments, open))
        return nullptr;
    return node;
}

bool ExprParser::parseCallArguments(std::vector<CallArgument> &arguments, const ExprToken &open)
{
    bool sawKeyword = false;
    while (!at(Kind::RightParen)) {
        CallArgument argument;
        argument.column = peek().column;
        if (at(Kind::Name) && peek(1).kind == Kind::Equals) {
            argument.keyword = next().text;
            next();
            sawKeyword = true;
        } else if (sawKeyword) {
            return reject(argument.column, u"positional argument follows keyword argument"_s);
        }
        if (!parseValue(argument))
            return false;
        arguments.push_back(std::move(argument));
        if (!at(Kind::Comma))
            break;
        next();
    }
    return expectClose(Kind::RightParen, open);
}

// None, 'text', slice(a, b[, c]), a tuple or list of values, or an expression.
bool ExprParser::parseValue(CallArgument &argument)
{
    argument.column = peek().column;
    if (at(Kind::Name) && peek().text == u"None" && peek(1).kind != Kind::LeftParen) {
        next();
        argument.kind = CallArgument::Kind::None;
        return true;
    }
    if (at(Kind::String)) {
        argument.kind = CallArgument::Kind::Text;
        argument.text = next().text;
        return true;
    }
    if (at(Kind::Name) && peek().text == u"slice" && peek(1).kind == Kind::LeftParen)
        return parseSliceValue(argument);
    if (at(Kind::LeftBracket) || (at(Kind::LeftParen) && topLevelCommaAhead()))
        return parseTupleValue(argument);
    argument.kind = CallArgument::Kind::Expression;
    argument.expr = parseExpr();
    return argument.expr != nullptr;
}

bool ExprParser::parseTupleValue(CallArgument &argument)
{
    argument.kind = CallArgument::Kind::Tuple;
    const Kind close = at(Kind::LeftParen) ? Kind::RightParen : Kind::RightBracket;
    const ExprToken &open = next();
    while (!at(close)) {
        CallArgument item;
        if (!parseValue(item))
            return false;
        argument.items.push_back(std::move(item));
        if (!at(Kind::Comma))
            break;
        next();
    }
    return expectClose(close, open);
}

bool ExprParser::parseSliceValue(CallArgument &argument)
{
    argument.kind = CallArgument::Kind::Slice;
    next(); // slice
    const ExprToken &open = next();
    while (!at(Kind::RightParen)) {
        CallArgument bound;
        if (!parseValue(bound))
            return false;
        argument.items.push_back(std::move(bound));
        if (!at(Kind::Comma))
            break;
        next();
    }
    if (!expectClose(Kind::RightParen, open))
        return false;
    if (argument.items.empty() || argument.items.size() > 3)
        return reject(argument.column, u"slice() takes a start, a stop and a step, as in slice('2014-06-01', '2014-08-31')"_s);
    return true;
}

// At '(': whether a comma follows inside these parentheses (a tuple) rather than inside others.
bool ExprParser::topLevelCommaAhead() const
{
    int depth = 0;
    for (std::size_t ahead = 0; peek(ahead).kind != Kind::End; ++ahead) {
        const Kind kind = peek(ahead).kind;
        if (kind == Kind::LeftParen || kind == Kind::LeftBracket)
            ++depth;
        else if (kind == Kind::RightParen || kind == Kind::RightBracket) {
            if (--depth == 0)
                return false;
        } else if (kind == Kind::Comma && depth == 1) {
            return true;
        }
    }
    return false;
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
