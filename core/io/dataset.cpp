// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/dataset.h"

#include "core/io/dataset_p.h"
#include "core/io/netcdfreader_p.h"
#include "core/io/zarrreader.h"

namespace tessera {

Result<FileInfo> inspectDataset(const QString &path)
{
    return isZarrStore(path) ? inspectZarr(path) : inspectNetcdf(path);
}

Result<NdArray> readDatasetVariable(const QString &path, const QString &variable, std::int64_t firstStart,
                                    std::int64_t firstCount)
{
    return isZarrStore(path) ? readZarrVariable(path, variable, firstStart, firstCount)
                             : readVariable(path, variable, firstStart, firstCount);
}

Result<VariableProbe> probeDatasetVariable(const QString &path, const QString &variable, bool allAxisValues)
{
    return isZarrStore(path) ? probeZarrVariable(path, variable, allAxisValues) : probeVariable(path, variable, allAxisValues);
}

} // namespace tessera
