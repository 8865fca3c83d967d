// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/status.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace tessera {

// Many files (NetCDF files or Zarr stores) holding one variable, stacked along its first dimension in the order given.
struct FileStack
{
    QStringList files;
    QString variable;
    std::vector<std::int64_t> firstExtents; // per file: its length along the first dimension
    std::vector<std::int64_t> firstChunks;  // per file: a Zarr store's chunk length along it; 0 for NetCDF
    QString storageType;                    // the same in every file: "int16", "float32", ...
    ArrayMeta meta;                         // stacked shape; axis 0 coordinates concatenated from all files
};

// Inspects every file; the variable must exist in each, with the same rank, the same extents on
// every dimension but the first, and the same storage type; errors name the offending file and
// what differs, and for a missing variable list the variables that file does have.
Result<FileStack> planFileStack(const QStringList &files, const QString &variable);

} // namespace tessera
