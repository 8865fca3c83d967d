// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrcodecs.h"

#include "core/zarr/crc32c.h"

#include <QJsonDocument>
#include <QtEndian>

#include <blosc.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

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

Status zlibError(const z_stream &stream, bool gzip)
{
    return makeError(ErrorCode::Format,
                     u"is not valid %1 data (zlib says: %2)"_s.arg(gzip ? u"gzip"_s : u"zlib"_s,
                                                                   QString::fromUtf8(stream.msg ? stream.msg : "truncated")));
}

// Inflates into target[0, capacity): the number of bytes made, or an error; `more` says whether
// the stream had more to give when the capacity ran out.
Result<qint64> inflateInto(QByteArrayView data, char *target, qint64 capacity, bool gzip, bool &more)
{
    z_stream stream{};
    if (inflateInit2(&stream, gzip ? 15 + 16 : 15) != Z_OK)
        return makeError(ErrorCode::Memory, u"zlib could not start"_s);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(target);
    stream.avail_out = uInt(capacity);
    int status = inflate(&stream, Z_FINISH);
    more = false;
    if (status == Z_BUF_ERROR && stream.avail_out == 0) {
        // Full: does the stream end exactly here?
        char probe = 0;
        stream.next_out = reinterpret_cast<Bytef *>(&probe);
        stream.avail_out = 1;
        status = inflate(&stream, Z_FINISH);
        more = stream.avail_out == 0;
    }
    const qint64 produced = qint64(stream.total_out) - (more ? 1 : 0);
    const Status error = status == Z_STREAM_END || more ? Status::ok() : zlibError(stream, gzip);
    inflateEnd(&stream);
    TESSERA_RETURN_IF_ERROR(error);
    return produced;
}

