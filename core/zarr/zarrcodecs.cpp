// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrcodecs.h"

#include "core/zarr/crc32c.h"

#include <QJsonDocument>
#include <QtEndian>

#include <blosc.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

namespace {

// A chunk larger than this (2 GB) cannot be a QByteArray, nor a Blosc buffer.
constexpr qint64 maxChunkBytes = std::numeric_limits<int>::max() - BLOSC_MAX_OVERHEAD;

const QStringList bloscNames{u"lz4"_s, u"lz4hc"_s, u"blosclz"_s, u"zstd"_s, u"zlib"_s};
const QStringList v3ShuffleNames{u"noshuffle"_s, u"shuffle"_s, u"bitshuffle"_s};

Status sizeError(qint64 actual, qint64 expected)
{
    return makeError(ErrorCode::Format, u"decodes to %1 bytes where %2 were expected"_s.arg(actual).arg(expected));
}

// Output grows in steps up to `limit` when the size is not known in advance.
qint64 initialCapacity(qint64 inputSize, qint64 expectedSize)
{
    return expectedSize >= 0 ? expectedSize : std::min<qint64>(maxChunkBytes, std::max<qint64>(4 * inputSize, 4096));
}

Result<QByteArray> inflateStream(QByteArrayView data, qint64 expectedSize, bool gzip)
{
    z_stream stream{};
    if (inflateInit2(&stream, gzip ? 15 + 16 : 15) != Z_OK)
        return makeError(ErrorCode::Memory, u"zlib could not start"_s);
    QByteArray out(initialCapacity(data.size(), expectedSize), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    int status = Z_OK;
    while (status == Z_OK) {
        if (qint64(stream.total_out) == out.size()) {
            if (expectedSize >= 0 || out.size() >= maxChunkBytes)
                break;
            out.resize(std::min<qint64>(maxChunkBytes, out.size() * 2));
        }
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + stream.total_out);
        stream.avail_out = uInt(out.size() - qint64(stream.total_out));
        status = inflate(&stream, Z_NO_FLUSH);
    }
    const qint64 produced = qint64(stream.total_out);
    inflateEnd(&stream);
    if (status == Z_OK && expectedSize >= 0)
        return makeError(ErrorCode::Format, u"decodes to more than the %1 bytes expected"_s.arg(expectedSize));
    if (status != Z_STREAM_END)
        return makeError(ErrorCode::Format,
                         u"is not valid %1 data (zlib says: %2)"_s.arg(gzip ? u"gzip"_s : u"zlib"_s,
                                                                       QString::fromUtf8(stream.msg ? stream.msg : "truncated")));
    if (expectedSize >= 0 && produced != expectedSize)
        return sizeError(produced, expectedSize);
    out.resize(produced);
    return out;
}

Result<QByteArray> deflateStream(QByteArrayView data, int level, bool gzip)
{
    z_stream stream{};
    if (deflateInit2(&stream, std::clamp(level, 0, 9), Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return makeError(ErrorCode::Memory, u"zlib could not start"_s);
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int status = deflate(&stream, Z_FINISH);
    const qint64 produced = qint64(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        return makeError(ErrorCode::Internal, u"zlib could not compress a chunk"_s);
    out.resize(produced);
    return out;
}

Result<QByteArray> zstdDecode(QByteArrayView data, qint64 expectedSize)
{
    const unsigned long long declared = ZSTD_getFrameContentSize(data.data(), std::size_t(data.size()));
    if (declared == ZSTD_CONTENTSIZE_ERROR)
        return makeError(ErrorCode::Format, u"is not valid zstd data"_s);
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && expectedSize >= 0 && qint64(declared) != expectedSize)
        return sizeError(qint64(declared), expectedSize);
    ZSTD_DStream *stream = ZSTD_createDStream();
    QByteArray out(declared != ZSTD_CONTENTSIZE_UNKNOWN && declared <= std::uint64_t(maxChunkBytes)
                       ? qint64(declared)
                       : initialCapacity(data.size(), expectedSize),
                   Qt::Uninitialized);
    ZSTD_inBuffer in{data.data(), std::size_t(data.size()), 0};
    ZSTD_outBuffer target{out.data(), std::size_t(out.size()), 0};
    std::size_t status = 1;
    while (status != 0) {
        status = ZSTD_decompressStream(stream, &target, &in);
        if (ZSTD_isError(status))
            break;
        if (status == 0)
            break;
        if (in.pos == in.size && target.pos < target.size)
            break; // truncated: zstd wants input there is none of
        if (target.pos == target.size) {
            if (expectedSize >= 0 || out.size() >= maxChunkBytes)
                break;
            out.resize(std::min<qint64>(maxChunkBytes, out.size() * 2));
            target = {out.data(), std::size_t(out.size()), target.pos};
        }
    }
    ZSTD_freeDStream(stream);
    if (ZSTD_isError(status))
        return makeError(ErrorCode::Format,
                         u"is not valid zstd data (zstd says: %1)"_s.arg(QString::fromUtf8(ZSTD_getErrorName(status))));
    if (status != 0)
        return makeError(ErrorCode::Format, expectedSize >= 0 && qint64(target.pos) == expectedSize
                                                ? u"decodes to more than the %1 bytes expected"_s.arg(expectedSize)
                                                : u"is truncated zstd data"_s);
    if (expectedSize >= 0 && qint64(target.pos) != expectedSize)
        return sizeError(qint64(target.pos), expectedSize);
    out.resize(qsizetype(target.pos));
    return out;
}

Result<QByteArray> zstdEncode(QByteArrayView data, const BytesCodec &codec)
{
    ZSTD_CCtx *context = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, codec.level);
    ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, codec.zstdChecksum ? 1 : 0);
    QByteArray out(qsizetype(ZSTD_compressBound(std::size_t(data.size()))), Qt::Uninitialized);
    const std::size_t produced =
        ZSTD_compress2(context, out.data(), std::size_t(out.size()), data.data(), std::size_t(data.size()));
    ZSTD_freeCCtx(context);
    if (ZSTD_isError(produced))
        return makeError(ErrorCode::Internal,
                         u"zstd could not compress a chunk: %1"_s.arg(QString::fromUtf8(ZSTD_getErrorName(produced))));
    out.resize(qsizetype(produced));
    return out;
}

Result<QByteArray> bloscDecode(QByteArrayView data, qint64 expectedSize)
{
    std::size_t declared = 0;
    if (blosc_cbuffer_validate(data.data(), std::size_t(data.size()), &declared) != 0)
        return makeError(ErrorCode::Format, u"is not valid blosc data"_s);
    if (expectedSize >= 0 && qint64(declared) != expectedSize)
        return sizeError(qint64(declared), expectedSize);
    if (qint64(declared) > maxChunkBytes)
        return makeError(ErrorCode::Format, u"claims %1 bytes, more than a chunk may hold"_s.arg(declared));
    QByteArray out(qsizetype(declared), Qt::Uninitialized);
    const int produced = blosc_decompress_ctx(data.data(), out.data(), declared, 1);
    if (produced < 0 || std::size_t(produced) != declared)
        return makeError(ErrorCode::Format, u"is damaged blosc data (blosc error %1)"_s.arg(produced));
    return out;
}

Result<QByteArray> bloscEncode(QByteArrayView data, const BytesCodec &codec)
{
    if (data.size() > maxChunkBytes)
        return makeError(ErrorCode::InvalidArgument,
                         u"a chunk of %1 bytes is more than blosc can hold; choose smaller chunks"_s.arg(data.size()));
    QByteArray out(data.size() + BLOSC_MAX_OVERHEAD, Qt::Uninitialized);
    const int produced = blosc_compress_ctx(codec.level, codec.bloscShuffle, std::size_t(std::max(1, codec.bloscTypeSize)),
                                            std::size_t(data.size()), data.data(), out.data(), std::size_t(out.size()),
                                            codec.bloscName.toLatin1().constData(), std::size_t(codec.bloscBlockSize), 1);
    if (produced <= 0)
        return makeError(ErrorCode::Internal, u"blosc could not compress a chunk (%1)"_s.arg(produced));
    out.resize(produced);
    return out;
}

Result<QByteArray> crcDecode(QByteArrayView data)
{
    if (data.size() < 4)
        return makeError(ErrorCode::Format, u"is too short to hold its crc32c checksum"_s);
    const qsizetype payload = data.size() - 4;
    const std::uint32_t stored = qFromLittleEndian<std::uint32_t>(data.data() + payload);
    if (crc32c(data.data(), std::size_t(payload)) != stored)
        return makeError(ErrorCode::Format, u"fails its crc32c checksum (the file is damaged)"_s);
    return data.first(payload).toByteArray();
}

QByteArray crcEncode(QByteArrayView data)
{
    QByteArray out = data.toByteArray();
    char tail[4];
    qToLittleEndian<std::uint32_t>(crc32c(data.data(), std::size_t(data.size())), tail);
    out.append(tail, 4);
    return out;
}

Status unsupported(const QString &name, const QString &version)
{
    return makeError(ErrorCode::Format,
                     u"codec %1 is not supported; Tessera reads %2"_s.arg(
                         name, version == u"2"_s ? u"the zlib, gzip, zstd and blosc compressors, without filters"_s
                                                 : u"bytes, transpose, gzip, zstd, blosc, crc32c and sharding_indexed"_s));
}

Result<BytesCodec> bloscFrom(const QString &cname, int clevel, int shuffle, int typeSize, int blockSize)
{
    if (!bloscNames.contains(cname))
        return makeError(ErrorCode::Format,
                         u"blosc compressor %1 is not supported; blosc here has %2"_s.arg(cname, bloscNames.join(u", "_s)));
    BytesCodec codec;
    codec.id = BytesCodec::Id::Blosc;
    codec.bloscName = cname;
    codec.level = clevel;
    // numcodecs' AUTOSHUFFLE (-1) is bit shuffle for 1-byte items, byte shuffle otherwise.
    codec.bloscShuffle = shuffle == -1 ? (typeSize == 1 ? 2 : 1) : shuffle;
    codec.bloscTypeSize = std::max(1, typeSize);
    codec.bloscBlockSize = std::max(0, blockSize);
    return codec;
}

} // namespace

