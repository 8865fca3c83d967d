// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrdtype.h"

#include <QRegularExpression>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

namespace {

bool validSize(ScalarKind kind, int size)
{
    switch (kind) {
    case ScalarKind::Bool: return size == 1;
    case ScalarKind::Int:
    case ScalarKind::UInt: return size == 1 || size == 2 || size == 4 || size == 8;
    case ScalarKind::Float: return size == 4 || size == 8;
    }
    return false;
}

// Calls `f` with a value of the C++ type that `type` names, to pick a typed loop once per run.
template <typename F>
decltype(auto) withScalarType(const DataType &type, F &&f)
{
    switch (type.kind) {
    case ScalarKind::Bool: return f(std::uint8_t{});
    case ScalarKind::Float: return type.size == 4 ? f(float{}) : f(double{});
    case ScalarKind::Int:
        switch (type.size) {
        case 1: return f(std::int8_t{});
        case 2: return f(std::int16_t{});
        case 4: return f(std::int32_t{});
        default: return f(std::int64_t{});
        }
    case ScalarKind::UInt:
        switch (type.size) {
        case 1: return f(std::uint8_t{});
        case 2: return f(std::uint16_t{});
        case 4: return f(std::uint32_t{});
        default: return f(std::uint64_t{});
        }
    }
    return f(double{});
}

template <typename T>
ScalarBytes bytesOf(T value)
{
    ScalarBytes bytes{};
    std::memcpy(bytes.data(), &value, sizeof(T));
    return bytes;
}

template <typename T>
T fromDouble(double value)
{
    if constexpr (std::is_floating_point_v<T>) {
        return T(value);
    } else {
        // Rounded and clamped, as numpy's astype after np.round would give for in-range values.
        const double rounded = std::nearbyint(value);
        if (rounded <= double(std::numeric_limits<T>::lowest()))
            return std::numeric_limits<T>::lowest();
        if (rounded >= double(std::numeric_limits<T>::max()))
            return std::numeric_limits<T>::max();
        return T(rounded);
    }
}

Result<ScalarBytes> hexFill(const QString &text, const DataType &type)
{
    bool ok = false;
    const quint64 bits = text.mid(2).toULongLong(&ok, 16);
    if (!ok || text.size() != 2 + 2 * type.size || type.kind != ScalarKind::Float)
        return makeError(ErrorCode::Format, u"fill value %1 is not a bit pattern of a %2"_s.arg(text, type.name()));
    if (type.size == 4)
        return bytesOf(std::bit_cast<float>(std::uint32_t(bits)));
    return bytesOf(std::bit_cast<double>(std::uint64_t(bits)));
}

} // namespace

QString DataType::name() const
{
    switch (kind) {
    case ScalarKind::Bool: return u"bool"_s;
    case ScalarKind::Int: return u"int%1"_s.arg(size * 8);
    case ScalarKind::UInt: return u"uint%1"_s.arg(size * 8);
    case ScalarKind::Float: return u"float%1"_s.arg(size * 8);
    }
    return {};
}

QString DataType::v2Name() const
{
    static constexpr char letters[] = {'b', 'i', 'u', 'f'};
    const QChar order = size == 1 ? u'|' : (bigEndian ? u'>' : u'<');
    return u"%1%2%3"_s.arg(order).arg(QLatin1Char(letters[int(kind)])).arg(size);
}

Result<DataType> parseV2DataType(const QJsonValue &json)
{
    static const QRegularExpression pattern(u"^([<>|=])([biuf])([1248])$"_s);
    const QRegularExpressionMatch match = pattern.match(json.toString());
    if (!json.isString() || !match.hasMatch()) {
        const QString shown = json.isString() ? json.toString() : u"a structured type"_s;
        return makeError(ErrorCode::Format, u"data type %1 is not supported; Tessera reads booleans, integers and floats "
                                            "of 1-8 bytes (b1, i1-i8, u1-u8, f4, f8)"_s.arg(shown));
    }
    DataType type;
    const QChar letter = match.captured(2).front();
    type.kind = letter == u'b'   ? ScalarKind::Bool
                : letter == u'i' ? ScalarKind::Int
                : letter == u'u' ? ScalarKind::UInt
                                 : ScalarKind::Float;
    type.size = match.captured(3).toInt();
    type.bigEndian = match.captured(1) == u">"_s;
    if (!validSize(type.kind, type.size))
        return makeError(ErrorCode::Format,
                         u"data type %1 is not supported (no %2-byte %3)"_s.arg(json.toString()).arg(type.size).arg(letter));
    return type;
}

