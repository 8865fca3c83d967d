// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Recursive-descent parser for statements like `y = x - x.mean(axis=0)`, spelled as in numpy and
// xarray, with Python's precedence:
//   statement  := [NAME '='] expr END
//   expr       := bitor [COMPARISON bitor]          (a second comparison is refused, not chained)
//   bitor      := bitand ('|' bitand)*
//   bitand     := sum ('&' sum)*
//   sum        := term (('+' | '-') term)*
//   term       := unary (('*' | '/') unary)*
//   unary      := ('-' | '+' | '~') unary | power
//   power      := postfix ['**' unary]
//   postfix    := primary ('[' items ']' | '.' METHOD '(' arguments ')' | '.' COORDINATE)*
//   primary    := NUMBER | NAME | FUNCTION '(' expr ')' | FUNCTION '(' expr (',' expr)* ')' | '(' expr ')'
// Index lists and method arguments are in parserpostfix.cpp.
#include "core/expr/parser.h"
#include "core/expr/parser_p.h"

#include <QStringList>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using Kind = ExprParser::Kind;
using ExprPtr = ExprParser::ExprPtr;

// Recursion in the parser, the checker and ~Expr grows with nesting; these bounds keep all three
// far from the stack limit whatever a user pastes.
constexpr int maxNestingDepth = 200;
constexpr int maxNodeCount = 10000;

const QString functionList = u"functions are sqrt, abs, exp, log, log10, sin, cos, tan, radians, degrees, floor, ceil, "
                             "isnan, notnull, where, clip, minimum, maximum, eof"_s;

std::optional<BinaryOp> comparisonOf(ExprToken::Kind kind)
{
    switch (kind) {
    case ExprToken::Kind::Less: return BinaryOp::Less;
    case ExprToken::Kind::LessEqual: return BinaryOp::LessEqual;
    case ExprToken::Kind::Greater: return BinaryOp::Greater;
    case ExprToken::Kind::GreaterEqual: return BinaryOp::GreaterEqual;
    case ExprToken::Kind::EqualEqual: return BinaryOp::Equal;
    case ExprToken::Kind::NotEqual: return BinaryOp::NotEqual;
    default: return std::nullopt;
    }
}

} // namespace

std::optional<UnaryOp> ExprParser::functionNamed(const QString &name)
{
    for (UnaryOp op :
         {UnaryOp::Sqrt, UnaryOp::Abs, UnaryOp::Exp, UnaryOp::Log, UnaryOp::Log10, UnaryOp::Sin, UnaryOp::Cos, UnaryOp::Tan,
          UnaryOp::Radians, UnaryOp::Degrees, UnaryOp::Floor, UnaryOp::Ceil, UnaryOp::IsNan, UnaryOp::NotNull}) {
        if (name == unaryOpName(op))
            return op;
    }
    if (name == u"isnull") // xarray's name for isnan
        return UnaryOp::IsNan;
    return std::nullopt;
}

bool ExprParser::isFunctionOfSeveral(const QString &name)
{
    return name == u"where" || name == u"clip" || name == u"minimum" || name == u"maximum";
}

bool ExprParser::isCallMethod(const QString &name)
{
    static const QStringList methods{u"sel"_s,     u"isel"_s,   u"weighted"_s, u"groupby"_s, u"resample"_s,
                                     u"where"_s,   u"count"_s,  u"any"_s,      u"all"_s,     u"clip"_s,
                                     u"rechunk"_s, u"median"_s, u"quantile"_s, u"polyfit"_s};
    return methods.contains(name);
}

std::optional<ReduceOp> ExprParser::methodNamed(const QString &name)
{
    for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Min, ReduceOp::Max, ReduceOp::Std, ReduceOp::Var}) {
        if (name == reduceOpName(op))
            return op;
    }
    return std::nullopt;
}

ExprParser::ExprParser(std::vector<ExprToken> tokens)
    : m_tokens(std::move(tokens))
{
}

const ExprToken &ExprParser::peek(std::size_t ahead) const
{
    return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
}

const ExprToken &ExprParser::next()
{
    return m_tokens[std::min(m_pos++, m_tokens.size() - 1)];
}

bool ExprParser::at(Kind kind) const
{
    return peek().kind == kind;
}

std::nullptr_t ExprParser::fail(int column, const QString &message)
{
    if (m_error.isOk())
        m_error = syntaxError(column, message);
    return nullptr;
}

bool ExprParser::reject(int column, const QString &message)
{
    fail(column, message);
    return false;
}

ExprPtr ExprParser::makeNode(Expr::Kind kind, int column)
{
    if (++m_nodeCount > maxNodeCount)
        return fail(column, u"expression is too long (more than %1 terms)"_s.arg(maxNodeCount));
    auto node = std::make_unique<Expr>();
    node->kind = kind;
    node->column = column;
    return node;
}

