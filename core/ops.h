// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

namespace tessera {

// The operations of the array language, shared by the expression tree, the task graph and the
// kernels (which know nothing of expressions).
enum class UnaryOp { Negate, Sqrt, Abs };
enum class BinaryOp { Add, Subtract, Multiply, Divide };
enum class ReduceOp { Sum, Mean, Min, Max, Std, Var };

QString unaryOpName(UnaryOp op);   // "-", "sqrt", "abs"
QString binaryOpName(BinaryOp op); // "+", "-", "*", "/"
QString reduceOpName(ReduceOp op); // "sum", "mean", ...

} // namespace tessera
