// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera {

// Memory for large array buffers. Blocks are tens of megabytes and every operation makes new
// ones, so the cost that dominates is the first touch of fresh pages: on a virtual machine each
// 4 KiB page fault can cost microseconds. Large buffers are therefore mapped 2 MiB-aligned with
// transparent huge pages requested (one fault per 2 MiB), and freed buffers are kept for reuse
// by the next operation instead of being returned to the system at once; trimPool() returns
// what is not needed once a worker is idle.
namespace blockallocator {

inline constexpr std::size_t LargeBytes = std::size_t(1) << 20; // below this, plain operator new

void *allocate(std::size_t bytes);
void release(void *pointer, std::size_t bytes);

// Returns pooled buffers to the system until at most `keepBytes` remain pooled.
void trimPool(std::size_t keepBytes);
// Bytes mapped for large buffers, in use or pooled: what this allocator holds beside malloc's heap.
std::size_t mappedBytes();
// Lets malloc keep socket buffers of up to 32 MiB in its heap for reuse instead of mapping fresh
// pages for each message; every program calls this first thing in main().
void tuneMalloc();

} // namespace blockallocator
} // namespace tessera
