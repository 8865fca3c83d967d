// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

#include <mutex>
#include <vector>

namespace tessera {

// netCDF-C is not thread-safe: every call into it, from any thread, holds this lock.
std::mutex &netcdfMutex();

struct VariableInfo
{
    QString name;                  // full path inside the file: "t2m" or "group/sub/var"
    std::vector<QString> dimNames; // in order
    Shape shape;
    QString storageType; // "int16", "float32", "float64", ...
    QString units;
    QString longName;
};

struct FileInfo
{
    QString path;
    QString format;                      // "NetCDF-3 classic", "NetCDF-3 64-bit offset", "NetCDF-4", ...
    std::vector<VariableInfo> variables; // coordinate variables included
};

// Lists the variables of a NetCDF-3 or NetCDF-4 file (groups walked recursively).
Result<FileInfo> inspectNetcdf(const QString &path);

// Reads `variable` (a path like "group/var") decoded as netCDF4-python and xarray do by default:
// scale_factor/add_offset applied, _FillValue and missing_value (scalar or list) become NaN,
// values as float64. Reads `firstCount` entries of the first dimension from `firstStart`
// (-1: to the end). The result's mayHaveNan() is false when no value was NaN.
Result<NdArray> readVariable(const QString &path, const QString &variable, std::int64_t firstStart = 0,
                             std::int64_t firstCount = -1);

// The variable's metadata: shape, one Axis per dimension (coordinate values and attributes
// when the file has a coordinate variable of that name), units and long_name.
Result<ArrayMeta> readVariableMeta(const QString &path, const QString &variable);

} // namespace tessera
