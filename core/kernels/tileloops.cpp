// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/tileloops.h"

#include "core/kernels/simdlanes.h"

// Tiles: the innermost axis is kept, and slices of the input fold elementwise into accumulators
// that stay in cache for the whole tile.
namespace tessera::reductionloops {

TESSERA_HOT_LOOP
void addInto(double *__restrict acc, const double *__restrict x, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        acc[i] += x[i];
}

TESSERA_HOT_LOOP
void addSkipNanInto(double *__restrict acc, const double *__restrict x, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        acc[i] += x[i] == x[i] ? x[i] : 0.0;
}

TESSERA_HOT_LOOP
void addCountSkipNanInto(double *__restrict acc, double *__restrict count, const double *__restrict x, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const Vec2 value = load2(x + i);
        const Mask2 valid = notNan(value);
        store2(acc + i, load2(acc + i) + keep(valid, value));
        store2(count + i, load2(count + i) + keep(valid, kOnes));
    }
    for (; i < n; ++i) {
        if (x[i] == x[i]) {
            acc[i] += x[i];
            count[i] += 1;
        }
    }
}

namespace {

template <bool isMax>
inline void extremumInto(double *__restrict acc, const double *__restrict x, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2)
        store2(acc + i, extremumStep<isMax>(load2(acc + i), load2(x + i)));
    for (; i < n; ++i)
        acc[i] = isMax ? maxStep(acc[i], x[i]) : minStep(acc[i], x[i]);
}

} // namespace

TESSERA_HOT_LOOP
void minInto(double *acc, const double *x, std::int64_t n)
{
    extremumInto<false>(acc, x, n);
}

TESSERA_HOT_LOOP
void maxInto(double *acc, const double *x, std::int64_t n)
{
    extremumInto<true>(acc, x, n);
}

TESSERA_HOT_LOOP
void shiftedInto(const double *__restrict shift, double *__restrict s1, double *__restrict s2, const double *__restrict x,
                 std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const double d = x[i] - shift[i];
        s1[i] += d;
        s2[i] += d * d;
    }
}

TESSERA_HOT_LOOP
void shiftedSkipNanInto(double *__restrict shift, double *__restrict s1, double *__restrict s2, double *__restrict count,
                        const double *__restrict x, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const Vec2 value = load2(x + i);
        Vec2 k = load2(shift + i);
        k = select(k != k, value, k); // stays NaN while only NaN was seen
        store2(shift + i, k);
        const Mask2 valid = notNan(value);
        const Vec2 d = keep(valid, value - k);
        store2(s1 + i, load2(s1 + i) + d);
        store2(s2 + i, load2(s2 + i) + d * d);
        store2(count + i, load2(count + i) + keep(valid, kOnes));
    }
    for (; i < n; ++i) {
        if (shift[i] != shift[i])
            shift[i] = x[i];
        if (x[i] == x[i]) {
            const double d = x[i] - shift[i];
            s1[i] += d;
            s2[i] += d * d;
            count[i] += 1;
        }
    }
}

TESSERA_HOT_LOOP
void addInto4(double *__restrict acc, const double *const *xs, std::int64_t n)
{
    const double *__restrict x0 = xs[0];
    const double *__restrict x1 = xs[1];
    const double *__restrict x2 = xs[2];
    const double *__restrict x3 = xs[3];
    for (std::int64_t i = 0; i < n; ++i)
        acc[i] += (x0[i] + x1[i]) + (x2[i] + x3[i]);
}

TESSERA_HOT_LOOP
void addSkipNanInto4(double *__restrict acc, const double *const *xs, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        Vec2 sum = load2(acc + i);
        for (int slice = 0; slice < kSliceGroup; ++slice) {
            const Vec2 value = load2(xs[slice] + i);
            sum += keep(notNan(value), value);
        }
        store2(acc + i, sum);
    }
    for (int slice = 0; slice < kSliceGroup; ++slice)
        addSkipNanInto(acc + i, xs[slice] + i, n - i);
}

TESSERA_HOT_LOOP
void addCountSkipNanInto4(double *__restrict acc, double *__restrict count, const double *const *xs, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        Vec2 sum = load2(acc + i);
        Vec2 counted = load2(count + i);
        for (int slice = 0; slice < kSliceGroup; ++slice) {
            const Vec2 value = load2(xs[slice] + i);
            const Mask2 valid = notNan(value);
            sum += keep(valid, value);
            counted += keep(valid, kOnes);
        }
        store2(acc + i, sum);
        store2(count + i, counted);
    }
    for (int slice = 0; slice < kSliceGroup; ++slice)
        addCountSkipNanInto(acc + i, count + i, xs[slice] + i, n - i);
}

