// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "app/cli/steprunner.h"
#include "core/status.h"
#include "net/session/clustersession.h"

#include <QString>

#include <vector>

namespace tessera::cli {

// tessera-cli bench --zarr DIR: the array saved as a Zarr v3 store with zstd (every worker
// writing its own chunks) and loaded back from it, each beside what the disk and the codec allow,
// measured in the same run: file write and read bandwidth in DIR, and zstd's speed on one thread
// on a block of the same data (read here from `sampleFile`), over the workers' `threads`.
Status runZarrSteps(ClusterSession &session, const QString &arrayName, const QString &sampleFile, const QString &variable,
                    const QString &directory, int repeats, double threads, std::vector<BenchRow> &rows);

} // namespace tessera::cli
