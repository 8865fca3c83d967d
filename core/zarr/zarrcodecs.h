// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

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

// Undoes the codec. `expectedSize` (-1: not known) bounds the output, so a damaged or hostile
// chunk cannot claim gigabytes; a wrong size is an error.
Result<QByteArray> decodeBytes(const BytesCodec &codec, QByteArrayView data, qint64 expectedSize);
Result<QByteArray> encodeBytes(const BytesCodec &codec, QByteArrayView data);

} // namespace tessera::zarr
