// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/io/netcdfreader.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

namespace tessera {

// A dataset is a NetCDF file or a Zarr store (a folder); the load path reads either through
// these calls and does not care which it is.

// The variables a dataset holds.
Result<FileInfo> inspectDataset(const QString &path);

// Reads `variable` decoded to float64 (see readVariable and readZarrVariable): `firstCount`
// entries of its first dimension from `firstStart` (-1: to the end).
Result<NdArray> readDatasetVariable(const QString &path, const QString &variable, std::int64_t firstStart = 0,
                                    std::int64_t firstCount = -1);

} // namespace tessera
