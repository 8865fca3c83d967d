// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The checker's parts, shared by checker.cpp (the walk, reductions, indexing), checkbroadcast.cpp
// (operands aligned by dimension name), checkcalls.cpp (methods rewritten into plain nodes) and
// checkselection.cpp (sel and isel).
// Not for other callers: use checkExpression().

#include "core/expr/checker.h"

namespace tessera::checking {

using ExprPtr = std::unique_ptr<Expr>;

// Node builders for the rewrites.
ExprPtr node(Expr::Kind kind, int column);
ExprPtr number(double value, int column);
ExprPtr unary(UnaryOp op, ExprPtr operand, int column);
ExprPtr binary(BinaryOp op, ExprPtr left, ExprPtr right, int column);
// The number an argument spells (1.5, -3), if it is one; an integer, if it is a whole one.
std::optional<double> numberOf(const CallArgument &argument);
std::optional<std::int64_t> integerOf(const CallArgument &argument);
const CallArgument *keywordArgument(const CallSpec &call, const QString &keyword);
// `status` with the column it points at, unless it is ok.
Status located(const Status &status, int column);

Status checkError(ErrorCode code, int column, const QString &message);
// "time, latitude, longitude"
QString dimensionList(const Expr &expr);
// The index of dimension `name` in the checked `expr`, or an error naming the dimensions it has.
Result<int> dimensionIndex(const Expr &expr, const QString &name, int column);

// Checks `expr` and everything below it (the walk of checkExpression).
Status check(Expr &expr, const MetaLookup &lookup);

// Binary and Where nodes, operands checked: the result's shape, dimensions, coordinates and
// units, and Expr::operandAxes.
Status checkBroadcast(Expr &expr);
Status checkIndex(Expr &expr);
Status checkReduce(Expr &expr);

// Methods: sel, isel, where, clip, count, any, all become Index, Where, Binary or Reduce nodes;
// a Reduce over weighted(w), groupby(...) or resample(...) becomes plain reductions or a
// GroupReduce; a Binary with groupby(...) on its left a GroupBinary; x.latitude a Constant.
// Each replaces `expr` and checks it again.
Status rewriteCall(Expr &expr, const MetaLookup &lookup);
Status rewriteGroupedReduce(Expr &expr, const MetaLookup &lookup);
Status rewriteGroupedBinary(Expr &expr, const MetaLookup &lookup);
Status resolveCoordinate(Expr &expr, const MetaLookup &lookup);
// checkselection.cpp: sel (by value; method='nearest') and isel (by position).
Status rewriteSelection(Expr &expr, bool byValue);
// checkanalyses.cpp: rechunk, median, quantile, polyfit and eof become Analysis nodes.
bool isAnalysis(const QString &method);
Status rewriteAnalysis(Expr &expr, const MetaLookup &lookup);

} // namespace tessera::checking