QString BytesCodec::name() const
{
    switch (id) {
    case Id::Zlib: return u"zlib"_s;
    case Id::Gzip: return u"gzip"_s;
    case Id::Zstd: return u"zstd"_s;
    case Id::Crc32c: return u"crc32c"_s;
    case Id::Blosc: return u"blosc (%1, %2)"_s.arg(bloscName, v3ShuffleNames.value(bloscShuffle));
    }
    return {};
}

Result<BytesCodec> parseV2Compressor(const QJsonObject &json)
{
    const QString id = json.value(u"id"_s).toString();
    BytesCodec codec;
    if (id == u"zlib"_s || id == u"gzip"_s || id == u"zstd"_s) {
        codec.id = id == u"zlib"_s ? BytesCodec::Id::Zlib : id == u"gzip"_s ? BytesCodec::Id::Gzip : BytesCodec::Id::Zstd;
        codec.level = json.value(u"level"_s).toInt(1);
        return codec;
    }
    if (id == u"blosc"_s) {
        return bloscFrom(json.value(u"cname"_s).toString(u"lz4"_s), json.value(u"clevel"_s).toInt(5),
                         json.value(u"shuffle"_s).toInt(1), 1, json.value(u"blocksize"_s).toInt(0));
    }
    return unsupported(id.isEmpty() ? QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)) : id, u"2"_s);
}

