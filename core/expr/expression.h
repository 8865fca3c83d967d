// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/ops.h"
#include "core/status.h"

#include <QString>
#include <QStringView>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace tessera {

// One item inside x[...]. After checking (checkExpression), Integer holds a non-negative index and
// Slice holds numpy's slice.indices() result: start, stop, step resolved for the axis length,
// with count elements; Ellipsis is expanded away.
struct IndexItem
{
    enum class Kind { Integer, Slice, Ellipsis };
    Kind kind = Kind::Integer;
    std::int64_t index = 0;            // Integer
    std::optional<std::int64_t> start; // Slice, as written (nullopt when omitted)
    std::optional<std::int64_t> stop;
    std::optional<std::int64_t> step;
    std::int64_t count = 0; // Slice, after checking
    int column = 0;         // 1-based column of the item in the text
    // Set by checkExpression. A resolved stop of -1 (negative step run to the start) would mean
    // "last element" if read as written, so toString and a second check must know which it is.
    bool resolved = false;
};

// Expression tree. Nodes own their operands; the checker fills `shape` and normalises axes and
// index items in place, so the planner sees only resolved, in-range values.
struct Expr
{
    enum class Kind { Number, Name, Unary, Binary, Reduce, Index };

    Kind kind = Kind::Number;
    int column = 0; // 1-based column where the node starts, for error messages

    double number = 0; // Number
    QString name;      // Name
    UnaryOp unaryOp = UnaryOp::Negate;
    BinaryOp binaryOp = BinaryOp::Add;
    ReduceOp reduceOp = ReduceOp::Sum;
    // Reduce: nullopt is axis=None (all axes). After checking: sorted, unique, non-negative.
    std::optional<std::vector<int>> axes;
    int ddof = 0;                                // Reduce std/var
    std::vector<IndexItem> indices;              // Index
    std::vector<std::unique_ptr<Expr>> operands; // Unary: 1, Binary: 2, Reduce: 1, Index: 1

    Shape shape; // filled by checkExpression

    // Round-trips to an equivalent expression text, e.g. "(x - x.mean())".
    QString toString() const;
};

// `name = expr` assigns a new distributed array; a bare expression has an empty target.
struct Statement
{
    QString target;
    int targetColumn = 0;
    std::unique_ptr<Expr> expr;
    QString text;
};

} // namespace tessera
