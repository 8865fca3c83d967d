// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/placement.h"

#include <algorithm>
#include <cassert>
#include <map>

namespace tessera {

int placeTask(const std::vector<InputLocation> &inputs, const std::vector<std::int64_t> &loads)
{
    assert(!loads.empty());
    std::vector<std::int64_t> held(loads.size(), 0);
    for (const InputLocation &input : inputs) {
        if (input.worker >= 0 && input.worker < int(held.size()))
            held[input.worker] += input.bytes;
    }
    int best = 0;
    for (int worker = 1; worker < int(loads.size()); ++worker) {
        if (held[worker] > held[best] || (held[worker] == held[best] && loads[worker] < loads[best]))
            best = worker;
    }
    return best;
}

std::vector<int> assignContiguous(const std::vector<std::int64_t> &itemBytes, int workerCount)
{
    assert(workerCount > 0);
    std::int64_t total = 0;
    for (std::int64_t bytes : itemBytes)
        total += bytes;
    std::vector<int> workers(itemBytes.size(), 0);
    // Item i goes to the worker whose share [w*total/W, (w+1)*total/W) holds the item's midpoint,
    // so runs are contiguous and balanced to within one item.
    std::int64_t before = 0;
    for (std::size_t i = 0; i < itemBytes.size(); ++i) {
        const double midpoint = double(before) + double(itemBytes[i]) / 2.0;
        const int worker = total > 0 ? int(midpoint * workerCount / double(total)) : int(i * workerCount / itemBytes.size());
        workers[i] = std::clamp(worker, 0, workerCount - 1);
        before += itemBytes[i];
    }
    return workers;
}

std::vector<int> assignContiguousByRoom(const std::vector<std::int64_t> &itemBytes, const std::vector<std::int64_t> &freeBytes)
{
    std::vector<int> workers(itemBytes.size(), -1);
    double room = 0;
    for (std::int64_t bytes : freeBytes)
        room += double(std::max<std::int64_t>(bytes, 0));
    if (room <= 0)
        return workers;
    std::int64_t total = 0;
    for (std::int64_t bytes : itemBytes)
        total += bytes;
    // Worker w's share of the items' bytes ends where its share of the room ends.
    std::vector<double> shareEnds;
    double cumulative = 0;
    for (std::int64_t bytes : freeBytes) {
        cumulative += double(std::max<std::int64_t>(bytes, 0));
        shareEnds.push_back(cumulative / room * double(total));
    }
    std::vector<std::int64_t> left = freeBytes;
    std::int64_t before = 0;
    for (std::size_t i = 0; i < itemBytes.size(); ++i) {
        const double midpoint = double(before) + double(itemBytes[i]) / 2.0;
        before += itemBytes[i];
        int worker = int(std::upper_bound(shareEnds.begin(), shareEnds.end(), midpoint) - shareEnds.begin());
        worker = std::min(worker, int(freeBytes.size()) - 1);
        if (left[std::size_t(worker)] < itemBytes[i]) {
            const auto roomiest = std::max_element(left.begin(), left.end());
            if (*roomiest < itemBytes[i])
                continue;
            worker = int(roomiest - left.begin());
        }
        left[std::size_t(worker)] -= itemBytes[i];
        workers[i] = worker;
    }
    return workers;
}

std::vector<int> assignRoundRobin(std::size_t itemCount, int workerCount)
{
    assert(workerCount > 0);
    std::vector<int> workers(itemCount);
    for (std::size_t i = 0; i < itemCount; ++i)
        workers[i] = int(i % std::size_t(workerCount));
    return workers;
}

std::vector<int> assignByFreeMemory(const std::vector<std::int64_t> &itemBytes, const std::vector<std::int64_t> &freeBytes)
{
    std::vector<std::int64_t> left = freeBytes;
    std::vector<int> workers(itemBytes.size(), -1);
    for (std::size_t i = 0; i < itemBytes.size(); ++i) {
        auto most = std::max_element(left.begin(), left.end());
        if (most == left.end() || *most < itemBytes[i])
            continue;
        *most -= itemBytes[i];
        workers[i] = int(most - left.begin());
    }
    return workers;
}

std::vector<std::vector<std::vector<int>>> combineTree(int itemCount, int fanIn)
{
    assert(fanIn >= 2);
    std::vector<std::vector<std::vector<int>>> levels;
    int count = itemCount;
    while (count > 1) {
        std::vector<std::vector<int>> groups;
        for (int start = 0; start < count; start += fanIn) {
            std::vector<int> group;
            for (int i = start; i < std::min(count, start + fanIn); ++i)
                group.push_back(i);
            groups.push_back(std::move(group));
        }
        count = int(groups.size());
        levels.push_back(std::move(groups));
    }
    return levels;
}

} // namespace tessera