Status deflateInto(QByteArrayView data, int level, bool gzip, ByteBuffer &out)
{
    z_stream stream{};
    if (deflateInit2(&stream, std::clamp(level, 0, 9), Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return makeError(ErrorCode::Memory, u"zlib could not start"_s);
    out = ByteBuffer::allocate(qint64(deflateBound(&stream, uLong(data.size()))));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int status = deflate(&stream, Z_FINISH);
    const qint64 produced = qint64(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        return makeError(ErrorCode::Internal, u"zlib could not compress a chunk"_s);
    out.shrink(produced);
    return Status::ok();
}

Status zstdInto(QByteArrayView data, char *target, qint64 size)
{
    const unsigned long long declared = ZSTD_getFrameContentSize(data.data(), std::size_t(data.size()));
    if (declared == ZSTD_CONTENTSIZE_ERROR)
        return makeError(ErrorCode::Format, u"is not valid zstd data"_s);
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && qint64(declared) != size)
        return sizeError(qint64(declared), size);
    static thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    // One call for the whole chunk: zstd writes straight into the target, without a window buffer.
    const std::size_t produced =
        ZSTD_decompressDCtx(context.get(), target, std::size_t(size), data.data(), std::size_t(data.size()));
    if (ZSTD_isError(produced)) {
        if (ZSTD_getErrorCode(produced) == ZSTD_error_dstSize_tooSmall)
            return makeError(ErrorCode::Format, u"decodes to more than the %1 bytes expected"_s.arg(size));
        return makeError(ErrorCode::Format,
                         u"is not valid zstd data (zstd says: %1)"_s.arg(QString::fromUtf8(ZSTD_getErrorName(produced))));
    }
    if (qint64(produced) != size)
        return sizeError(qint64(produced), size);
    return Status::ok();
}

Result<QByteArray> zstdGrowing(QByteArrayView data)
{
    ZSTD_DStream *stream = ZSTD_createDStream();
    QByteArray out(std::min<qint64>(maxChunkBytes, std::max<qint64>(4 * data.size(), 4096)), Qt::Uninitialized);
    ZSTD_inBuffer in{data.data(), std::size_t(data.size()), 0};
    ZSTD_outBuffer target{out.data(), std::size_t(out.size()), 0};
    std::size_t status = 1;
    while (status != 0 && !ZSTD_isError(status)) {
        status = ZSTD_decompressStream(stream, &target, &in);
        if (ZSTD_isError(status) || status == 0)
            break;
        if (in.pos == in.size && target.pos < target.size)
            break; // truncated: zstd wants input there is none of
        if (target.pos == target.size) {
            if (out.size() >= maxChunkBytes)
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
        return makeError(ErrorCode::Format, u"is truncated zstd data, or more than a chunk may hold"_s);
    out.resize(qsizetype(target.pos));
    return out;
}

Status zstdEncode(QByteArrayView data, const BytesCodec &codec, ByteBuffer &out)
{
    static thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
    ZSTD_CCtx_reset(context.get(), ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, codec.level);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, codec.zstdChecksum ? 1 : 0);
    out = ByteBuffer::allocate(qint64(ZSTD_compressBound(std::size_t(data.size()))));
    const std::size_t produced =
        ZSTD_compress2(context.get(), out.data(), std::size_t(out.size()), data.data(), std::size_t(data.size()));
    if (ZSTD_isError(produced))
        return makeError(ErrorCode::Internal,
                         u"zstd could not compress a chunk: %1"_s.arg(QString::fromUtf8(ZSTD_getErrorName(produced))));
    out.shrink(qint64(produced));
    return Status::ok();
}

Result<std::size_t> bloscDeclared(QByteArrayView data)
{
    std::size_t declared = 0;
    if (blosc_cbuffer_validate(data.data(), std::size_t(data.size()), &declared) != 0)
        return makeError(ErrorCode::Format, u"is not valid blosc data"_s);
    if (qint64(declared) > maxChunkBytes)
        return makeError(ErrorCode::Format, u"claims %1 bytes, more than a chunk may hold"_s.arg(declared));
    return declared;
}

Status bloscInto(QByteArrayView data, char *target, qint64 size)
{
    Result<std::size_t> declared = bloscDeclared(data);
    TESSERA_RETURN_IF_ERROR(declared);
    if (qint64(*declared) != size)
        return sizeError(qint64(*declared), size);
    const int produced = blosc_decompress_ctx(data.data(), target, *declared, 1);
    if (produced < 0 || std::size_t(produced) != *declared)
        return makeError(ErrorCode::Format, u"is damaged blosc data (blosc error %1)"_s.arg(produced));
    return Status::ok();
}

Status bloscEncode(QByteArrayView data, const BytesCodec &codec, ByteBuffer &out)
{
    if (data.size() > maxChunkBytes)
        return makeError(ErrorCode::InvalidArgument,
                         u"a chunk of %1 bytes is more than blosc can hold; choose smaller chunks"_s.arg(data.size()));
    out = ByteBuffer::allocate(data.size() + BLOSC_MAX_OVERHEAD);
    const int produced = blosc_compress_ctx(codec.level, codec.bloscShuffle, std::size_t(std::max(1, codec.bloscTypeSize)),
                                            std::size_t(data.size()), data.data(), out.data(), std::size_t(out.size()),
                                            codec.bloscName.toLatin1().constData(), std::size_t(codec.bloscBlockSize), 1);
    if (produced <= 0)
        return makeError(ErrorCode::Internal, u"blosc could not compress a chunk (%1)"_s.arg(produced));
    out.shrink(produced);
    return Status::ok();
}

} // namespace

Result<QByteArrayView> checkCrc32c(QByteArrayView data)
{
    if (data.size() < 4)
        return makeError(ErrorCode::Format, u"is too short to hold its crc32c checksum"_s);
    const qsizetype payload = data.size() - 4;
    const std::uint32_t stored = qFromLittleEndian<std::uint32_t>(data.data() + payload);
    if (crc32c(data.data(), std::size_t(payload)) != stored)
        return makeError(ErrorCode::Format, u"fails its crc32c checksum (the file is damaged)"_s);
    return data.first(payload);
}

namespace {

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

Status decodeBytesInto(const BytesCodec &codec, QByteArrayView data, char *target, qint64 size)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib:
    case BytesCodec::Id::Gzip: {
        bool more = false;
        Result<qint64> produced = inflateInto(data, target, size, codec.id == BytesCodec::Id::Gzip, more);
        TESSERA_RETURN_IF_ERROR(produced);
        if (more)
            return makeError(ErrorCode::Format, u"decodes to more than the %1 bytes expected"_s.arg(size));
        return *produced == size ? Status::ok() : sizeError(*produced, size);
    }
    case BytesCodec::Id::Zstd: return zstdInto(data, target, size);
    case BytesCodec::Id::Blosc: return bloscInto(data, target, size);
    case BytesCodec::Id::Crc32c: {
        Result<QByteArrayView> payload = checkCrc32c(data);
        TESSERA_RETURN_IF_ERROR(payload);
        if (payload->size() != size)
            return sizeError(payload->size(), size);
        std::memcpy(target, payload->data(), std::size_t(size));
        return Status::ok();
    }
    }
    return makeError(ErrorCode::Internal, u"unknown codec"_s);
}

Result<QByteArray> decodeBytes(const BytesCodec &codec, QByteArrayView data)
{
    switch (codec.id) {
    case BytesCodec::Id::Zlib:
    case BytesCodec::Id::Gzip: {
        QByteArray out(std::min<qint64>(maxChunkBytes, std::max<qint64>(4 * data.size(), 4096)), Qt::Uninitialized);
        bool more = true;
        while (true) {
            Result<qint64> produced = inflateInto(data, out.data(), out.size(), codec.id == BytesCodec::Id::Gzip, more);
            TESSERA_RETURN_IF_ERROR(produced);
            if (!more) {
                out.resize(*produced);
                return out;
            }
            if (out.size() >= maxChunkBytes)
                return makeError(ErrorCode::Format, u"decodes to more than a chunk may hold"_s);
            out.resize(std::min<qint64>(maxChunkBytes, out.size() * 2));
        }
    }
    case BytesCodec::Id::Zstd: return zstdGrowing(data);
    case BytesCodec::Id::Blosc: {
        Result<std::size_t> declared = bloscDeclared(data);
        TESSERA_RETURN_IF_ERROR(declared);
        QByteArray out(qsizetype(*declared), Qt::Uninitialized);
        TESSERA_RETURN_IF_ERROR(bloscInto(data, out.data(), out.size()));
        return out;
    }
    case BytesCodec::Id::Crc32c: {
        Result<QByteArrayView> payload = checkCrc32c(data);
        TESSERA_RETURN_IF_ERROR(payload);
        return payload->toByteArray();
    }
    }
    return makeError(ErrorCode::Internal, u"unknown codec"_s);
}

Result<ByteBuffer> encodeBytes(const BytesCodec &codec, QByteArrayView data)
{
    ByteBuffer out;
    switch (codec.id) {
    case BytesCodec::Id::Zlib:
    case BytesCodec::Id::Gzip:
        TESSERA_RETURN_IF_ERROR(deflateInto(data, codec.level, codec.id == BytesCodec::Id::Gzip, out));
        return out;
    case BytesCodec::Id::Zstd: TESSERA_RETURN_IF_ERROR(zstdEncode(data, codec, out)); return out;
    case BytesCodec::Id::Blosc: TESSERA_RETURN_IF_ERROR(bloscEncode(data, codec, out)); return out;
    case BytesCodec::Id::Crc32c: {
        out = ByteBuffer::allocate(data.size() + 4);
        std::memcpy(out.data(), data.data(), std::size_t(data.size()));
        qToLittleEndian<std::uint32_t>(crc32c(data.data(), std::size_t(data.size())), out.data() + data.size());
        return out;
    }
    }
    return makeError(ErrorCode::Internal, u"unknown codec"_s);
}

} // namespace tessera::zarr
