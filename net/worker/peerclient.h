// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/region.h"
#include "core/status.h"
#include "net/protocol/tls.h"

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <vector>

namespace tessera {

class WorkerClient;

// A worker's connections to its peers, opened on first use and kept: blocks a task needs from
// another worker are fetched straight from it, never through the client.
class PeerClient : public QObject
{
    Q_OBJECT

public:
    // The block, and the payload bytes that crossed for it (fewer than the block's when its
    // uniform planes travelled as values).
    using FetchHandler = std::function<void(Result<NdArray> block, std::int64_t sentBytes)>;

    // Peers that show no sign of life for `heartbeatMillis` are dropped and their fetches fail;
    // with `tls` set to check peers, connections to them are TLS.
    PeerClient(QByteArray token, int heartbeatMillis, TlsSettings tls, QObject *parent = nullptr);
    ~PeerClient() override;

    // Asks the worker at `address` for `region` of block `key` (empty region: all of it).
    void fetch(const QString &address, const QString &key, const Region &region, FetchHandler handler);

private:
    WorkerClient *clientFor(const QString &address);
    void send(WorkerClient *client, const QString &key, const Region &region, FetchHandler handler);

    QByteArray m_token;
    int m_heartbeatMillis = 0;
    TlsSettings m_tls;
    std::map<QString, WorkerClient *> m_clients;
    std::map<QString, std::vector<std::function<void(const QString &error)>>> m_waiting;
};

} // namespace tessera
