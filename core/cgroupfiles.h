// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <cstdint>
#include <functional>
#include <optional>

namespace tessera {

// The tightest limit a process's cgroups set for one resource: every cgroup from the process's
// own up to the root of its hierarchy, in cgroup v2 and in v1's hierarchy for `v1Controller`
// (mounted at cgroupRoot/v1Controller). `read` gets a cgroup's directory and whether it is v2,
// and returns that cgroup's limit or nothing. The files are passed in so tests can make a system.
using CgroupLimitReader = std::function<std::optional<double>(const QString &directory, bool v2)>;
std::optional<double> tightestCgroupLimit(const QString &procSelfCgroup, const QString &cgroupRoot, const QString &v1Controller,
                                          const CgroupLimitReader &read);

// A small file's trimmed text ("" when absent).
QString readSmallTextFile(const QString &path);

} // namespace tessera
