// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: the metadata look-up shared by readVariableMeta and planFileStack, which
// needs the storage type too and, for all files but the first, only the first axis' values.

#include "core/io/variableprobe_p.h"
#include "core/status.h"

#include <QString>

namespace tessera {

// Coordinate values are read for every axis when `allAxisValues`, otherwise for axis 0 only.
Result<VariableProbe> probeVariable(const QString &path, const QString &variable, bool allAxisValues);

} // namespace tessera
