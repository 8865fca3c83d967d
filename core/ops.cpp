// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/ops.h"

using namespace Qt::StringLiterals;

namespace tessera {

QString unaryOpName(UnaryOp op)
{
    switch (op) {
    case UnaryOp::Negate: return u"-"_s;
    case UnaryOp::Sqrt: return u"sqrt"_s;
    case UnaryOp::Abs: return u"abs"_s;
    }
    return u"?"_s;
}

QString binaryOpName(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Add: return u"+"_s;
    case BinaryOp::Subtract: return u"-"_s;
    case BinaryOp::Multiply: return u"*"_s;
    case BinaryOp::Divide: return u"/"_s;
    }
    return u"?"_s;
}

QString reduceOpName(ReduceOp op)
{
    switch (op) {
    case ReduceOp::Sum: return u"sum"_s;
    case ReduceOp::Mean: return u"mean"_s;
    case ReduceOp::Min: return u"min"_s;
    case ReduceOp::Max: return u"max"_s;
    case ReduceOp::Std: return u"std"_s;
    case ReduceOp::Var: return u"var"_s;
    }
    return u"?"_s;
}

} // namespace tessera
