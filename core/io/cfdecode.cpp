// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/cfdecode_p.h"

#include <QtNumeric>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace tessera::nc {

namespace {

// Calls f(T{}) with the C++ type of a numeric netCDF type.
template <typename F>
void withType(nc_type type, F &&f)
{
    switch (type) {
    case NC_BYTE: f(std::int8_t{}); break;
    case NC_UBYTE: f(std::uint8_t{}); break;
    case NC_SHORT: f(std::int16_t{}); break;
    case NC_USHORT: f(std::uint16_t{}); break;
    case NC_INT: f(std::int32_t{}); break;
    case NC_UINT: f(std::uint32_t{}); break;
    case NC_INT64: f(std::int64_t{}); break;
    case NC_UINT64: f(std::uint64_t{}); break;
    case NC_FLOAT: f(float{}); break;
    case NC_DOUBLE: f(double{}); break;
    default: break;
    }
}

nc_type unsignedTwin(nc_type type)
{
    switch (type) {
    case NC_BYTE: return NC_UBYTE;
    case NC_SHORT: return NC_USHORT;
    case NC_INT: return NC_UINT;
    case NC_INT64: return NC_UINT64;
    default: return type;
    }
}

template <typename T>
long double defaultFill()
{
    if constexpr (std::is_same_v<T, std::int8_t>)
        return NC_FILL_BYTE;
    else if constexpr (std::is_same_v<T, std::uint8_t>)
        return NC_FILL_UBYTE;
    else if constexpr (std::is_same_v<T, std::int16_t>)
        return NC_FILL_SHORT;
    else if constexpr (std::is_same_v<T, std::uint16_t>)
        return NC_FILL_USHORT;
    else if constexpr (std::is_same_v<T, std::int32_t>)
        return NC_FILL_INT;
    else if constexpr (std::is_same_v<T, std::uint32_t>)
        return NC_FILL_UINT;
    else if constexpr (std::is_same_v<T, std::int64_t>)
        return NC_FILL_INT64;
    else if constexpr (std::is_same_v<T, std::uint64_t>)
        return NC_FILL_UINT64;
    else if constexpr (std::is_same_v<T, float>)
        return NC_FILL_FLOAT;
    else
        return NC_FILL_DOUBLE;
}

// long double holds every int64, uint64 and double exactly, so attributes of any numeric type
// compare without loss.
std::optional<std::vector<long double>> numericAttribute(VarRef ref, const char *name)
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ref.group, ref.var, name, &type, &length) != NC_NOERR || length == 0 || !isNumericType(type))
        return std::nullopt;
    std::vector<long double> values;
    withType(type, [&](auto tag) {
        using T = decltype(tag);
        std::vector<T> raw(length);
        if (nc_get_att(ref.group, ref.var, name, raw.data()) == NC_NOERR)
            values.assign(raw.begin(), raw.end());
    });
    if (values.empty())
        return std::nullopt;
    return values;
}

// netCDF4-python casts an attribute to the variable's type and ignores it when that changes it.
template <typename T>
std::optional<T> exactCast(long double value)
{
    if constexpr (std::is_floating_point_v<T>) {
        if (qIsNaN(double(value)))
            return std::numeric_limits<T>::quiet_NaN();
        if (!qIsInf(double(value)) && (value > std::numeric_limits<T>::max() || value < std::numeric_limits<T>::lowest()))
            return std::nullopt;
    } else if (!(value >= std::numeric_limits<T>::lowest() && value <= std::numeric_limits<T>::max())) {
        return std::nullopt;
    }
    const T cast = T(value);
    if (static_cast<long double>(cast) != value)
        return std::nullopt;
    return cast;
}

template <typename T>
struct DecodeParams
{
    std::vector<T> masks;
    T low = std::numeric_limits<T>::lowest();
    T high = std::numeric_limits<T>::max();
    double scale = 1.0;
    double offset = 0.0;
};

