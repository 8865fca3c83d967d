// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/timedruns.h"

#include <algorithm>

namespace tessera {

double medianOf(std::vector<double> seconds)
{
    if (seconds.empty())
        return 0;
    std::sort(seconds.begin(), seconds.end());
    const std::size_t middle = seconds.size() / 2;
    return seconds.size() % 2 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
}

double rerunMedianOf(const std::vector<double> &seconds)
{
    return seconds.size() > 1 ? medianOf({seconds.begin() + 1, seconds.end()}) : medianOf(seconds);
}

} // namespace tessera
