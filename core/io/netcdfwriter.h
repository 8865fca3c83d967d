// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

namespace tessera {

// Writes `array` as float64 variable `meta.name` of a new NetCDF-4 file, with one dimension per
// axis, coordinate variables where the axis has values, and units/long_name attributes.
// NaN is written as _FillValue (NaN), so readers decode it back to NaN.
Status writeArray(const QString &path, const ArrayMeta &meta, const NdArray &array);

} // namespace tessera
