// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/memorybudget.h"

#include "core/bytesize.h"
#include "core/cgroupfiles.h"

#include <algorithm>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// A limit this large means none (cgroup v1 reports "no limit" as a page-rounded INT64_MAX).
constexpr std::int64_t unlimited = std::int64_t(1) << 60;

std::optional<double> memoryLimitIn(const QString &directory, bool v2)
{
    const QString text = readSmallTextFile(directory + (v2 ? u"/memory.max"_s : u"/memory.limit_in_bytes"_s));
    bool ok = false;
    const std::int64_t value = text.toLongLong(&ok);
    if (!ok || value <= 0 || value >= unlimited)
        return std::nullopt; // absent, "max", or no limit
    return double(value);
}

} // namespace

std::optional<std::int64_t> cgroupMemoryLimitBytes(const QString &procSelfCgroup, const QString &cgroupRoot)
{
    const std::optional<double> limit = tightestCgroupLimit(procSelfCgroup, cgroupRoot, u"memory"_s, memoryLimitIn);
    return limit ? std::optional<std::int64_t>(std::int64_t(*limit)) : std::nullopt;
}

std::optional<std::int64_t> slurmMemoryBytes(const QString &memPerNode, const QString &memPerCpu, const QString &cpusOnNode)
{
    // Slurm gives megabytes.
    bool ok = false;
    if (const std::int64_t node = memPerNode.toLongLong(&ok); ok && node > 0)
        return node << 20;
    const std::int64_t perCpu = memPerCpu.toLongLong(&ok);
    if (!ok || perCpu <= 0)
        return std::nullopt;
    const std::int64_t cpus = cpusOnNode.toLongLong(&ok);
    return (perCpu << 20) * (ok && cpus > 0 ? cpus : 1);
}

std::int64_t MemoryLimits::tightestBytes() const
{
    std::int64_t tightest = physicalBytes;
    for (const std::optional<std::int64_t> &limit : {cgroupBytes, slurmBytes}) {
        if (limit)
            tightest = std::min(tightest, *limit);
    }
    return tightest;
}

QString MemoryLimits::describe() const
{
    const std::int64_t tightest = tightestBytes();
    const QString source = slurmBytes && *slurmBytes == tightest     ? u"Slurm's allocation"_s
                           : cgroupBytes && *cgroupBytes == tightest ? u"the cgroup's limit"_s
                                                                     : u"physical memory"_s;
    return u"80% of %1 (%2)"_s.arg(formatBytes(tightest), source);
}

MemoryLimits currentMemoryLimits()
{
    MemoryLimits limits;
    limits.physicalBytes = std::int64_t(sysconf(_SC_PHYS_PAGES)) * std::int64_t(sysconf(_SC_PAGE_SIZE));
    limits.cgroupBytes = cgroupMemoryLimitBytes(u"/proc/self/cgroup"_s, u"/sys/fs/cgroup"_s);
    limits.slurmBytes = slurmMemoryBytes(qEnvironmentVariable("SLURM_MEM_PER_NODE"), qEnvironmentVariable("SLURM_MEM_PER_CPU"),
                                         qEnvironmentVariable("SLURM_CPUS_ON_NODE"));
    return limits;
}

std::int64_t memoryBudgetBytes()
{
    return currentMemoryLimits().tightestBytes() / 10 * 8;
}

} // namespace tessera
