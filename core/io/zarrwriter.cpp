// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/zarrwriter.h"

#include "core/zarr/boxruns.h"
#include "core/zarr/zarrchunk.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using zarr::ArrayMetadata;
using zarr::DataType;
using zarr::ScalarBytes;
using zarr::ScalarKind;

// Default chunks are cut down to about this, a size zarr-python and Dask read well.
constexpr std::int64_t targetChunkBytes = std::int64_t(64) << 20;

std::int64_t largestProperDivisor(std::int64_t value)
{
    for (std::int64_t divisor = 2; divisor * divisor <= value; ++divisor) {
        if (value % divisor == 0)
            return value / divisor;
    }
    return 1;
}

// Along each axis the largest extent every block start is a multiple of, then cut (keeping that
// property) until a chunk holds about targetChunkBytes.
Shape defaultFileShape(const Chunks &blocks, int itemSize)
{
    Shape shape;
    for (int axis = 0; axis < blocks.rank(); ++axis) {
        std::int64_t step = 0;
        for (int chunk = 1; chunk < int(blocks.extents(axis).size()); ++chunk)
            step = std::gcd(step, blocks.chunkStart(axis, chunk));
        shape.push_back(step > 0 ? step : std::max<std::int64_t>(1, blocks.shape()[std::size_t(axis)]));
    }
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        while (elementCount(shape) * itemSize > targetChunkBytes && shape[axis] > 1)
            shape[axis] = largestProperDivisor(shape[axis]);
    }
    return shape;
}

Status checkFileShape(const Shape &fileShape, const Chunks &blocks, const QString &option)
{
    if (int(fileShape.size()) != blocks.rank())
        return makeError(ErrorCode::InvalidArgument,
                         u"%1=%2 has %3 extents; the array has %4 dimensions"_s.arg(option, shapeToString(fileShape))
                             .arg(fileShape.size())
                             .arg(blocks.rank()));
    for (int axis = 0; axis < blocks.rank(); ++axis) {
        if (fileShape[std::size_t(axis)] < 1)
            return makeError(ErrorCode::InvalidArgument,
                             u"%1=%2: extents must be at least 1"_s.arg(option, shapeToString(fileShape)));
        for (int chunk = 1; chunk < int(blocks.extents(axis).size()); ++chunk) {
            if (blocks.chunkStart(axis, chunk) % fileShape[std::size_t(axis)] != 0)
                return makeError(ErrorCode::InvalidArgument,
                                 u"%1=%2 would cut across the array's blocks (one starts at %3 along axis %4), and two workers "
                                 "would write one file; choose extents that divide the blocks' starts, e.g. %1=%5, or "
                                 "rechunk the array first"_s.arg(option, shapeToString(fileShape))
                                     .arg(blocks.chunkStart(axis, chunk))
                                     .arg(axis)
                                     .arg(shapeToString(defaultFileShape(blocks, 8))));
        }
    }
    return Status::ok();
}

Result<ScalarBytes> fillFor(const DataType &type)
{
    switch (type.kind) {
    case ScalarKind::Float: return zarr::parseFillValue(u"NaN"_s, type);
    case ScalarKind::Int: return zarr::parseFillValue(-std::ldexp(1.0, type.size * 8 - 1), type);
    case ScalarKind::UInt: return zarr::parseFillValue(std::ldexp(1.0, type.size * 8) - 1, type);
    case ScalarKind::Bool: break;
    }
    return makeError(ErrorCode::InvalidArgument, u"dtype bool cannot hold an array's values; choose float64, float32 or a "
                                                 "packed integer type"_s);
}

