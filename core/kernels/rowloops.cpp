// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/rowloops.h"

#include "core/kernels/simdlanes.h"

#include <algorithm>

// Rows: the innermost axis is reduced, and each contiguous run folds into a few scalars.
namespace tessera::reductionloops {

namespace {

// Independent partial sums per lane: GCC does not reorder FP additions without -ffast-math, so
// the lanes are what lets it vectorise a horizontal reduction and hide the add latency.
constexpr int kLanes = 8;
// Rows are summed in blocks whose lane sums are then added to a running total: the error then
// grows with n / kBlock rather than with n, close to numpy's pairwise summation.
constexpr std::int64_t kBlock = 4096;

double foldSum(const double *lanes)
{
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

double foldSum(const Vec2 *lanes)
{
    const Vec2 sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    return sum[0] + sum[1];
}

std::int64_t foldCount(const Mask2 *lanes)
{
    const Mask2 sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    return sum[0] + sum[1];
}

#if defined(TESSERA_HAVE_AVX2_KERNELS)
// Bulk of one summation block, 8 values a step; returns how many it folded (a multiple of 8).
__attribute__((target("avx2"))) std::int64_t sumSkipNanAvx2(const double *x, std::int64_t n, double *sum,
                                                            std::int64_t *validCount)
{
    __m256d sums[2] = {_mm256_setzero_pd(), _mm256_setzero_pd()};
    __m256i minusCounts[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()}; // a valid lane is -1
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int half = 0; half < 2; ++half) {
            const __m256d value = _mm256_loadu_pd(x + i + 4 * half);
            const __m256d valid = _mm256_cmp_pd(value, value, _CMP_ORD_Q);
            sums[half] = _mm256_add_pd(sums[half], _mm256_and_pd(valid, value));
            minusCounts[half] = _mm256_add_epi64(minusCounts[half], _mm256_castpd_si256(valid));
        }
    }
    double lanes[4];
    std::int64_t counts[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(sums[0], sums[1]));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(counts), _mm256_add_epi64(minusCounts[0], minusCounts[1]));
    *sum += (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    *validCount -= (counts[0] + counts[1]) + (counts[2] + counts[3]);
    return i;
}

// As sumSkipNanAvx2, for the shifted moments.
__attribute__((target("avx2"))) std::int64_t shiftedSkipNanAvx2(const double *x, std::int64_t n, double shift, double *s1,
                                                                double *s2, std::int64_t *validCount)
{
    const __m256d shifts = _mm256_set1_pd(shift);
    __m256d firsts[2] = {_mm256_setzero_pd(), _mm256_setzero_pd()};
    __m256d seconds[2] = {_mm256_setzero_pd(), _mm256_setzero_pd()};
    __m256i minusCounts[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int half = 0; half < 2; ++half) {
            const __m256d value = _mm256_loadu_pd(x + i + 4 * half);
            const __m256d valid = _mm256_cmp_pd(value, value, _CMP_ORD_Q);
            const __m256d d = _mm256_and_pd(valid, _mm256_sub_pd(value, shifts));
            firsts[half] = _mm256_add_pd(firsts[half], d);
            seconds[half] = _mm256_add_pd(seconds[half], _mm256_mul_pd(d, d));
            minusCounts[half] = _mm256_add_epi64(minusCounts[half], _mm256_castpd_si256(valid));
        }
    }
    double first[4];
    double second[4];
    std::int64_t counts[4];
    _mm256_storeu_pd(first, _mm256_add_pd(firsts[0], firsts[1]));
    _mm256_storeu_pd(second, _mm256_add_pd(seconds[0], seconds[1]));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(counts), _mm256_add_epi64(minusCounts[0], minusCounts[1]));
    *s1 += (first[0] + first[1]) + (first[2] + first[3]);
    *s2 += (second[0] + second[1]) + (second[2] + second[3]);
    *validCount -= (counts[0] + counts[1]) + (counts[2] + counts[3]);
    return i;
}
#endif

} // namespace

TESSERA_HOT_LOOP
double rowSum(const double *x, std::int64_t n)
{
    double total = 0;
    for (std::int64_t begin = 0; begin < n; begin += kBlock) {
        const std::int64_t end = std::min(n, begin + kBlock);
        double lanes[kLanes] = {};
        std::int64_t i = begin;
        for (; i + kLanes <= end; i += kLanes)
            for (int lane = 0; lane < kLanes; ++lane)
                lanes[lane] += x[i + lane];
        for (; i < end; ++i)
            lanes[0] += x[i];
        total += foldSum(lanes);
    }
    return total;
}

