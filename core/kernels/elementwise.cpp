// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/elementwise.h"
#include "core/ops.h"

#include "core/kernels/stridedindex.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera {

namespace {

// As numpy writes them: x * (pi / 180) and x * (180 / pi), so results match it to the bit.
constexpr double radiansPerDegree = 3.141592653589793238462643383279502884 / 180;
constexpr double degreesPerRadian = 180 / 3.141592653589793238462643383279502884;

template <UnaryOp op>
double applyUnary(double x)
{
    if constexpr (op == UnaryOp::Negate)
        return -x;
    else if constexpr (op == UnaryOp::Abs)
        return std::fabs(x);
    else if constexpr (op == UnaryOp::Sqrt)
        return std::sqrt(x);
    else if constexpr (op == UnaryOp::Exp)
        return std::exp(x);
    else if constexpr (op == UnaryOp::Log)
        return std::log(x);
    else if constexpr (op == UnaryOp::Log10)
        return std::log10(x);
    else if constexpr (op == UnaryOp::Sin)
        return std::sin(x);
    else if constexpr (op == UnaryOp::Cos)
        return std::cos(x);
    else if constexpr (op == UnaryOp::Tan)
        return std::tan(x);
    else if constexpr (op == UnaryOp::Radians)
        return x * radiansPerDegree;
    else if constexpr (op == UnaryOp::Degrees)
        return x * degreesPerRadian;
    else if constexpr (op == UnaryOp::Floor)
        return std::floor(x);
    else if constexpr (op == UnaryOp::Ceil)
        return std::ceil(x);
    else if constexpr (op == UnaryOp::IsNan)
        return std::isnan(x) ? 1.0 : 0.0;
    else if constexpr (op == UnaryOp::NotNull)
        return std::isnan(x) ? 0.0 : 1.0;
    else
        return x == 0 ? 1.0 : 0.0; // Not: NaN is true, as in numpy
}

template <UnaryOp op>
void unaryLoop(const double *__restrict in, double *__restrict out, std::int64_t n)
{
    std::int64_t i = 0;
#if defined(__SSE2__)
    // std::sqrt must set errno for negative input, which keeps GCC from vectorising it; sqrtpd
    // gives NaN for negatives exactly as numpy does, without the errno branch.
    if constexpr (op == UnaryOp::Sqrt) {
        for (; i + 2 <= n; i += 2)
            _mm_storeu_pd(out + i, _mm_sqrt_pd(_mm_loadu_pd(in + i)));
    }
#endif
    for (; i < n; ++i)
        out[i] = applyUnary<op>(in[i]);
}

template <BinaryOp op>
inline double applyBinary(double a, double b)
{
    if constexpr (op == BinaryOp::Add)
        return a + b;
    else if constexpr (op == BinaryOp::Subtract)
        return a - b;
    else if constexpr (op == BinaryOp::Multiply)
        return a * b;
    else if constexpr (op == BinaryOp::Divide)
        return a / b;
    else if constexpr (op == BinaryOp::Power)
        return std::pow(a, b);
    else if constexpr (op == BinaryOp::Less)
        return a < b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::LessEqual)
        return a <= b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::Greater)
        return a > b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::GreaterEqual)
        return a >= b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::Equal)
        return a == b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::NotEqual)
        return a != b ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::And)
        return a != 0 && b != 0 ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::Or)
        return a != 0 || b != 0 ? 1.0 : 0.0;
    else if constexpr (op == BinaryOp::Minimum)
        return std::isnan(a) || std::isnan(b) ? std::numeric_limits<double>::quiet_NaN() : std::min(a, b);
    else
        return std::isnan(a) || std::isnan(b) ? std::numeric_limits<double>::quiet_NaN() : std::max(a, b);
}

// The operators SSE2 has as one instruction; the others stream through the plain loop.
template <BinaryOp op>
constexpr bool hasVectorForm()
{
    return op == BinaryOp::Add || op == BinaryOp::Subtract || op == BinaryOp::Multiply || op == BinaryOp::Divide;
}

template <BinaryOp op>
inline __m128d applyBinary(__m128d a, __m128d b)
{
    if constexpr (op == BinaryOp::Add)
        return _mm_add_pd(a, b);
    else if constexpr (op == BinaryOp::Subtract)
        return _mm_sub_pd(a, b);
    else if constexpr (op == BinaryOp::Multiply)
        return _mm_mul_pd(a, b);
    else if constexpr (op == BinaryOp::Divide)
        return _mm_div_pd(a, b);
    else
        return a; // never used: streamScalarRun takes only operators with a vector form
}

