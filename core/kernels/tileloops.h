// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstdint>

// The innermost tile loops of partialReduce, kept apart from the walking logic so each one is a plain
// loop the compiler vectorises (checked in the assembly, built with an AVX2 clone where it pays).
// None of them allocates; none of them tests for NaN unless its name says SkipNan.
namespace tessera::reductionloops {

// --- Tiles: the innermost axis is kept; n values fold elementwise into accumulators. ---

void addInto(double *acc, const double *x, std::int64_t n);
void addSkipNanInto(double *acc, const double *x, std::int64_t n);
void addCountSkipNanInto(double *acc, double *count, const double *x, std::int64_t n);
void minInto(double *acc, const double *x, std::int64_t n); // NaN-skipping, as rowMin
void maxInto(double *acc, const double *x, std::int64_t n);
// s1 += x - shift, s2 += (x - shift)^2 elementwise.
void shiftedInto(const double *shift, double *s1, double *s2, const double *x, std::int64_t n);
// As shiftedInto, skipping NaN; a NaN shift (none seen yet) takes the first non-NaN x.
void shiftedSkipNanInto(double *shift, double *s1, double *s2, double *count, const double *x, std::int64_t n);

// The same, folding kSliceGroup slices xs[0..3] at once: four concurrent streams keep the
// hardware prefetchers busy (one 16 KB slice at a time leaves them ramping up), and the
// accumulators are read and written once per four slices instead of once per slice.
inline constexpr int kSliceGroup = 4;
void addInto4(double *acc, const double *const *xs, std::int64_t n);
void addSkipNanInto4(double *acc, const double *const *xs, std::int64_t n);
void addCountSkipNanInto4(double *acc, double *count, const double *const *xs, std::int64_t n);
void minInto4(double *acc, const double *const *xs, std::int64_t n);
void maxInto4(double *acc, const double *const *xs, std::int64_t n);
void shiftedInto4(const double *shift, double *s1, double *s2, const double *const *xs, std::int64_t n);
void shiftedSkipNanInto4(double *shift, double *s1, double *s2, double *count, const double *const *xs, std::int64_t n);

} // namespace tessera::reductionloops
