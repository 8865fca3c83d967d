// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/workerservice.h"

#include "core/blockallocator.h"

#include "core/bytesize.h"
#include "core/memorybudget.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/worker/taskexecutor.h"

#include <QCborArray>
#include <QHostInfo>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>

#include <unistd.h>

namespace tessera {

WorkerService::WorkerService(WorkerOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (m_options.memoryLimitBytes <= 0)
        m_options.memoryLimitBytes = memoryBudgetBytes();
    if (m_options.threads <= 0)
        m_options.threads = 1;
}

WorkerService::~WorkerService() = default;

Status WorkerService::start()
{
    const bool loopback = m_options.listenAddress.isLoopback();
    if (!loopback && m_options.token.isEmpty()) {
        return makeError(ErrorCode::Auth,
                         QStringLiteral("listening on %1%2 needs a token, or anyone who can reach the port could use this "
                                        "worker; pass --token-file F (make one with: head -c 32 /dev/urandom | base64 > F)")
                             .arg(m_options.listenAddress.toString(),
                                  m_options.dialBack.isEmpty()
                                      ? QString()
                                      : QStringLiteral(" (where a worker dialing another host listens, so its peers reach it)")));
    }
    TESSERA_RETURN_IF_ERROR(setUpTls());
    // A QSslServer queues a connection once its TLS handshake is done.
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            accept(socket, false);
    });
    if (!m_server->listen(m_options.listenAddress, m_options.port)) {
        return makeError(ErrorCode::Network, QStringLiteral("cannot listen on %1:%2: %3; pick another --listen address or port")
                                                 .arg(m_options.listenAddress.toString())
                                                 .arg(m_options.port)
                                                 .arg(m_server->errorString()));
    }
    if (m_options.name.isEmpty())
        m_options.name = QHostInfo::localHostName() + QLatin1Char(':') + QString::number(m_server->serverPort());
    m_store = std::make_unique<BlockStore>(m_options.name, m_options.memoryLimitBytes);
    m_executor = new TaskExecutor(*m_store, m_options, this);
    if (!m_options.dialBack.isEmpty())
        dialBack();
    return Status::ok();
}

Status WorkerService::setUpTls()
{
    if (!m_options.tls.presentsCertificate()) {
        m_server = std::make_unique<QTcpServer>();
        return Status::ok();
    }
    Result<QSslConfiguration> configuration = serverTlsConfiguration(m_options.tls);
    TESSERA_RETURN_IF_ERROR(configuration);
    m_tlsConfiguration = *configuration;
    // Peers are checked like a client checks this worker; by default against this certificate.
    if (!m_options.tls.verifiesPeers())
        m_options.tls.pinnedSha256 = certificateFingerprint(m_tlsConfiguration.localCertificate());
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(m_tlsConfiguration);
    connect(server.get(), &QSslServer::errorOccurred, this, [](QSslSocket *socket, QAbstractSocket::SocketError) {
        qWarning("tessera-worker: TLS connection from %s failed: %s", qPrintable(socket->peerAddress().toString()),
                 qPrintable(socket->errorString()));
    });
    m_server = std::move(server);
    return Status::ok();
}

QString WorkerService::listenAddress() const
{
    QHostAddress address = m_server->serverAddress();
    if (isAnyAddress(address))
        address = QHostAddress::LocalHost; // clients substitute the address they reached us at (peerAddress())
    return joinHostPort(address.toString(), m_server->serverPort());
}

void WorkerService::dialBack()
{
    const Result<HostPort> target = parseHostPort(m_options.dialBack);
    if (!target.isOk()) {
        qCritical("tessera-worker: --connect: %s", qPrintable(target.status().message()));
        Q_EMIT shutdownRequested(2);
        return;
    }
    // With TLS this worker is the TLS server on the connection it opens: it has the certificate.
    QTcpSocket *socket = nullptr;
    if (m_options.tls.presentsCertificate()) {
        auto *encrypted = new QSslSocket(this);
        encrypted->setSslConfiguration(m_tlsConfiguration);
        connect(encrypted, &QTcpSocket::connected, encrypted, &QSslSocket::startServerEncryption);
        socket = encrypted;
    } else {
        socket = new QTcpSocket(this);
    }
    connect(socket, &QTcpSocket::connected, this, [this, socket] { accept(socket, true); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError) {
        if (socket->state() != QAbstractSocket::ConnectedState) {
            qCritical("tessera-worker: cannot reach the workbench at %s: %s", qPrintable(m_options.dialBack),
                      qPrintable(socket->errorString()));
            Q_EMIT shutdownRequested(1);
        }
    });
    socket->connectToHost(target->host, target->port);
}

