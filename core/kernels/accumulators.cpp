// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/accumulators.h"

#include "core/kernels/reductionwalk.h"
#include "core/kernels/rowloops.h"
#include "core/kernels/tileloops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tessera {

namespace {

using namespace reductionloops;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Sum and Mean: state [sum] or [count, sum]. Without NaN every position counts the same number
// of values, so the count is written once instead of accumulated.
template <bool skipNan>
class SumAccumulator
{
public:
    SumAccumulator(double *sum, double *count, double totalCount)
        : m_sum(sum)
        , m_count(count)
        , m_totalCount(totalCount)
    {
    }

    void beginTile(std::int64_t offset, std::int64_t n)
    {
        m_offset = offset;
        m_n = n;
        std::fill_n(m_sum + offset, n, 0.0);
        if (m_count)
            std::fill_n(m_count + offset, n, skipNan ? 0.0 : m_totalCount);
    }
    void slices(const double *const *xs, int count)
    {
        if (count == kSliceGroup) {
            if constexpr (!skipNan)
                addInto4(m_sum + m_offset, xs, m_n);
            else if (m_count)
                addCountSkipNanInto4(m_sum + m_offset, m_count + m_offset, xs, m_n);
            else
                addSkipNanInto4(m_sum + m_offset, xs, m_n);
            return;
        }
        for (int slice = 0; slice < count; ++slice) {
            if constexpr (!skipNan)
                addInto(m_sum + m_offset, xs[slice], m_n);
            else if (m_count)
                addCountSkipNanInto(m_sum + m_offset, m_count + m_offset, xs[slice], m_n);
            else
                addSkipNanInto(m_sum + m_offset, xs[slice], m_n);
        }
    }
    void endTile() {}

    void beginRow()
    {
        m_rowSum = 0;
        m_rowCount = 0;
    }
    void run(const double *x, std::int64_t n)
    {
        if constexpr (skipNan)
            rowSumSkipNan(x, n, &m_rowSum, &m_rowCount);
        else
            m_rowSum += rowSum(x, n);
    }
    void endRow(std::int64_t offset)
    {
        m_sum[offset] = m_rowSum;
        if (m_count)
            m_count[offset] = skipNan ? m_rowCount : m_totalCount;
    }

private:
    double *m_sum;
    double *m_count; // null for Sum
    double m_totalCount;
    std::int64_t m_offset = 0;
    std::int64_t m_n = 0;
    double m_rowSum = 0;
    double m_rowCount = 0;
};

// Min/Max: one plane, NaN where no value was seen. The NaN-skipping step costs no more than a
// plain min at memory speed, so there is no separate fast path.
template <bool isMax>
class ExtremumAccumulator
{
public:
    explicit ExtremumAccumulator(double *value)
        : m_value(value)
    {
    }

    void beginTile(std::int64_t offset, std::int64_t n)
    {
        m_offset = offset;
        m_n = n;
        std::fill_n(m_value + offset, n, kNan);
    }
    void slices(const double *const *xs, int count)
    {
        if (count == kSliceGroup)
            return isMax ? maxInto4(m_value + m_offset, xs, m_n) : minInto4(m_value + m_offset, xs, m_n);
        for (int slice = 0; slice < count; ++slice) {
            if constexpr (isMax)
                maxInto(m_value + m_offset, xs[slice], m_n);
            else
                minInto(m_value + m_offset, xs[slice], m_n);
        }
    }
    void endTile() {}

    void beginRow() { m_rowValue = kNan; }
    void run(const double *x, std::int64_t n) { m_rowValue = isMax ? rowMax(x, n, m_rowValue) : rowMin(x, n, m_rowValue); }
    void endRow(std::int64_t offset) { m_value[offset] = m_rowValue; }

private:
    double *m_value;
    std::int64_t m_offset = 0;
    std::int64_t m_n = 0;
    double m_rowValue = kNan;
};

// (count, shift, s1 = sum(x - shift), s2 = sum((x - shift)^2)) -> (count, mean, M2). The shift
// is a value of the data itself, so it lies within a few standard deviations of the mean and
// s2 - s1^2/count cancels at most a digit, unlike the textbook sum(x^2) - sum(x)^2/n, which
// loses (mean/std)^2 (~100 for temperatures in K). Clamped: rounding may leave a tiny negative.
inline void shiftedToMoments(double count, double shift, double s1, double s2, double *mean, double *m2)
{
    const bool any = count > 0;
    *mean = any ? shift + s1 / count : 0.0;
    *m2 = any ? std::max(0.0, s2 - s1 * s1 / count) : 0.0;
}

// Std/Var: state [count, mean, M2], accumulated as shifted sums in one streaming pass. While a
// tile runs, the mean plane holds the shift and the M2 plane holds s2; s1 lives in m_s1.
template <bool skipNan>
class MomentsAccumulator
{
public:
    MomentsAccumulator(double *planes, std::int64_t keptCount, double totalCount, std::int64_t tileExtent)
        : m_count(planes)
        , m_mean(planes + keptCount)
        , m_m2(planes + 2 * keptCount)
        , m_totalCount(totalCount)
        , m_s1(std::size_t(tileExtent))
    {
    }

