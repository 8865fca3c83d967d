// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrcodecchain.h"

#include "core/zarr/zarrjson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

namespace {

bool isPermutation(const std::vector<int> &order, std::size_t rank)
{
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> identity(rank);
    std::iota(identity.begin(), identity.end(), 0);
    return sorted == identity;
}

std::vector<int> reversedAxes(std::size_t rank)
{
    std::vector<int> order(rank);
    std::iota(order.rbegin(), order.rend(), 0);
    return order;
}

// The identity order is dropped, so that a chain with nothing to transpose says so.
std::vector<int> withoutIdentity(std::vector<int> order)
{
    for (std::size_t axis = 0; axis < order.size(); ++axis) {
        if (order[axis] != int(axis))
            return order;
    }
    return {};
}

Result<std::vector<int>> parseTranspose(const QJsonObject &config, std::size_t rank)
{
    const QJsonValue order = config.value(u"order"_s);
    if (order.toString() == u"C"_s)
        return std::vector<int>{};
    if (order.toString() == u"F"_s)
        return withoutIdentity(reversedAxes(rank));
    std::vector<int> axes;
    for (const QJsonValue &axis : order.toArray())
        axes.push_back(axis.toInt(-1));
    if (axes.size() != rank || !isPermutation(axes, rank))
        return makeError(ErrorCode::Format,
                         u"transpose order %1 is not a permutation of the %2 axes"_s
                             .arg(QString::fromUtf8(QJsonDocument(order.toArray()).toJson(QJsonDocument::Compact)))
                             .arg(rank));
    return withoutIdentity(axes);
}

Result<std::shared_ptr<const ShardingCodec>> parseSharding(const QJsonObject &config, const Shape &shardShape,
                                                           const DataType &dtype)
{
    auto sharding = std::make_shared<ShardingCodec>();
    Result<Shape> inner = readExtents(config.value(u"chunk_shape"_s), u"sharding chunk_shape"_s, 1);
    TESSERA_RETURN_IF_ERROR(inner);
    sharding->innerChunk = *inner;
    if (inner->size() != shardShape.size())
        return makeError(ErrorCode::Format, u"sharding chunk_shape %1 and chunk shape %2 differ in rank"_s.arg(
                                                shapeToString(*inner), shapeToString(shardShape)));
    for (std::size_t axis = 0; axis < inner->size(); ++axis) {
        if (shardShape[axis] % (*inner)[axis] != 0)
            return makeError(ErrorCode::Format, u"sharding chunk_shape %1 does not divide the shard shape %2"_s.arg(
                                                    shapeToString(*inner), shapeToString(shardShape)));
    }
    Result<CodecChain> innerChain = parseV3Codecs(config.value(u"codecs"_s).toArray(), *inner, dtype);
    TESSERA_RETURN_IF_ERROR(innerChain);
    sharding->inner = std::move(*innerChain);
    Shape indexShape;
    for (std::size_t axis = 0; axis < inner->size(); ++axis)
        indexShape.push_back(shardShape[axis] / (*inner)[axis]);
    indexShape.push_back(2);
    const QJsonArray defaultIndex{
        QJsonObject{{u"name"_s, u"bytes"_s}, {u"configuration"_s, QJsonObject{{u"endian"_s, u"little"_s}}}},
        QJsonObject{{u"name"_s, u"crc32c"_s}}};
    const QJsonValue indexCodecs = config.value(u"index_codecs"_s);
    Result<CodecChain> index =
        parseV3Codecs(indexCodecs.isArray() ? indexCodecs.toArray() : defaultIndex, indexShape, DataType{ScalarKind::UInt, 8});
    TESSERA_RETURN_IF_ERROR(index);
    const bool onlyChecksums = std::all_of(index->bytesCodecs.begin(), index->bytesCodecs.end(),
                                           [](const BytesCodec &codec) { return codec.id == BytesCodec::Id::Crc32c; });
    if (index->sharding || !onlyChecksums)
        return makeError(ErrorCode::Format,
                         u"sharding index_codecs %1 are not supported; Tessera reads a bytes index with an optional crc32c"_s.arg(
                             index->describe()));
    sharding->index = std::move(*index);
    const QString location = config.value(u"index_location"_s).toString(u"end"_s);
    if (location != u"end"_s && location != u"start"_s)
        return makeError(ErrorCode::Format, u"sharding index_location %1 is neither start nor end"_s.arg(location));
    sharding->indexAtEnd = location == u"end"_s;
    return std::shared_ptr<const ShardingCodec>(std::move(sharding));
}

} // namespace

