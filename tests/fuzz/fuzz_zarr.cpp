// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A Zarr array's metadata and one chunk file of arbitrary bytes, as a worker meets them in a
// store: the metadata parsed and checked, the chunk decoded through its codecs. Every outcome
// must be a value or an error, never a crash; and a chunk that decodes must encode and decode
// back to the same elements.
//
// Input: a 2-byte little-endian length N, N bytes of metadata JSON (zarr.json when it says
// "zarr_format": 3, .zarray otherwise), then the chunk file's bytes.

#include "core/zarr/zarrchunk.h"
#include "core/zarr/zarrmetadata.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace tessera;

namespace {

// Larger chunks are what the size checks allow; here they only slow the search.
constexpr std::int64_t maxChunkBytes = std::int64_t(1) << 20;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::size_t metadataSize = std::min<std::size_t>(size - 2, data[0] | (std::size_t(data[1]) << 8));
    const QByteArray json(reinterpret_cast<const char *>(data + 2), qsizetype(metadataSize));
    const QByteArrayView chunk(reinterpret_cast<const char *>(data + 2 + metadataSize), qsizetype(size - 2 - metadataSize));
    const QString name = json.contains("\"zarr_format\": 3") || json.contains("\"zarr_format\":3") ? QStringLiteral("zarr.json")
                                                                                                   : QStringLiteral(".zarray");
    const Result<zarr::ArrayMetadata> array = zarr::parseArrayMetadata(QStringLiteral("/fuzz/array"), {{name, json}});
    if (!array || array->chunkBytes() > maxChunkBytes)
        return 0;
    ByteBuffer elements = ByteBuffer::allocate(std::max<std::int64_t>(1, array->chunkBytes()));
    if (!zarr::decodeChunkInto(*array, chunk, elements.data()))
        return 0;
    const QByteArrayView decoded(elements.data(), array->chunkBytes());
    const Result<ByteBuffer> encoded = zarr::encodeChunk(*array, decoded);
    if (!encoded)
        return 0; // e.g. blosc refusing what it cannot hold: an error, not a crash
    ByteBuffer again = ByteBuffer::allocate(std::max<std::int64_t>(1, array->chunkBytes()));
    if (!zarr::decodeChunkInto(*array, encoded->view(), again.data())
        || std::memcmp(again.data(), decoded.data(), std::size_t(decoded.size())) != 0)
        std::abort(); // what Tessera wrote, Tessera must read back
    return 0;
}