    void beginTile(std::int64_t offset, std::int64_t n)
    {
        m_offset = offset;
        m_n = n;
        m_first = true;
        std::fill_n(m_s1.data(), n, 0.0);
        std::fill_n(m_m2 + offset, n, 0.0);
        if constexpr (skipNan) {
            std::fill_n(m_mean + offset, n, kNan);
            std::fill_n(m_count + offset, n, 0.0);
        }
    }
    void slices(const double *const *xs, int count)
    {
        double *shift = m_mean + m_offset;
        if constexpr (skipNan) {
            if (count == kSliceGroup)
                return shiftedSkipNanInto4(shift, m_s1.data(), m_m2 + m_offset, m_count + m_offset, xs, m_n);
            for (int slice = 0; slice < count; ++slice)
                shiftedSkipNanInto(shift, m_s1.data(), m_m2 + m_offset, m_count + m_offset, xs[slice], m_n);
        } else {
            if (m_first) {
                // The first slice becomes the shift; folding it in below adds exactly 0.
                std::memcpy(shift, xs[0], std::size_t(m_n) * sizeof(double));
                m_first = false;
            }
            if (count == kSliceGroup)
                return shiftedInto4(shift, m_s1.data(), m_m2 + m_offset, xs, m_n);
            for (int slice = 0; slice < count; ++slice)
                shiftedInto(shift, m_s1.data(), m_m2 + m_offset, xs[slice], m_n);
        }
    }
    void endTile()
    {
        if (!skipNan && m_first)
            std::fill_n(m_mean + m_offset, m_n, 0.0); // no slice at all: count is 0
        for (std::int64_t i = 0; i < m_n; ++i) {
            const std::int64_t at = m_offset + i;
            const double count = skipNan ? m_count[at] : m_totalCount;
            m_count[at] = count;
            shiftedToMoments(count, m_mean[at], m_s1[std::size_t(i)], m_m2[at], m_mean + at, m_m2 + at);
        }
    }

    void beginRow()
    {
        m_rowShift = kNan;
        m_rowS1 = 0;
        m_rowS2 = 0;
        m_rowCount = 0;
    }
    void run(const double *x, std::int64_t n)
    {
        if (m_rowShift != m_rowShift) {
            const double *firstValue = skipNan ? std::find_if(x, x + n, [](double v) { return v == v; }) : x;
            if (firstValue == x + n)
                return; // all NaN: nothing to add, and no shift yet
            m_rowShift = *firstValue;
        }
        if constexpr (skipNan)
            rowShiftedSkipNan(x, n, m_rowShift, &m_rowS1, &m_rowS2, &m_rowCount);
        else
            rowShifted(x, n, m_rowShift, &m_rowS1, &m_rowS2);
    }
    void endRow(std::int64_t offset)
    {
        const double count = skipNan ? m_rowCount : m_totalCount;
        m_count[offset] = count;
        shiftedToMoments(count, m_rowShift, m_rowS1, m_rowS2, m_mean + offset, m_m2 + offset);
    }

private:
    double *m_count;
    double *m_mean;
    double *m_m2;
    double m_totalCount;
    std::vector<double> m_s1;
    std::int64_t m_offset = 0;
    std::int64_t m_n = 0;
    bool m_first = true;
    double m_rowShift = kNan;
    double m_rowS1 = 0;
    double m_rowS2 = 0;
    double m_rowCount = 0;
};

template <bool skipNan>
void runAccumulators(ReduceOp op, ReductionWalk &walk, double *planes)
{
    const std::int64_t keptCount = walk.keptCount();
    const double totalCount = walk.valuesPerPosition();
    switch (op) {
    case ReduceOp::Sum: walk.run(SumAccumulator<skipNan>(planes, nullptr, totalCount)); break;
    case ReduceOp::Mean: walk.run(SumAccumulator<skipNan>(planes + keptCount, planes, totalCount)); break;
    case ReduceOp::Min: walk.run(ExtremumAccumulator<false>(planes)); break;
    case ReduceOp::Max: walk.run(ExtremumAccumulator<true>(planes)); break;
    case ReduceOp::Std:
    case ReduceOp::Var: walk.run(MomentsAccumulator<skipNan>(planes, keptCount, totalCount, walk.tileExtent())); break;
    }
}

} // namespace

void accumulatePartial(ReduceOp op, ReductionWalk &walk, double *planes)
{
    if (walk.mayHaveNan())
        runAccumulators<true>(op, walk, planes);
    else
        runAccumulators<false>(op, walk, planes);
}

} // namespace tessera
