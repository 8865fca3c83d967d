// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/blockallocator.h"

#include <QFile>

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define TESSERA_TESTS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESSERA_TESTS_ASAN 1
#endif
#endif
#ifdef TESSERA_TESTS_ASAN
// The sanitizer runtime's count of live heap bytes (GCC ships no header for it; clang's
// sanitizer/allocator_interface.h declares the same).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace integration {

// This process's resident set, from /proc/self/status (VmRSS).
inline std::int64_t residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLongLong() * 1024;
    }
    return -1;
}

// The memory this process holds: its resident set. Under AddressSanitizer the resident set grows
// by design (freed memory waits in a quarantine of up to 256 MB before it is reused), so there
// it is what the sanitizer's allocator counts as still allocated, plus the block buffers mapped
// beside it: a leak shows in both builds, the quarantine in neither.
inline std::int64_t heldBytes()
{
#ifdef TESSERA_TESTS_ASAN
    return std::int64_t(__sanitizer_get_current_allocated_bytes() + tessera::blockallocator::mappedBytes());
#else
    return residentBytes();
#endif
}

} // namespace integration