// One block, from a properly typed scratch copy to distinct output, so GCC vectorises it.
// FixedMasks < 0: the mask count is only known at run time. Written for GCC's vectoriser under
// the default -ftrapping-math: floating comparisons use the quiet builtins, NaN is chosen by
// bit masks (a select whose arm multiplies is never if-converted), and double storage, whose
// select and multiply do not vectorise together, takes two passes over the L1-resident block.
template <typename T, int FixedMasks, bool Scaled>
void decodeBlock(const T *__restrict in, double *__restrict out, std::size_t count, const DecodeParams<T> &params)
{
    constexpr int inlineMasks = FixedMasks > 0 ? FixedMasks : 1;
    T fixedMasks[inlineMasks] = {};
    for (int k = 0; k < FixedMasks; ++k)
        fixedMasks[k] = params.masks[std::size_t(k)];
    const T *masks = FixedMasks >= 0 ? fixedMasks : params.masks.data();
    const int maskCount = FixedMasks >= 0 ? FixedMasks : int(params.masks.size());
    const T low = params.low;
    const T high = params.high;
    const double scale = params.scale;
    const double offset = params.offset;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto nanBits = std::bit_cast<std::uint64_t>(nan);
    for (std::size_t i = 0; i < count; ++i) {
        const T stored = in[i];
        bool masked;
        if constexpr (std::is_floating_point_v<T>)
            masked = __builtin_isless(stored, low) | __builtin_isgreater(stored, high);
        else
            masked = (stored < low) | (stored > high);
        for (int k = 0; k < maskCount; ++k)
            masked |= stored == masks[k];
        if constexpr (std::is_same_v<T, double>) {
            out[i] = masked ? nan : stored;
        } else {
            double value = double(stored);
            if constexpr (Scaled)
                value = value * scale + offset;
            const std::uint64_t select = std::uint64_t(0) - std::uint64_t(masked);
            out[i] = std::bit_cast<double>((std::bit_cast<std::uint64_t>(value) & ~select) | (nanBits & select));
        }
    }
    if constexpr (std::is_same_v<T, double> && Scaled) {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = out[i] * scale + offset;
    }
}

// A cheap vectorised test for an all-ones exponent (NaN or infinity), then an exact look only
// when one is there.
bool hasNan(const double *values, std::size_t count)
{
    unsigned special = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const auto high = std::uint32_t(std::bit_cast<std::uint64_t>(values[i]) >> 32);
        special |= unsigned((high & 0x7ff00000u) == 0x7ff00000u);
    }
    return special != 0 && std::any_of(values, values + count, [](double v) { return std::isnan(v); });
}

template <typename T>
using BlockDecoder = void (*)(const T *, double *, std::size_t, const DecodeParams<T> &);

template <typename T, bool Scaled>
BlockDecoder<T> pickDecoder(std::size_t maskCount)
{
    switch (maskCount) {
    case 0: return &decodeBlock<T, 0, Scaled>;
    case 1: return &decodeBlock<T, 1, Scaled>;
    case 2: return &decodeBlock<T, 2, Scaled>;
    default: return &decodeBlock<T, -1, Scaled>;
    }
}

template <typename T>
bool decodeTyped(double *data, std::int64_t count, const CfRules &rules)
{
    DecodeParams<T> params;
    for (long double value : rules.maskedValues) {
        const T masked = T(value);
        // NaN stays NaN anyway, and comparing with it would match nothing.
        if (masked == masked && std::find(params.masks.begin(), params.masks.end(), masked) == params.masks.end())
            params.masks.push_back(masked);
    }
    if constexpr (std::is_floating_point_v<T>) {
        params.low = -std::numeric_limits<T>::infinity();
        params.high = std::numeric_limits<T>::infinity();
    }
    if (rules.hasValidMin)
        params.low = T(rules.validMin);
    if (rules.hasValidMax)
        params.high = T(rules.validMax);
    params.scale = rules.scale;
    params.offset = rules.offset;
    const BlockDecoder<T> decode =
        rules.scaled ? pickDecoder<T, true>(params.masks.size()) : pickDecoder<T, false>(params.masks.size());

    // The stored values sit in the buffer's tail. Expanding front to back never overwrites a
    // stored value before it is copied out: block [first, first + n) writes bytes below
    // 8 * (first + n), and the next stored value starts at (8 - size) * count + size * (first + n),
    // which is no lower as long as first + n <= count.
    constexpr std::size_t blockSize = 2048;
    alignas(64) T scratch[blockSize];
    const auto *tail = reinterpret_cast<const unsigned char *>(data) + (sizeof(double) - sizeof(T)) * std::size_t(count);
    bool sawNan = false;
    for (std::int64_t first = 0; first < count; first += std::int64_t(blockSize)) {
        const auto n = std::size_t(std::min<std::int64_t>(std::int64_t(blockSize), count - first));
        std::memcpy(scratch, tail + std::size_t(first) * sizeof(T), n * sizeof(T));
        decode(scratch, data + first, n, params);
        sawNan = sawNan || hasNan(data + first, n);
    }
    return sawNan;
}

} // namespace

