// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

#include <vector>

namespace tessera {

// Writes `array` as float64 variable `meta.name` of a new NetCDF-4 file, with one dimension per
// axis, coordinate variables where the axis has values, and units/long_name attributes.
// NaN is written as _FillValue (NaN), so readers decode it back to NaN.
Status writeArray(const QString &path, const ArrayMeta &meta, const NdArray &array);

// Several arrays as variables of one file (an EOF's patterns, principal components and variance
// fractions): a dimension named alike and as long is shared, with its coordinates written once.
struct NamedArray
{
    ArrayMeta meta;
    NdArray value;
};
Status writeArrays(const QString &path, const std::vector<NamedArray> &arrays);

} // namespace tessera
