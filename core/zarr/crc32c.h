// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::zarr {

// CRC-32C (Castagnoli), as Zarr v3's crc32c codec and iSCSI use it; with SSE4.2 where the CPU has it.
std::uint32_t crc32c(const void *data, std::size_t size);

} // namespace tessera::zarr