Result<BytesCodec> parseV3BytesCodec(const QJsonObject &json)
{
    const QString name = json.value(u"name"_s).toString();
    const QJsonObject config = json.value(u"configuration"_s).toObject();
    BytesCodec codec;
    if (name == u"gzip"_s || name == u"zstd"_s) {
        codec.id = name == u"gzip"_s ? BytesCodec::Id::Gzip : BytesCodec::Id::Zstd;
        codec.level = config.value(u"level"_s).toInt(name == u"gzip"_s ? 6 : 0);
        codec.zstdChecksum = config.value(u"checksum"_s).toBool(false);
        return codec;
    }
    if (name == u"crc32c"_s) {
        codec.id = BytesCodec::Id::Crc32c;
        return codec;
    }
    if (name == u"blosc"_s) {
        const int shuffle = v3ShuffleNames.indexOf(config.value(u"shuffle"_s).toString(u"noshuffle"_s));
        if (shuffle < 0)
            return makeError(ErrorCode::Format, u"blosc shuffle %1 is not one of %2"_s.arg(config.value(u"shuffle"_s).toString(),
                                                                                           v3ShuffleNames.join(u", "_s)));
        return bloscFrom(config.value(u"cname"_s).toString(u"zstd"_s), config.value(u"clevel"_s).toInt(5), shuffle,
                         config.value(u"typesize"_s).toInt(1), config.value(u"blocksize"_s).toInt(0));
    }
    return unsupported(name, u"3"_s);
}

