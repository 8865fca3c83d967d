// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/frame.h"

#include "core/bytebuffer.h"

#include <QByteArray>
#include <QCborMap>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace tessera {

struct Frame
{
    WireMap header;     // checked as CBOR; its fields are checked by the message read from it
    ByteBuffer payload; // exactly the declared length; empty when there is none
};

// Frames over one QTcpSocket. Reads the prefix and header, checks the declared lengths against
// the limits, then reads the payload straight into one buffer of its final size. A malformed or
// oversized frame emits protocolError(), is answered with one {type: "error", id: 0,
// code: "network", message} frame, and closes this connection only.
class FrameSocket : public QObject
{
    Q_OBJECT

public:
    // Takes ownership of `socket` (reparented to this).
    FrameSocket(QTcpSocket *socket, const FrameLimits &limits, QObject *parent = nullptr);
    ~FrameSocket() override;

    // Queues one frame, written when this thread's event loop next waits, or sooner when a megabyte
    // is queued or the oldest queued frame has waited 2 ms; dropped once the connection is closing
    // or gone, which disconnected() reports.
    void send(const QCborMap &header);
    void send(const QCborMap &header, QByteArrayView payload);
    void send(const HeaderWriter &writeHeader, QByteArrayView payload);

    // Applies to frames whose head has not arrived yet; lets a server keep payloads at zero until
    // the peer has authenticated.
    void setLimits(const FrameLimits &limits) { m_limits = limits; }

    QTcpSocket *socket() const { return m_socket; }
    bool isConnected() const;
    QString peerName() const; // "127.0.0.1:40123"
    void close();             // once queued frames are written (aborts after 5 s); reads no further frames
    void abort();             // at once, dropping what is queued: for a peer that stopped answering

    // Bytes of payload sent and received so far, for "bytes moved" accounting.
    std::int64_t payloadBytesSent() const { return m_payloadBytesSent; }
    std::int64_t payloadBytesReceived() const { return m_payloadBytesReceived; }

Q_SIGNALS:
    // Emitted once per complete frame, in arrival order.
    void frameReceived(const tessera::Frame &frame);
    // Emitted for a bad frame (then the socket is closed), a socket error or a connection that
    // ends inside a frame; at most once, and before disconnected(). A plain remote close is no error.
    void protocolError(const QString &message);
    // Emitted once when the connection is gone, whatever the reason (a failed connect included).
    void disconnected();

private:
    void readAvailable();
    // Frames read are handed out until the bytes run out or, when `yieldAfterSlice`, a slice of
    // ReadSliceMillis has passed; the rest then waits one turn of the event loop.
    void readFrames(bool yieldAfterSlice);
    // Reads on at the next turn of the event loop (once, however often asked before then).
    void resumeReadingLater();
    void flushBeforeWaiting();
    void flushQueued();
    void applySocketOptions();
    void failFrame(const QString &message);
    void onSocketError(QAbstractSocket::SocketError error);
    void onSocketGone();

    QPointer<QTcpSocket> m_socket;
    FrameLimits m_limits;
    QByteArray m_headBuffer;
    bool m_inPayload = false;
    Frame m_pending;
    std::int64_t m_payloadFilled = 0;
    std::int64_t m_payloadBytesSent = 0;
    std::int64_t m_payloadBytesReceived = 0;
    bool m_disconnectedEmitted = false;
    bool m_errorReported = false; // at most one protocolError() per connection, before disconnected()
    bool m_closing = false;       // close() was called: no more frames are read or sent
    bool m_reading = false;       // inside readAvailable(), called from the socket's readyRead
    bool m_resumeQueued = false;  // the rest of a slice-limited read is queued
    bool m_flushQueued = false;   // frames wait in the socket's buffer for the thread's next wait
    QElapsedTimer m_queuedFor;    // since the last write of queued frames
    static constexpr int ReadSliceMillis = 20;
};

} // namespace tessera
