// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrmetadata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

namespace {

// Metadata files are small; a larger one is not metadata (and would cost memory to parse).
constexpr qint64 maxMetadataBytes = 64 << 20;

Result<QJsonObject> parseJsonObject(const QByteArray &bytes, const QString &file)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorCode::Format,
                         u"%1: not valid JSON at byte %2 (%3)"_s.arg(file).arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return makeError(ErrorCode::Format, u"%1: holds JSON but not an object"_s.arg(file));
    return document.object();
}

Result<QJsonObject> readJsonObject(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound, u"%1: cannot open (%2)"_s.arg(file, in.errorString()));
    if (in.size() > maxMetadataBytes)
        return makeError(ErrorCode::Format, u"%1: %2 bytes is too large for Zarr metadata"_s.arg(file).arg(in.size()));
    return parseJsonObject(in.readAll(), file);
}

Result<Shape> readExtents(const QJsonValue &json, const QString &what, std::int64_t smallest)
{
    if (!json.isArray())
        return makeError(ErrorCode::Format, u"%1 is missing or not a list of integers"_s.arg(what));
    Shape shape;
    for (const QJsonValue &value : json.toArray()) {
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < double(smallest) || number != std::floor(number) || number > 9.0e15)
            return makeError(
                ErrorCode::Format,
                u"%1 holds %2, not an integer of at least %3"_s.arg(what, value.toVariant().toString()).arg(smallest));
        shape.push_back(std::int64_t(number));
    }
    return shape;
}

Status checkGrid(ArrayMetadata &array)
{
    if (array.chunkShape.size() != array.shape.size())
        return makeError(ErrorCode::Format, u"chunk shape %1 and shape %2 differ in rank"_s.arg(shapeToString(array.chunkShape),
                                                                                                shapeToString(array.shape)));
    if (!checkedByteSize(array.chunkShape) || array.chunkBytes() > (std::int64_t(1) << 31) - 64)
        return makeError(ErrorCode::Format,
                         u"chunks of %1 are larger than the 2 GB a chunk may hold here"_s.arg(shapeToString(array.chunkShape)));
    if (!checkedByteSize(array.shape))
        return makeError(ErrorCode::Format, u"shape %1 is too large"_s.arg(shapeToString(array.shape)));
    return Status::ok();
}

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

Result<CodecChain> parseV3Chain(const QJsonArray &codecs, const Shape &chunkShape, const DataType &dtype);

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
    Result<CodecChain> innerChain = parseV3Chain(config.value(u"codecs"_s).toArray(), *inner, dtype);
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
        parseV3Chain(indexCodecs.isArray() ? indexCodecs.toArray() : defaultIndex, indexShape, DataType{ScalarKind::UInt, 8});
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

Result<CodecChain> parseV3Chain(const QJsonArray &codecs, const Shape &chunkShape, const DataType &dtype)
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

Status parseV3Fields(const QJsonObject &json, ArrayMetadata &array)
{
    if (json.value(u"node_type"_s).toString() != u"array"_s)
        return makeError(ErrorCode::Format,
                         u"is a %1, not an array"_s.arg(json.value(u"node_type"_s).toString(u"node of no type"_s)));
    Result<Shape> shape = readExtents(json.value(u"shape"_s), u"shape"_s, 0);
    TESSERA_RETURN_IF_ERROR(shape);
    array.shape = *shape;
    Result<DataType> dtype = parseV3DataType(json.value(u"data_type"_s));
    TESSERA_RETURN_IF_ERROR(dtype);
    array.dtype = *dtype;
    const QJsonObject grid = json.value(u"chunk_grid"_s).toObject();
    if (grid.value(u"name"_s).toString() != u"regular"_s)
        return makeError(ErrorCode::Format,
                         u"chunk grid %1 is not supported; Tessera reads regular grids"_s.arg(grid.value(u"name"_s).toString()));
    Result<Shape> chunks = readExtents(grid.value(u"configuration"_s).toObject().value(u"chunk_shape"_s), u"chunk_shape"_s, 1);
    TESSERA_RETURN_IF_ERROR(chunks);
    array.chunkShape = *chunks;
    TESSERA_RETURN_IF_ERROR(checkGrid(array));
    const QJsonObject keys = json.value(u"chunk_key_encoding"_s).toObject();
    const QString keyName = keys.value(u"name"_s).toString(u"default"_s);
    if (keyName != u"default"_s && keyName != u"v2"_s)
        return makeError(ErrorCode::Format, u"chunk key encoding %1 is not supported (only default and v2)"_s.arg(keyName));
    array.v2ChunkKeys = keyName == u"v2"_s;
    const QString separator =
        keys.value(u"configuration"_s).toObject().value(u"separator"_s).toString(array.v2ChunkKeys ? u"."_s : u"/"_s);
    if (separator != u"."_s && separator != u"/"_s)
        return makeError(ErrorCode::Format, u"chunk key separator %1 is neither . nor /"_s.arg(separator));
    array.separator = separator.front();
    Result<ScalarBytes> fill = parseFillValue(json.value(u"fill_value"_s), array.dtype);
    TESSERA_RETURN_IF_ERROR(fill);
    array.fill = *fill;
    Result<CodecChain> chain = parseV3Chain(json.value(u"codecs"_s).toArray(), array.chunkShape, array.dtype);
    TESSERA_RETURN_IF_ERROR(chain);
    array.codecs = std::move(*chain);
    if (!json.value(u"storage_transformers"_s).toArray().isEmpty())
        return makeError(ErrorCode::Format, u"storage transformers are not supported"_s);
    for (const QJsonValue &name : json.value(u"dimension_names"_s).toArray())
        array.dimensionNames.push_back(name.toString());
    array.attributes = json.value(u"attributes"_s).toObject();
    return Status::ok();
}