Result<zarr::CodecChain> codecChain(const ZarrSaveOptions &options, const DataType &type, const Shape &fileShape)
{
    std::vector<zarr::BytesCodec> codecs;
    if (options.codec != u"none"_s) {
        Result<zarr::BytesCodec> codec = zarr::codecNamed(options.codec, type.size);
        TESSERA_RETURN_IF_ERROR(codec);
        if (options.format == 3 && codec->id == zarr::BytesCodec::Id::Zlib)
            return makeError(ErrorCode::InvalidArgument, u"codec zlib is v2's; Zarr v3 has gzip instead"_s);
        codecs.push_back(*codec);
    }
    if (options.checksum)
        codecs.push_back(zarr::BytesCodec{zarr::BytesCodec::Id::Crc32c});
    zarr::CodecChain chain;
    if (options.shards.empty()) {
        chain.bytesCodecs = codecs;
        return chain;
    }
    auto sharding = std::make_shared<zarr::ShardingCodec>();
    sharding->innerChunk = options.chunks;
    if (sharding->innerChunk.empty()) {
        sharding->innerChunk = fileShape;
        sharding->innerChunk.front() = 1;
    }
    for (std::size_t axis = 0; axis < fileShape.size(); ++axis) {
        if (sharding->innerChunk.size() != fileShape.size() || sharding->innerChunk[axis] < 1
            || fileShape[axis] % sharding->innerChunk[axis] != 0)
            return makeError(ErrorCode::InvalidArgument, u"chunks=%1 must divide shards=%2 along every axis"_s.arg(
                                                             shapeToString(sharding->innerChunk), shapeToString(fileShape)));
    }
    sharding->inner.bytesCodecs = codecs;
    sharding->index.bytesCodecs = {zarr::BytesCodec{zarr::BytesCodec::Id::Crc32c}};
    chain.sharding = std::move(sharding);
    return chain;
}

Status checkOptions(const ZarrSaveOptions &options, const DataType &type)
{
    if (options.format != 2 && options.format != 3)
        return makeError(ErrorCode::InvalidArgument,
                         u"format=%1: Tessera writes Zarr v2 and v3 (format='v2' or 'v3')"_s.arg(options.format));
    if (options.format == 2 && (!options.shards.empty() || options.checksum))
        return makeError(ErrorCode::InvalidArgument,
                         u"%1 needs Zarr v3: add format='v3'"_s.arg(options.checksum ? u"checksum"_s : u"shards"_s));
    const bool packed = type.kind == ScalarKind::Int || type.kind == ScalarKind::UInt;
    if (packed && (!options.scaleFactor || !options.addOffset))
        return makeError(ErrorCode::InvalidArgument,
                         u"dtype='%1' packs values: give scale_factor and add_offset too; for values from MIN to MAX, "
                         "scale_factor=(MAX-MIN)/65534 and add_offset=(MAX+MIN)/2 use int16's whole range"_s.arg(type.name()));
    if (!packed && (options.scaleFactor || options.addOffset))
        return makeError(ErrorCode::InvalidArgument, u"scale_factor and add_offset pack values into integers; "
                                                     "choose dtype='int16' (or another integer type) with them"_s);
    if (packed && *options.scaleFactor == 0)
        return makeError(ErrorCode::InvalidArgument, u"scale_factor must not be 0"_s);
    if (options.variable.isEmpty() || options.variable.contains(u'/') || options.variable.startsWith(u'.'))
        return makeError(ErrorCode::InvalidArgument,
                         u"name='%1' cannot name an array in a store: use letters, digits and _"_s.arg(options.variable));
    return Status::ok();
}

// A chunk: written as it is, without waiting for the disk (QSaveFile would fdatasync each of
// thousands of files). A worker that dies half-way fails the save, and the store goes with it.
Status writeChunkFile(const QString &path, QByteArrayView bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes.data(), bytes.size()) != bytes.size())
        return makeError(ErrorCode::Io, u"%1: cannot write (%2)"_s.arg(path, file.errorString()));
    file.close();
    if (file.error() != QFileDevice::NoError)
        return makeError(ErrorCode::Io, u"%1: cannot write (%2)"_s.arg(path, file.errorString()));
    return Status::ok();
}

// Metadata: whole or not at all, and on disk before the next file, since the group's metadata,
// written last, is what says the store is complete.
Status writeFile(const QString &path, QByteArrayView bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes.data(), bytes.size()) != bytes.size() || !file.commit())
        return makeError(ErrorCode::Io, u"%1: cannot write (%2)"_s.arg(path, file.errorString()));
    return Status::ok();
}

Status writeMetadata(const QString &folder, const zarr::MetadataFiles &files)
{
    for (const auto &[name, bytes] : files)
        TESSERA_RETURN_IF_ERROR(writeFile(QDir(folder).filePath(name), bytes));
    return Status::ok();
}

// What the store holds as packed values: value = stored * scale + offset.
struct Packing
{
    bool packed = false;
    double scale = 1.0;
    double offset = 0.0;
    // Packed values stay within the type's range less the fill value (its lowest value for signed
    // types, its highest for unsigned), so that no value reads back as missing.
    double lowest = 0;
    double highest = 0;
};

