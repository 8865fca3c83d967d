// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The handshake as either side reads it: a stream of frames holding a hello (read by clients),
// an auth (read by workers, whose MAC is checked against the token) or a refusal; and the
// addresses a hello announces.

#include "fuzzcheck.h"

#include "net/protocol/frame.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/protocol/messages.h"

#include <cstddef>
#include <cstdint>

using namespace tessera;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const QByteArray token = "fuzzing-token";
    static const QByteArray nonce(32, '\x2a');
    FrameLimits limits;
    limits.maxHeaderBytes = 1 << 16;
    limits.maxPayloadBytes = 0; // as before authentication
    QByteArrayView rest(reinterpret_cast<const char *>(data), qsizetype(size));
    for (int frames = 0; frames < 8 && !rest.isEmpty(); ++frames) {
        const FrameHead head = parseFrameHead(rest, limits);
        if (head.status != FrameStatus::Ok)
            break;
        rest = rest.sliced(qsizetype(head.headBytes));
        if (const Result<wire::Auth> auth = wire::Auth::fromCbor(head.header); auth.isOk())
            FUZZ_CHECK(verifyAuthCode(token, nonce, auth->mac) == (auth->mac == authCode(token, nonce)));
        if (const Result<wire::Hello> hello = wire::Hello::fromCbor(head.header); hello.isOk()) {
            FUZZ_CHECK(hello->listen.isEmpty() || parseHostPort(hello->listen).isOk());
            (void)peerAddress(QStringLiteral("198.18.0.7:40000"), hello->listen);
            (void)authCode(token, hello->nonce);
        }
        (void)statusFromErrorReply(head.header);
    }
    // Addresses typed by users or announced by workers.
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(std::min<std::size_t>(size, 512)));
    if (const Result<HostPort> parsed = parseHostPort(text, PortRule::ZeroAllowed); parsed.isOk()) {
        const Result<HostPort> again = parseHostPort(parsed->toString(), PortRule::ZeroAllowed);
        FUZZ_CHECK(again.isOk() && again->host == parsed->host && again->port == parsed->port);
    }
    (void)parseListenAddress(text);
    (void)parseHostPortList(text);
    return 0;
}