Status parseV2Fields(const QJsonObject &json, ArrayMetadata &array)
{
    Result<Shape> shape = readExtents(json.value(u"shape"_s), u"shape"_s, 0);
    TESSERA_RETURN_IF_ERROR(shape);
    array.shape = *shape;
    Result<Shape> chunks = readExtents(json.value(u"chunks"_s), u"chunks"_s, 1);
    TESSERA_RETURN_IF_ERROR(chunks);
    array.chunkShape = *chunks;
    TESSERA_RETURN_IF_ERROR(checkGrid(array));
    Result<DataType> dtype = parseV2DataType(json.value(u"dtype"_s));
    TESSERA_RETURN_IF_ERROR(dtype);
    array.dtype = *dtype;
    array.codecs.bigEndian = dtype->bigEndian && dtype->size > 1;
    array.dtype.bigEndian = false;
    const QJsonValue fill = json.value(u"fill_value"_s);
    array.fillIsNull = fill.isNull() || fill.isUndefined();
    if (!array.fillIsNull) {
        Result<ScalarBytes> parsed = parseFillValue(fill, array.dtype);
        TESSERA_RETURN_IF_ERROR(parsed);
        array.fill = *parsed;
    }
    const QString order = json.value(u"order"_s).toString(u"C"_s);
    if (order != u"C"_s && order != u"F"_s)
        return makeError(ErrorCode::Format, u"order %1 is neither C nor F"_s.arg(order));
    if (order == u"F"_s)
        array.codecs.order = withoutIdentity(reversedAxes(array.shape.size()));
    for (const QJsonValue &filter : json.value(u"filters"_s).toArray()) {
        const QString id = filter.toObject().value(u"id"_s).toString();
        return makeError(ErrorCode::Format, u"filter %1 is not supported; Tessera reads arrays without filters"_s.arg(id));
    }
    const QJsonValue compressor = json.value(u"compressor"_s);
    if (compressor.isObject()) {
        Result<BytesCodec> codec = parseV2Compressor(compressor.toObject());
        TESSERA_RETURN_IF_ERROR(codec);
        array.codecs.bytesCodecs.push_back(*codec);
    }
    const QString separator = json.value(u"dimension_separator"_s).toString(u"."_s);
    if (separator != u"."_s && separator != u"/"_s)
        return makeError(ErrorCode::Format, u"dimension_separator %1 is neither . nor /"_s.arg(separator));
    array.separator = separator.front();
    array.v2ChunkKeys = true;
    return Status::ok();
}

