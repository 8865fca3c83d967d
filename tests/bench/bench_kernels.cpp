// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Micro-benchmark of the kernels on the seed experiment's per-worker share: 45 blocks of
// (4, 721, 1440) float64 (33 MB each, 1.5 GB), one thread. Prints seconds (median of the runs)
// and GB/s of input read, next to a STREAM-like copy and read bandwidth measured in the same
// run, since this machine is shared and its bandwidth drifts.
//
//   bench_kernels [runs=5] [blocks=45] [filter]   (filter: run only rows whose name contains it)

#include "core/kernels/elementwise.h"
#include "core/kernels/reduce.h"
#include "core/kernels/slice.h"
#include "core/ops.h"
#include "core/region.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <vector>

using namespace tessera;

namespace {

constexpr std::int64_t kLevels = 4;
constexpr std::int64_t kLatitudes = 721;
constexpr std::int64_t kLongitudes = 1440;

// Temperature-like values, ~280 +- 30 K: a latitude profile, a longitude wave, a small trend per
// level and cheap hash noise (a generator per value would take longer than the benchmark).
NdArray makeBlock(std::int64_t blockIndex)
{
    NdArray block(Shape{kLevels, kLatitudes, kLongitudes});
    double *values = block.data();
    std::uint64_t state = 0x9e3779b97f4a7c15ULL * std::uint64_t(blockIndex + 1);
    for (std::int64_t level = 0; level < kLevels; ++level) {
        for (std::int64_t lat = 0; lat < kLatitudes; ++lat) {
            const double profile = 250.0 + 50.0 * std::cos((double(lat) - 360.0) / 360.0 * 1.5708);
            for (std::int64_t lon = 0; lon < kLongitudes; ++lon) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                const double noise = double(state >> 11) * 0x1.0p-53 - 0.5;
                *values++ =
                    profile + 5.0 * std::sin(double(lon) * 0.004363) + 0.1 * double(blockIndex * kLevels + level) + 4.0 * noise;
            }
        }
    }
    block.setMayHaveNan(false);
    return block;
}

struct Timing
{
    double wallSeconds = 0;
    double cpuSeconds = 0; // this thread's CPU time: on a shared machine, excludes time descheduled
};

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

Timing timingOf(const std::function<void()> &work)
{
    const double cpuStart = threadCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    work();
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), threadCpuSeconds() - cpuStart};
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Bench
{
    int runs = 5;
    const char *filter = nullptr;
    double checksum = 0; // printed, so no result can be optimised away

    // bytesMoved: what the kernel must read (and write) at least; GB/s = bytesMoved / seconds.
    void measure(const char *name, double bytesMoved, const std::function<double()> &work)
    {
        if (filter && !std::strstr(name, filter))
            return;
        std::vector<double> times;
        std::vector<double> cpuTimes;
        for (int run = 0; run < runs; ++run) {
            const Timing timing = timingOf([&] { checksum += work(); });
            times.push_back(timing.wallSeconds);
            cpuTimes.push_back(timing.cpuSeconds);
        }
        const double seconds = median(times);
        std::printf("%-34s %8.4f s  %6.2f GB/s  (min %.4f, max %.4f; cpu %.4f s)\n", name, seconds, bytesMoved / seconds / 1e9,
                    *std::min_element(times.begin(), times.end()), *std::max_element(times.begin(), times.end()),
                    median(cpuTimes));
        std::fflush(stdout);
    }
};

double firstValue(const NdArray &array)
{
    return array.size() > 0 ? array.at(0) : 0.0;
}

