// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QList>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>

namespace tessera {

// TLS for connections between the workbench (or tessera-cli) and workers, and between workers.
// Off unless set. A worker presents a certificate (certificatePath, keyPath); whoever connects
// to it checks that certificate against a CA (caPath), or against one pinned certificate
// (pinnedSha256: its SHA-256 fingerprint, for a self-signed certificate shared by a cluster).
// The token handshake still runs inside the encrypted connection.
struct TlsSettings
{
    QString certificatePath; // PEM; a worker's own
    QString keyPath;         // PEM, unencrypted; a worker's own
    QString caPath;          // PEM: the CA certificates that sign the workers'
    QString pinnedSha256;    // hex, colons allowed: accept exactly this certificate

    bool verifiesPeers() const { return !caPath.isEmpty() || !pinnedSha256.isEmpty(); }
    bool presentsCertificate() const { return !certificatePath.isEmpty(); }
    bool operator==(const TlsSettings &) const = default;
};

// For a worker: its certificate and key, loaded and checked (errors name the file and the fix).
Result<QSslConfiguration> serverTlsConfiguration(const TlsSettings &settings);
// For whoever connects to workers: verify their certificates by the CA, or by the pin alone.
Result<QSslConfiguration> clientTlsConfiguration(const TlsSettings &settings);
// "ab:cd:..." of a certificate's SHA-256 digest; what --tls-pin takes.
QString certificateFingerprint(const QSslCertificate &certificate);
// Whether a certificate is the pinned one.
bool matchesPin(const QSslCertificate &certificate, const QString &pinnedSha256);
// Why a worker's certificate was refused, for a person: the errors, and which option decides.
QString describeTlsErrors(const QList<QSslError> &errors, const TlsSettings &settings);

} // namespace tessera