Result<DataType> dataTypeNamed(const QString &name)
{
    static const QRegularExpression pattern(u"^(bool|int|uint|float)(8|16|32|64)?$"_s);
    const QRegularExpressionMatch match = pattern.match(name);
    if (match.hasMatch()) {
        DataType type;
        const QString kind = match.captured(1);
        type.kind = kind == u"bool"_s   ? ScalarKind::Bool
                    : kind == u"int"_s  ? ScalarKind::Int
                    : kind == u"uint"_s ? ScalarKind::UInt
                                        : ScalarKind::Float;
        type.size = type.kind == ScalarKind::Bool ? 1 : match.captured(2).toInt() / 8;
        if ((type.kind == ScalarKind::Bool) == match.captured(2).isEmpty() && validSize(type.kind, type.size))
            return type;
    }
    return makeError(ErrorCode::Format, u"data type %1 is not supported; Tessera reads bool, int8-int64, uint8-uint64, "
                                        "float32 and float64"_s.arg(name));
}

Result<DataType> parseV3DataType(const QJsonValue &json)
{
    if (!json.isString())
        return makeError(ErrorCode::Format,
                         u"data type %1 is not supported; Tessera reads bool, int8-int64, uint8-uint64, "
                         "float32 and float64"_s.arg(json.isObject() ? u"(an extension type)"_s : json.toVariant().toString()));
    return dataTypeNamed(json.toString());
}

Result<ScalarBytes> parseFillValue(const QJsonValue &json, const DataType &type)
{
    if (type.kind == ScalarKind::Bool) {
        if (json.isBool())
            return bytesOf(std::uint8_t(json.toBool()));
        if (json.isDouble())
            return bytesOf(std::uint8_t(json.toDouble() != 0));
    } else if (json.isString()) {
        const QString text = json.toString();
        if (type.kind == ScalarKind::Float) {
            double value = 0;
            if (text == u"NaN"_s)
                value = std::numeric_limits<double>::quiet_NaN();
            else if (text == u"Infinity"_s)
                value = std::numeric_limits<double>::infinity();
            else if (text == u"-Infinity"_s)
                value = -std::numeric_limits<double>::infinity();
            else if (text.startsWith(u"0x"_s))
                return hexFill(text, type);
            else
                return makeError(ErrorCode::Format, u"fill value \"%1\" is not a number"_s.arg(text));
            return withScalarType(type, [&](auto zero) { return bytesOf(decltype(zero)(value)); });
        }
    } else if (json.isDouble()) {
        // QJsonValue holds numbers as double; integers beyond 2^53 lose their last bits here.
        const double value = json.toDouble();
        return withScalarType(type, [&](auto zero) { return bytesOf(fromDouble<decltype(zero)>(value)); });
    }
    return makeError(ErrorCode::Format, u"fill value %1 does not fit data type %2"_s.arg(
                                            QString::fromUtf8(QJsonValue(json).toVariant().toString().toUtf8()), type.name()));
}

QJsonValue fillValueJson(double value, const DataType &type)
{
    if (type.kind == ScalarKind::Bool)
        return value != 0;
    if (std::isnan(value))
        return u"NaN"_s;
    if (std::isinf(value))
        return value > 0 ? u"Infinity"_s : u"-Infinity"_s;
    return value;
}

double scalarToDouble(const std::byte *bytes, const DataType &type)
{
    double value = 0;
    toDoubles(bytes, 1, type, &value);
    return value;
}

void toDoubles(const std::byte *source, std::size_t count, const DataType &type, double *target)
{
    withScalarType(type, [&](auto zero) {
        using T = decltype(zero);
        for (std::size_t i = 0; i < count; ++i) {
            T value;
            std::memcpy(&value, source + i * sizeof(T), sizeof(T));
            target[i] = double(value);
        }
    });
}

void fromDoubles(const double *source, std::size_t count, const DataType &type, const ScalarBytes &nanAs, std::byte *target)
{
    withScalarType(type, [&](auto zero) {
        using T = decltype(zero);
        T nanValue;
        std::memcpy(&nanValue, nanAs.data(), sizeof(T));
        for (std::size_t i = 0; i < count; ++i) {
            const T value = (!std::is_floating_point_v<T> && std::isnan(source[i])) ? nanValue : fromDouble<T>(source[i]);
            std::memcpy(target + i * sizeof(T), &value, sizeof(T));
        }
    });
}

void swapBytes(std::byte *data, std::size_t count, int size)
{
    if (size == 1)
        return;
    for (std::size_t i = 0; i < count; ++i)
        std::reverse(data + i * std::size_t(size), data + (i + 1) * std::size_t(size));
}

} // namespace tessera::zarr
