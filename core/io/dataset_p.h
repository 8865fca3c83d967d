// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: planFileStack's look at one dataset, NetCDF or Zarr.

#include "core/io/variableprobe_p.h"
#include "core/status.h"

#include <QString>

namespace tessera {

Result<VariableProbe> probeDatasetVariable(const QString &path, const QString &variable, bool allAxisValues);

} // namespace tessera
