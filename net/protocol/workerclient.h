// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/framesocket.h"
#include "net/protocol/messages.h"
#include "net/protocol/pendingreplies.h"
#include "net/protocol/tls.h"

#include "core/status.h"

#include <QCborMap>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSslSocket>
#include <QString>
#include <QTimer>

#include <functional>

namespace tessera {

// The calling side of one connection to a worker: the client's link to each worker, and a
// worker's link to a peer it fetches blocks from. Does the handshake, then matches replies to
// requests by id. Every request gets exactly one reply: the worker's, or a synthesized
// {type: "error"} when the connection fails first.
class WorkerClient : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Connecting, Handshaking, Ready, Closed };
    Q_ENUM(State)

    using ReplyHandler = std::function<void(const Frame &reply)>;

    // role: "client" or "peer", told to the worker in the auth message.
    WorkerClient(QByteArray token, QString role, QObject *parent = nullptr);
    ~WorkerClient() override;

    // Connections made after this use TLS and check the worker's certificate (see TlsSettings).
    void setTls(const TlsSettings &settings);
    // "host:port". Fails (failed()) on a bad address, refusal, timeout or handshake error.
    void connectTo(const QString &address, int timeoutMillis = 10000);
    // For a worker that dialed in (--connect): the handshake runs over `socket`.
    void adopt(QTcpSocket *socket);

    State state() const { return m_state; }
    // Where the worker listens for peers, from its hello; the dialed address until then.
    QString address() const { return m_address; }
    const wire::Hello &hello() const { return m_hello; }
    QString workerName() const;
    // Why the connection failed: Auth for a refused token, Network otherwise.
    ErrorCode failureCode() const { return m_failureCode; }

    // Only when Ready. The header's "id" is set here.
    void request(QCborMap header, QByteArrayView payload, ReplyHandler handler);
    void request(QCborMap header, ReplyHandler handler) { request(std::move(header), {}, std::move(handler)); }
    // The same for a header written straight to CBOR by `writeRequest`, given the request's id.
    using RequestWriter = std::function<void(CborBytes &writer, qint64 id)>;
    void request(const RequestWriter &writeRequest, QByteArrayView payload, ReplyHandler handler);

    std::int64_t payloadBytesSent() const;
    std::int64_t payloadBytesReceived() const;
    // Hands queued frames to the operating system now, without waiting for the event loop.
    void flush();
    void close();

    // A ready connection that shows no sign of life for this long (nothing read from it, no
    // large write of ours taken) is aborted and reported lost(); when it has been quiet for a
    // fifth of that, a ping goes out. A hung worker is found this way; a worker busy in a long
    // kernel still answers, since its sockets are served off the kernel threads. 0: off.
    void setHeartbeatTimeout(int millis);
    int heartbeatTimeout() const { return m_heartbeatTimeoutMillis; }
    static constexpr int DefaultHeartbeatMillis = 5000;

Q_SIGNALS:
    void ready();
    // The connection could not be set up (handshake included); the message says why and what to do.
    void failed(const QString &message);
    // A ready connection was lost. Emitted before the pending requests are failed.
    void lost(const QString &message);

private:
    void attach(QTcpSocket *socket);
    void onFrame(const Frame &frame);
    void onHandshakeFrame(const Frame &frame);
    void fail(const QString &message, ErrorCode code = ErrorCode::Network);
    void failPending(const QString &message);
    void checkHeartbeat();
    void startHeartbeat();
    QSslSocket *encryptedSocket();
    void watchTls(QSslSocket *socket);

    QByteArray m_token;
    QString m_role;
    QString m_address;
    State m_state = State::Idle;
    QPointer<FrameSocket> m_frames;
    wire::Hello m_hello;
    QTimer m_connectTimer;
    qint64 m_nextId = 1;
    PendingReplies<ReplyHandler> m_pending;
    QString m_lastError;
    QString m_tlsError; // why the worker's certificate was refused
    ErrorCode m_failureCode = ErrorCode::Network;
    TlsSettings m_tls;
    int m_heartbeatTimeoutMillis = DefaultHeartbeatMillis;
    QTimer m_heartbeat;
    QElapsedTimer m_quiet;      // since the last sign of life
    QElapsedTimer m_sinceCheck; // since the last heartbeat check
    bool m_pingOutstanding = false;
};

} // namespace tessera
