// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/io/filestack.h"
#include "core/plan/room.h"
#include "core/plan/taskgraph.h"
#include "core/status.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace tessera {

// Which worker receives which block of a load.
enum class Distribution {
    Contiguous, // runs of neighbouring blocks per worker, balanced by bytes
    RoundRobin,
    FreeMemory, // each block to the worker with the most free memory left
};

struct LoadLayout
{
    QString arrayName; // for messages
    QString keyPrefix; // block keys are blockKey(keyPrefix, index); unique per load
    Distribution distribution = Distribution::Contiguous;
    int blocksPerFile = 1;  // each file split into this many blocks along the first dimension
    bool headReads = false; // the client reads every slab and sends the block; else each worker reads its own
};

// The placed Load tasks of one stacked variable: one task per block, in the blocks' flat order,
// each on a worker from `workers`; the graph's result is the array's block layout. Pure. Refuses,
// naming the sizes and the fixes, a load that would put more bytes on a worker than it has free.
Result<TaskGraph> planLoad(const FileStack &stack, const LoadLayout &layout, const std::vector<WorkerCapacity> &workers);

} // namespace tessera
