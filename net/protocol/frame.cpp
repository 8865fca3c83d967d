// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/frame.h"

#include "core/bytesize.h"

#include <QCborValue>
#include <QtEndian>

#include <algorithm>
#include <cstring>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// Field offsets inside the 20-byte prefix; see frame.h.
constexpr int magicOffset = 0;
constexpr int versionOffset = 4;
constexpr int flagsOffset = 6;
constexpr int headerLengthOffset = 8;
constexpr int payloadLengthOffset = 12;

template <typename T>
T readBigEndian(QByteArrayView buffer, int offset)
{
    return qFromBigEndian<T>(buffer.data() + offset);
}

FrameHead bad(QString error)
{
    FrameHead head;
    head.status = FrameStatus::Bad;
    head.error = std::move(error);
    return head;
}

QString describeLength(std::uint64_t bytes)
{
    return formatBytes(std::int64_t(std::min<std::uint64_t>(bytes, INT64_MAX))) + u" ("_s + QString::number(bytes) + u" bytes)"_s;
}

} // namespace

FrameHead parseFrameHead(QByteArrayView buffer, const FrameLimits &limits)
{
    // The magic is checked byte by byte as it arrives, so a peer speaking some other protocol
    // (an HTTP probe, a stray telnet) is turned away on its first bytes rather than left waiting
    // for a full prefix that may never come.
    static constexpr char magicBytes[] = {char(FrameMagic >> 24), char(FrameMagic >> 16), char(FrameMagic >> 8),
                                          char(FrameMagic)};
    const qsizetype magicSeen = std::min<qsizetype>(buffer.size(), sizeof(magicBytes));
    if (magicSeen > 0 && std::memcmp(buffer.data(), magicBytes, size_t(magicSeen)) != 0) {
        return bad(u"not a Tessera frame: bad magic 0x%1 (expected 0x%2 \"TSRA\")"_s.arg(
            QString::fromLatin1(buffer.first(magicSeen).toByteArray().toHex()), QString::number(FrameMagic, 16)));
    }
    if (buffer.size() < FramePrefixBytes)
        return {};

    const auto version = readBigEndian<std::uint16_t>(buffer, versionOffset);
    if (version != ProtocolVersion) {
        return bad(u"unsupported protocol version %1 (this build speaks version %2)"_s.arg(version).arg(ProtocolVersion));
    }
    // Flags are reserved; a frame that sets one may mean something this build cannot honour.
    const auto flags = readBigEndian<std::uint16_t>(buffer, flagsOffset);
    if (flags != 0)
        return bad(u"unknown frame flags 0x%1 (this build knows none)"_s.arg(flags, 4, 16, QLatin1Char('0')));

    const auto headerBytes = readBigEndian<std::uint32_t>(buffer, headerLengthOffset);
    if (headerBytes == 0)
        return bad(u"empty frame header (a header is a CBOR map, at least 1 byte)"_s);
    if (std::int64_t(headerBytes) > limits.maxHeaderBytes) {
        return bad(u"frame header of %1 exceeds the limit of %2"_s.arg(describeLength(headerBytes),
                                                                       describeLength(std::uint64_t(limits.maxHeaderBytes))));
    }
    // Compared unsigned so that a length with the top bit set cannot pass as negative.
    const auto payloadBytes = readBigEndian<std::uint64_t>(buffer, payloadLengthOffset);
    if (payloadBytes > std::uint64_t(std::max<std::int64_t>(limits.maxPayloadBytes, 0))) {
        return bad(u"frame payload of %1 exceeds the limit of %2"_s.arg(describeLength(payloadBytes),
                                                                        describeLength(std::uint64_t(limits.maxPayloadBytes))));
    }

    FrameHead head;
    head.headBytes = FramePrefixBytes + std::int64_t(headerBytes);
    if (buffer.size() < head.headBytes)
        return head; // Incomplete, but the caller now knows how many bytes the head needs.

    Result<WireMap> header = WireMap::fromCbor(QByteArray(buffer.data() + FramePrefixBytes, qsizetype(headerBytes)));
    if (!header.isOk()) {
        const bool unused = header.status().code() == ErrorCode::InvalidArgument;
        return bad((unused ? u"frame header is CBOR this protocol does not use: %1"_s : u"frame header is not valid CBOR: %1"_s)
                       .arg(header.status().message()));
    }

    head.status = FrameStatus::Ok;
    head.payloadBytes = std::int64_t(payloadBytes);
    head.header = std::move(*header);
    return head;
}

QByteArray encodeFrameHead(const QCborMap &header, std::int64_t payloadBytes)
{
    return encodeFrameHead([&header](CborBytes &writer) { writer.append(header.toCborValue()); }, payloadBytes);
}

QByteArray encodeFrameHead(const HeaderWriter &writeHeader, std::int64_t payloadBytes)
{
    Q_ASSERT(payloadBytes >= 0);
    QByteArray head(FramePrefixBytes, Qt::Uninitialized);
    head.reserve(FramePrefixBytes + 512);
    CborBytes writer(head);
    writeHeader(writer);
    const qsizetype cborBytes = head.size() - FramePrefixBytes;
    Q_ASSERT(std::uint64_t(cborBytes) <= UINT32_MAX);
    char *prefix = head.data();
    qToBigEndian<std::uint32_t>(FrameMagic, prefix + magicOffset);
    qToBigEndian<std::uint16_t>(ProtocolVersion, prefix + versionOffset);
    qToBigEndian<std::uint16_t>(0, prefix + flagsOffset);
    qToBigEndian<std::uint32_t>(std::uint32_t(cborBytes), prefix + headerLengthOffset);
    qToBigEndian<std::uint64_t>(std::uint64_t(payloadBytes), prefix + payloadLengthOffset);
    return head;
}

} // namespace tessera