// `attributes` is null when the array has no .zattrs.
Result<ArrayMetadata> parseV2(const QString &folder, const QJsonObject &zarray, const std::optional<QJsonObject> &attributes)
{
    ArrayMetadata array;
    array.folder = folder;
    array.format = 2;
    array.metadataFile = QDir(folder).filePath(u".zarray"_s);
    if (zarray.value(u"zarr_format"_s).toInt() != 2)
        return makeError(ErrorCode::Format, u"%1: zarr_format is not 2"_s.arg(array.metadataFile));
    TESSERA_RETURN_IF_ERROR(parseV2Fields(zarray, array).withContext(array.metadataFile));
    if (attributes) {
        array.attributes = *attributes;
        for (const QJsonValue &name : attributes->value(u"_ARRAY_DIMENSIONS"_s).toArray())
            array.dimensionNames.push_back(name.toString());
    }
    return array;
}

Result<ArrayMetadata> parseV3(const QString &folder, const QJsonObject &json)
{
    ArrayMetadata array;
    array.folder = folder;
    array.metadataFile = QDir(folder).filePath(u"zarr.json"_s);
    if (json.value(u"zarr_format"_s).toInt() != 3)
        return makeError(ErrorCode::Format, u"%1: zarr_format is not 3"_s.arg(array.metadataFile));
    TESSERA_RETURN_IF_ERROR(parseV3Fields(json, array).withContext(array.metadataFile));
    return array;
}

Result<ArrayMetadata> readV2(const QString &folder)
{
    Result<QJsonObject> zarray = readJsonObject(QDir(folder).filePath(u".zarray"_s));
    TESSERA_RETURN_IF_ERROR(zarray);
    std::optional<QJsonObject> attributes;
    const QString attributesFile = QDir(folder).filePath(u".zattrs"_s);
    if (QFileInfo::exists(attributesFile)) {
        Result<QJsonObject> read = readJsonObject(attributesFile);
        TESSERA_RETURN_IF_ERROR(read);
        attributes = *read;
    }
    return parseV2(folder, *zarray, attributes);
}

Result<ArrayMetadata> readV3(const QString &folder)
{
    Result<QJsonObject> json = readJsonObject(QDir(folder).filePath(u"zarr.json"_s));
    TESSERA_RETURN_IF_ERROR(json);
    return parseV3(folder, *json);
}

QByteArray compactJson(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

QJsonArray extentsJson(const Shape &shape)
{
    QJsonArray json;
    for (const std::int64_t extent : shape)
        json.append(qint64(extent));
    return json;
}

QJsonArray namesJson(const std::vector<QString> &names)
{
    QJsonArray json;
    for (const QString &name : names)
        json.append(name);
    return json;
}

QJsonArray v3CodecsJson(const CodecChain &chain, int typeSize);

QJsonObject v3ShardingJson(const ShardingCodec &sharding, int typeSize)
{
    return {{u"name"_s, u"sharding_indexed"_s},
            {u"configuration"_s, QJsonObject{{u"chunk_shape"_s, extentsJson(sharding.innerChunk)},
                                             {u"codecs"_s, v3CodecsJson(sharding.inner, typeSize)},
                                             {u"index_codecs"_s, v3CodecsJson(sharding.index, 8)},
                                             {u"index_location"_s, sharding.indexAtEnd ? u"end"_s : u"start"_s}}}};
}

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

} // namespace

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

QString ArrayMetadata::chunkKey(const std::vector<std::int64_t> &chunkIndex) const
{
    QStringList parts;
    if (!v2ChunkKeys)
        parts << u"c"_s;
    for (const std::int64_t index : chunkIndex)
        parts << QString::number(index);
    if (v2ChunkKeys && chunkIndex.empty())
        parts << u"0"_s;
    return parts.join(separator);
}

double ArrayMetadata::fillAsDouble() const
{
    return scalarToDouble(fill.data(), dtype);
}

NodeKind nodeKind(const QString &folder)
{
    const QDir dir(folder);
    if (dir.exists(u".zarray"_s))
        return NodeKind::Array;
    if (dir.exists(u".zgroup"_s))
        return NodeKind::Group;
    const Result<QJsonObject> json = dir.exists(u"zarr.json"_s) ? readJsonObject(dir.filePath(u"zarr.json"_s))
                                                                : Result<QJsonObject>(makeError(ErrorCode::NotFound, {}));
    if (!json)
        return NodeKind::None;
    const QString type = json->value(u"node_type"_s).toString();
    return type == u"array"_s ? NodeKind::Array : type == u"group"_s ? NodeKind::Group : NodeKind::None;
}