Result<CodecChain> parseV3Codecs(const QJsonArray &codecs, const Shape &chunkShape, const DataType &dtype)
{
    CodecChain chain;
    bool haveArrayToBytes = false;
    for (const QJsonValue &value : codecs) {
        const QJsonObject codec = value.toObject();
        const QString name = codec.value(u"name"_s).toString();
        const QJsonObject config = codec.value(u"configuration"_s).toObject();
        if (name == u"transpose"_s) {
            if (haveArrayToBytes)
                return makeError(ErrorCode::Format, u"codec transpose comes after bytes; array codecs must come first"_s);
            Result<std::vector<int>> order = parseTranspose(config, chunkShape.size());
            TESSERA_RETURN_IF_ERROR(order);
            if (!chain.order.empty() && !order->empty())
                return makeError(ErrorCode::Format, u"two transpose codecs in a row are not supported"_s);
            chain.order = *order;
        } else if (name == u"bytes"_s || name == u"endian"_s || name == u"sharding_indexed"_s) {
            if (haveArrayToBytes)
                return makeError(ErrorCode::Format, u"codec %1 follows another codec that already made bytes"_s.arg(name));
            haveArrayToBytes = true;
            if (name == u"sharding_indexed"_s) {
                Result<std::shared_ptr<const ShardingCodec>> sharding = parseSharding(config, chunkShape, dtype);
                TESSERA_RETURN_IF_ERROR(sharding);
                chain.sharding = *sharding;
                continue;
            }
            const QString endian = config.value(u"endian"_s).toString(u"little"_s);
            if (endian != u"little"_s && endian != u"big"_s)
                return makeError(ErrorCode::Format, u"bytes endian %1 is neither little nor big"_s.arg(endian));
            chain.bigEndian = endian == u"big"_s && dtype.size > 1;
        } else {
            if (!haveArrayToBytes && name != u"crc32c"_s && name != u"gzip"_s && name != u"zstd"_s && name != u"blosc"_s)
                return makeError(
                    ErrorCode::Format,
                    u"codec %1 is not supported; Tessera reads bytes, transpose, gzip, zstd, blosc, crc32c and sharding_indexed"_s
                        .arg(name.isEmpty() ? u"(unnamed)"_s : name));
            if (!haveArrayToBytes)
                return makeError(ErrorCode::Format, u"codec %1 comes before bytes; it works on bytes"_s.arg(name));
            Result<BytesCodec> bytesCodec = parseV3BytesCodec(codec);
            TESSERA_RETURN_IF_ERROR(bytesCodec);
            if (bytesCodec->id == BytesCodec::Id::Blosc && bytesCodec->bloscTypeSize <= 1)
                bytesCodec->bloscTypeSize = dtype.size;
            chain.bytesCodecs.push_back(*bytesCodec);
        }
    }
    if (!haveArrayToBytes)
        return makeError(ErrorCode::Format, u"the codecs have no bytes (or sharding_indexed) codec"_s);
    return chain;
}

namespace {

QJsonObject v3ShardingJson(const ShardingCodec &sharding, int typeSize)
{
    return {{u"name"_s, u"sharding_indexed"_s},
            {u"configuration"_s, QJsonObject{{u"chunk_shape"_s, extentsJson(sharding.innerChunk)},
                                             {u"codecs"_s, v3CodecsJson(sharding.inner, typeSize)},
                                             {u"index_codecs"_s, v3CodecsJson(sharding.index, 8)},
                                             {u"index_location"_s, sharding.indexAtEnd ? u"end"_s : u"start"_s}}}};
}

} // namespace

QJsonArray v3CodecsJson(const CodecChain &chain, int typeSize)
{
    QJsonArray codecs;
    if (!chain.order.empty()) {
        QJsonArray order;
        for (const int axis : chain.order)
            order.append(axis);
        codecs.append(QJsonObject{{u"name"_s, u"transpose"_s}, {u"configuration"_s, QJsonObject{{u"order"_s, order}}}});
    }
    if (chain.sharding) {
        codecs.append(v3ShardingJson(*chain.sharding, typeSize));
    } else {
        QJsonObject bytes{{u"name"_s, u"bytes"_s}};
        if (typeSize > 1)
            bytes.insert(u"configuration"_s, QJsonObject{{u"endian"_s, chain.bigEndian ? u"big"_s : u"little"_s}});
        codecs.append(bytes);
    }
    for (const BytesCodec &codec : chain.bytesCodecs)
        codecs.append(v3CodecJson(codec));
    return codecs;
}

std::vector<int> fortranOrder(std::size_t rank)
{
    return withoutIdentity(reversedAxes(rank));
}

QString CodecChain::describe() const
{
    QStringList parts;
    if (!order.empty())
        parts << u"transpose"_s;
    parts << (sharding    ? u"sharding_indexed [%1]"_s.arg(sharding->inner.describe())
              : bigEndian ? u"bytes (big-endian)"_s
                          : u"bytes"_s);
    for (const BytesCodec &codec : bytesCodecs)
        parts << codec.name();
    return parts.join(u", "_s);
}

} // namespace tessera::zarr
