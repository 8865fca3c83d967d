// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstdint>
#include <vector>

namespace tessera {

// Pure placement decisions, unit-tested on their own.

struct InputLocation
{
    int worker = -1; // -1: nowhere yet (e.g. a constant)
    std::int64_t bytes = 0;
};

// The worker holding most of the task's input bytes; ties go to the least loaded of the tied
// workers (then the lowest index). A task with no located input goes to the least loaded worker.
// `loads` has one entry per worker, in any unit (bytes of work assigned so far).
int placeTask(const std::vector<InputLocation> &inputs, const std::vector<std::int64_t> &loads);

// Which worker receives each of `itemBytes` (files or blocks, in order) when scattering:
// contiguous runs of neighbouring items, each worker receiving about the same number of bytes.
std::vector<int> assignContiguous(const std::vector<std::int64_t> &itemBytes, int workerCount);
std::vector<int> assignRoundRobin(std::size_t itemCount, int workerCount);
// Contiguous runs again, but each worker's share in proportion to its free bytes (workers with
// none get nothing); an item that then fits nowhere goes to the worker with the most room left
// that can take it, or nowhere (-1).
std::vector<int> assignContiguousByRoom(const std::vector<std::int64_t> &itemBytes, const std::vector<std::int64_t> &freeBytes);
// Each item to the worker with the most free bytes left after the items before it; an item goes
// nowhere (-1) when no worker has room for it.
std::vector<int> assignByFreeMemory(const std::vector<std::int64_t> &itemBytes, const std::vector<std::int64_t> &freeBytes);

// Groups `items` for a cross-worker combine tree of fan-in at most `fanIn`: returns, level by
// level, the groups of indices into the previous level (level 0 indexes `items`).
std::vector<std::vector<std::vector<int>>> combineTree(int itemCount, int fanIn);

} // namespace tessera
