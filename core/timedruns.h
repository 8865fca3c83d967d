// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <chrono>
#include <vector>

namespace tessera {

using SteadyClock = std::chrono::steady_clock;

// The seconds a timed run took so far.
inline double secondsSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Wall times of repeated runs, as the benchmarks report them. 0 for no runs.
double medianOf(std::vector<double> seconds);
// The runs after the first, as a user repeats a statement; the first when it is the only one.
double rerunMedianOf(const std::vector<double> &seconds);

} // namespace tessera
