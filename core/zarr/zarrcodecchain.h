// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/status.h"
#include "core/zarr/zarrcodecs.h"
#include "core/zarr/zarrdtype.h"

#include <QJsonArray>
#include <QString>

#include <memory>
#include <vector>

namespace tessera::zarr {

struct ShardingCodec;

// How a chunk's elements become the bytes of its file, in encoding order: an optional
// transpose, then bytes in one byte order (or, instead, sharding), then byte codecs.
struct CodecChain
{
    std::vector<int> order; // stored axis k is the chunk's axis order[k]; empty: C order
    bool bigEndian = false;
    std::shared_ptr<const ShardingCodec> sharding; // set: the chunk is a shard of inner chunks
    std::vector<BytesCodec> bytesCodecs;

    // "bytes, zstd", "sharding_indexed [bytes, blosc (lz4, shuffle)]", for messages and views.
    QString describe() const;
};

// v3's sharding_indexed: a chunk file holds a grid of inner chunks and an index of where each is.
struct ShardingCodec
{
    Shape innerChunk;
    CodecChain inner;
    CodecChain index; // bytes, little-endian, optionally crc32c: the only index codecs v3 allows today
    bool indexAtEnd = true;
};

// v3's "codecs" list for chunks of `chunkShape` holding `dtype`: array-to-array codecs (transpose),
// then bytes or sharding_indexed, then byte codecs; anything else is an error naming the codec.
Result<CodecChain> parseV3Codecs(const QJsonArray &codecs, const Shape &chunkShape, const DataType &dtype);
// The inverse, for zarr.json.
QJsonArray v3CodecsJson(const CodecChain &chain, int typeSize);
// v2's "order": "F" as a transpose (stored axis k is axis rank-1-k); empty for C order.
std::vector<int> fortranOrder(std::size_t rank);

} // namespace tessera::zarr
