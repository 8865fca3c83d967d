// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/io/netcdfreader.h"
#include "core/io/variableprobe_p.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

namespace tessera {

// Zarr v2 and v3 stores read by Tessera's own code (never through netCDF's NCZarr, which reads
// compressed stores as garbage when its filter plugins are missing). A variable is an array's
// path inside the store ("t2m", "group/t2m"); a store that is one array names it by the
// store's folder name without ".zarr".

// A folder holding zarr.json, .zarray or .zgroup.
bool isZarrStore(const QString &path);

// The store's arrays (groups walked), with xarray's dimension names.
Result<FileInfo> inspectZarr(const QString &store);

// As readVariable for NetCDF: decoded as xarray decodes (scale_factor, add_offset, _FillValue and
// missing_value become NaN; v2's fill_value masks too, v3's does not), as float64. Missing chunks
// read as the fill value.
Result<NdArray> readZarrVariable(const QString &store, const QString &variable, std::int64_t firstStart = 0,
                                 std::int64_t firstCount = -1);

// Shape, axes (coordinate arrays named like the dimensions, beside the variable), storage type
// and the chunk length along the first dimension.
Result<VariableProbe> probeZarrVariable(const QString &store, const QString &variable, bool allAxisValues);

} // namespace tessera
