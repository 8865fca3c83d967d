// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/expr/expression.h"
#include "core/expr/lexer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tessera {

// The recursive-descent parser behind parseStatement, shared by parser.cpp (statements and
// operators) and parserpostfix.cpp (index lists and method arguments). Not for other callers.
class ExprParser
{
public:
    using Kind = ExprToken::Kind;
    using ExprPtr = std::unique_ptr<Expr>;

    explicit ExprParser(std::vector<ExprToken> tokens);

    Result<Statement> parseStatement(QStringView text);

    static std::optional<UnaryOp> functionNamed(const QString &name);
    static std::optional<ReduceOp> methodNamed(const QString &name);
    // Methods the checker resolves (sel, groupby, ...), and functions of several arguments.
    static bool isCallMethod(const QString &name);
    static bool isFunctionOfSeveral(const QString &name);

private:
    const ExprToken &peek(std::size_t ahead = 0) const;
    const ExprToken &next();
    bool at(Kind kind) const;

    // Record the first error; callers unwind by returning nullptr or false.
    std::nullptr_t fail(int column, const QString &message);
    bool reject(int column, const QString &message);
    ExprPtr makeNode(Expr::Kind kind, int column);
    bool expectClose(Kind closeKind, const ExprToken &open);

    ExprPtr parseExpr();
    ExprPtr parseBitOr();
    ExprPtr parseBitAnd();
    ExprPtr parseSum();
    ExprPtr parseTerm();
    ExprPtr parseUnary();
    ExprPtr parsePower();
    ExprPtr parsePostfix();
    ExprPtr parsePrimary();
    ExprPtr parseFunction(UnaryOp op);
    ExprPtr parseEof();
    bool parseSave(Statement &statement);
    ExprPtr parseFunctionOfSeveral();
    ExprPtr makeBinary(BinaryOp op, int column, ExprPtr lhs, ExprPtr rhs);

    ExprPtr parseIndex(ExprPtr base);
    bool parseIndexItem(IndexItem &item, bool &sawEllipsis, const ExprToken &open);
    ExprPtr parseMethod(ExprPtr base);
    ExprPtr parseCall(ExprPtr base, const ExprToken &name);
    bool parseCallArguments(std::vector<CallArgument> &arguments, const ExprToken &open);
    bool parseValue(CallArgument &argument);
    bool parseTupleValue(CallArgument &argument);
    bool parseSliceValue(CallArgument &argument);
    bool topLevelCommaAhead() const;
    bool parseArgument(Expr &reduce, bool &axisGiven, bool &ddofGiven, bool &sawKeyword);
    bool parseAxis(std::optional<std::vector<int>> &axes);
    bool parseDims(std::vector<QString> &dims);
    bool parseAxisInteger(std::vector<int> &axes);
    bool startsInteger() const;
    bool parseInteger(const QString &what, std::int64_t &value);

    std::vector<ExprToken> m_tokens;
    std::size_t m_pos = 0;
    int m_depth = 0;     // parseUnary calls under way, bounding recursion
    int m_nodeCount = 0; // nodes made, bounding the tree's depth along left-leaning chains
    Status m_error;
};

} // namespace tessera
