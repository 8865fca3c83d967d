// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrchunk.h"

#include "core/zarr/boxruns.h"

#include <QByteArray>
#include <QSysInfo>

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

// Moves elements between C order and the stored order, in which stored axis k is the chunk's
// axis order[k]; `toStored` picks the direction.
void permuteInto(const char *from, char *to, const Shape &shape, const std::vector<int> &order, int size, bool toStored)
{
    const std::size_t rank = shape.size();
    Shape storedShape(rank);
    for (std::size_t k = 0; k < rank; ++k)
        storedShape[k] = shape[std::size_t(order[k])];
    const std::vector<std::int64_t> storedStrides = rowMajorStrides(storedShape);
    std::vector<std::int64_t> strideOfAxis(rank); // in the stored buffer, per chunk axis
    for (std::size_t k = 0; k < rank; ++k)
        strideOfAxis[std::size_t(order[k])] = storedStrides[k];

    std::vector<std::int64_t> index(rank, 0);
    std::int64_t stored = 0;
    const std::int64_t count = elementCount(shape);
    for (std::int64_t flat = 0; flat < count; ++flat) {
        std::memcpy(to + (toStored ? stored : flat) * size, from + (toStored ? flat : stored) * size, std::size_t(size));
        for (std::size_t axis = rank; axis-- > 0;) {
            if (++index[axis] < shape[axis]) {
                stored += strideOfAxis[axis];
                break;
            }
            stored -= (shape[axis] - 1) * strideOfAxis[axis];
            index[axis] = 0;
        }
    }
}

Status decodeInto(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                  QByteArrayView stored, char *elements);

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

