// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/workerclient.h"

#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/protocol/messages.h"

#include <QHostAddress>

namespace tessera {

WorkerClient::WorkerClient(QByteArray token, QString role, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
    , m_role(std::move(role))
{
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        // A worker serving TLS waits for a TLS hello this side never sends: say so.
        fail(QStringLiteral("cannot reach worker at %1: no answer within %2 s; check the address and that "
                            "tessera-worker is running there and reachable through any firewall%3")
                 .arg(m_address)
                 .arg(m_connectTimer.interval() / 1000)
                 .arg(m_tls.verifiesPeers() ? QString()
                                            : QStringLiteral(" (a worker started with --tls-cert answers only clients that "
                                                             "use TLS: pass --tls-ca or --tls-pin)")));
    });
    connect(&m_heartbeat, &QTimer::timeout, this, &WorkerClient::checkHeartbeat);
}

WorkerClient::~WorkerClient()
{
    failPending(QStringLiteral("connection to worker %1 closed").arg(m_address));
}

QString WorkerClient::workerName() const
{
    return m_hello.name.isEmpty() ? m_address : m_hello.name;
}

void WorkerClient::connectTo(const QString &address, int timeoutMillis)
{
    m_address = address.trimmed();
    const Result<HostPort> target = parseHostPort(m_address);
    if (!target.isOk()) {
        QMetaObject::invokeMethod(
            this, [this, message = target.status().message()] { fail(message, ErrorCode::InvalidArgument); },
            Qt::QueuedConnection);
        return;
    }
    m_state = State::Connecting;
    m_connectTimer.start(timeoutMillis);
    if (!m_tls.verifiesPeers()) {
        auto *socket = new QTcpSocket;
        attach(socket);
        socket->connectToHost(target->host, target->port);
        return;
    }
    QSslSocket *socket = encryptedSocket();
    if (!socket)
        return;
    attach(socket);
    socket->connectToHostEncrypted(target->host, target->port);
}

void WorkerClient::adopt(QTcpSocket *socket)
{
    attach(socket);
    m_address = m_frames->peerName();
    m_state = State::Handshaking;
    m_connectTimer.start(10000);
    // A worker that dialed in with TLS is the TLS server on the connection it opened.
    if (auto *encrypted = qobject_cast<QSslSocket *>(socket); encrypted && m_tls.verifiesPeers()) {
        Result<QSslConfiguration> configuration = clientTlsConfiguration(m_tls);
        if (!configuration.isOk()) {
            fail(configuration.status().message(), ErrorCode::InvalidArgument);
            return;
        }
        encrypted->setSslConfiguration(*configuration);
        watchTls(encrypted);
        encrypted->startClientEncryption();
    }
}

void WorkerClient::setTls(const TlsSettings &settings)
{
    m_tls = settings;
}

// A socket that checks the worker's certificate (by the CA, or by the pin), or null after
// failing with why.
QSslSocket *WorkerClient::encryptedSocket()
{
    Result<QSslConfiguration> configuration = clientTlsConfiguration(m_tls);
    if (!configuration.isOk()) {
        QMetaObject::invokeMethod(
            this, [this, message = configuration.status().message()] { fail(message, ErrorCode::InvalidArgument); },
            Qt::QueuedConnection);
        return nullptr;
    }
    auto *socket = new QSslSocket;
    socket->setSslConfiguration(*configuration);
    watchTls(socket);
    return socket;
}

void WorkerClient::watchTls(QSslSocket *socket)
{
    connect(socket, &QSslSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        // A pinned certificate is trusted as itself: its chain and names do not matter.
        if (matchesPin(socket->peerCertificate(), m_tls.pinnedSha256)) {
            socket->ignoreSslErrors();
            return;
        }
        m_tlsError = describeTlsErrors(errors, m_tls);
    });
}