CfRules cfRules(VarRef ref)
{
    CfRules rules;
    nc_inq_vartype(ref.group, ref.var, &rules.storedType);
    const QString unsignedText = textAttribute(ref, "_Unsigned");
    const bool asUnsigned =
        (unsignedText == u"true"_s || unsignedText == u"True"_s) && unsignedTwin(rules.storedType) != rules.storedType;
    rules.decodedType = asUnsigned ? unsignedTwin(rules.storedType) : rules.storedType;

    withType(rules.storedType, [&](auto tag) {
        using T = decltype(tag);
        // Attribute values in the declared type, seen through the unsigned view when asked.
        const auto castAll = [&](const char *name) -> std::optional<std::vector<long double>> {
            const auto values = numericAttribute(ref, name);
            if (!values)
                return std::nullopt;
            std::vector<long double> cast;
            for (long double value : *values) {
                const std::optional<T> exact = exactCast<T>(value);
                if (!exact)
                    return std::nullopt;
                if constexpr (std::is_integral_v<T>)
                    cast.push_back(asUnsigned ? static_cast<long double>(std::make_unsigned_t<T>(*exact)) : *exact);
                else
                    cast.push_back(*exact);
            }
            return cast;
        };

        if (const auto missing = castAll("missing_value"))
            rules.maskedValues = *missing;
        if (const auto fill = castAll("_FillValue")) {
            rules.maskedValues.push_back(fill->front());
        } else if (!asUnsigned) {
            // As netCDF4-python: without _FillValue the type's default fill is masked too,
            // except for bytes whose variable was written with filling off. A signed default
            // never equals a value seen through the unsigned view, hence !asUnsigned.
            int noFill = 0;
            nc_inq_var_fill(ref.group, ref.var, &noFill, nullptr);
            if (noFill != 1 || sizeof(T) != 1)
                rules.maskedValues.push_back(defaultFill<T>());
        }

        const auto range = castAll("valid_range");
        if (range && range->size() == 2) {
            rules.hasValidMin = rules.hasValidMax = true;
            rules.validMin = (*range)[0];
            rules.validMax = (*range)[1];
        } else {
            if (const auto low = castAll("valid_min")) {
                rules.hasValidMin = true;
                rules.validMin = low->front();
            }
            if (const auto high = castAll("valid_max")) {
                rules.hasValidMax = true;
                rules.validMax = high->front();
            }
        }
    });

    const auto scale = numericAttribute(ref, "scale_factor");
    const auto offset = numericAttribute(ref, "add_offset");
    rules.scale = scale ? double(scale->front()) : 1.0;
    rules.offset = offset ? double(offset->front()) : 0.0;
    rules.scaled = rules.scale != 1.0 || rules.offset != 0.0;
    return rules;
}

int readStored(VarRef ref, nc_type storedType, const std::vector<std::size_t> &start, const std::vector<std::size_t> &count,
               NdArray &target)
{
    if (target.size() == 0)
        return NC_NOERR;
    std::size_t typeSize = 0;
    if (const int status = nc_inq_type(ref.group, storedType, nullptr, &typeSize); status != NC_NOERR)
        return status;
    auto *tail = reinterpret_cast<unsigned char *>(target.data()) + (sizeof(double) - typeSize) * std::size_t(target.size());
    if (start.empty())
        return nc_get_var(ref.group, ref.var, tail);
    return nc_get_vara(ref.group, ref.var, start.data(), count.data(), tail);
}

void decodeInPlace(NdArray &array, const CfRules &rules)
{
    bool sawNan = false;
    withType(rules.decodedType, [&](auto tag) { sawNan = decodeTyped<decltype(tag)>(array.data(), array.size(), rules); });
    array.setMayHaveNan(sawNan);
}

std::vector<double> readDecoded(VarRef ref)
{
    const VarLayout layout = variableLayout(ref);
    if (!isNumericType(layout.type))
        return {};
    NdArray array(layout.shape);
    const std::vector<std::size_t> start(layout.shape.size(), 0);
    std::vector<std::size_t> count(layout.shape.begin(), layout.shape.end());
    if (readStored(ref, layout.type, start, count, array) != NC_NOERR)
        return {};
    decodeInPlace(array, cfRules(ref));
    return std::vector<double>(array.data(), array.data() + array.size());
}

} // namespace tessera::nc