QJsonObject v2CompressorJson(const BytesCodec &codec)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib: return {{u"id"_s, u"zlib"_s}, {u"level"_s, codec.level}};
    case BytesCodec::Id::Gzip: return {{u"id"_s, u"gzip"_s}, {u"level"_s, codec.level}};
    case BytesCodec::Id::Zstd: return {{u"id"_s, u"zstd"_s}, {u"level"_s, codec.level}};
    case BytesCodec::Id::Blosc:
        return {{u"id"_s, u"blosc"_s},
                {u"cname"_s, codec.bloscName},
                {u"clevel"_s, codec.level},
                {u"shuffle"_s, codec.bloscShuffle},
                {u"blocksize"_s, codec.bloscBlockSize}};
    case BytesCodec::Id::Crc32c: break;
    }
    return {};
}

QJsonObject v3CodecJson(const BytesCodec &codec)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib:
    case BytesCodec::Id::Gzip: return {{u"name"_s, u"gzip"_s}, {u"configuration"_s, QJsonObject{{u"level"_s, codec.level}}}};
    case BytesCodec::Id::Zstd:
        return {{u"name"_s, u"zstd"_s},
                {u"configuration"_s, QJsonObject{{u"level"_s, codec.level}, {u"checksum"_s, codec.zstdChecksum}}}};
    case BytesCodec::Id::Blosc:
        return {{u"name"_s, u"blosc"_s},
                {u"configuration"_s, QJsonObject{{u"cname"_s, codec.bloscName},
                                                 {u"clevel"_s, codec.level},
                                                 {u"shuffle"_s, v3ShuffleNames.value(codec.bloscShuffle)},
                                                 {u"typesize"_s, codec.bloscTypeSize},
                                                 {u"blocksize"_s, codec.bloscBlockSize}}}};
    case BytesCodec::Id::Crc32c: return {{u"name"_s, u"crc32c"_s}};
    }
    return {};
}

Result<BytesCodec> codecNamed(const QString &name, int typeSize)
{
    const QStringList parts = name.split(u'+');
    const QString base = parts.front();
    BytesCodec codec;
    if (base == u"zlib"_s || base == u"gzip"_s || base == u"zstd"_s) {
        codec.id = base == u"zlib"_s ? BytesCodec::Id::Zlib : base == u"gzip"_s ? BytesCodec::Id::Gzip : BytesCodec::Id::Zstd;
        codec.level = codec.id == BytesCodec::Id::Zstd ? 3 : 5;
        if (parts.size() == 1)
            return codec;
    } else if (base.startsWith(u"blosc-"_s) && parts.size() <= 2) {
        const int shuffle = parts.size() == 2 ? v3ShuffleNames.indexOf(parts.back()) : 1;
        if (shuffle >= 0)
            return bloscFrom(base.mid(6), 5, shuffle, typeSize, 0);
    }
    return makeError(ErrorCode::InvalidArgument,
                     u"codec %1 is not one Tessera writes; choose none, zlib, gzip, zstd, or "
                     "blosc-lz4, blosc-zstd, blosc-zlib (optionally +noshuffle or +bitshuffle)"_s.arg(name));
}

Result<QByteArray> decodeBytes(const BytesCodec &codec, QByteArrayView data, qint64 expectedSize)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib: return inflateStream(data, expectedSize, false);
    case BytesCodec::Id::Gzip: return inflateStream(data, expectedSize, true);
    case BytesCodec::Id::Zstd: return zstdDecode(data, expectedSize);
    case BytesCodec::Id::Blosc: return bloscDecode(data, expectedSize);
    case BytesCodec::Id::Crc32c: return crcDecode(data);
    }
    return makeError(ErrorCode::Internal, u"unknown codec"_s);
}

Result<QByteArray> encodeBytes(const BytesCodec &codec, QByteArrayView data)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib: return deflateStream(data, codec.level, false);
    case BytesCodec::Id::Gzip: return deflateStream(data, codec.level, true);
    case BytesCodec::Id::Zstd: return zstdEncode(data, codec);
    case BytesCodec::Id::Blosc: return bloscEncode(data, codec);
    case BytesCodec::Id::Crc32c: return crcEncode(data);
    }
    return makeError(ErrorCode::Internal, u"unknown codec"_s);
}

} // namespace tessera::zarr