void rowSumSkipNan(const double *x, std::int64_t n, double *sum, double *count)
{
    double total = 0;
    double counted = 0;
    for (std::int64_t begin = 0; begin < n; begin += kBlock) {
        const std::int64_t end = std::min(n, begin + kBlock);
        Vec2 lanes[4] = {};
        Mask2 counts[4] = {}; // minus the number of non-NaN values: a valid lane's mask is -1
        std::int64_t i = begin;
#if defined(TESSERA_HAVE_AVX2_KERNELS)
        if (cpuHasAvx2()) {
            std::int64_t valid = 0;
            i += sumSkipNanAvx2(x + begin, end - begin, &lanes[0][0], &valid);
            counts[0][0] -= valid;
        }
#endif
        for (; i + 8 <= end; i += 8) {
            for (int lane = 0; lane < 4; ++lane) {
                const Vec2 value = load2(x + i + 2 * lane);
                const Mask2 valid = notNan(value);
                lanes[lane] += keep(valid, value);
                counts[lane] += valid;
            }
        }
        for (; i < end; ++i) {
            if (x[i] == x[i]) {
                lanes[0][0] += x[i];
                counts[0][0] -= 1;
            }
        }
        total += foldSum(lanes);
        counted -= double(foldCount(counts));
    }
    *sum += total;
    *count += counted;
}

namespace {

template <bool isMax>
inline double rowExtremum(const double *x, std::int64_t n, double acc)
{
    Vec2 lanes[4];
    std::fill_n(lanes, 4, Vec2{acc, acc});
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int lane = 0; lane < 4; ++lane)
            lanes[lane] = extremumStep<isMax>(lanes[lane], load2(x + i + 2 * lane));
    const auto step = [](double best, double value) {
        return isMax ? maxStep(best, value) : minStep(best, value);
    };
    for (; i < n; ++i)
        acc = step(acc, x[i]);
    for (int lane = 0; lane < 4; ++lane)
        acc = step(step(acc, lanes[lane][0]), lanes[lane][1]);
    return acc;
}

} // namespace

TESSERA_HOT_LOOP
double rowMin(const double *x, std::int64_t n, double acc)
{
    return rowExtremum<false>(x, n, acc);
}

TESSERA_HOT_LOOP
double rowMax(const double *x, std::int64_t n, double acc)
{
    return rowExtremum<true>(x, n, acc);
}

TESSERA_HOT_LOOP
void rowShifted(const double *x, std::int64_t n, double shift, double *s1, double *s2)
{
    double first = 0;
    double second = 0;
    for (std::int64_t begin = 0; begin < n; begin += kBlock) {
        const std::int64_t end = std::min(n, begin + kBlock);
        double lanes1[kLanes] = {};
        double lanes2[kLanes] = {};
        std::int64_t i = begin;
        for (; i + kLanes <= end; i += kLanes) {
            for (int lane = 0; lane < kLanes; ++lane) {
                const double d = x[i + lane] - shift;
                lanes1[lane] += d;
                lanes2[lane] += d * d;
            }
        }
        for (; i < end; ++i) {
            const double d = x[i] - shift;
            lanes1[0] += d;
            lanes2[0] += d * d;
        }
        first += foldSum(lanes1);
        second += foldSum(lanes2);
    }
    *s1 += first;
    *s2 += second;
}

void rowShiftedSkipNan(const double *x, std::int64_t n, double shift, double *s1, double *s2, double *count)
{
    double first = 0;
    double second = 0;
    double counted = 0;
    const Vec2 shifts = {shift, shift};
    for (std::int64_t begin = 0; begin < n; begin += kBlock) {
        const std::int64_t end = std::min(n, begin + kBlock);
        Vec2 lanes1[4] = {};
        Vec2 lanes2[4] = {};
        Mask2 counts[4] = {}; // minus the number of non-NaN values: a valid lane's mask is -1
        std::int64_t i = begin;
#if defined(TESSERA_HAVE_AVX2_KERNELS)
        if (cpuHasAvx2()) {
            std::int64_t valid = 0;
            i += shiftedSkipNanAvx2(x + begin, end - begin, shift, &lanes1[0][0], &lanes2[0][0], &valid);
            counts[0][0] -= valid;
        }
#endif
        for (; i + 8 <= end; i += 8) {
            for (int lane = 0; lane < 4; ++lane) {
                const Vec2 value = load2(x + i + 2 * lane);
                const Mask2 valid = notNan(value);
                const Vec2 d = keep(valid, value - shifts);
                lanes1[lane] += d;
                lanes2[lane] += d * d;
                counts[lane] += valid;
            }
        }
        for (; i < end; ++i) {
            if (x[i] == x[i]) {
                const double d = x[i] - shift;
                lanes1[0][0] += d;
                lanes2[0][0] += d * d;
                counts[0][0] -= 1;
            }
        }
        first += foldSum(lanes1);
        second += foldSum(lanes2);
        counted -= double(foldCount(counts));
    }
    *s1 += first;
    *s2 += second;
    *count += counted;
}

} // namespace tessera::reductionloops
