// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QString>

#include "core/status.h"

namespace tessera {

// The first exchange on every connection, worker side first:
//   worker -> {type: "hello", version, nonce (32 random bytes), name, threads, memoryLimit, listen}
//   peer   -> {type: "auth", version, mac: HMAC-SHA256(token, nonce), role: "client" | "peer"}
//   worker -> {type: "welcome"} or {type: "error", code: "auth" | "version", message}, then closes.
// An empty token is allowed only on loopback listeners; the mac is then over an empty key.

QByteArray makeNonce(); // 32 bytes from QRandomGenerator::system()
QByteArray authCode(const QByteArray &token, const QByteArray &nonce);
// Constant-time comparison of the expected and received codes.
bool verifyAuthCode(const QByteArray &token, const QByteArray &nonce, const QByteArray &mac);

// Reads a token file: its first line, trimmed. Errors name the file and say how to make one.
Result<QByteArray> readTokenFile(const QString &path);
// A new token: 32 random bytes from QRandomGenerator::system(), base64 (printable, one line).
QByteArray makeToken();
// Writes `token` to a new file at `path` (refused when one exists) that only the user may read or write.
Status writeTokenFile(const QString &path, const QByteArray &token);

} // namespace tessera
