// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/plan/taskgraph.h"
#include "core/status.h"

#include <QString>

#include <cstdint>
#include <map>
#include <vector>

namespace tessera {

// A worker that can take blocks: its index in the session, and how much room it has.
struct WorkerCapacity
{
    int worker = 0;
    QString name;
    std::int64_t freeBytes = 0;
    std::int64_t limitBytes = 0;
};

// Bytes each worker (by index) holds by the end of a run of `graph`: the output of every task
// it runs (temporaries live until the run ends; the result's blocks only when they are kept)
// and each distinct input region it fetches from another worker.
std::map<int, std::int64_t> plannedBytesPerWorker(const TaskGraph &graph, bool storeResult);

// Refuses, before anything moves, a plan that would put more bytes on a worker than it has
// free: ErrorCode::Memory naming `what`, the worker, the sizes and `fixes`.
Status checkRoom(const std::map<int, std::int64_t> &plannedBytes, const std::vector<WorkerCapacity> &workers, const QString &what,
                 const QString &fixes);

} // namespace tessera
