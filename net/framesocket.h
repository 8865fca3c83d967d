#pragma once

#include "frame.h"

#include <QByteArray>
#include <QCborMap>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace tessera {

struct Frame
{
    QCborMap header;
    QByteArray payload; // exactly the declared length; empty when there is none
};

// Frames over one QTcpSocket. Reads the prefix and header, checks the declared lengths against
// the limits, then reads the payload straight into one buffer of its final size. A malformed or
// oversized frame emits protocolError() and closes this connection only.
class FrameSocket : public QObject
{
    Q_OBJECT

public:
    // Takes ownership of `socket` (reparented to this).
    FrameSocket(QTcpSocket *socket, const FrameLimits &limits, QObject *parent = nullptr);
    ~FrameSocket() override;

    void send(const QCborMap &header);
    void send(const QCborMap &header, QByteArrayView payload);

    QTcpSocket *socket() const { return m_socket; }
    bool isConnected() const;
    QString peerName() const; // "127.0.0.1:40123"
    void close();

    // Bytes of payload sent and received so far, for "bytes moved" accounting.
    std::int64_t payloadBytesSent() const { return m_payloadBytesSent; }
    std::int64_t payloadBytesReceived() const { return m_payloadBytesReceived; }

Q_SIGNALS:
    // Emitted once per complete frame, in arrival order.
    void frameReceived(const tessera::Frame &frame);
    // Emitted for a bad frame (then the socket is closed) or a socket error.
    void protocolError(const QString &message);
    // Emitted once when the connection is gone, whatever the reason.
    void disconnected();

private:
    void readAvailable();

    QPointer<QTcpSocket> m_socket;
    FrameLimits m_limits;
    QByteArray m_headBuffer;
    bool m_inPayload = false;
    Frame m_pending;
    std::int64_t m_payloadFilled = 0;
    std::int64_t m_payloadBytesSent = 0;
    std::int64_t m_payloadBytesReceived = 0;
    bool m_disconnectedEmitted = false;
};

} // namespace tessera
