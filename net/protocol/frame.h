// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/cborbytes.h"
#include "net/protocol/wiremap.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborMap>
#include <QString>

#include <cstdint>
#include <functional>

namespace tessera {

// A frame on the wire: a fixed 20-byte prefix, a CBOR map header and a raw payload.
//   offset 0  u32 magic "TSRA" (big-endian 0x54535241)
//   offset 4  u16 protocol version
//   offset 6  u16 flags (0; reserved)
//   offset 8  u32 header length in bytes
//   offset 12 u64 payload length in bytes
// All prefix integers are big-endian. The payload (array bytes) is little-endian float64 as held in
// memory, sent and received without re-encoding.
inline constexpr std::uint32_t FrameMagic = 0x54535241;
inline constexpr std::uint16_t ProtocolVersion = 1;
inline constexpr int FramePrefixBytes = 20;

struct FrameLimits
{
    std::int64_t maxHeaderBytes = 1 << 20;                 // 1 MiB of CBOR
    std::int64_t maxPayloadBytes = std::int64_t(16) << 30; // 16 GiB
};

enum class FrameStatus { Ok, Incomplete, Bad };

struct FrameHead
{
    FrameStatus status = FrameStatus::Incomplete;
    std::int64_t headBytes = 0;    // prefix + header, when Ok or when Incomplete past the prefix
    std::int64_t payloadBytes = 0; // declared payload length, when Ok
    WireMap header;                // when Ok
    QString error;                 // when Bad: what was wrong, for the log and the peer
};

// Pure: looks at the start of `buffer`. Lengths are checked against `limits` as soon as the
// prefix is complete, before the header or payload arrive or anything is allocated.
FrameHead parseFrameHead(QByteArrayView buffer, const FrameLimits &limits);

// Prefix + CBOR header for a frame whose payload of `payloadBytes` follows.
QByteArray encodeFrameHead(const QCborMap &header, std::int64_t payloadBytes);
// The same with the header written by `writeHeader` (one map), straight into the frame's bytes.
using HeaderWriter = std::function<void(CborBytes &writer)>;
QByteArray encodeFrameHead(const HeaderWriter &writeHeader, std::int64_t payloadBytes);

} // namespace tessera
