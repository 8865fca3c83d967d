// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/cpubudget.h"

#include "core/cgroupfiles.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <sched.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

std::optional<double> quotaOverPeriod(const QString &quota, const QString &period)
{
    bool quotaOk = false, periodOk = false;
    const double q = quota.toDouble(&quotaOk), p = period.toDouble(&periodOk);
    if (!quotaOk || !periodOk || q <= 0 || p <= 0)
        return std::nullopt; // "max", -1 or absent: no quota
    return q / p;
}

std::optional<double> cpuLimitIn(const QString &directory, bool v2)
{
    if (v2) {
        const QStringList fields = readSmallTextFile(directory + u"/cpu.max"_s).split(u' ');
        return fields.size() == 2 ? quotaOverPeriod(fields[0], fields[1]) : std::nullopt;
    }
    return quotaOverPeriod(readSmallTextFile(directory + u"/cpu.cfs_quota_us"_s),
                           readSmallTextFile(directory + u"/cpu.cfs_period_us"_s));
}

int affinityCpuCount()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
}

} // namespace

std::optional<double> cgroupCpuLimit(const QString &procSelfCgroup, const QString &cgroupRoot)
{
    return tightestCgroupLimit(procSelfCgroup, cgroupRoot, u"cpu"_s, cpuLimitIn);
}

std::optional<int> slurmCpusPerTask(const QString &cpusPerTask)
{
    bool ok = false;
    const int cpus = cpusPerTask.toInt(&ok);
    return ok && cpus > 0 ? std::optional<int>(cpus) : std::nullopt;
}

int CpuLimits::usableCpus() const
{
    int usable = affinityCpus;
    if (cgroupCpus)
        usable = std::min(usable, int(std::floor(*cgroupCpus)));
    if (slurmCpus)
        usable = std::min(usable, *slurmCpus);
    return std::max(1, usable);
}

QString CpuLimits::describe() const
{
    const int usable = usableCpus();
    const QString source = slurmCpus && *slurmCpus == usable                      ? u"the CPUs Slurm gave each task"_s
                           : cgroupCpus && int(std::floor(*cgroupCpus)) <= usable ? u"the cgroup's CPU quota"_s
                                                                                  : u"the CPUs this process may run on"_s;
    return u"%1 (%2)"_s.arg(usable).arg(source);
}

CpuLimits currentCpuLimits()
{
    CpuLimits limits;
    limits.affinityCpus = affinityCpuCount();
    limits.cgroupCpus = cgroupCpuLimit(u"/proc/self/cgroup"_s, u"/sys/fs/cgroup"_s);
    limits.slurmCpus = slurmCpusPerTask(qEnvironmentVariable("SLURM_CPUS_PER_TASK"));
    return limits;
}

} // namespace tessera
