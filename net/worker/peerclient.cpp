// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/peerclient.h"

#include "net/protocol/messages.h"
#include "net/protocol/workerclient.h"

namespace tessera {

PeerClient::PeerClient(QByteArray token, int heartbeatMillis, TlsSettings tls, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
    , m_heartbeatMillis(heartbeatMillis)
    , m_tls(std::move(tls))
{
}

PeerClient::~PeerClient() = default;

WorkerClient *PeerClient::clientFor(const QString &address)
{
    if (auto it = m_clients.find(address); it != m_clients.end())
        return it->second;
    auto *client = new WorkerClient(m_token, QStringLiteral("peer"), this);
    client->setHeartbeatTimeout(m_heartbeatMillis);
    client->setTls(m_tls);
    m_clients[address] = client;
    auto flush = [this, address](const QString &error) {
        auto waiting = std::move(m_waiting[address]);
        m_waiting.erase(address);
        for (auto &resume : waiting)
            resume(error);
    };
    connect(client, &WorkerClient::ready, this, [flush] { flush(QString()); });
    auto forget = [this, address, client, flush](const QString &message) {
        m_clients.erase(address);
        client->deleteLater();
        flush(message);
    };
    connect(client, &WorkerClient::failed, this, forget);
    connect(client, &WorkerClient::lost, this, forget);
    client->connectTo(address);
    return client;
}

void PeerClient::fetch(const QString &address, const QString &key, const Region &region, FetchHandler handler)
{
    WorkerClient *client = clientFor(address);
    if (client->state() == WorkerClient::State::Ready) {
        send(client, key, region, std::move(handler));
        return;
    }
    m_waiting[address].push_back([this, address, key, region, handler = std::move(handler)](const QString &error) {
        if (!error.isEmpty()) {
            handler(
                makeError(ErrorCode::Network, QStringLiteral("cannot fetch block %1 from peer %2: %3").arg(key, address, error)),
                0);
            return;
        }
        fetch(address, key, region, handler);
    });
}

void PeerClient::send(WorkerClient *client, const QString &key, const Region &region, FetchHandler handler)
{
    client->request(wire::Get{0, key, region}.toCbor(), [handler = std::move(handler)](const Frame &reply) {
        handler(blockFromReply(reply.header, reply.payload), reply.payload.size());
    });
}

} // namespace tessera