void WorkerClient::attach(QTcpSocket *socket)
{
    m_frames = new FrameSocket(socket, FrameLimits{}, this);
    // Signs of life: bytes from the worker, or a large write of ours that its side took in (a
    // small one, a ping included, fits in the kernel's buffers even when the worker is hung).
    connect(socket, &QTcpSocket::readyRead, this, [this] { m_quiet.restart(); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this](qint64 bytes) {
        if (bytes > 65536)
            m_quiet.restart();
    });
    connect(socket, &QTcpSocket::connected, this, [this] { m_state = State::Handshaking; });
    connect(m_frames, &FrameSocket::frameReceived, this, &WorkerClient::onFrame);
    connect(m_frames, &FrameSocket::protocolError, this, [this](const QString &message) {
        m_lastError = message;
        // A refused or unreachable connect never reaches "disconnected" on every platform.
        if (!m_tlsError.isEmpty())
            fail(QStringLiteral("cannot reach worker at %1: %2").arg(m_address, m_tlsError), ErrorCode::Auth);
        else if (m_state == State::Connecting && m_frames)
            fail(QStringLiteral("cannot reach worker at %1: %2; is tessera-worker running there and listening on that port?")
                     .arg(m_address, m_frames->socket()->errorString()));
        else if (m_state == State::Handshaking && m_tls.verifiesPeers() && m_frames)
            fail(QStringLiteral("cannot reach worker at %1 over TLS: %2; was the worker started with --tls-cert?")
                     .arg(m_address, m_frames->socket()->errorString()));
    });
    connect(m_frames, &FrameSocket::disconnected, this, [this] {
        if (m_state == State::Ready) {
            m_state = State::Closed;
            m_heartbeat.stop();
            const QString message =
                QStringLiteral("lost connection to worker %1 (%2)%3")
                    .arg(workerName(), m_address, m_lastError.isEmpty() ? QString() : QStringLiteral(": ") + m_lastError);
            // lost() first: whoever recovers from it then knows, when the pending requests fail
            // just after, that those failures are part of the loss.
            Q_EMIT lost(message);
            failPending(message);
        } else if (m_state != State::Closed && !m_tlsError.isEmpty()) {
            fail(QStringLiteral("cannot reach worker at %1: %2").arg(m_address, m_tlsError), ErrorCode::Auth);
        } else if (m_state != State::Closed) {
            QString reason = m_lastError.isEmpty() ? QStringLiteral("the connection was closed") : m_lastError;
            // Closed before any hello: perhaps a worker serving TLS, which drops clients that do not.
            const QString hint = !m_tls.verifiesPeers() && m_hello.version == 0
                                     ? QStringLiteral(" (a worker started with --tls-cert answers only clients that use TLS: "
                                                      "pass --tls-ca or --tls-pin)")
                                     : QString();
            fail(QStringLiteral("cannot reach worker at %1: %2; is tessera-worker running there and listening on that port?%3")
                     .arg(m_address, reason, hint));
        }
    });
}

void WorkerClient::onFrame(const Frame &frame)
{
    if (m_state == State::Connecting || m_state == State::Handshaking) {
        onHandshakeFrame(frame);
        return;
    }
    const Result<wire::Envelope> envelope = wire::Envelope::fromCbor(frame.header);
    if (!envelope.isOk()) {
        // Closing a ready connection reports it as lost, with this reason.
        m_lastError = QStringLiteral("it sent a reply this program cannot read (%1)").arg(envelope.status().message());
        m_frames->close();
        return;
    }
    if (envelope->id == 0 && envelope->type == msg::Error) {
        // The worker refused a frame of ours and is closing the connection; say why when it goes.
        m_lastError = statusFromErrorReply(frame.header).message();
        return;
    }
    const ReplyHandler handler = m_pending.take(envelope->id);
    if (handler)
        handler(frame); // none: a reply to a request whose handler was already failed
}

void WorkerClient::onHandshakeFrame(const Frame &frame)
{
    const QString type = frame.header.value(field::Type).toString();
    if (type == msg::Hello) {
        Result<wire::Hello> hello = wire::Hello::fromCbor(frame.header);
        if (hello.isOk() && hello->version != ProtocolVersion) {
            fail(QStringLiteral("worker at %1 speaks protocol version %2 and this program version %3; "
                                "install the same Tessera release on both")
                     .arg(m_address)
                     .arg(hello->version)
                     .arg(ProtocolVersion),
                 ErrorCode::InvalidArgument);
            return;
        }
        if (!hello.isOk()) {
            fail(QStringLiteral(
                     "worker at %1 sent a hello this program cannot read (%2); is that a Tessera worker of this release?")
                     .arg(m_address, hello.status().message()),
                 ErrorCode::Format);
            return;
        }
        m_hello = std::move(*hello);
        m_frames->send(wire::Auth{ProtocolVersion, authCode(m_token, m_hello.nonce), m_role}.toCbor());
    } else if (type == msg::Welcome) {
        m_connectTimer.stop();
        m_address = peerAddress(m_address, m_hello.listen);
        m_state = State::Ready;
        startHeartbeat();
        Q_EMIT ready();
    } else if (type == msg::Error) {
        const Status refusal = statusFromErrorReply(frame.header);
        const bool auth = refusal.code() == ErrorCode::Auth;
        fail(QStringLiteral("worker at %1 refused the connection: %2%3")
                 .arg(m_address, refusal.message(),
                      auth && m_token.isEmpty()
                          ? QStringLiteral(" (no token was given here: pass --token-file with the worker's token)")
                          : QString()),
             auth ? ErrorCode::Auth : ErrorCode::InvalidArgument);
    } else {
        fail(QStringLiteral("worker at %1 sent '%2' before the handshake finished; is that a Tessera worker?")
                 .arg(m_address, type.left(64)));
    }
}

