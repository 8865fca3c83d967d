// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The frame head parser on arbitrary bytes: never reads past the buffer, never accepts a length
// past the limits, and what it accepts is the frame's own header bytes, read the same way again.

#include "fuzzcheck.h"

#include "net/protocol/frame.h"

#include <cstddef>
#include <cstdint>

using namespace tessera;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FrameLimits limits;
    limits.maxHeaderBytes = 1 << 16;
    limits.maxPayloadBytes = 1 << 20;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const FrameHead head = parseFrameHead(bytes, limits);
    if (head.status == FrameStatus::Incomplete) {
        FUZZ_CHECK(head.headBytes == 0 || head.headBytes > std::int64_t(size));
        return 0;
    }
    if (head.status == FrameStatus::Bad) {
        FUZZ_CHECK(!head.error.isEmpty());
        return 0;
    }
    FUZZ_CHECK(head.headBytes >= FramePrefixBytes && head.headBytes <= std::int64_t(size));
    FUZZ_CHECK(head.headBytes - FramePrefixBytes <= limits.maxHeaderBytes);
    FUZZ_CHECK(head.payloadBytes >= 0 && head.payloadBytes <= limits.maxPayloadBytes);
    // The header is the frame's own bytes, and the same head reads the same way again.
    FUZZ_CHECK(head.header.toCbor() == bytes.sliced(FramePrefixBytes, head.headBytes - FramePrefixBytes));
    const FrameHead again = parseFrameHead(bytes.first(head.headBytes), limits);
    FUZZ_CHECK(again.status == FrameStatus::Ok && again.payloadBytes == head.payloadBytes);
    FUZZ_CHECK(again.header.toCbor() == head.header.toCbor());
    return 0;
}
