// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ops.h"

namespace tessera {

class ReductionWalk;

// Runs `walk` with the accumulator of `op`, writing the partial state's planes (components x
// kept positions, the layout documented in kernels.h). Takes the NaN-free fast path when no
// input may hold NaN. walk.hasValues() and walk.keptCount() > 0.
void accumulatePartial(ReduceOp op, ReductionWalk &walk, double *planes);

} // namespace tessera
