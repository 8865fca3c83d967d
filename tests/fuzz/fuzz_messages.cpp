// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Every message's fromCbor() on arbitrary CBOR: it either refuses with a message or returns a
// message whose wire form reads back to the same wire form.

#include "fuzzcheck.h"

#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"

#include <QCborValue>

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace tessera;

namespace {

QByteArray bytesOf(const QCborMap &map)
{
    return map.toCborValue().toCbor();
}

template <typename T>
void exercise(const WireMap &map)
{
    const Result<T> parsed = T::fromCbor(map);
    if (!parsed.isOk()) {
        FUZZ_CHECK(!parsed.status().message().isEmpty());
        return;
    }
    const QCborMap wire = parsed->toCbor();
    const Result<T> again = T::fromCbor(wire);
    FUZZ_CHECK(again.isOk());
    FUZZ_CHECK(bytesOf(again->toCbor()) == bytesOf(wire));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // Read as parseFrameHead() reads a header: a map that is not CBOR the protocol uses is refused.
    const Result<WireMap> read = WireMap::fromCbor(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!read.isOk())
        return 0;
    const WireMap &map = *read;
    (void)wire::Envelope::fromCbor(map);
    (void)wire::Envelope::idOf(map);
    exercise<wire::Hello>(map);
    exercise<wire::Auth>(map);
    exercise<wire::Error>(map);
    exercise<wire::StatusReply>(map);
    exercise<wire::Put>(map);
    exercise<wire::Get>(map);
    exercise<wire::Block>(map);
    // A block reply with a payload of every size up to a few planes: refused or read whole, and
    // never a block more than twice the payload (uniform planes are at most half of it).
    for (const std::int64_t bytes : {std::int64_t(0), std::int64_t(8), std::int64_t(size) * 8}) {
        ByteBuffer payload = ByteBuffer::allocate(bytes);
        std::fill_n(payload.data(), bytes, '\0');
        const Result<NdArray> block = blockFromReply(map, payload);
        FUZZ_CHECK(block.isOk() ? block->byteSize() <= 2 * bytes : !block.status().message().isEmpty());
    }
    exercise<wire::Load>(map);
    exercise<wire::TaskRequest>(map);
    exercise<wire::Done>(map);
    exercise<wire::Release>(map);
    exercise<wire::Ok>(map);
    exercise<wire::BlocksReply>(map);
    (void)statusFromErrorReply(map);
    return 0;
}