void WorkerClient::request(QCborMap header, QByteArrayView payload, ReplyHandler handler)
{
    request(
        [&header](CborBytes &writer, qint64 id) {
        header[field::Id] = id;
        writer.append(header.toCborValue());
        },
        payload, std::move(handler));
}

void WorkerClient::request(const RequestWriter &writeRequest, QByteArrayView payload, ReplyHandler handler)
{
    const qint64 id = m_nextId++;
    if (m_state != State::Ready || !m_frames) {
        const QString message = QStringLiteral("worker %1 is not connected").arg(workerName());
        QMetaObject::invokeMethod(
            this,
            [handler = std::move(handler), id, message] {
            handler(Frame{errorReply(id, Status(ErrorCode::Network, message)), {}});
            },
            Qt::QueuedConnection);
        return;
    }
    m_pending.add(id, std::move(handler));
    m_frames->send([&writeRequest, id](CborBytes &writer) { writeRequest(writer, id); }, payload);
}

std::int64_t WorkerClient::payloadBytesSent() const
{
    return m_frames ? m_frames->payloadBytesSent() : 0;
}

std::int64_t WorkerClient::payloadBytesReceived() const
{
    return m_frames ? m_frames->payloadBytesReceived() : 0;
}

void WorkerClient::flush()
{
    if (m_frames && m_frames->socket())
        m_frames->socket()->flush();
}

void WorkerClient::setHeartbeatTimeout(int millis)
{
    m_heartbeatTimeoutMillis = std::max(0, millis);
    if (m_state == State::Ready)
        startHeartbeat();
}

void WorkerClient::startHeartbeat()
{
    m_quiet.start();
    m_sinceCheck.start();
    m_pingOutstanding = false;
    if (m_heartbeatTimeoutMillis <= 0) {
        m_heartbeat.stop();
        return;
    }
    m_heartbeat.start(std::max(10, m_heartbeatTimeoutMillis / 5));
}

void WorkerClient::checkHeartbeat()
{
    if (m_state != State::Ready || !m_frames || !m_frames->socket()) {
        m_heartbeat.stop();
        return;
    }
    // Silence counts against the worker only while this thread was listening. After a stall of
    // its own (a long computation between two turns of its event loop, so a late check), the
    // worker's answers may wait unread in the kernel's buffer: the worker gets a whole timeout
    // from now. Bytes waiting in the socket's own buffer show the same.
    const bool stalled = m_sinceCheck.restart() > 2 * m_heartbeat.interval();
    if (stalled || m_frames->socket()->bytesAvailable() > 0)
        m_quiet.restart();
    if (m_quiet.elapsed() >= m_heartbeatTimeoutMillis) {
        m_heartbeat.stop();
        m_lastError = QStringLiteral("no sign of life for %1 s (heartbeat); the worker is hung, its host is down or the "
                                     "network between is cut")
                          .arg(m_heartbeatTimeoutMillis / 1000.0);
        m_frames->abort(); // reported as lost() by the disconnected handler, with m_lastError
        return;
    }
    if (m_pingOutstanding || m_quiet.elapsed() < m_heartbeatTimeoutMillis / 5)
        return;
    m_pingOutstanding = true;
    request(QCborMap{{field::Type, msg::Ping}}, [this](const Frame &) { m_pingOutstanding = false; });
}

void WorkerClient::close()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_connectTimer.stop();
    m_heartbeat.stop();
    failPending(QStringLiteral("connection to worker %1 closed").arg(workerName()));
    if (m_frames)
        m_frames->close();
}

void WorkerClient::fail(const QString &message, ErrorCode code)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_failureCode = code;
    m_connectTimer.stop();
    m_heartbeat.stop();
    failPending(message);
    if (m_frames)
        m_frames->close();
    Q_EMIT failed(message);
}

void WorkerClient::failPending(const QString &message)
{
    m_pending.drain([&message](qint64 id, const ReplyHandler &handler) {
        handler(Frame{errorReply(id, Status(ErrorCode::Network, message)), {}});
    });
}

} // namespace tessera
