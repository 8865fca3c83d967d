// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/framesocket.h"
#include "net/protocol/tls.h"
#include "net/worker/blockstore.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <map>
#include <memory>

namespace tessera {

class TaskExecutor;

struct WorkerOptions
{
    QString name;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 0; // 0: a free port
    int threads = 1;
    std::int64_t memoryLimitBytes = 0; // 0: memoryBudgetBytes() (physical memory, cgroup, Slurm)
    QByteArray token;
    QString dialBack;           // "host:port" of a client listening for workers (--connect)
    int heartbeatMillis = 5000; // a peer silent this long is lost (its fetches fail); 0: never
    // With a certificate: every connection to this worker is TLS, and its links to peers check
    // their certificates by tls.caPath or tls.pinnedSha256 (this worker's own certificate when
    // neither is given: a cluster sharing one certificate).
    TlsSettings tls;
};

// The worker daemon: listens for clients and peers, authenticates them, and serves requests
// (status, put, get, load, task, release, blocks, shutdown) from its block store. Kernels run on
// the executor's thread pool; this object lives on the main thread with the sockets.
class WorkerService : public QObject
{
    Q_OBJECT

public:
    explicit WorkerService(WorkerOptions options, QObject *parent = nullptr);
    ~WorkerService() override;

    // Starts listening (and dialing back when asked). Errors say which address and what to do.
    Status start();
    QString listenAddress() const; // host:port peers and clients connect to
    const WorkerOptions &options() const { return m_options; }
    BlockStore &store() { return *m_store; }

Q_SIGNALS:
    // A client asked the worker to exit, or the dial-back connection is gone.
    void shutdownRequested(int exitCode);

private:
    struct Connection
    {
        QByteArray nonce;
        quint64 owner = 0; // names what this connection stores, in the executor
        bool authenticated = false;
        bool dialBack = false;
    };

    void accept(QTcpSocket *socket, bool dialBack);
    void onFrame(FrameSocket *socket, const Frame &frame);
    void handleAuth(FrameSocket *socket, Connection &connection, const Frame &frame);
    void handleRequest(FrameSocket *socket, quint64 owner, const Frame &frame);
    void dialBack();
    Status setUpTls();

    WorkerOptions m_options;
    std::unique_ptr<QTcpServer> m_server; // a QSslServer with TLS
    std::unique_ptr<BlockStore> m_store;
    TaskExecutor *m_executor = nullptr;
    std::map<FrameSocket *, Connection> m_connections;
    QSslConfiguration m_tlsConfiguration; // when tls has a certificate
    quint64 m_nextOwner = 1;
};

} // namespace tessera
