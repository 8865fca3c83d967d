// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: what planFileStack learns of a variable in one NetCDF file or Zarr store.

#include "core/arraymeta.h"

#include <QString>

#include <cstdint>

namespace tessera {

// Coordinates are metadata that travel with an array (to the GUI, into result files): a 1-D
// coordinate longer than this (16 Mi values, 128 MB) is kept as an index instead of being read,
// which also keeps a damaged file that claims a huge dimension from costing gigabytes here.
inline constexpr std::int64_t maxCoordinateValues = std::int64_t(1) << 24;

struct VariableProbe
{
    ArrayMeta meta; // source left empty
    QString storageType;
    std::int64_t firstChunk = 0; // a Zarr store's chunk length along the first dimension; 0 for NetCDF
};

} // namespace tessera