Packing packingOf(const ArrayMetadata &array)
{
    Packing packing;
    packing.packed = array.dtype.kind == ScalarKind::Int || array.dtype.kind == ScalarKind::UInt;
    packing.scale = array.attributes.value(u"scale_factor"_s).toDouble(1.0);
    packing.offset = array.attributes.value(u"add_offset"_s).toDouble(0.0);
    const int bits = array.dtype.size * 8;
    const bool isSigned = array.dtype.kind == ScalarKind::Int;
    packing.lowest = isSigned ? -std::ldexp(1.0, bits - 1) + 1 : 0;
    packing.highest = isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 2;
    return packing;
}

Status checkAligned(const ArrayMetadata &array, const Shape &origin, const Shape &extent)
{
    if (origin.size() != array.shape.size() || extent.size() != array.shape.size())
        return makeError(
            ErrorCode::InvalidArgument,
            u"a block of rank %1 cannot be written into an array of rank %2"_s.arg(extent.size()).arg(array.shape.size()));
    for (std::size_t axis = 0; axis < origin.size(); ++axis) {
        const std::int64_t end = origin[axis] + extent[axis];
        if (origin[axis] < 0 || end > array.shape[axis])
            return makeError(ErrorCode::InvalidArgument,
                             u"block %1 at %2 lies outside the array %3"_s.arg(shapeToString(extent), shapeToString(origin),
                                                                               shapeToString(array.shape)));
        if (origin[axis] % array.chunkShape[axis] != 0 || (end != array.shape[axis] && end % array.chunkShape[axis] != 0))
            return makeError(ErrorCode::InvalidArgument,
                             u"block %1 at %2 does not cover whole chunks of %3"_s.arg(
                                 shapeToString(extent), shapeToString(origin), shapeToString(array.chunkShape)));
    }
    return Status::ok();
}

// One chunk's elements from the block, packed and converted; parts outside the array stay fill.
// A float64 chunk that is one contiguous run of the block is the block's own memory (`scratch`
// stays unused); otherwise the elements are made in `scratch`.
QByteArrayView chunkElements(const ArrayMetadata &array, const Packing &packing, const NdArray &block, const Shape &blockOrigin,
                             const Shape &chunkOrigin, ByteBuffer &scratch)
{
    const std::size_t rank = array.shape.size();
    Shape extent(rank), fromOrigin(rank);
    bool whole = true;
    bool contiguous = array.dtype.kind == ScalarKind::Float && array.dtype.size == 8 && !packing.packed;
    for (std::size_t axis = 0; axis < rank; ++axis) {
        extent[axis] = std::min(array.chunkShape[axis], array.shape[axis] - chunkOrigin[axis]);
        fromOrigin[axis] = chunkOrigin[axis] - blockOrigin[axis];
        whole = whole && extent[axis] == array.chunkShape[axis];
        contiguous = contiguous && (axis == 0 || (fromOrigin[axis] == 0 && extent[axis] == block.shape()[axis]));
    }
    const std::int64_t bytes = array.chunkBytes();
    if (whole && contiguous) {
        const std::int64_t offset = rank == 0 ? 0 : fromOrigin[0] * (block.size() / std::max<std::int64_t>(1, block.shape()[0]));
        return QByteArrayView(reinterpret_cast<const char *>(block.data() + offset), bytes);
    }
    if (scratch.size() != bytes)
        scratch = ByteBuffer::allocate(bytes);
    if (!whole)
        zarr::fillElements(scratch.data(), elementCount(array.chunkShape), array.fill, array.dtype.size);
    std::vector<double> packed;
    const int size = array.dtype.size;
    zarr::forEachRun(extent, block.shape(), fromOrigin, array.chunkShape, Shape(rank, 0),
                     [&](std::int64_t from, std::int64_t to, std::int64_t length) {
        const double *values = block.data() + from;
        if (packing.packed) {
            packed.resize(std::size_t(length));
            for (std::int64_t i = 0; i < length; ++i)
                packed[std::size_t(i)] =
                    std::clamp((values[i] - packing.offset) / packing.scale, packing.lowest, packing.highest);
            values = packed.data();
        }
        zarr::fromDoubles(values, std::size_t(length), array.dtype, array.fill,
                          reinterpret_cast<std::byte *>(scratch.data()) + to * size);
    });
    return scratch.view();
}

