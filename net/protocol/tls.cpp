// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/tls.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

Result<QByteArray> readPem(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorCode::Io : ErrorCode::NotFound,
                         u"cannot read the %1 %2: %3"_s.arg(what, path, file.errorString()));
    return file.readAll();
}

Status backendAvailable()
{
    if (QSslSocket::supportsSsl())
        return Status::ok();
    return makeError(ErrorCode::InvalidArgument, u"TLS is not available: Qt found no TLS backend (on Debian, install libssl3)"_s);
}

QString normalizedPin(const QString &pin)
{
    return QString(pin).remove(u':').remove(u' ').toLower();
}

} // namespace

Result<QSslConfiguration> serverTlsConfiguration(const TlsSettings &settings)
{
    TESSERA_RETURN_IF_ERROR(backendAvailable());
    if (settings.certificatePath.isEmpty() != settings.keyPath.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"TLS needs both --tls-cert and --tls-key"_s);
    Result<QByteArray> certificatePem = readPem(settings.certificatePath, u"TLS certificate"_s);
    TESSERA_RETURN_IF_ERROR(certificatePem);
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificatePem, QSsl::Pem);
    if (chain.isEmpty())
        return makeError(ErrorCode::Format, u"%1 holds no PEM certificate"_s.arg(settings.certificatePath));
    Result<QByteArray> keyPem = readPem(settings.keyPath, u"TLS key"_s);
    TESSERA_RETURN_IF_ERROR(keyPem);
    QSslKey key(*keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(*keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return makeError(ErrorCode::Format,
                         u"%1 holds no unencrypted RSA or EC private key in PEM (make one with: openssl req -x509 -newkey "
                         "rsa:3072 -nodes -keyout KEY -out CERT ...)"_s.arg(settings.keyPath));
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients prove themselves with the token
    return configuration;
}

Result<QSslConfiguration> clientTlsConfiguration(const TlsSettings &settings)
{
    TESSERA_RETURN_IF_ERROR(backendAvailable());
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!settings.caPath.isEmpty()) {
        Result<QByteArray> pem = readPem(settings.caPath, u"TLS CA file"_s);
        TESSERA_RETURN_IF_ERROR(pem);
        const QList<QSslCertificate> authorities = QSslCertificate::fromData(*pem, QSsl::Pem);
        if (authorities.isEmpty())
            return makeError(ErrorCode::Format, u"%1 holds no PEM certificate"_s.arg(settings.caPath));
        configuration.setCaCertificates(authorities);
    } else if (normalizedPin(settings.pinnedSha256).size() != 64) {
        return makeError(ErrorCode::InvalidArgument,
                         u"--tls-pin '%1' is not a SHA-256 fingerprint (64 hex digits; show one with: openssl x509 -in CERT "
                         "-noout -fingerprint -sha256)"_s.arg(settings.pinnedSha256));
    }
    return configuration;
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    const QByteArray hex = certificate.digest(QCryptographicHash::Sha256).toHex();
    QStringList pairs;
    for (qsizetype i = 0; i < hex.size(); i += 2)
        pairs << QString::fromLatin1(hex.mid(i, 2));
    return pairs.join(u':');
}

bool matchesPin(const QSslCertificate &certificate, const QString &pinnedSha256)
{
    return !certificate.isNull() && !pinnedSha256.isEmpty()
           && QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex()) == normalizedPin(pinnedSha256);
}

QString describeTlsErrors(const QList<QSslError> &errors, const TlsSettings &settings)
{
    QStringList reasons;
    for (const QSslError &error : errors)
        reasons << error.errorString();
    reasons.removeDuplicates();
    const QString fix =
        !settings.caPath.isEmpty()
            ? u"the worker's certificate must be signed by a CA in %1 and name the address used"_s.arg(settings.caPath)
            : u"the worker's certificate must have the SHA-256 fingerprint given in --tls-pin"_s;
    return u"the worker's TLS certificate was refused (%1); %2"_s.arg(reasons.join(u"; "_s), fix);
}

} // namespace tessera
