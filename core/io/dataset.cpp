// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/dataset.h"

#include "core/io/dataset_p.h"
#include "core/io/netcdfreader_p.h"
#include "core/io/zarrreader.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// A folder is a Zarr store or nothing Tessera reads; NetCDF's own message for it would puzzle.
Status notAStore(const QString &path)
{
    return makeError(ErrorCode::InvalidArgument, u"%1 is a directory, neither a NetCDF file nor a Zarr store (it has no "
                                                 "zarr.json, .zgroup or .zarray)"_s.arg(path));
}

} // namespace

Result<FileInfo> inspectDataset(const QString &path)
{
    if (isZarrStore(path))
        return inspectZarr(path);
    return QFileInfo(path).isDir() ? Result<FileInfo>(notAStore(path)) : inspectNetcdf(path);
}

Result<NdArray> readDatasetVariable(const QString &path, const QString &variable, std::int64_t firstStart,
                                    std::int64_t firstCount)
{
    if (isZarrStore(path))
        return readZarrVariable(path, variable, firstStart, firstCount);
    return QFileInfo(path).isDir() ? Result<NdArray>(notAStore(path)) : readVariable(path, variable, firstStart, firstCount);
}

Result<VariableProbe> probeDatasetVariable(const QString &path, const QString &variable, bool allAxisValues)
{
    if (isZarrStore(path))
        return probeZarrVariable(path, variable, allAxisValues);
    return QFileInfo(path).isDir() ? Result<VariableProbe>(notAStore(path)) : probeVariable(path, variable, allAxisValues);
}

} // namespace tessera