QJsonObject coordinateAttributes(const Axis &axis)
{
    QJsonObject attributes;
    if (!axis.units.isEmpty())
        attributes.insert(u"units"_s, axis.units);
    if (!axis.longName.isEmpty())
        attributes.insert(u"long_name"_s, axis.longName);
    if (!axis.calendar.isEmpty())
        attributes.insert(u"calendar"_s, axis.calendar);
    return attributes;
}

Status writeCoordinate(const QString &store, const ArrayMetadata &data, const Axis &axis)
{
    ArrayMetadata coordinate;
    coordinate.folder = QDir(store).filePath(axis.name);
    coordinate.format = data.format;
    coordinate.shape = {std::int64_t(axis.values.size())};
    coordinate.chunkShape = coordinate.shape;
    coordinate.dtype = DataType{ScalarKind::Float, 8};
    coordinate.fill = *zarr::parseFillValue(u"NaN"_s, coordinate.dtype);
    coordinate.v2ChunkKeys = data.v2ChunkKeys;
    coordinate.separator = data.separator;
    coordinate.dimensionNames = {axis.name};
    coordinate.attributes = coordinateAttributes(axis);
    const QByteArrayView values(reinterpret_cast<const char *>(axis.values.data()),
                                qsizetype(axis.values.size() * sizeof(double)));
    Result<ByteBuffer> chunk = zarr::encodeChunk(coordinate, values);
    TESSERA_RETURN_IF_ERROR(chunk);
    TESSERA_RETURN_IF_ERROR(writeChunkFile(QDir(coordinate.folder).filePath(coordinate.chunkKey({0})), chunk->view()));
    return writeMetadata(coordinate.folder, zarr::arrayMetadataFiles(coordinate));
}

// v2's consolidated metadata (.zmetadata): xarray opens the store with one read, and without
// its warning about a store that has none.
QByteArray consolidatedMetadata(const QString &store)
{
    QJsonObject metadata;
    const QDir root(store);
    for (const QString &name : {u".zgroup"_s, u".zattrs"_s}) {
        QFile file(root.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            metadata.insert(name, QJsonDocument::fromJson(file.readAll()).object());
    }
    for (const QString &child : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const QString &name : {u".zarray"_s, u".zattrs"_s}) {
            QFile file(root.filePath(child + u"/"_s + name));
            if (file.open(QIODevice::ReadOnly))
                metadata.insert(child + u"/"_s + name, QJsonDocument::fromJson(file.readAll()).object());
        }
    }
    return QJsonDocument(QJsonObject{{u"zarr_consolidated_format"_s, 1}, {u"metadata"_s, metadata}})
        .toJson(QJsonDocument::Indented);
}

} // namespace

Result<ArrayMetadata> planZarrArray(const QString &store, const ArrayMeta &meta, const Chunks &blocks,
                                    const ZarrSaveOptions &options)
{
    Result<DataType> type = zarr::dataTypeNamed(options.dtype);
    if (!type)
        return type.status().withContext(u"dtype"_s);
    TESSERA_RETURN_IF_ERROR(checkOptions(options, *type));
    ArrayMetadata array;
    array.folder = QDir(store).filePath(options.variable);
    array.format = options.format;
    array.shape = meta.shape;
    array.dtype = *type;
    Result<ScalarBytes> fill = fillFor(*type);
    TESSERA_RETURN_IF_ERROR(fill);
    array.fill = *fill;
    const Shape &asked = options.shards.empty() ? options.chunks : options.shards;
    array.chunkShape = asked.empty() ? defaultFileShape(blocks, type->size) : asked;
    TESSERA_RETURN_IF_ERROR(checkFileShape(array.chunkShape, blocks, options.shards.empty() ? u"chunks"_s : u"shards"_s));
    if (!checkedByteSize(array.chunkShape) || array.chunkBytes() > (std::int64_t(1) << 31) - 64)
        return makeError(
            ErrorCode::InvalidArgument,
            u"chunks of %1 would pass the 2 GB a chunk may hold; choose smaller ones"_s.arg(shapeToString(array.chunkShape)));
    Result<zarr::CodecChain> chain = codecChain(options, *type, array.chunkShape);
    TESSERA_RETURN_IF_ERROR(chain);
    array.codecs = std::move(*chain);
    array.v2ChunkKeys = options.format == 2;
    array.separator = options.format == 2 ? u'.' : u'/';
    for (std::size_t axis = 0; axis < meta.axes.size(); ++axis)
        array.dimensionNames.push_back(meta.axes[axis].name.isEmpty() ? u"dim_%1"_s.arg(axis) : meta.axes[axis].name);
    if (!meta.units.isEmpty())
        array.attributes.insert(u"units"_s, meta.units);
    if (!meta.longName.isEmpty())
        array.attributes.insert(u"long_name"_s, meta.longName);
    if (options.scaleFactor) {
        array.attributes.insert(u"scale_factor"_s, *options.scaleFactor);
        array.attributes.insert(u"add_offset"_s, *options.addOffset);
        // v2 readers take fill_value as _FillValue; v3 readers (xarray) look for the attribute.
        if (options.format == 3)
            array.attributes.insert(u"_FillValue"_s, array.fillAsDouble());
    }
    return array;
}

