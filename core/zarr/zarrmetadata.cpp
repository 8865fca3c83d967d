// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrmetadata.h"

#include "core/zarr/zarrjson.h"

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
    Result<CodecChain> chain = parseV3Codecs(json.value(u"codecs"_s).toArray(), array.chunkShape, array.dtype);
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
        array.codecs.order = fortranOrder(array.shape.size());
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

QJsonArray namesJson(const std::vector<QString> &names)
{
    QJsonArray json;
    for (const QString &name : names)
        json.append(name);
    return json;
}

} // namespace

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
