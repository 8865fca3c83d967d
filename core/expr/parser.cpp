// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Recursive-descent parser for statements like `y = x - x.mean(axis=0)`, spelled as in numpy:
//   statement := [NAME '='] expr END
//   expr      := term (('+' | '-') term)*
//   term      := unary (('*' | '/') unary)*
//   unary     := ('-' | '+') unary | postfix
//   postfix   := primary ('[' items ']' | '.' METHOD '(' arguments ')')*
//   primary   := NUMBER | NAME | FUNCTION '(' expr ')' | '(' expr ')'
// Index lists and method arguments are in parserpostfix.cpp.
#include "core/expr/parser.h"
#include "core/expr/parser_p.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using Kind = ExprParser::Kind;
using ExprPtr = ExprParser::ExprPtr;

// Recursion in the parser, the checker and ~Expr grows with nesting; these bounds keep all three
// far from the stack limit whatever a user pastes.
constexpr int maxNestingDepth = 200;
constexpr int maxNodeCount = 10000;

const QString functionList = u"functions are sqrt, abs"_s;

} // namespace

std::optional<UnaryOp> ExprParser::functionNamed(const QString &name)
{
    if (name == u"sqrt")
        return UnaryOp::Sqrt;
    if (name == u"abs")
        return UnaryOp::Abs;
    return std::nullopt;
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
        if (functionNamed(target.text) || target.text == u"None")
            return syntaxError(target.column, u"'%1' is reserved; give the array another name"_s.arg(target.text));
        statement.target = target.text;
        statement.targetColumn = target.column;
        next();
        if (at(Kind::End))
            return syntaxError(peek().column, u"expected an expression after '=', found end of input"_s);
    }
    statement.expr = parseExpr();
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

ExprPtr ExprParser::parseExpr()
{
    ExprPtr lhs = parseTerm();
    while (lhs && (at(Kind::Plus) || at(Kind::Minus))) {
        const ExprToken &op = next();
        ExprPtr rhs = parseTerm();
        if (!rhs)
            return nullptr;
        // Binary nodes carry their operator's column: that is where a broadcast error belongs.
        ExprPtr node = makeNode(Expr::Kind::Binary, op.column);
        if (!node)
            return nullptr;
        node->binaryOp = op.kind == Kind::Plus ? BinaryOp::Add : BinaryOp::Subtract;
        node->operands.push_back(std::move(lhs));
        node->operands.push_back(std::move(rhs));
        lhs = std::move(node);
    }
    return lhs;
}

ExprPtr ExprParser::parseTerm()
{
    ExprPtr lhs = parseUnary();
    while (lhs && (at(Kind::Star) || at(Kind::Slash))) {
        const ExprToken &op = next();
        ExprPtr rhs = parseUnary();
        if (!rhs)
            return nullptr;
        ExprPtr node = makeNode(Expr::Kind::Binary, op.column);
        if (!node)
            return nullptr;
        node->binaryOp = op.kind == Kind::Star ? BinaryOp::Multiply : BinaryOp::Divide;
        node->operands.push_back(std::move(lhs));
        node->operands.push_back(std::move(rhs));
        lhs = std::move(node);
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
    if (at(Kind::Minus)) {
        const int column = next().column;
        ExprPtr operand = parseUnary();
        if (!operand)
            return nullptr;
        ExprPtr node = makeNode(Expr::Kind::Unary, column);
        if (!node)
            return nullptr;
        node->unaryOp = UnaryOp::Negate;
        node->operands.push_back(std::move(operand));
        return node;
    }
    return parsePostfix();
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
        if (token.text == u"None")
            return fail(token.column, u"None can only be an axis, as in x.sum(axis=None)"_s);
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

Result<Statement> parseStatement(QStringView text)
{
    Result<std::vector<ExprToken>> tokens = tokenizeExpression(text);
    if (!tokens)
        return tokens.status();
    ExprParser parser(std::move(tokens).value());
    return parser.parseStatement(text);
}

} // namespace tessera
