// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QTcpServer>

namespace tessera {

// Where workers started with --connect dial in. With TLS each connection is a QSslSocket, on
// which this side is the TLS client (the worker holds the certificate); WorkerClient::adopt
// starts the encryption.
class DialInServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit DialInServer(bool tls, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool m_tls = false;
};

} // namespace tessera
