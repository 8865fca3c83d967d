// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QString>

namespace tessera {

// Walks the header of a NetCDF classic file (CDF-1, the 64-bit offset CDF-2 and CDF-5) as the
// format specification lays it out, and refuses one whose counts and lengths claim more bytes
// than the file holds or whose variables name dimensions it does not have. netCDF-C believes a
// header's lengths and allocates them (a 100-byte file could ask it for 4 GB); this check runs
// before netCDF-C sees the file. Files of other formats (HDF5-based NetCDF-4) pass unchecked.
Status checkClassicHeader(const QString &path);

} // namespace tessera