Shape indexShapeOf(const Shape &grid)
{
    Shape shape = grid;
    shape.push_back(2);
    return shape;
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

void copyBox(const char *from, const Shape &fromShape, const Shape &fromOrigin, char *to, const Shape &toShape,
             const Shape &toOrigin, const Shape &extent, int size)
{
    forEachRun(extent, fromShape, fromOrigin, toShape, toOrigin,
               [&](std::int64_t source, std::int64_t target, std::int64_t length) {
        std::memcpy(to + target * size, from + source * size, std::size_t(length * size));
    });
}

Status decodeShard(const ShardingCodec &sharding, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                   QByteArrayView shard, char *elements)
{
    const Shape grid = shardGrid(sharding, shape);
    const qint64 indexSize = indexBytes(sharding, grid);
    if (shard.size() < indexSize)
        return makeError(ErrorCode::Format,
                         u"is a shard of %1 bytes, too short for its %2-byte index"_s.arg(shard.size()).arg(indexSize));
    const std::int64_t inners = elementCount(grid);
    std::vector<std::uint64_t> index(std::size_t(inners) * 2);
    const Status indexRead =
        decodeInto(sharding.index, DataType{ScalarKind::UInt, 8}, indexShapeOf(grid), {},
                   sharding.indexAtEnd ? shard.last(indexSize) : shard.first(indexSize), reinterpret_cast<char *>(index.data()));
    if (!indexRead)
        return indexRead.withContext(u"shard index"_s);

    fillElements(elements, elementCount(shape), fill, dtype.size);
    ByteBuffer inner = ByteBuffer::allocate(elementCount(sharding.innerChunk) * dtype.size);
    for (std::int64_t at = 0; at < inners; ++at) {
        const std::uint64_t offset = index[std::size_t(at) * 2];
        const std::uint64_t length = index[std::size_t(at) * 2 + 1];
        if (offset == emptyEntry && length == emptyEntry)
            continue;
        if (offset > std::uint64_t(shard.size()) || length > std::uint64_t(shard.size()) - offset)
            return makeError(ErrorCode::Format, u"shard index points past the end of the shard (inner chunk %1)"_s.arg(at));
        const Status decoded = decodeInto(sharding.inner, dtype, sharding.innerChunk, fill,
                                          shard.sliced(qsizetype(offset), qsizetype(length)), inner.data());
        if (!decoded)
            return decoded.withContext(u"inner chunk %1"_s.arg(at));
        copyBox(inner.data(), sharding.innerChunk, Shape(shape.size(), 0), elements, shape, innerOrigin(sharding, grid, at),
                sharding.innerChunk, dtype.size);
    }
    return Status::ok();
}

Status decodeInto(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                  QByteArrayView stored, char *elements)
{
    const qint64 elementBytes = elementCount(shape) * dtype.size;
    QByteArrayView current = stored;
    QByteArray holder; // what a codec made whose size was not known beforehand
    // Undone last to first: crc32c only checks, and the innermost codec writes where the elements go.
    std::size_t remaining = chain.bytesCodecs.size();
    while (remaining > 0) {
        const BytesCodec &codec = chain.bytesCodecs[remaining - 1];
        if (codec.id == BytesCodec::Id::Crc32c) {
            Result<QByteArrayView> payload = checkCrc32c(current);
            if (!payload)
                return payload.status().withContext(codec.name());
            current = *payload;
        } else if (remaining == 1 && !chain.sharding) {
            break;
        } else {
            Result<QByteArray> decoded = decodeBytes(codec, current);
            if (!decoded)
                return decoded.status().withContext(codec.name());
            holder = std::move(*decoded);
            current = holder;
        }
        --remaining;
    }
    if (chain.sharding)
        return decodeShard(*chain.sharding, dtype, shape, fill, current, elements);

    ByteBuffer transposed;
    char *target = elements;
    if (!chain.order.empty()) {
        transposed = ByteBuffer::allocate(elementBytes);
        target = transposed.data();
    }
    if (remaining == 1) {
        const Status decoded = decodeBytesInto(chain.bytesCodecs.front(), current, target, elementBytes);
        if (!decoded)
            return decoded.withContext(chain.bytesCodecs.front().name());
    } else if (current.size() != elementBytes) {
        return makeError(ErrorCode::Format, u"holds %1 bytes where a chunk of %2 %3 needs %4"_s.arg(current.size())
                                                .arg(shapeToString(shape), dtype.name())
                                                .arg(elementBytes));
    } else {
        std::memcpy(target, current.data(), std::size_t(elementBytes));
    }
    if (chain.bigEndian != machineIsBigEndian())
        swapBytes(reinterpret_cast<std::byte *>(target), std::size_t(elementCount(shape)), dtype.size);
    if (!chain.order.empty())
        permuteInto(transposed.data(), elements, shape, chain.order, dtype.size, false);
    return Status::ok();
}

bool onlyFill(QByteArrayView elements, const ScalarBytes &fill, int size)
{
    for (qsizetype at = 0; at < elements.size(); at += size) {
        if (std::memcmp(elements.data() + at, fill.data(), std::size_t(size)) != 0)
            return false;
    }
    return true;
}

Result<ByteBuffer> encodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView elements);