bool ExprParser::expectClose(Kind closeKind, const ExprToken &open)
{
    if (at(closeKind)) {
        next();
        return true;
    }
    const QString close = closeKind == Kind::RightParen ? u"')'"_s : u"']'"_s;
    return reject(peek().column, u"expected %1 to close '%2' at column %3, found %4"_s.arg(
                                     close, open.text, QString::number(open.column), peek().describe()));
}

Result<Statement> ExprParser::parseStatement(QStringView text)
{
    Statement statement;
    statement.text = text.toString();
    if (at(Kind::End))
        return syntaxError(1, u"empty expression; type an expression like x.mean(axis=0)"_s);
    if (at(Kind::Name) && peek(1).kind == Kind::Equals) {
        const ExprToken &target = next();
        if (functionNamed(target.text) || isFunctionOfSeveral(target.text) || target.text == u"None" || target.text == u"nan"
            || target.text == u"inf")
            return syntaxError(target.column, u"'%1' is reserved; give the array another name"_s.arg(target.text));
        statement.target = target.text;
        statement.targetColumn = target.column;
        next();
        if (at(Kind::End))
            return syntaxError(peek().column, u"expected an expression after '=', found end of input"_s);
    }
    if (at(Kind::Name) && peek().text == u"save" && peek(1).kind == Kind::LeftParen) {
        if (!statement.target.isEmpty())
            return syntaxError(peek().column, u"save(...) writes a store and has no value to assign; write save(%1, 'PATH.zarr') "
                                              "after assigning %1"_s.arg(statement.target));
        if (!parseSave(statement))
            return m_error;
    } else {
        statement.expr = parseExpr();
    }
    if (!statement.expr)
        return m_error;
    const ExprToken &rest = peek();
    switch (rest.kind) {
    case Kind::End: return statement;
    case Kind::Equals:
        if (!statement.target.isEmpty())
            return syntaxError(rest.column, u"only one '=' is allowed in a statement"_s);
        return syntaxError(rest.column, u"only a name can be assigned to, as in y = x - x.mean()"_s);
    case Kind::RightParen:
    case Kind::RightBracket: return syntaxError(rest.column, u"unmatched '%1'"_s.arg(rest.text));
    default: return syntaxError(rest.column, u"expected an operator or end of input, found %1"_s.arg(rest.describe()));
    }
}

ExprPtr ExprParser::makeBinary(BinaryOp op, int column, ExprPtr lhs, ExprPtr rhs)
{
    if (!lhs || !rhs)
        return nullptr;
    // Binary nodes carry their operator's column: that is where a broadcast error belongs.
    ExprPtr node = makeNode(Expr::Kind::Binary, column);
    if (!node)
        return nullptr;
    node->binaryOp = op;
    node->operands.push_back(std::move(lhs));
    node->operands.push_back(std::move(rhs));
    return node;
}

ExprPtr ExprParser::parseExpr()
{
    ExprPtr lhs = parseBitOr();
    const std::optional<BinaryOp> op = lhs ? comparisonOf(peek().kind) : std::nullopt;
    if (!op)
        return lhs;
    const ExprToken &token = next();
    ExprPtr node = makeBinary(*op, token.column, std::move(lhs), parseBitOr());
    if (node && comparisonOf(peek().kind))
        return fail(peek().column, u"comparisons do not chain here; write (a < b) & (b < c)"_s);
    return node;
}

ExprPtr ExprParser::parseBitOr()
{
    ExprPtr lhs = parseBitAnd();
    while (lhs && at(Kind::Pipe)) {
        const int column = next().column;
        lhs = makeBinary(BinaryOp::Or, column, std::move(lhs), parseBitAnd());
    }
    return lhs;
}

ExprPtr ExprParser::parseBitAnd()
{
    ExprPtr lhs = parseSum();
    while (lhs && at(Kind::Ampersand)) {
        const int column = next().column;
        lhs = makeBinary(BinaryOp::And, column, std::move(lhs), parseSum());
    }
    return lhs;
}

ExprPtr ExprParser::parseSum()
{
    ExprPtr lhs = parseTerm();
    while (lhs && (at(Kind::Plus) || at(Kind::Minus))) {
        const ExprToken &op = next();
        lhs = makeBinary(op.kind == Kind::Plus ? BinaryOp::Add : BinaryOp::Subtract, op.column, std::move(lhs), parseTerm());
    }
    return lhs;
}

