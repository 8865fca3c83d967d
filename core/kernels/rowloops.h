// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstdint>

// The innermost row loops of partialReduce, kept apart from the walking logic so each one is a plain
// loop the compiler vectorises (checked in the assembly, built with an AVX2 clone where it pays).
// None of them allocates; none of them tests for NaN unless its name says SkipNan.
namespace tessera::reductionloops {

// --- Rows: the innermost axis is reduced; a contiguous run of n values folds into scalars. ---

double rowSum(const double *x, std::int64_t n);
// Adds the non-NaN values of x to *sum and their number to *count.
void rowSumSkipNan(const double *x, std::int64_t n, double *sum, double *count);
// NaN-skipping min/max folded into acc; acc NaN means "no value seen yet".
double rowMin(const double *x, std::int64_t n, double acc);
double rowMax(const double *x, std::int64_t n, double acc);
// Shifted moments: adds sum(x - shift) to *s1 and sum((x - shift)^2) to *s2.
void rowShifted(const double *x, std::int64_t n, double shift, double *s1, double *s2);
void rowShiftedSkipNan(const double *x, std::int64_t n, double shift, double *s1, double *s2, double *count);

} // namespace tessera::reductionloops
