// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: what planFileStack learns of a variable in one NetCDF file or Zarr store.

#include "core/arraymeta.h"

#include <QString>

#include <cstdint>

namespace tessera {

struct VariableProbe
{
    ArrayMeta meta; // source left empty
    QString storageType;
    std::int64_t firstChunk = 0; // a Zarr store's chunk length along the first dimension; 0 for NetCDF
};

} // namespace tessera
