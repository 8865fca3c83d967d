// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

namespace tessera {

// The operations of the array language, shared by the expression tree, the task graph and the
// kernels (which know nothing of expressions).
// The values travel on the wire: append only.
enum class UnaryOp {
    Negate,
    Sqrt,
    Abs,
    Exp,
    Log,
    Log10,
    Sin,
    Cos,
    Tan,
    Radians,
    Degrees,
    Floor,
    Ceil,
    IsNan,   // 1 where NaN, else 0
    NotNull, // 1 where not NaN, else 0
    Not,     // ~m: 1 where m is 0, else 0 (NaN counts as true, as in numpy)
};
enum class BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    // Comparisons give 1 or 0; a comparison with NaN is 0, but != is 1 (numpy's rules).
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    And, // both non-zero (NaN counts as true)
    Or,
    Minimum, // NaN when either is NaN, as numpy.minimum
    Maximum,
};
enum class ReduceOp { Sum, Mean, Min, Max, Std, Var };

QString unaryOpName(UnaryOp op);   // "-", "sqrt", "abs", "exp", ..., "~"
QString binaryOpName(BinaryOp op); // "+", "-", "*", "/", "**", "<", ..., "&", "|", "minimum", "maximum"
QString reduceOpName(ReduceOp op); // "sum", "mean", ...
// Whether the operator is written between its operands (else as a function, minimum(a, b)).
bool isInfixOp(BinaryOp op);
// Whether results are 0 or 1 only (comparisons and logic): never NaN.
bool givesMask(UnaryOp op);
bool givesMask(BinaryOp op);

} // namespace tessera
