// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/kernels/memorybandwidth.h"

#include "core/kernels/rowloops.h"

#include <algorithm>
#include <chrono>
#include <memory>

namespace tessera {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `pass` until `seconds` have gone by (at least once); returns passes per second.
template <typename Pass>
double passesPerSecond(double seconds, Pass pass)
{
    const auto start = Clock::now();
    int passes = 0;
    double elapsed = 0;
    do {
        pass();
        ++passes;
        elapsed = secondsSince(start);
    } while (elapsed < seconds);
    return double(passes) / elapsed;
}

} // namespace

SustainedBandwidth measureSustainedBandwidth(std::size_t bytes, double seconds)
{
    const std::size_t count = std::max<std::size_t>(1, bytes / sizeof(double));
    std::unique_ptr<double[]> data(new double[count]);
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