// An output far larger than the caches (a whole block in `x - x.mean()`) is written with
// streaming stores: its lines are not read before they are written, a third less memory
// traffic. Same IEEE operations, so results are identical to the plain loop.
constexpr std::int64_t StreamingElements = std::int64_t(1) << 20;

template <BinaryOp op, bool scalarOnLeft>
bool streamScalarRun(const double *array, double scalar, double *out, std::int64_t n)
{
    if constexpr (!hasVectorForm<op>())
        return false;
    if (n < StreamingElements || (reinterpret_cast<std::uintptr_t>(out) & 15) != 0)
        return false;
    const __m128d constant = _mm_set1_pd(scalar);
    std::int64_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const __m128d value = _mm_loadu_pd(array + i);
        _mm_stream_pd(out + i, scalarOnLeft ? applyBinary<op>(constant, value) : applyBinary<op>(value, constant));
    }
    _mm_sfence();
    for (; i < n; ++i)
        out[i] = scalarOnLeft ? applyBinary<op>(scalar, array[i]) : applyBinary<op>(array[i], scalar);
    return true;
}

// The inner loops are split by stride pattern so each one is a plain loop GCC vectorises.
template <BinaryOp op>
void binaryRun(const double *a, std::int64_t strideA, const double *b, std::int64_t strideB, double *__restrict out,
               std::int64_t n)
{
    if (strideA == 1 && strideB == 1) {
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = applyBinary<op>(a[i], b[i]);
    } else if (strideA == 1 && strideB == 0) {
        const double scalarB = *b;
        if (streamScalarRun<op, false>(a, scalarB, out, n))
            return;
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = applyBinary<op>(a[i], scalarB);
    } else if (strideA == 0 && strideB == 1) {
        const double scalarA = *a;
        if (streamScalarRun<op, true>(b, scalarA, out, n))
            return;
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = applyBinary<op>(scalarA, b[i]);
    } else {
        for (std::int64_t i = 0; i < n; ++i)
            out[i] = applyBinary<op>(a[i * strideA], b[i * strideB]);
    }
}

template <BinaryOp op>
void binaryApply(const NdArray &a, const NdArray &b, NdArray &out)
{
    const std::int64_t n = out.size();
    if (n == 0)
        return;
    // Fast paths: equal shapes (up to leading 1s), or a one-element operand on either side.
    if (a.size() == n && b.size() == n)
        return binaryRun<op>(a.data(), 1, b.data(), 1, out.data(), n);
    if (a.size() == n && b.size() == 1)
        return binaryRun<op>(a.data(), 1, b.data(), 0, out.data(), n);
    if (a.size() == 1 && b.size() == n)
        return binaryRun<op>(a.data(), 0, b.data(), 1, out.data(), n);

    // General broadcasting: right-aligned strides, 0 where an operand's extent is 1 or missing.
    const Shape &shape = out.shape();
    const int rank = out.rank();
    const auto operandStrides = [rank](const NdArray &array) {
        std::vector<std::int64_t> strides(std::size_t(rank), 0);
        const auto own = rowMajorStrides(array.shape());
        const int shift = rank - array.rank();
        for (int axis = 0; axis < array.rank(); ++axis)
            if (array.shape()[std::size_t(axis)] != 1)
                strides[std::size_t(axis + shift)] = own[std::size_t(axis)];
        return strides;
    };
    const auto stridesA = operandStrides(a);
    const auto stridesB = operandStrides(b);
    std::vector<WalkAxis> axes;
    for (int axis = 0; axis < rank; ++axis)
        axes.push_back({shape[std::size_t(axis)], stridesA[std::size_t(axis)], stridesB[std::size_t(axis)]});
    axes = collapseAxes(axes);

    const WalkAxis inner = axes.back();
    StridedIndex outer = outerIndex(axes);
    double *target = out.data();
    do {
        binaryRun<op>(a.data() + outer.offset(0), inner.strideA, b.data() + outer.offset(1), inner.strideB, target, inner.extent);
        target += inner.extent;
    } while (outer.next());
}

