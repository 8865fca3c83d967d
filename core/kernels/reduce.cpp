// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/reduce.h"

#include "core/kernels/accumulators.h"
#include "core/kernels/reductionwalk.h"
#include "core/kernels/rowloops.h"
#include "core/kernels/tileloops.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace tessera {

namespace {

using namespace reductionloops;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// A state for positions that saw no values at all (every input empty along the reduced axes).
void fillEmptyState(ReduceOp op, double *planes, std::int64_t keptCount)
{
    const bool extremum = op == ReduceOp::Min || op == ReduceOp::Max;
    std::fill_n(planes, keptCount * partialComponents(op), extremum ? kNan : 0.0);
}

// Chan et al.'s pairwise update of (count, mean, M2); a side with count 0 is taken as absent.
void mergeMoments(double *planes, const double *other, std::int64_t keptCount)
{
    double *countA = planes;
    double *meanA = planes + keptCount;
    double *m2A = planes + 2 * keptCount;
    const double *countB = other;
    const double *meanB = other + keptCount;
    const double *m2B = other + 2 * keptCount;
    for (std::int64_t i = 0; i < keptCount; ++i) {
        const double na = countA[i];
        const double nb = countB[i];
        const double n = na + nb;
        const double delta = meanB[i] - meanA[i];
        const double mean = meanA[i] + delta * (nb / n);
        const double m2 = m2A[i] + m2B[i] + delta * delta * (na * nb / n);
        meanA[i] = nb == 0 ? meanA[i] : (na == 0 ? meanB[i] : mean);
        m2A[i] = nb == 0 ? m2A[i] : (na == 0 ? m2B[i] : m2);
        countA[i] = n;
    }
}

} // namespace

int partialComponents(ReduceOp op)
{
    switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Min:
    case ReduceOp::Max: return 1;
    case ReduceOp::Mean: return 2;
    case ReduceOp::Std:
    case ReduceOp::Var: return 3;
    }
    return 1;
}

NdArray partialReduce(ReduceOp op, const std::vector<NdArray> &inputs, const std::vector<int> &axes)
{
    assert(!inputs.empty());
    ReductionWalk walk(inputs, axes);
    Shape stateShape{partialComponents(op)};
    const Shape &kept = walk.keptShape();
    stateShape.insert(stateShape.end(), kept.begin(), kept.end());
    NdArray state(std::move(stateShape));
    // Even NaN-free inputs can make NaN here (inf - inf), and nothing takes a fast path on
    // states; finalizeReduce finds out exactly.
    state.setMayHaveNan(true);
    if (walk.keptCount() == 0)
        return state;
    if (!walk.hasValues()) {
        fillEmptyState(op, state.data(), walk.keptCount());
        return state;
    }
    accumulatePartial(op, walk, state.data());
    return state;
}

NdArray combinePartials(ReduceOp op, const std::vector<NdArray> &partials)
{
    assert(!partials.empty());
    if (partials.size() == 1)
        return partials.front();
    const NdArray &first = partials.front();
    NdArray combined(first.shape());
    combined.setMayHaveNan(true);
    std::memcpy(combined.data(), first.data(), std::size_t(first.byteSize()));
    const std::int64_t keptCount = combined.size() / partialComponents(op);
    for (std::size_t p = 1; p < partials.size(); ++p) {
        const NdArray &other = partials[p];
        assert(other.shape() == combined.shape());
        switch (op) {
        case ReduceOp::Sum:
        case ReduceOp::Mean: // counts and sums both add
            addInto(combined.data(), other.data(), combined.size());
            break;
        case ReduceOp::Min: minInto(combined.data(), other.data(), combined.size()); break;
        case ReduceOp::Max: maxInto(combined.data(), other.data(), combined.size()); break;
        case ReduceOp::Std:
        case ReduceOp::Var: mergeMoments(combined.data(), other.data(), keptCount); break;
        }
    }
    return combined;
}

NdArray finalizeReduce(ReduceOp op, const NdArray &state, int ddof)
{
    assert(state.rank() >= 1 && state.shape().front() == partialComponents(op));
    NdArray result(Shape(state.shape().begin() + 1, state.shape().end()));
    const std::int64_t n = result.size();
    const double *planes = state.data();
    double *out = result.data();
    switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Min:
    case ReduceOp::Max: std::copy_n(planes, n, out); break;
    case ReduceOp::Mean:
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = planes[i] > 0 ? planes[n + i] / planes[i] : kNan;
        break;
    case ReduceOp::Std:
    case ReduceOp::Var:
        for (std::int64_t i = 0; i < n; ++i) {
            const double count = planes[i];
            const double dof = count - ddof;
            const double var = count > 0 && dof > 0 ? planes[2 * n + i] / dof : kNan;
            out[i] = op == ReduceOp::Std ? std::sqrt(var) : var;
        }
        break;
    }
    // Results are small next to their inputs, so an exact answer is cheap and lets the next
    // kernel take its NaN-free path.
    result.setMayHaveNan(std::any_of(out, out + n, [](double v) { return v != v; }));
    return result;
}

} // namespace tessera
