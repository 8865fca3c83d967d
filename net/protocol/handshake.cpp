// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/handshake.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <array>
#include <cstring>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr int nonceBytes = 32;

// A token is one short line; reading stops here so a path pointing at some large file by
// mistake does not pull the whole file into memory.
constexpr qint64 maxTokenLineBytes = 64 << 10;

QString howToCreate(const QString &path)
{
    return u"create one with: head -c 32 /dev/urandom | base64 > "_s + path;
}

} // namespace

QByteArray makeNonce()
{
    std::array<quint32, nonceBytes / sizeof(quint32)> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    QByteArray nonce(nonceBytes, Qt::Uninitialized);
    std::memcpy(nonce.data(), words.data(), nonceBytes);
    return nonce;
}

QByteArray authCode(const QByteArray &token, const QByteArray &nonce)
{
    return QMessageAuthenticationCode::hash(nonce, token, QCryptographicHash::Sha256);
}

bool verifyAuthCode(const QByteArray &token, const QByteArray &nonce, const QByteArray &mac)
{
    const QByteArray expected = authCode(token, nonce);
    // The length of a SHA-256 code is public; only the bytes must not leak through timing.
    if (mac.size() != expected.size())
        return false;
    // Every byte is visited whatever the earlier ones were, so the time taken says nothing about
    // how long a prefix of the guess was right.
    unsigned difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= unsigned(uchar(expected[i]) ^ uchar(mac[i]));
    return difference == 0;
}

Result<QByteArray> readTokenFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        const ErrorCode code = file.exists() ? ErrorCode::Io : ErrorCode::NotFound;
        return makeError(code, u"cannot read token file %1: %2; %3"_s.arg(path, file.errorString(), howToCreate(path)));
    }
    const QByteArray line = file.readLine(maxTokenLineBytes);
    if (line.isEmpty() && file.error() != QFileDevice::NoError) {
        return makeError(ErrorCode::Io, u"cannot read token file %1: %2; %3"_s.arg(path, file.errorString(), howToCreate(path)));
    }
    const QByteArray token = line.trimmed();
    if (token.isEmpty()) {
        return makeError(ErrorCode::Auth, u"token file %1 is empty; %2"_s.arg(path, howToCreate(path)));
    }
    return token;
}

QByteArray makeToken()
{
    return makeNonce().toBase64(); // as random as a nonce, and printable on one line
}

Status writeTokenFile(const QString &path, const QByteArray &token)
{
    QFile file(path);
    // A new file, owner-only from its creation: nobody can open it before the token is in it.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(token + '\n') != token.size() + 1 || !file.flush())
        return makeError(ErrorCode::Io, u"cannot write the workers' token to %1: %2"_s.arg(path, file.errorString()));
    return Status::ok();
}

} // namespace tessera
