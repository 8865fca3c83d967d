// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/dialinserver.h"

#include <QSslSocket>

namespace tessera {

DialInServer::DialInServer(bool tls, QObject *parent)
    : QTcpServer(parent)
    , m_tls(tls)
{
}

void DialInServer::incomingConnection(qintptr descriptor)
{
    if (!m_tls) {
        QTcpServer::incomingConnection(descriptor);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    addPendingConnection(socket);
}

} // namespace tessera
