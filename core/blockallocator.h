// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tessera {

// Memory for large array buffers. Blocks are tens of megabytes and every operation makes new
// ones, so the cost that dominates is the first touch of fresh pages. On a virtual machine whose
// host takes back the guest's free memory (virtio-balloon free page reporting, as on the machine
// Tessera is developed on), that touch also waits for the host to back each page: measured at
// 0.3-0.6 GB/s there, against 10 GB/s for writing memory already touched. So freed buffers are kept in a pool,
// any mix of pooled buffers can serve a request of any size (their pages are moved with mremap,
// not copied or faulted again), a worker fills the pool ahead of need while it is idle (warm()),
// and trimPool() returns only what is beyond the worker's reserve.
namespace blockallocator {

inline constexpr std::size_t LargeBytes = std::size_t(1) << 20; // below this, plain operator new

void *allocate(std::size_t bytes);
void release(void *pointer, std::size_t bytes);

// Returns pooled buffers to the system until at most `keepBytes` remain pooled, and malloc's free
// heap pages with them.
void trimPool(std::size_t keepBytes);
// Maps and faults in fresh buffers until `targetBytes` are pooled, a little at a time so that
// `stop` (set when work arrives) ends it within milliseconds. Returns the bytes added.
std::size_t warm(std::size_t targetBytes, const std::atomic<bool> &stop);
// Bytes mapped for large buffers, in use or pooled: what this allocator holds beside malloc's heap.
std::size_t mappedBytes();
// Bytes of faulted-in buffers waiting in the pool.
std::size_t pooledBytes();
// Lets malloc keep socket buffers of up to 32 MiB in its heap for reuse instead of mapping fresh
// pages for each message; every program calls this first thing in main().
void tuneMalloc();

} // namespace blockallocator
} // namespace tessera