namespace {

// A chain of four scalar min steps is not if-converted by GCC 12, hence the explicit vectors.
template <bool isMax>
inline void extremumInto4(double *__restrict acc, const double *const *xs, std::int64_t n)
{
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        Vec2 best = load2(acc + i);
        for (int slice = 0; slice < kSliceGroup; ++slice) {
            best = extremumStep<isMax>(best, load2(xs[slice] + i));
        }
        store2(acc + i, best);
    }
    for (int slice = 0; slice < kSliceGroup; ++slice)
        for (std::int64_t j = i; j < n; ++j)
            acc[j] = isMax ? maxStep(acc[j], xs[slice][j]) : minStep(acc[j], xs[slice][j]);
}

} // namespace

TESSERA_HOT_LOOP
void minInto4(double *acc, const double *const *xs, std::int64_t n)
{
    extremumInto4<false>(acc, xs, n);
}

TESSERA_HOT_LOOP
void maxInto4(double *acc, const double *const *xs, std::int64_t n)
{
    extremumInto4<true>(acc, xs, n);
}

TESSERA_HOT_LOOP
void shiftedInto4(const double *__restrict shift, double *__restrict s1, double *__restrict s2, const double *const *xs,
                  std::int64_t n)
{
    const double *__restrict x0 = xs[0];
    const double *__restrict x1 = xs[1];
    const double *__restrict x2 = xs[2];
    const double *__restrict x3 = xs[3];
    for (std::int64_t i = 0; i < n; ++i) {
        const double d0 = x0[i] - shift[i];
        const double d1 = x1[i] - shift[i];
        const double d2 = x2[i] - shift[i];
        const double d3 = x3[i] - shift[i];
        s1[i] += (d0 + d1) + (d2 + d3);
        s2[i] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
    }
}

namespace {

#if defined(TESSERA_HAVE_AVX2_KERNELS)
// With 2-lane vectors this loop costs about 6 operations per value, twice the time of the
// streaming loops. Returns how many leading elements it did (a multiple of 4).
__attribute__((target("avx2"))) std::int64_t shiftedSkipNanInto4Avx2(double *__restrict shift, double *__restrict s1,
                                                                     double *__restrict s2, double *__restrict count,
                                                                     const double *const *xs, std::int64_t n)
{
    const __m256d ones = _mm256_set1_pd(1.0);
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d k = _mm256_loadu_pd(shift + i);
        __m256d first = _mm256_loadu_pd(s1 + i);
        __m256d second = _mm256_loadu_pd(s2 + i);
        __m256d counted = _mm256_loadu_pd(count + i);
        for (int slice = 0; slice < kSliceGroup; ++slice) {
            const __m256d value = _mm256_loadu_pd(xs[slice] + i);
            k = _mm256_blendv_pd(k, value, _mm256_cmp_pd(k, k, _CMP_UNORD_Q));
            const __m256d valid = _mm256_cmp_pd(value, value, _CMP_ORD_Q);
            const __m256d d = _mm256_and_pd(valid, _mm256_sub_pd(value, k));
            first = _mm256_add_pd(first, d);
            second = _mm256_add_pd(second, _mm256_mul_pd(d, d));
            counted = _mm256_add_pd(counted, _mm256_and_pd(valid, ones));
        }
        _mm256_storeu_pd(shift + i, k);
        _mm256_storeu_pd(s1 + i, first);
        _mm256_storeu_pd(s2 + i, second);
        _mm256_storeu_pd(count + i, counted);
    }
    return i;
}
#endif

} // namespace

void shiftedSkipNanInto4(double *__restrict shift, double *__restrict s1, double *__restrict s2, double *__restrict count,
                         const double *const *xs, std::int64_t n)
{
    std::int64_t i = 0;
#if defined(TESSERA_HAVE_AVX2_KERNELS)
    if (cpuHasAvx2())
        i = shiftedSkipNanInto4Avx2(shift, s1, s2, count, xs, n);
#endif
    for (; i + 2 <= n; i += 2) {
        Vec2 k = load2(shift + i);
        Vec2 first = load2(s1 + i);
        Vec2 second = load2(s2 + i);
        Vec2 counted = load2(count + i);
        for (int slice = 0; slice < kSliceGroup; ++slice) {
            const Vec2 value = load2(xs[slice] + i);
            k = select(notNan(k), k, value); // stays NaN while only NaN was seen
            const Mask2 valid = notNan(value);
            const Vec2 d = keep(valid, value - k);
            first += d;
            second += d * d;
            counted += keep(valid, kOnes);
        }
        store2(shift + i, k);
        store2(s1 + i, first);
        store2(s2 + i, second);
        store2(count + i, counted);
    }
    for (int slice = 0; slice < kSliceGroup; ++slice)
        shiftedSkipNanInto(shift + i, s1 + i, s2 + i, count + i, xs[slice] + i, n - i);
}

} // namespace tessera::reductionloops