void WorkerService::accept(QTcpSocket *socket, bool dialBack)
{
    FrameLimits limits;
    limits.maxPayloadBytes = 0; // nothing but a small auth frame before the handshake
    auto *frames = new FrameSocket(socket, limits, this);
    Connection &connection = m_connections[frames];
    connection.nonce = makeNonce();
    connection.dialBack = dialBack;
    connection.owner = m_nextOwner++;
    m_executor->connectionOpened(connection.owner);
    connect(frames, &FrameSocket::frameReceived, this, [this, frames](const Frame &frame) { onFrame(frames, frame); });
    connect(frames, &FrameSocket::protocolError, this, [frames](const QString &message) {
        qWarning("tessera-worker: closing connection from %s: %s", qPrintable(frames->peerName()), qPrintable(message));
    });
    connect(frames, &FrameSocket::disconnected, this, [this, frames] {
        const Connection gone = m_connections[frames];
        const bool wasDialBack = gone.dialBack;
        m_connections.erase(frames);
        // A session's blocks die with its connection: nobody else can name them, and a workbench
        // that comes back starts a new session (there is no reattaching).
        if (const std::int64_t freed = m_executor->connectionClosed(gone.owner); freed > 0)
            qInfo("tessera-worker: %s left; freed %s of its blocks", qPrintable(frames->peerName()),
                  qPrintable(formatBytes(freed)));
        frames->deleteLater();
        if (wasDialBack) // the workbench we dialed is gone; a worker started for it has no one to serve
            Q_EMIT shutdownRequested(0);
    });
    frames->send(wire::Hello{ProtocolVersion, connection.nonce, m_options.name, m_options.threads, m_options.memoryLimitBytes,
                             listenAddress(), QHostInfo::localHostName()}
                     .toCbor());
}

void WorkerService::onFrame(FrameSocket *socket, const Frame &frame)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    if (!it->second.authenticated) {
        handleAuth(socket, it->second, frame);
        return;
    }
    handleRequest(socket, it->second.owner, frame);
}

void WorkerService::handleAuth(FrameSocket *socket, Connection &connection, const Frame &frame)
{
    auto refuse = [socket](const QString &code, const QString &message) {
        socket->send(QCborMap{{field::Type, msg::Error}, {field::Code, code}, {field::Message, message}});
        socket->close();
    };
    if (frame.header.value(field::Type).toString() != msg::Auth) {
        refuse(QStringLiteral("auth"), QStringLiteral("the first message must be 'auth'"));
        return;
    }
    const Result<wire::Auth> auth = wire::Auth::fromCbor(frame.header);
    if (!auth.isOk()) {
        refuse(QStringLiteral("auth"), auth.status().message());
        return;
    }
    const qint64 version = auth->version;
    if (version != ProtocolVersion) {
        refuse(QStringLiteral("version"), QStringLiteral("this worker speaks protocol version %1, the caller %2; "
                                                         "install the same Tessera release on both")
                                              .arg(ProtocolVersion)
                                              .arg(version));
        return;
    }
    if (!verifyAuthCode(m_options.token, connection.nonce, auth->mac)) {
        qWarning("tessera-worker: refused %s: wrong token", qPrintable(socket->peerName()));
        refuse(
            QStringLiteral("auth"),
            m_options.token.isEmpty()
                ? QStringLiteral("wrong token: this worker was started without --token-file; connect without a token")
                : QStringLiteral(
                    "wrong token: the token does not match this worker's --token-file; use the same token file on both sides"));
        return;
    }
    connection.authenticated = true;
    FrameLimits limits;
    limits.maxPayloadBytes = m_options.memoryLimitBytes;
    socket->setLimits(limits);
    socket->send(QCborMap{{field::Type, msg::Welcome}});
}

void WorkerService::handleRequest(FrameSocket *socket, quint64 owner, const Frame &frame)
{
    QPointer<FrameSocket> target(socket);
    const TaskExecutor::ReplyFunction replyTo([target](const HeaderWriter &writeHeader, QByteArrayView payload) {
        if (target) // else the requester left; nobody to tell
            target->send(writeHeader, payload);
    });

    // A header whose type or id cannot be read is answered as request 0; the connection stays.
    const Result<wire::Envelope> envelope = wire::Envelope::fromCbor(frame.header);
    if (!envelope.isOk()) {
        replyTo(errorReply(wire::Envelope::idOf(frame.header), envelope.status()), {});
        return;
    }
    const QString &type = envelope->type;
    const qint64 id = envelope->id;
    if (type == msg::Status) {
        wire::StatusReply status{id, m_options.name, m_options.threads, m_store->limitBytes(), m_store->usedBytes()};
        status.memoryPeakBytes = m_store->takePeakBytes();
        status.memoryReserveBytes = std::int64_t(blockallocator::pooledBytes());
        status.blocks = m_store->blockCount();
        status.busy = m_executor->activeTasks();
        status.listen = listenAddress();
        replyTo(status.toCbor(), {});
    } else if (type == msg::Ping) {
        replyTo(wire::Ok{id}.toCbor(), {}); // on the socket thread: a long kernel does not delay it
    } else if (type == msg::Blocks) {
        replyTo(wire::BlocksReply{id, m_store->list()}.toCbor(), {});
    } else if (type == msg::Shutdown) {
        replyTo(wire::Ok{id}.toCbor(), {});
        if (target)
            target->socket()->flush();
        Q_EMIT shutdownRequested(0);
    } else if (type == msg::Get || type == msg::Put || type == msg::Load || type == msg::Task || type == msg::Release
               || type == msg::Measure) {
        m_executor->handle(type, id, frame, replyTo, owner);
    } else {
        replyTo(
            errorReply(id, makeError(ErrorCode::InvalidArgument,
                                     QStringLiteral("unknown request '%1'; is the client a newer Tessera release?").arg(type))),
            {});
    }
}

} // namespace tessera
