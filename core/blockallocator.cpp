// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/blockallocator.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <new>

#include <malloc.h>
#include <sys/mman.h>

namespace tessera::blockallocator {
namespace {

constexpr std::size_t HugePage = std::size_t(2) << 20;
// warm() maps this much at a time: few mappings, and a request of any size splices few pieces.
constexpr std::size_t WarmPiece = std::size_t(64) << 20;

std::size_t mappedSize(std::size_t bytes)
{
    return (bytes + HugePage - 1) / HugePage * HugePage;
}

struct Pool
{
    std::mutex mutex;
    std::multimap<std::size_t, char *> free; // mapped size -> buffer, all faulted in
    std::size_t pooled = 0;
};

Pool &pool()
{
    static Pool instance;
    return instance;
}

std::atomic<std::size_t> mapped{0};

// Huge pages only where nothing waits: with the kernel's usual defrag setting ("madvise") a fault
// in such a region first compacts memory when no huge page is free, measured at 0.3 GB/s here
// against 0.6-2 GB/s for small pages.
enum class Pages { Small, Huge, None };

// Maps `size` bytes starting on a 2 MiB boundary: over-map by one huge page and cut the ends off.
char *mapAligned(std::size_t size, Pages pages)
{
    const std::size_t span = size + HugePage;
    const int protection = pages == Pages::None ? PROT_NONE : PROT_READ | PROT_WRITE;
    void *raw = ::mmap(nullptr, span, protection, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + HugePage - 1) / HugePage * HugePage;
    if (aligned > start)
        ::munmap(raw, aligned - start);
    const std::uintptr_t end = start + span;
    if (end > aligned + size)
        ::munmap(reinterpret_cast<void *>(aligned + size), end - (aligned + size));
    if (pages == Pages::Huge)
        ::madvise(reinterpret_cast<void *>(aligned), size, MADV_HUGEPAGE);
    if (pages != Pages::None)
        mapped += size;
    return reinterpret_cast<char *>(aligned);
}

void unmap(char *buffer, std::size_t size)
{
    ::munmap(buffer, size);
    mapped -= size;
}

// Moves pooled pages into [target, target + size), the smallest piece that covers what is left
// first, else the largest; a piece larger than needed gives its head and keeps its tail pooled.
// Returns the bytes covered. The caller holds the pool's mutex.
std::size_t spliceFromPool(Pool &p, char *target, std::size_t size)
{
    std::size_t covered = 0;
    while (covered < size && !p.free.empty()) {
        const std::size_t remaining = size - covered;
        auto it = p.free.lower_bound(remaining);
        if (it == p.free.end())
            it = std::prev(p.free.end());
        const auto [pieceSize, piece] = *it;
        const std::size_t length = std::min(pieceSize, remaining);
        void *moved = ::mremap(piece, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, target + covered);
        if (moved == MAP_FAILED)
            break; // e.g. the process's map count limit: the caller maps fresh pages instead
        p.free.erase(it);
        if (pieceSize > length)
            p.free.emplace(pieceSize - length, piece + length);
        p.pooled -= length;
        covered += length;
    }
    return covered;
}

// A buffer made of pooled pages, with fresh pages for what the pool lacks.
char *assemble(Pool &p, std::size_t size)
{
    char *buffer = mapAligned(size, Pages::None);
    const std::size_t covered = spliceFromPool(p, buffer, size);
    if (covered < size) {
        void *tail =
            ::mmap(buffer + covered, size - covered, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (tail == MAP_FAILED) {
            ::munmap(buffer, size);
            mapped -= covered;
            throw std::bad_alloc();
        }
        mapped += size - covered;
    }
    return buffer;
}

// Faults pages in, one huge page per call: each call holds the process's memory-map lock, which
// other threads' mmap and munmap wait for. Returns the bytes populated before `stop` was seen.
std::size_t populate(char *buffer, std::size_t size, const std::atomic<bool> &stop)
{
    std::size_t done = 0;
    while (done < size && !stop.load(std::memory_order_relaxed)) {
        const std::size_t length = std::min(HugePage, size - done);
        if (::madvise(buffer + done, length, MADV_POPULATE_WRITE) != 0) {
            for (std::size_t page = 0; page < length; page += 4096) // kernels before 5.14
                static_cast<volatile char *>(buffer)[done + page] = 0;
        }
        done += length;
    }
    return done;
}

} // namespace

void *allocate(std::size_t bytes)
{
    if (bytes < LargeBytes)
        return ::operator new(bytes);
    const std::size_t size = mappedSize(bytes);
    Pool &p = pool();
    std::lock_guard lock(p.mutex);
    if (auto it = p.free.find(size); it != p.free.end()) {
        char *buffer = it->second;
        p.free.erase(it);
        p.pooled -= size;
        return buffer;
    }
    if (p.pooled == 0)
        return mapAligned(size, Pages::Small); // the statement waits for these faults
    return assemble(p, size);
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
    p.free.emplace(size, static_cast<char *>(pointer));
    p.pooled += size;
}

void trimPool(std::size_t keepBytes)
{
    Pool &p = pool();
    std::lock_guard lock(p.mutex);
    // Largest first: the fewest calls, and what is kept is what splices with least waste.
    while (p.pooled > keepBytes && !p.free.empty()) {
        auto last = std::prev(p.free.end());
        unmap(last->second, last->first);
        p.pooled -= last->first;
        p.free.erase(last);
    }
    // Pieces of blocks (a rechunk's, each under LargeBytes) live in malloc's heap, which otherwise
    // keeps what they used once they are freed: measured at 0.8 GB per worker after the bench.
    ::malloc_trim(0);
}

std::size_t warm(std::size_t targetBytes, const std::atomic<bool> &stop)
{
    Pool &p = pool();
    std::size_t added = 0;
    while (!stop.load(std::memory_order_relaxed)) {
        std::size_t missing = 0;
        {
            std::lock_guard lock(p.mutex);
            missing = p.pooled < targetBytes ? targetBytes - p.pooled : 0;
        }
        if (missing < HugePage)
            break;
        const std::size_t size = std::min(WarmPiece, missing / HugePage * HugePage);
        char *buffer = mapAligned(size, Pages::Huge);
        const std::size_t done = populate(buffer, size, stop);
        if (done < size)
            unmap(buffer + done, size - done);
        if (done == 0)
            break;
        std::lock_guard lock(p.mutex);
        p.free.emplace(done, buffer);
        p.pooled += done;
        added += done;
    }
    return added;
}

std::size_t mappedBytes()
{
    return mapped;
}

std::size_t pooledBytes()
{
    Pool &p = pool();
    std::lock_guard lock(p.mutex);
    return p.pooled;
}

void tuneMalloc()
{
    ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

} // namespace tessera::blockallocator
