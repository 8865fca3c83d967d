// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/ops.h"

namespace tessera {

NdArray unaryKernel(UnaryOp op, const NdArray &in);
// numpy broadcasting: shapes aligned at the right, extents equal or 1.
NdArray binaryKernel(BinaryOp op, const NdArray &a, const NdArray &b);
// numpy.where(condition, a, b): a where condition is non-zero (NaN counts as true), else b; the
// three broadcast together.
NdArray selectKernel(const NdArray &condition, const NdArray &a, const NdArray &b);

} // namespace tessera
