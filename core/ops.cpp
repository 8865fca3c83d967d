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
    case UnaryOp::Exp: return u"exp"_s;
    case UnaryOp::Log: return u"log"_s;
    case UnaryOp::Log10: return u"log10"_s;
    case UnaryOp::Sin: return u"sin"_s;
    case UnaryOp::Cos: return u"cos"_s;
    case UnaryOp::Tan: return u"tan"_s;
    case UnaryOp::Radians: return u"radians"_s;
    case UnaryOp::Degrees: return u"degrees"_s;
    case UnaryOp::Floor: return u"floor"_s;
    case UnaryOp::Ceil: return u"ceil"_s;
    case UnaryOp::IsNan: return u"isnan"_s;
    case UnaryOp::NotNull: return u"notnull"_s;
    case UnaryOp::Not: return u"~"_s;
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
    case BinaryOp::Power: return u"**"_s;
    case BinaryOp::Less: return u"<"_s;
    case BinaryOp::LessEqual: return u"<="_s;
    case BinaryOp::Greater: return u">"_s;
    case BinaryOp::GreaterEqual: return u">="_s;
    case BinaryOp::Equal: return u"=="_s;
    case BinaryOp::NotEqual: return u"!="_s;
    case BinaryOp::And: return u"&"_s;
    case BinaryOp::Or: return u"|"_s;
    case BinaryOp::Minimum: return u"minimum"_s;
    case BinaryOp::Maximum: return u"maximum"_s;
    }
    return u"?"_s;
}

bool isInfixOp(BinaryOp op)
{
    return op != BinaryOp::Minimum && op != BinaryOp::Maximum;
}

bool givesMask(UnaryOp op)
{
    return op == UnaryOp::IsNan || op == UnaryOp::NotNull || op == UnaryOp::Not;
}

bool givesMask(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Less:
    case BinaryOp::LessEqual:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEqual:
    case BinaryOp::Equal:
    case BinaryOp::NotEqual:
    case BinaryOp::And:
    case BinaryOp::Or: return true;
    default: return false;
    }
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
