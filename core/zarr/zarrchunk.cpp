// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrchunk.h"

#include "core/zarr/boxruns.h"

#include <QtEndian>

#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

namespace {

constexpr std::uint64_t emptyEntry = std::numeric_limits<std::uint64_t>::max();

bool machineIsBigEndian()
{
    return QSysInfo::ByteOrder == QSysInfo::BigEndian;
}

// Moves elements between C order and the stored order: stored axis k is the chunk's axis
// order[k]. `toStored` picks the direction.
QByteArray permuted(QByteArrayView data, const Shape &shape, const std::vector<int> &order, int size, bool toStored)
{
    const std::size_t rank = shape.size();
    Shape storedShape(rank);
    for (std::size_t k = 0; k < rank; ++k)
        storedShape[k] = shape[std::size_t(order[k])];
    const std::vector<std::int64_t> storedStrides = rowMajorStrides(storedShape);
    std::vector<std::int64_t> strideOfAxis(rank); // in the stored buffer, per chunk axis
    for (std::size_t k = 0; k < rank; ++k)
        strideOfAxis[std::size_t(order[k])] = storedStrides[k];

    QByteArray out(data.size(), Qt::Uninitialized);
    std::vector<std::int64_t> index(rank, 0);
    std::int64_t stored = 0;
    const std::int64_t count = elementCount(shape);
    for (std::int64_t flat = 0; flat < count; ++flat) {
        const char *from = data.data() + (toStored ? flat : stored) * size;
        char *to = out.data() + (toStored ? stored : flat) * size;
        std::memcpy(to, from, std::size_t(size));
        for (std::size_t axis = rank; axis-- > 0;) {
            if (++index[axis] < shape[axis]) {
                stored += strideOfAxis[axis];
                break;
            }
            stored -= (shape[axis] - 1) * strideOfAxis[axis];
            index[axis] = 0;
        }
    }
    return out;
}

Result<QByteArray> decodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView stored);

Shape shardGrid(const ShardingCodec &sharding, const Shape &shape)
{
    Shape grid;
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        grid.push_back(shape[axis] / sharding.innerChunk[axis]);
    return grid;
}

qint64 indexBytes(const ShardingCodec &sharding, const Shape &grid)
{
    return elementCount(grid) * 16 + 4 * qint64(sharding.index.bytesCodecs.size());
}

QByteArray filled(const Shape &shape, const ScalarBytes &fill, int size)
{
    const std::int64_t count = elementCount(shape);
    QByteArray out(count * size, Qt::Uninitialized);
    for (std::int64_t i = 0; i < count; ++i)
        std::memcpy(out.data() + i * size, fill.data(), std::size_t(size));
    return out;
}

Shape innerOrigin(const ShardingCodec &sharding, const Shape &grid, std::int64_t inner)
{
    Shape origin(grid.size());
    for (std::size_t axis = grid.size(); axis-- > 0;) {
        origin[axis] = (inner % grid[axis]) * sharding.innerChunk[axis];
        inner /= grid[axis];
    }
    return origin;
}

Result<QByteArray> decodeShard(const ShardingCodec &sharding, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                               QByteArrayView shard)
{
    const Shape grid = shardGrid(sharding, shape);
    const qint64 indexSize = indexBytes(sharding, grid);
    if (shard.size() < indexSize)
        return makeError(ErrorCode::Format,
                         u"is a shard of %1 bytes, too short for its %2-byte index"_s.arg(shard.size()).arg(indexSize));
    Shape indexShape = grid;
    indexShape.push_back(2);
    Result<QByteArray> index = decodeWith(sharding.index, DataType{ScalarKind::UInt, 8}, indexShape, {},
                                          sharding.indexAtEnd ? shard.last(indexSize) : shard.first(indexSize));
    if (!index)
        return index.status().withContext(u"shard index"_s);

    QByteArray out = filled(shape, fill, dtype.size);
    const std::int64_t inners = elementCount(grid);
    for (std::int64_t inner = 0; inner < inners; ++inner) {
        std::uint64_t entry[2];
        std::memcpy(entry, index->constData() + inner * 16, 16);
        if (entry[0] == emptyEntry && entry[1] == emptyEntry)
            continue;
        if (entry[0] > std::uint64_t(shard.size()) || entry[1] > std::uint64_t(shard.size()) - entry[0])
            return makeError(ErrorCode::Format, u"shard index points past the end of the shard (inner chunk %1)"_s.arg(inner));
        Result<QByteArray> elements =
            decodeWith(sharding.inner, dtype, sharding.innerChunk, fill, shard.sliced(qsizetype(entry[0]), qsizetype(entry[1])));
        if (!elements)
            return elements.status().withContext(u"inner chunk %1"_s.arg(inner));
        forEachRun(sharding.innerChunk, sharding.innerChunk, Shape(shape.size(), 0), shape, innerOrigin(sharding, grid, inner),
                   [&](std::int64_t from, std::int64_t to, std::int64_t length) {
            std::memcpy(out.data() + to * dtype.size, elements->constData() + from * dtype.size,
                        std::size_t(length * dtype.size));
        });
    }
    return out;
}