Result<ArrayMetadata> readArrayMetadata(const QString &folder)
{
    const QDir dir(folder);
    if (dir.exists(u"zarr.json"_s))
        return readV3(folder);
    if (dir.exists(u".zarray"_s))
        return readV2(folder);
    return makeError(ErrorCode::NotFound, u"%1: no Zarr array here (neither zarr.json nor .zarray)"_s.arg(folder));
}

Result<ArrayMetadata> parseArrayMetadata(const QString &folder, const MetadataFiles &files)
{
    std::map<QString, QJsonObject> objects;
    for (const auto &[name, bytes] : files) {
        if (bytes.size() > maxMetadataBytes)
            return makeError(ErrorCode::Format, u"%1: %2 bytes is too large for Zarr metadata"_s.arg(name).arg(bytes.size()));
        Result<QJsonObject> object = parseJsonObject(bytes, QDir(folder).filePath(name));
        TESSERA_RETURN_IF_ERROR(object);
        objects[name] = *object;
    }
    if (objects.count(u"zarr.json"_s))
        return parseV3(folder, objects[u"zarr.json"_s]);
    if (!objects.count(u".zarray"_s))
        return makeError(ErrorCode::Format, u"%1: the metadata holds neither zarr.json nor .zarray"_s.arg(folder));
    const auto attributes = objects.find(u".zattrs"_s);
    return parseV2(folder, objects[u".zarray"_s], attributes == objects.end() ? std::nullopt : std::optional(attributes->second));
}

MetadataFiles arrayMetadataFiles(const ArrayMetadata &array)
{
    const QJsonValue fill = array.fillIsNull ? QJsonValue() : fillValueJson(array.fillAsDouble(), array.dtype);
    if (array.format == 2) {
        DataType stored = array.dtype;
        stored.bigEndian = array.codecs.bigEndian;
        QJsonObject zarray{{u"zarr_format"_s, 2},
                           {u"shape"_s, extentsJson(array.shape)},
                           {u"chunks"_s, extentsJson(array.chunkShape)},
                           {u"dtype"_s, stored.v2Name()},
                           {u"fill_value"_s, fill},
                           {u"order"_s, array.codecs.order.empty() ? u"C"_s : u"F"_s},
                           {u"filters"_s, QJsonValue()},
                           {u"dimension_separator"_s, QString(array.separator)},
                           {u"compressor"_s, array.codecs.bytesCodecs.empty()
                                                 ? QJsonValue()
                                                 : QJsonValue(v2CompressorJson(array.codecs.bytesCodecs.front()))}};
        QJsonObject attributes = array.attributes;
        if (!array.dimensionNames.empty())
            attributes.insert(u"_ARRAY_DIMENSIONS"_s, namesJson(array.dimensionNames));
        return {{u".zarray"_s, compactJson(zarray)}, {u".zattrs"_s, compactJson(attributes)}};
    }
    QJsonObject json{
        {u"zarr_format"_s, 3},
        {u"node_type"_s, u"array"_s},
        {u"shape"_s, extentsJson(array.shape)},
        {u"data_type"_s, array.dtype.name()},
        {u"chunk_grid"_s, QJsonObject{{u"name"_s, u"regular"_s},
                                      {u"configuration"_s, QJsonObject{{u"chunk_shape"_s, extentsJson(array.chunkShape)}}}}},
        {u"chunk_key_encoding"_s, QJsonObject{{u"name"_s, array.v2ChunkKeys ? u"v2"_s : u"default"_s},
                                              {u"configuration"_s, QJsonObject{{u"separator"_s, QString(array.separator)}}}}},
        {u"fill_value"_s, fill},
        {u"codecs"_s, v3CodecsJson(array.codecs, array.dtype.size)},
        {u"attributes"_s, array.attributes}};
    if (!array.dimensionNames.empty())
        json.insert(u"dimension_names"_s, namesJson(array.dimensionNames));
    return {{u"zarr.json"_s, compactJson(json)}};
}

MetadataFiles groupMetadataFiles(int format, const QJsonObject &attributes)
{
    if (format == 2)
        return {{u".zgroup"_s, compactJson(QJsonObject{{u"zarr_format"_s, 2}})}, {u".zattrs"_s, compactJson(attributes)}};
    return {{u"zarr.json"_s,
             compactJson(QJsonObject{{u"zarr_format"_s, 3}, {u"node_type"_s, u"group"_s}, {u"attributes"_s, attributes}})}};
}

} // namespace tessera::zarr