ExprPtr ExprParser::parseTerm()
{
    ExprPtr lhs = parseUnary();
    while (lhs && (at(Kind::Star) || at(Kind::Slash))) {
        const ExprToken &op = next();
        lhs = makeBinary(op.kind == Kind::Star ? BinaryOp::Multiply : BinaryOp::Divide, op.column, std::move(lhs), parseUnary());
    }
    return lhs;
}

ExprPtr ExprParser::parseUnary()
{
    // Every parenthesis, sign and function call passes through here, so one counter bounds them all.
    struct DepthGuard
    {
        int &depth;
        explicit DepthGuard(int &d)
            : depth(++d)
        {
        }
        ~DepthGuard() { --depth; }
    } guard(m_depth);
    if (m_depth > maxNestingDepth)
        return fail(peek().column, u"expression is nested too deeply (more than %1 levels)"_s.arg(maxNestingDepth));

    if (at(Kind::Plus)) {
        next(); // numpy's unary plus changes nothing, so it leaves no node
        return parseUnary();
    }
    if (at(Kind::Minus) || at(Kind::Tilde)) {
        const ExprToken &sign = next();
        ExprPtr operand = parseUnary();
        if (!operand)
            return nullptr;
        ExprPtr node = makeNode(Expr::Kind::Unary, sign.column);
        if (!node)
            return nullptr;
        node->unaryOp = sign.kind == Kind::Minus ? UnaryOp::Negate : UnaryOp::Not;
        node->operands.push_back(std::move(operand));
        return node;
    }
    return parsePower();
}

// As in Python, ** binds tighter than a sign on its left (-x**2 is -(x**2)) and groups to the
// right (2**3**2 is 2**9).
ExprPtr ExprParser::parsePower()
{
    ExprPtr base = parsePostfix();
    if (!base || !at(Kind::DoubleStar))
        return base;
    const int column = next().column;
    return makeBinary(BinaryOp::Power, column, std::move(base), parseUnary());
}

ExprPtr ExprParser::parsePostfix()
{
    ExprPtr expr = parsePrimary();
    while (expr) {
        if (at(Kind::LeftBracket))
            expr = parseIndex(std::move(expr));
        else if (at(Kind::Dot))
            expr = parseMethod(std::move(expr));
        else
            break;
    }
    return expr;
}

ExprPtr ExprParser::parsePrimary()
{
    const ExprToken &token = peek();
    switch (token.kind) {
    case Kind::Number: {
        next();
        ExprPtr node = makeNode(Expr::Kind::Number, token.column);
        if (node)
            node->number = token.number;
        return node;
    }
    case Kind::Name: {
        if (std::optional<UnaryOp> op = functionNamed(token.text))
            return parseFunction(*op);
        if (isFunctionOfSeveral(token.text) && peek(1).kind == Kind::LeftParen)
            return parseFunctionOfSeveral();
        if (token.text == u"eof" && peek(1).kind == Kind::LeftParen)
            return parseEof();
        if (token.text == u"save" && peek(1).kind == Kind::LeftParen)
            return fail(token.column, u"save(...) is a statement of its own, as in save(x - x.mean(), 'anomaly.zarr')"_s);
        if (token.text == u"None")
            return fail(token.column, u"None can only be an axis, as in x.sum(axis=None)"_s);
        if ((token.text == u"nan" || token.text == u"inf") && peek(1).kind != Kind::LeftParen) {
            next();
            ExprPtr node = makeNode(Expr::Kind::Number, token.column);
            if (node)
                node->number =
                    token.text == u"nan" ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
            return node;
        }
        if (peek(1).kind == Kind::LeftParen) {
            if (methodNamed(token.text))
                return fail(token.column, u"'%1' is a method, as in x.%1(); %2"_s.arg(token.text, functionList));
            return fail(token.column, u"unknown function '%1'; %2"_s.arg(token.text, functionList));
        }
        next();
        ExprPtr node = makeNode(Expr::Kind::Name, token.column);
        if (node)
            node->name = token.text;
        return node;
    }
    case Kind::LeftParen: {
        const ExprToken &open = next();
        ExprPtr inner = parseExpr();
        if (!inner || !expectClose(Kind::RightParen, open))
            return nullptr;
        return inner;
    }
    case Kind::End: return fail(token.column, u"expected an expression, found end of input"_s);
    case Kind::String:
        return fail(token.column, u"text like '%1' can only be an argument, as in x.sel(time='2014-06')"_s.arg(token.text));
    default: return fail(token.column, u"unexpected %1"_s.arg(token.describe()));
    }
}