Result<QByteArray> decodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView stored)
{
    const qint64 elementBytes = elementCount(shape) * dtype.size;
    QByteArray bytes = stored.toByteArray();
    for (std::size_t i = chain.bytesCodecs.size(); i-- > 0;) {
        const bool innermost = i == 0 && !chain.sharding;
        Result<QByteArray> decoded = decodeBytes(chain.bytesCodecs[i], bytes, innermost ? elementBytes : -1);
        if (!decoded)
            return decoded.status().withContext(chain.bytesCodecs[i].name());
        bytes = std::move(*decoded);
    }
    if (chain.sharding)
        return decodeShard(*chain.sharding, dtype, shape, fill, bytes);
    if (bytes.size() != elementBytes)
        return makeError(ErrorCode::Format, u"holds %1 bytes where a chunk of %2 %3 needs %4"_s.arg(bytes.size())
                                                .arg(shapeToString(shape), dtype.name())
                                                .arg(elementBytes));
    if (chain.bigEndian != machineIsBigEndian())
        swapBytes(reinterpret_cast<std::byte *>(bytes.data()), std::size_t(elementCount(shape)), dtype.size);
    if (!chain.order.empty())
        return permuted(bytes, shape, chain.order, dtype.size, false);
    return bytes;
}

bool onlyFill(QByteArrayView elements, const ScalarBytes &fill, int size)
{
    for (qsizetype at = 0; at < elements.size(); at += size) {
        if (std::memcmp(elements.data() + at, fill.data(), std::size_t(size)) != 0)
            return false;
    }
    return true;
}

Result<QByteArray> encodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView elements);

Result<QByteArray> encodeShard(const ShardingCodec &sharding, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                               QByteArrayView elements)
{
    const Shape grid = shardGrid(sharding, shape);
    const qint64 indexSize = indexBytes(sharding, grid);
    const std::int64_t inners = elementCount(grid);
    std::vector<std::uint64_t> index(std::size_t(inners) * 2, emptyEntry);
    QByteArray body;
    const qint64 base = sharding.indexAtEnd ? 0 : indexSize;
    QByteArray inner(elementCount(sharding.innerChunk) * dtype.size, Qt::Uninitialized);
    for (std::int64_t at = 0; at < inners; ++at) {
        forEachRun(sharding.innerChunk, shape, innerOrigin(sharding, grid, at), sharding.innerChunk, Shape(shape.size(), 0),
                   [&](std::int64_t from, std::int64_t to, std::int64_t length) {
            std::memcpy(inner.data() + to * dtype.size, elements.data() + from * dtype.size, std::size_t(length * dtype.size));
        });
        if (onlyFill(inner, fill, dtype.size))
            continue;
        Result<QByteArray> encoded = encodeWith(sharding.inner, dtype, sharding.innerChunk, fill, inner);
        TESSERA_RETURN_IF_ERROR(encoded);
        index[std::size_t(at) * 2] = std::uint64_t(base + body.size());
        index[std::size_t(at) * 2 + 1] = std::uint64_t(encoded->size());
        body += *encoded;
    }
    Shape indexShape = grid;
    indexShape.push_back(2);
    Result<QByteArray> encodedIndex =
        encodeWith(sharding.index, DataType{ScalarKind::UInt, 8}, indexShape, {},
                   QByteArrayView(reinterpret_cast<const char *>(index.data()), qsizetype(index.size() * 8)));
    TESSERA_RETURN_IF_ERROR(encodedIndex);
    return QByteArray(sharding.indexAtEnd ? body + *encodedIndex : *encodedIndex + body);
}

Result<QByteArray> encodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView elements)
{
    QByteArray bytes = chain.order.empty() ? elements.toByteArray() : permuted(elements, shape, chain.order, dtype.size, true);
    if (chain.sharding) {
        Result<QByteArray> shard = encodeShard(*chain.sharding, dtype, shape, fill, bytes);
        TESSERA_RETURN_IF_ERROR(shard);
        bytes = std::move(*shard);
    } else if (chain.bigEndian != machineIsBigEndian()) {
        swapBytes(reinterpret_cast<std::byte *>(bytes.data()), std::size_t(elementCount(shape)), dtype.size);
    }
    for (const BytesCodec &codec : chain.bytesCodecs) {
        Result<QByteArray> encoded = encodeBytes(codec, bytes);
        TESSERA_RETURN_IF_ERROR(encoded);
        bytes = std::move(*encoded);
    }
    return bytes;
}

} // namespace

Result<QByteArray> decodeChunk(const ArrayMetadata &array, QByteArrayView stored)
{
    return decodeWith(array.codecs, array.dtype, array.chunkShape, array.fill, stored);
}

Result<QByteArray> encodeChunk(const ArrayMetadata &array, QByteArrayView elements)
{
    return encodeWith(array.codecs, array.dtype, array.chunkShape, array.fill, elements);
}

QByteArray fillChunk(const ArrayMetadata &array, const Shape &chunkShape)
{
    return filled(chunkShape, array.fill, array.dtype.size);
}

} // namespace tessera::zarr
