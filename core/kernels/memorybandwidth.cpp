// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/memorybandwidth.h"

#include "core/kernels/rowloops.h"

#include "core/blockallocator.h"
#include "core/timedruns.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace tessera {
namespace {

// Runs `pass` until `seconds` have gone by (at least three times); returns passes per second by
// the median pass, so that passes timed while other workers on the same cores were still
// starting or already done do not count.
template <typename Pass>
double passesPerSecond(double seconds, Pass pass)
{
    const auto start = SteadyClock::now();
    std::vector<double> durations;
    do {
        const auto begin = SteadyClock::now();
        pass();
        durations.push_back(secondsSince(begin));
    } while (durations.size() < 3 || secondsSince(start) < seconds);
    return 1.0 / medianOf(std::move(durations));
}

} // namespace

SustainedBandwidth measureSustainedBandwidth(std::size_t bytes, double seconds)
{
    const std::size_t count = std::max<std::size_t>(1, bytes / sizeof(double));
    // From the block pool, and back to it: pooled pages (the warm reserve's, or an earlier
    // measurement's) are touched already, so the untimed fill is short and workers asked
    // together start their passes nearer together.
    const std::unique_ptr<double, std::function<void(double *)>> data(
        static_cast<double *>(blockallocator::allocate(count * sizeof(double))),
        [count](double *buffer) { blockallocator::release(buffer, count * sizeof(double)); });
    std::fill_n(data.get(), count, 0.0); // first touches, which cost far more than writes, untimed
    SustainedBandwidth measured;
    std::size_t pass = 0;
    measured.writeBytesPerSecond = double(count * sizeof(double))
                                   * passesPerSecond(seconds / 2, [&] { std::fill_n(data.get(), count, double(++pass & 1023)); });
    volatile double sink = 0;
    measured.readBytesPerSecond = double(count * sizeof(double)) * passesPerSecond(seconds / 2, [&] {
                                      sink = sink + reductionloops::rowSum(data.get(), std::int64_t(count));
                                  });
    return measured;
}

} // namespace tessera
