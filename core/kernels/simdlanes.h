// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Small building blocks shared by the reduction loops (rowloops.cpp, tileloops.cpp). They are
// defined here, not in a .cpp, because they must inline into the loops to vectorise at all.

// Hot loops get an AVX2 clone picked at load time (ifunc), so the binary still runs on any
// x86-64 while machines with AVX2 use 32-byte vectors where GCC vectorises on its own.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define TESSERA_HOT_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define TESSERA_HOT_LOOP
#endif

// The few loops that stay compute-bound with 2-lane vectors (the NaN-skipping moments and
// sums) also have a version written with AVX2 intrinsics in a target("avx2") function, picked
// at run time; GCC will not widen hand-written 2-lane vectors in an AVX2 clone.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define TESSERA_HAVE_AVX2_KERNELS
#include <immintrin.h>
#endif

namespace tessera::reductionloops {

#if defined(TESSERA_HAVE_AVX2_KERNELS)
inline bool cpuHasAvx2()
{
    static const bool hasAvx2 = __builtin_cpu_supports("avx2");
    return hasAvx2;
}
#endif

// GCC 12 does not if-convert loops that both select a value and count it ("control flow in
// loop"), so the NaN-skipping loops are written with 16-byte vectors (SSE2, native on every
// x86-64) and bit masks: a compare gives all-ones lanes for non-NaN values, and `and` keeps them.
using Vec2 = double __attribute__((vector_size(16)));
using Mask2 = std::int64_t __attribute__((vector_size(16)));
inline constexpr Vec2 kOnes = {1.0, 1.0};

inline Vec2 load2(const double *p)
{
    Vec2 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store2(double *p, Vec2 v)
{
    std::memcpy(p, &v, sizeof v);
}

inline Mask2 notNan(Vec2 v)
{
    return v == v;
}

inline Vec2 keep(Mask2 mask, Vec2 v)
{
    return std::bit_cast<Vec2>(std::bit_cast<Mask2>(v) & mask);
}

inline Vec2 select(Mask2 mask, Vec2 whenSet, Vec2 otherwise)
{
#if defined(__SSE2__)
    // Spelled with intrinsics: GCC 12 turns the generic (a & m) | (b & ~m) back into a
    // conditional it can only blend with SSE4.1, and scalarises it on plain SSE2.
    const __m128d m = std::bit_cast<__m128d>(mask);
    return std::bit_cast<Vec2>(_mm_or_pd(_mm_and_pd(m, whenSet), _mm_andnot_pd(m, otherwise)));
#else
    return std::bit_cast<Vec2>((std::bit_cast<Mask2>(whenSet) & mask) | (std::bit_cast<Mask2>(otherwise) & ~mask));
#endif
}

// Vector form of minStep/maxStep below, for two lanes at once.
template <bool isMax>
inline Vec2 extremumStep(Vec2 best, Vec2 value)
{
#if defined(__SSE2__)
    // Intrinsics again: GCC 12 re-normalises an OR of two compare masks lane by lane.
    const __m128d wins = isMax ? _mm_cmpgt_pd(value, best) : _mm_cmplt_pd(value, best);
    const __m128d take = _mm_or_pd(wins, _mm_cmpunord_pd(best, best));
    return _mm_or_pd(_mm_and_pd(take, value), _mm_andnot_pd(take, best));
#else
    const Mask2 wins = isMax ? value > best : value < best;
    return select(wins | ~notNan(best), value, best);
#endif
}

// NaN-skipping min/max step: a NaN accumulator means nothing seen, and a NaN value never wins.
// Written with bitwise | so both sides become masks and the loop stays branch-free.
inline double minStep(double acc, double value)
{
    return ((value < acc) | (acc != acc)) ? value : acc;
}

inline double maxStep(double acc, double value)
{
    return ((value > acc) | (acc != acc)) ? value : acc;
}

} // namespace tessera::reductionloops