void runReductions(Bench &bench, const std::vector<NdArray> &blocks, const char *variant)
{
    const double bytes = double(blocks.size()) * double(blocks.front().byteSize());
    char name[96];

    std::snprintf(name, sizeof name, "sum/all %s", variant);
    bench.measure(name, bytes, [&] {
        std::vector<NdArray> partials;
        for (const NdArray &block : blocks)
            partials.push_back(partialReduce(ReduceOp::Sum, {block}, {0, 1, 2}));
        return firstValue(finalizeReduce(ReduceOp::Sum, combinePartials(ReduceOp::Sum, partials)));
    });

    std::snprintf(name, sizeof name, "mean/(1,2) per block %s", variant);
    bench.measure(name, bytes, [&] {
        double result = 0;
        for (const NdArray &block : blocks)
            result += firstValue(finalizeReduce(ReduceOp::Mean, partialReduce(ReduceOp::Mean, {block}, {1, 2})));
        return result;
    });

    std::snprintf(name, sizeof name, "mean/axis0 one call %s", variant);
    bench.measure(name, bytes, [&] { return firstValue(partialReduce(ReduceOp::Mean, blocks, {0})); });

    std::snprintf(name, sizeof name, "std/axis0 one call %s", variant);
    bench.measure(name, bytes, [&] { return firstValue(partialReduce(ReduceOp::Std, blocks, {0})); });

    std::snprintf(name, sizeof name, "max/axis0 one call %s", variant);
    bench.measure(name, bytes, [&] { return firstValue(partialReduce(ReduceOp::Max, blocks, {0})); });
}

} // namespace

int main(int argc, char **argv)
{
    Bench bench;
    bench.runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const int blockCount = argc > 2 ? std::max(1, std::atoi(argv[2])) : 45;
    bench.filter = argc > 3 ? argv[3] : nullptr;

    std::vector<NdArray> blocks;
    for (int index = 0; index < blockCount; ++index)
        blocks.push_back(makeBlock(index));
    const double blockBytes = double(blocks.front().byteSize());
    const double bytes = blockBytes * blockCount;
    std::printf("%d blocks of (4, 721, 1440) float64, %.2f GB, median of %d runs\n", blockCount, bytes / 1e9, bench.runs);

    // STREAM-like references: copy counts bytes read + written, as STREAM does.
    NdArray scratch(blocks.front().shape());
    bench.measure("stream copy (memcpy, r+w)", 2 * bytes, [&] {
        for (const NdArray &block : blocks)
            std::memcpy(scratch.data(), block.data(), std::size_t(block.byteSize()));
        return scratch.at(0);
    });
    bench.measure("stream read (8-lane sum)", bytes, [&] {
        double lanes[8] = {};
        for (const NdArray &block : blocks) {
            const double *x = block.data();
            for (std::int64_t i = 0; i + 8 <= block.size(); i += 8)
                for (int lane = 0; lane < 8; ++lane)
                    lanes[lane] += x[i + lane];
        }
        return lanes[0] + lanes[7];
    });

    runReductions(bench, blocks, "(no NaN)");

    // x - x.mean(): a fresh output per block, as a worker makes it (r+w).
    const NdArray mean = NdArray::scalar(280.0);
    bench.measure("subtract scalar per block (r+w)", 2 * bytes, [&] {
        double result = 0;
        for (const NdArray &block : blocks)
            result += firstValue(binaryKernel(BinaryOp::Subtract, block, mean));
        return result;
    });
    bench.measure("subtract same shape (2r+w)", 3 * bytes, [&] {
        double result = 0;
        for (std::size_t index = 0; index < blocks.size(); ++index)
            result += firstValue(binaryKernel(BinaryOp::Add, blocks[index], blocks[(index + 1) % blocks.size()]));
        return result;
    });
    const Region plane{{1, 1, 1, true}, AxisSlice::whole(kLatitudes), AxisSlice::whole(kLongitudes)};
    bench.measure("slice one plane per block (r+w)", 2 * bytes / kLevels, [&] {
        double result = 0;
        for (const NdArray &block : blocks)
            result += firstValue(sliceArray(block, plane));
        return result;
    });

    // A few NaNs per block, flagged: the NaN-skipping paths.
    for (NdArray &block : blocks) {
        for (std::int64_t i = 17; i < block.size(); i += block.size() / 7)
            block.data()[i] = std::nan("");
        block.setMayHaveNan(true);
    }
    runReductions(bench, blocks, "(NaN)");

    std::printf("checksum %g\n", bench.checksum);
    return 0;
}