Result<ByteBuffer> encodeShard(const ShardingCodec &sharding, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                               QByteArrayView elements)
{
    const Shape grid = shardGrid(sharding, shape);
    const qint64 indexSize = indexBytes(sharding, grid);
    const std::int64_t inners = elementCount(grid);
    std::vector<std::uint64_t> index(std::size_t(inners) * 2, emptyEntry);
    QByteArray body;
    const qint64 base = sharding.indexAtEnd ? 0 : indexSize;
    ByteBuffer inner = ByteBuffer::allocate(elementCount(sharding.innerChunk) * dtype.size);
    for (std::int64_t at = 0; at < inners; ++at) {
        copyBox(elements.data(), shape, innerOrigin(sharding, grid, at), inner.data(), sharding.innerChunk,
                Shape(shape.size(), 0), sharding.innerChunk, dtype.size);
        if (onlyFill(inner.view(), fill, dtype.size))
            continue;
        Result<ByteBuffer> encoded = encodeWith(sharding.inner, dtype, sharding.innerChunk, fill, inner.view());
        TESSERA_RETURN_IF_ERROR(encoded);
        index[std::size_t(at) * 2] = std::uint64_t(base + body.size());
        index[std::size_t(at) * 2 + 1] = std::uint64_t(encoded->size());
        body += encoded->view();
    }
    Result<ByteBuffer> encodedIndex =
        encodeWith(sharding.index, DataType{ScalarKind::UInt, 8}, indexShapeOf(grid), {},
                   QByteArrayView(reinterpret_cast<const char *>(index.data()), qsizetype(index.size() * 8)));
    TESSERA_RETURN_IF_ERROR(encodedIndex);
    ByteBuffer shard = ByteBuffer::allocate(body.size() + encodedIndex->size());
    const QByteArrayView first = sharding.indexAtEnd ? QByteArrayView(body) : encodedIndex->view();
    const QByteArrayView second = sharding.indexAtEnd ? encodedIndex->view() : QByteArrayView(body);
    std::memcpy(shard.data(), first.data(), std::size_t(first.size()));
    std::memcpy(shard.data() + first.size(), second.data(), std::size_t(second.size()));
    return shard;
}

Result<ByteBuffer> encodeWith(const CodecChain &chain, const DataType &dtype, const Shape &shape, const ScalarBytes &fill,
                              QByteArrayView elements)
{
    ByteBuffer holder; // the latest step's output, once a step has made one
    QByteArrayView current = elements;
    if (!chain.order.empty()) {
        holder = ByteBuffer::allocate(elements.size());
        permuteInto(elements.data(), holder.data(), shape, chain.order, dtype.size, true);
        current = holder.view();
    }
    if (chain.sharding) {
        Result<ByteBuffer> shard = encodeShard(*chain.sharding, dtype, shape, fill, current);
        TESSERA_RETURN_IF_ERROR(shard);
        holder = std::move(*shard);
        current = holder.view();
    } else if (chain.bigEndian != machineIsBigEndian() && dtype.size > 1) {
        if (holder.isEmpty()) {
            holder = ByteBuffer::allocate(current.size());
            std::memcpy(holder.data(), current.data(), std::size_t(current.size()));
        }
        swapBytes(reinterpret_cast<std::byte *>(holder.data()), std::size_t(elementCount(shape)), dtype.size);
        current = holder.view();
    }
    for (const BytesCodec &codec : chain.bytesCodecs) {
        Result<ByteBuffer> encoded = encodeBytes(codec, current);
        TESSERA_RETURN_IF_ERROR(encoded);
        holder = std::move(*encoded);
        current = holder.view();
    }
    if (current.data() == elements.data()) { // nothing changed the bytes: they are the file
        holder = ByteBuffer::allocate(elements.size());
        std::memcpy(holder.data(), elements.data(), std::size_t(elements.size()));
    }
    return holder;
}

} // namespace

Status decodeChunkInto(const ArrayMetadata &array, QByteArrayView stored, char *elements)
{
    return decodeInto(array.codecs, array.dtype, array.chunkShape, array.fill, stored, elements);
}

Result<ByteBuffer> encodeChunk(const ArrayMetadata &array, QByteArrayView elements)
{
    if (elements.size() != array.chunkBytes())
        return makeError(ErrorCode::Internal,
                         u"a chunk of %1 bytes given for chunks of %2 bytes"_s.arg(elements.size()).arg(array.chunkBytes()));
    return encodeWith(array.codecs, array.dtype, array.chunkShape, array.fill, elements);
}

void fillElements(char *target, std::int64_t count, const ScalarBytes &fill, int size)
{
    if (count <= 0)
        return;
    // One element, then doubling copies: a few dozen memcpy calls for a chunk of millions.
    std::memcpy(target, fill.data(), std::size_t(size));
    const std::int64_t total = count * size;
    for (std::int64_t done = size; done < total; done *= 2)
        std::memcpy(target + done, target, std::size_t(std::min(done, total - done)));
}

} // namespace tessera::zarr
