// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/blockallocator.h"

#include <atomic>
#include <map>
#include <mutex>
#include <new>

#include <malloc.h>
#include <sys/mman.h>

namespace tessera::blockallocator {
namespace {

constexpr std::size_t HugePage = std::size_t(2) << 20;

std::size_t mappedSize(std::size_t bytes)
{
    return (bytes + HugePage - 1) / HugePage * HugePage;
}

struct Pool
{
    std::mutex mutex;
    std::multimap<std::size_t, void *> free; // mapped size -> buffer
    std::size_t pooled = 0;
};

Pool &pool()
{
    static Pool instance;
    return instance;
}

std::atomic<std::size_t> mapped{0};

void *mapAligned(std::size_t size)
{
    // Over-map by one huge page and cut the ends off, so the buffer starts on a 2 MiB boundary.
    const std::size_t span = size + HugePage;
    void *raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + HugePage - 1) / HugePage * HugePage;
    if (aligned > start)
        ::munmap(raw, aligned - start);
    const std::uintptr_t end = start + span;
    if (end > aligned + size)
        ::munmap(reinterpret_cast<void *>(aligned + size), end - (aligned + size));
    ::madvise(reinterpret_cast<void *>(aligned), size, MADV_HUGEPAGE);
    mapped += size;
    return reinterpret_cast<void *>(aligned);
}

} // namespace

void *allocate(std::size_t bytes)
{
    if (bytes < LargeBytes)
        return ::operator new(bytes);
    const std::size_t size = mappedSize(bytes);
    {
        Pool &p = pool();
        std::lock_guard lock(p.mutex);
        if (auto it = p.free.find(size); it != p.free.end()) {
            void *buffer = it->second;
            p.free.erase(it);
            p.pooled -= size;
            return buffer;
        }
    }
    return mapAligned(size);
}

void release(void *pointer, std::size_t bytes)
{
    if (!pointer)
        return;
    if (bytes < LargeBytes) {
        ::operator delete(pointer);
        return;
    }
    const std::size_t size = mappedSize(bytes);
    Pool &p = pool();
    std::lock_guard lock(p.mutex);
    p.free.emplace(size, pointer);
    p.pooled += size;
}

void trimPool(std::size_t keepBytes)
{
    Pool &p = pool();
    std::lock_guard lock(p.mutex);
    // Largest first: they are the least likely to be asked for again exactly.
    while (p.pooled > keepBytes && !p.free.empty()) {
        auto last = std::prev(p.free.end());
        ::munmap(last->second, last->first);
        mapped -= last->first;
        p.pooled -= last->first;
        p.free.erase(last);
    }
}

std::size_t mappedBytes()
{
    return mapped;
}

void tuneMalloc()
{
    ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

} // namespace tessera::blockallocator
