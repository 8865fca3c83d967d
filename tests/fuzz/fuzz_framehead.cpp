// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The frame head parser on arbitrary bytes: never reads past the buffer, never accepts a length
// past the limits, and what it accepts encodes and parses back to the same header.

#include "fuzzcheck.h"

#include "net/protocol/frame.h"

#include <QCborValue>

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
    // Encoding what was read and reading it again is stable from the second round on.
    const QByteArray once = encodeFrameHead(head.header, head.payloadBytes);
    const FrameHead again = parseFrameHead(once, limits);
    if (again.status == FrameStatus::Ok) {
        FUZZ_CHECK(again.payloadBytes == head.payloadBytes);
        FUZZ_CHECK(encodeFrameHead(again.header, again.payloadBytes) == once);
    } else {
        // Only a header that grew past the limit on re-encoding may fail the second time.
        FUZZ_CHECK(once.size() - FramePrefixBytes > limits.maxHeaderBytes);
    }
    return 0;
}
