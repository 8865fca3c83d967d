// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tessera::zarr {

namespace {

constexpr std::uint32_t reflectedPolynomial = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> makeTable()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
        std::uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1u) ? reflectedPolynomial : 0u);
        table[byte] = crc;
    }
    return table;
}

std::uint32_t crcBytewise(std::uint32_t crc, const unsigned char *data, std::size_t size)
{
    static constexpr std::array<std::uint32_t, 256> table = makeTable();
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crcHardware(std::uint32_t crc, const unsigned char *data, std::size_t size)
{
    std::uint64_t wide = crc;
    for (; size >= 8; size -= 8, data += 8) {
        std::uint64_t word;
        std::memcpy(&word, data, 8);
        wide = _mm_crc32_u64(wide, word);
    }
    crc = std::uint32_t(wide);
    for (; size > 0; --size, ++data)
        crc = _mm_crc32_u8(crc, *data);
    return crc;
}
#endif

} // namespace

std::uint32_t crc32c(const void *data, std::size_t size)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
#if defined(__x86_64__)
    static const bool hardware = __builtin_cpu_supports("sse4.2");
    if (hardware)
        return ~crcHardware(~0u, bytes, size);
#endif
    return ~crcBytewise(~0u, bytes, size);
}

} // namespace tessera::zarr