ExprPtr ExprParser::parseFunction(UnaryOp op)
{
    const ExprToken &name = next();
    if (!at(Kind::LeftParen))
        return fail(peek().column, u"expected '(' after function '%1', found %2"_s.arg(name.text, peek().describe()));
    const ExprToken &open = next();
    ExprPtr operand = parseExpr();
    if (!operand || !expectClose(Kind::RightParen, open))
        return nullptr;
    ExprPtr node = makeNode(Expr::Kind::Unary, name.column);
    if (!node)
        return nullptr;
    node->unaryOp = op;
    node->operands.push_back(std::move(operand));
    return node;
}

// where(cond, a, b), clip(x, lo, hi), minimum(a, b), maximum(a, b): what numpy spells so.
ExprPtr ExprParser::parseFunctionOfSeveral()
{
    const ExprToken &name = next();
    const ExprToken &open = next(); // '(' (checked by the caller)
    std::vector<ExprPtr> arguments;
    while (!at(Kind::RightParen)) {
        ExprPtr argument = parseExpr();
        if (!argument)
            return nullptr;
        arguments.push_back(std::move(argument));
        if (!at(Kind::Comma))
            break;
        next();
    }
    if (!expectClose(Kind::RightParen, open))
        return nullptr;
    const std::size_t wanted = name.text == u"where" || name.text == u"clip" ? 3 : 2;
    if (arguments.size() != wanted)
        return fail(name.column, u"%1() takes %2 arguments, as in %3; %4 given"_s.arg(name.text)
                                     .arg(wanted)
                                     .arg(name.text == u"where"  ? u"where(x < 273, x, 273)"_s
                                          : name.text == u"clip" ? u"clip(x, 250, 300)"_s
                                                                 : name.text + u"(x, 273)"_s)
                                     .arg(arguments.size()));
    if (name.text == u"minimum" || name.text == u"maximum")
        return makeBinary(name.text == u"minimum" ? BinaryOp::Minimum : BinaryOp::Maximum, name.column, std::move(arguments[0]),
                          std::move(arguments[1]));
    if (name.text == u"clip") { // minimum(maximum(x, lo), hi)
        ExprPtr lower = makeBinary(BinaryOp::Maximum, name.column, std::move(arguments[0]), std::move(arguments[1]));
        return makeBinary(BinaryOp::Minimum, name.column, std::move(lower), std::move(arguments[2]));
    }
    ExprPtr node = makeNode(Expr::Kind::Where, name.column);
    if (!node)
        return nullptr;
    for (ExprPtr &argument : arguments)
        node->operands.push_back(std::move(argument));
    return node;
}

// eof(x, k=3, dim='time', weights=w): a call whose receiver is its first argument.
ExprPtr ExprParser::parseEof()
{
    const ExprToken &name = next(); // followed by '(' (checked by the caller)
    ExprPtr node = parseCall(nullptr, name);
    if (!node)
        return nullptr;
    std::vector<CallArgument> &arguments = node->call->arguments;
    if (arguments.empty() || !arguments.front().keyword.isEmpty() || arguments.front().kind != CallArgument::Kind::Expression)
        return fail(name.column, u"eof() takes the array first, as in eof(x, k=3, dim='time')"_s);
    node->operands.push_back(std::move(arguments.front().expr));
    arguments.erase(arguments.begin());
    return node;
}

// save(EXPR, 'PATH', keyword=value, ...): the value first, then the path, then options by keyword.
bool ExprParser::parseSave(Statement &statement)
{
    const ExprToken &name = next(); // followed by '(' (checked by the caller)
    ExprPtr node = parseCall(nullptr, name);
    if (!node)
        return false;
    std::vector<CallArgument> &arguments = node->call->arguments;
    const bool valueFirst =
        !arguments.empty() && arguments[0].keyword.isEmpty() && arguments[0].kind == CallArgument::Kind::Expression;
    const bool pathSecond =
        arguments.size() >= 2 && arguments[1].keyword.isEmpty() && arguments[1].kind == CallArgument::Kind::Text;
    if (!valueFirst || !pathSecond || (arguments.size() > 2 && arguments[2].keyword.isEmpty()))
        return reject(name.column, u"save() takes the array, then the store's path in quotes, then options by name, as in "
                                   "save(x.mean(axis=0), 'clim.zarr', format='v3')"_s);
    statement.expr = std::move(arguments[0].expr);
    statement.save = std::make_shared<SaveSpec>();
    statement.save->path = arguments[1].text;
    statement.save->pathColumn = arguments[1].column;
    for (std::size_t i = 2; i < arguments.size(); ++i)
        statement.save->options.push_back(std::move(arguments[i]));
    return true;
}

Result<Statement> parseStatement(QStringView text)
{
    Result<std::vector<ExprToken>> tokens = tokenizeExpression(text);
    if (!tokens)
        return tokens.status();
    ExprParser parser(std::move(tokens).value());
    return parser.parseStatement(text);
}

} // namespace tessera
