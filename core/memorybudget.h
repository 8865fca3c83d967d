// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace tessera {

// How much memory this process may fill with blocks: 80% of the least of the machine's physical
// memory, its cgroup's memory limit (v1 or v2, the tightest of its ancestors), and the memory
// Slurm gave the job step (SLURM_MEM_PER_NODE, or SLURM_MEM_PER_CPU times the CPUs on the node).
// The other 20% is for the program itself, socket buffers and the kernel's page cache.
std::int64_t memoryBudgetBytes();

struct MemoryLimits
{
    std::int64_t physicalBytes = 0;
    std::optional<std::int64_t> cgroupBytes;
    std::optional<std::int64_t> slurmBytes;

    std::int64_t tightestBytes() const;
    // "80% of 24.00 GB (the cgroup's limit)": where a budget came from, for --help and logs.
    QString describe() const;
};

MemoryLimits currentMemoryLimits();

// The pieces, with the files they read passed in, so tests can give them a made-up system.
std::optional<std::int64_t> cgroupMemoryLimitBytes(const QString &procSelfCgroup, const QString &cgroupRoot);
std::optional<std::int64_t> slurmMemoryBytes(const QString &memPerNode, const QString &memPerCpu, const QString &cpusOnNode);

} // namespace tessera
