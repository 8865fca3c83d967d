// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"
#include "core/status.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace tessera::zarr {

// A codec that turns bytes into bytes: v2's compressors, v3's bytes-to-bytes codecs.
struct BytesCodec
{
    enum class Id {
        Zlib, // v2 only: a zlib stream (RFC 1950)
        Gzip, // a gzip member (RFC 1952)
        Zstd,
        Blosc,
        Crc32c, // v3 only: 4 bytes of CRC-32C after the data
    };
    Id id = Id::Zstd;
    int level = 1; // zlib, gzip, zstd; blosc's clevel
    bool zstdChecksum = false;
    QString bloscName = QStringLiteral("lz4"); // blosc's inner compressor: lz4, lz4hc, blosclz, zstd, zlib
    int bloscShuffle = 1;                      // 0 none, 1 byte, 2 bit
    int bloscTypeSize = 1;
    int bloscBlockSize = 0;

    QString name() const; // "zstd", "blosc (lz4, bitshuffle)", ...
};

// v2's "compressor" object ({"id": "zlib", "level": 1}, ...).
Result<BytesCodec> parseV2Compressor(const QJsonObject &json);
// v3's codecs that map bytes to bytes: gzip, zstd, blosc, crc32c.
Result<BytesCodec> parseV3BytesCodec(const QJsonObject &json);
QJsonObject v2CompressorJson(const BytesCodec &codec);
QJsonObject v3CodecJson(const BytesCodec &codec);
// "none", "zlib", "gzip", "zstd", "blosc-lz4", "blosc-zstd", "blosc-zlib" with optional
// "+bitshuffle" / "+noshuffle": the codecs a user may ask a store to be written with.
Result<BytesCodec> codecNamed(const QString &name, int typeSize);

// Undoes the codec into exactly `size` bytes at `target`: a chunk's size is known, so a damaged
// or hostile chunk can claim no more, and decoding writes straight where the values go.
Status decodeBytesInto(const BytesCodec &codec, QByteArrayView data, char *target, qint64 size);
// Undoes the codec where the size is not known beforehand (the bytes of a whole shard); the
// output is still bounded by what a chunk may hold.
Result<QByteArray> decodeBytes(const BytesCodec &codec, QByteArrayView data);
// The payload before a crc32c codec's 4 bytes, once they match it.
Result<QByteArrayView> checkCrc32c(QByteArrayView data);
// In a buffer from the block allocator: chunks are tens of megabytes, and fresh pages for each
// would cost more than compressing them.
Result<ByteBuffer> encodeBytes(const BytesCodec &codec, QByteArrayView data);

} // namespace tessera::zarr