Status beginZarrStore(const QString &store)
{
    const QFileInfo info(store);
    if (info.exists())
        return makeError(ErrorCode::InvalidArgument,
                         u"%1 exists; Tessera does not overwrite: remove it or choose another path"_s.arg(store));
    if (!info.dir().exists())
        return makeError(ErrorCode::NotFound, u"folder %1 does not exist"_s.arg(info.dir().path()));
    if (!QDir().mkdir(store))
        return makeError(ErrorCode::Io, u"cannot make folder %1"_s.arg(store));
    return Status::ok();
}

Result<WrittenChunks> writeZarrBlock(const ArrayMetadata &array, const Shape &origin, const NdArray &block)
{
    TESSERA_RETURN_IF_ERROR(checkAligned(array, origin, block.shape()));
    const Packing packing = packingOf(array);
    WrittenChunks written;
    const std::size_t rank = array.shape.size();
    std::vector<std::int64_t> first(rank), last(rank);
    for (std::size_t axis = 0; axis < rank; ++axis) {
        if (block.shape()[axis] == 0)
            return written;
        first[axis] = origin[axis] / array.chunkShape[axis];
        last[axis] = (origin[axis] + block.shape()[axis] - 1) / array.chunkShape[axis];
    }
    std::vector<std::int64_t> index = first;
    ByteBuffer scratch;
    while (true) {
        Shape chunkOrigin(rank);
        for (std::size_t axis = 0; axis < rank; ++axis)
            chunkOrigin[axis] = index[axis] * array.chunkShape[axis];
        Result<ByteBuffer> encoded = zarr::encodeChunk(array, chunkElements(array, packing, block, origin, chunkOrigin, scratch));
        TESSERA_RETURN_IF_ERROR(encoded);
        TESSERA_RETURN_IF_ERROR(writeChunkFile(QDir(array.folder).filePath(array.chunkKey(index)), encoded->view()));
        written.bytes += encoded->size();
        ++written.files;
        std::size_t axis = rank;
        while (axis-- > 0) {
            if (++index[axis] <= last[axis])
                break;
            index[axis] = first[axis];
        }
        if (axis == std::size_t(-1))
            return written;
    }
}

Status finishZarrStore(const QString &store, const ArrayMetadata &array, const ArrayMeta &meta)
{
    const QString variable = QFileInfo(array.folder).fileName();
    for (std::size_t dim = 0; dim < meta.axes.size() && dim < array.shape.size(); ++dim) {
        const Axis &axis = meta.axes[dim];
        const bool usable = axis.hasCoordinates() && std::int64_t(axis.values.size()) == array.shape[dim] && !axis.name.isEmpty()
                            && axis.name != variable && !axis.name.contains(u'/') && !axis.name.startsWith(u'.');
        if (usable)
            TESSERA_RETURN_IF_ERROR(writeCoordinate(store, array, axis));
    }
    TESSERA_RETURN_IF_ERROR(writeMetadata(array.folder, zarr::arrayMetadataFiles(array)));
    TESSERA_RETURN_IF_ERROR(writeMetadata(store, zarr::groupMetadataFiles(array.format, {})));
    if (array.format == 2)
        return writeFile(QDir(store).filePath(u".zmetadata"_s), consolidatedMetadata(store));
    return Status::ok();
}

void abandonZarrStore(const QString &store)
{
    QDir(store).removeRecursively();
}

} // namespace tessera