Shape broadcastShape(const Shape &a, const Shape &b)
{
    const std::size_t rank = std::max(a.size(), b.size());
    Shape shape(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t extentA = i < a.size() ? a[a.size() - 1 - i] : 1;
        const std::int64_t extentB = i < b.size() ? b[b.size() - 1 - i] : 1;
        assert(extentA == extentB || extentA == 1 || extentB == 1);
        shape[rank - 1 - i] = extentA == 1 ? extentB : extentA;
    }
    return shape;
}

} // namespace

namespace {

template <UnaryOp op>
void unaryAll(const NdArray &in, NdArray &out)
{
    unaryLoop<op>(in.data(), out.data(), in.size());
}

template <BinaryOp op>
void binaryAll(const NdArray &a, const NdArray &b, NdArray &out)
{
    binaryApply<op>(a, b, out);
}

// One function per operator, so each loop is compiled for its operator alone.
template <typename Enum, template <Enum> class Table, std::size_t... I>
constexpr auto dispatchTable(std::index_sequence<I...>)
{
    return std::array{Table<Enum(I)>::run...};
}

template <UnaryOp op>
struct UnaryEntry
{
    static void run(const NdArray &in, NdArray &out) { unaryAll<op>(in, out); }
};

template <BinaryOp op>
struct BinaryEntry
{
    static void run(const NdArray &a, const NdArray &b, NdArray &out) { binaryAll<op>(a, b, out); }
};

constexpr std::size_t unaryOpCount = std::size_t(UnaryOp::Not) + 1;
constexpr std::size_t binaryOpCount = std::size_t(BinaryOp::Maximum) + 1;

} // namespace

NdArray unaryKernel(UnaryOp op, const NdArray &in)
{
    static constexpr auto table = dispatchTable<UnaryOp, UnaryEntry>(std::make_index_sequence<unaryOpCount>());
    NdArray out(in.shape());
    table[std::size_t(op)](in, out);
    const bool nanFree = givesMask(op)
                         || (!in.mayHaveNan()
                             && (op == UnaryOp::Negate || op == UnaryOp::Abs || op == UnaryOp::Radians || op == UnaryOp::Degrees
                                 || op == UnaryOp::Floor || op == UnaryOp::Ceil));
    out.setMayHaveNan(!nanFree);
    return out;
}

NdArray binaryKernel(BinaryOp op, const NdArray &a, const NdArray &b)
{
    static constexpr auto table = dispatchTable<BinaryOp, BinaryEntry>(std::make_index_sequence<binaryOpCount>());
    NdArray out(broadcastShape(a.shape(), b.shape()));
    table[std::size_t(op)](a, b, out);
    const bool exact = op == BinaryOp::Add || op == BinaryOp::Subtract || op == BinaryOp::Multiply;
    out.setMayHaveNan(!givesMask(op) && (a.mayHaveNan() || b.mayHaveNan() || !exact));
    return out;
}

NdArray selectKernel(const NdArray &condition, const NdArray &a, const NdArray &b)
{
    const Shape shape = broadcastShape(broadcastShape(condition.shape(), a.shape()), b.shape());
    NdArray out(shape);
    const int rank = int(shape.size());
    // Right-aligned strides, 0 along axes an operand broadcasts.
    const auto stridesOf = [&](const NdArray &array) {
        std::vector<std::int64_t> strides(std::size_t(rank), 0);
        const auto own = rowMajorStrides(array.shape());
        const int shift = rank - array.rank();
        for (int axis = 0; axis < array.rank(); ++axis) {
            if (array.shape()[std::size_t(axis)] != 1)
                strides[std::size_t(axis + shift)] = own[std::size_t(axis)];
        }
        return strides;
    };
    const std::array<std::vector<std::int64_t>, 3> strides{stridesOf(condition), stridesOf(a), stridesOf(b)};
    const std::array<const double *, 3> data{condition.data(), a.data(), b.data()};
    StridedIndex index(3);
    for (int axis = 0; axis < rank; ++axis)
        index.addAxis(shape[std::size_t(axis)],
                      {strides[0][std::size_t(axis)], strides[1][std::size_t(axis)], strides[2][std::size_t(axis)]});
    double *target = out.data();
    if (out.size() > 0) {
        do {
            const double chosen = data[0][index.offset(0)] != 0 ? data[1][index.offset(1)] : data[2][index.offset(2)];
            *target++ = chosen;
        } while (index.next());
    }
    out.setMayHaveNan(a.mayHaveNan() || b.mayHaveNan());
    return out;
}

} // namespace tessera
