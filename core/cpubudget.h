// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <optional>

namespace tessera {

// How many CPUs this process may keep busy: the least of the CPUs its affinity mask allows (what
// taskset, numactl, srun's binding and cgroup cpusets leave it), its cgroup's CPU quota (v2
// cpu.max, v1 cpu.cfs_quota_us over cpu.cfs_period_us; a quota of 1.5 CPUs gives 1), and the CPUs
// Slurm gave each task (SLURM_CPUS_PER_TASK). At least 1.
struct CpuLimits
{
    int affinityCpus = 1;
    std::optional<double> cgroupCpus;
    std::optional<int> slurmCpus;

    int usableCpus() const;
    // "2 (the CPUs this process may run on)": where the count came from, for --help and logs.
    QString describe() const;
};

CpuLimits currentCpuLimits();

// The pieces, with the files and variables they read passed in, so tests can give them a
// made-up system.
std::optional<double> cgroupCpuLimit(const QString &procSelfCgroup, const QString &cgroupRoot);
std::optional<int> slurmCpusPerTask(const QString &cpusPerTask);

} // namespace tessera
