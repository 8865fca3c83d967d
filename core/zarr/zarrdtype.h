// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QJsonValue>
#include <QString>

#include <array>
#include <cstddef>
#include <cstdint>

namespace tessera::zarr {

// The element types Tessera reads and writes: booleans, integers and IEEE floats of 1-8 bytes.
enum class ScalarKind {
    Bool,
    Int,
    UInt,
    Float,
};

struct DataType
{
    ScalarKind kind = ScalarKind::Float;
    int size = 8;           // bytes per element
    bool bigEndian = false; // as stored (v2's "<" / ">"; v3 says it in the bytes codec)

    // "float64", "int16", ...: v3's spelling, also what the CLI and GUI show.
    QString name() const;
    // "<f8", ">i2", "|u1": v2's spelling.
    QString v2Name() const;
    bool operator==(const DataType &) const = default;
};

// v2's "<f8", ">i2", "|b1"; anything else (structured, strings, datetimes, complex) is an error
// that names the type.
Result<DataType> parseV2DataType(const QJsonValue &json);
// v3's "float64", "uint8", "bool".
Result<DataType> parseV3DataType(const QJsonValue &json);
// "float32", "int16", ...: the types a user may ask to store.
Result<DataType> dataTypeNamed(const QString &name);

// One element in the machine's byte order.
using ScalarBytes = std::array<std::byte, 8>;

// A fill value as JSON (numbers, "NaN", "Infinity", "-Infinity", v3's "0x7fc00000" bit
// patterns, true/false) as the type's bytes in the machine's order.
Result<ScalarBytes> parseFillValue(const QJsonValue &json, const DataType &type);
// The inverse, in the spelling both v2 and v3 readers accept.
QJsonValue fillValueJson(double value, const DataType &type);

// One element as double; `bytes` in the machine's order.
double scalarToDouble(const std::byte *bytes, const DataType &type);
// `count` elements in the machine's order to doubles.
void toDoubles(const std::byte *source, std::size_t count, const DataType &type, double *target);
// `count` doubles to elements in the machine's order: integers rounded to nearest and clamped
// to the type's range; NaN becomes `nanAs` (the fill value) for integer types.
void fromDoubles(const double *source, std::size_t count, const DataType &type, const ScalarBytes &nanAs, std::byte *target);

// Reverses the bytes of each `size`-byte element in place.
void swapBytes(std::byte *data, std::size_t count, int size);

} // namespace tessera::zarr
