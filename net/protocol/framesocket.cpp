// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/framesocket.h"

#include "core/bytesize.h"
#include "net/protocol/hostport.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QScopeGuard>
#include <QTimer>

#include <algorithm>
#include <new>
#include <utility>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// How long close() waits for queued bytes (a last error reply) to drain to a peer that has
// stopped reading before it gives up and aborts.
constexpr int closeGraceMilliseconds = 5000;

// A head buffer that once held a large header is released rather than kept for every later frame.
constexpr qsizetype headBufferKeepBytes = 64 << 10;

// Queued bytes past this go to the kernel at once rather than at the end of the event loop's turn:
// a burst of large payloads would otherwise sit in user space, copied, until the burst ends.
constexpr qint64 flushNowBytes = 1 << 20;
// A thread kept busy (a read slice of many small requests, each answered) still lets its queued
// frames out this often: the client waits for some replies before it sends the next tasks.
constexpr qint64 flushAfterMillis = 2;

} // namespace

FrameSocket::FrameSocket(QTcpSocket *socket, const FrameLimits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
{
    Q_ASSERT(socket);
    socket->setParent(this);

    connect(socket, &QTcpSocket::readyRead, this, &FrameSocket::readAvailable);
    connect(socket, &QTcpSocket::connected, this, &FrameSocket::applySocketOptions);
    connect(socket, &QTcpSocket::errorOccurred, this, &FrameSocket::onSocketError);
    // stateChanged rather than disconnected: QAbstractSocket emits disconnected() only for a
    // connection that was established, and a refused connect is "gone" for our callers too.
    connect(socket, &QTcpSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::UnconnectedState)
            onSocketGone();
    });

    applySocketOptions();
    // An accepted socket may already hold bytes whose readyRead went to nobody.
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &FrameSocket::readAvailable, Qt::QueuedConnection);
}

FrameSocket::~FrameSocket()
{
    // The socket dies with us as our child; its last state changes must not reach a half-destroyed
    // FrameSocket.
    if (!m_socket)
        return;
    flushQueued(); // frames sent just before (a release, a last reply) still reach the peer
    m_socket->disconnect(this);
    // Deleted from a frameReceived() slot, we are inside the socket's readyRead emission, and
    // QIODevice touches the socket again after it returns: close it now, delete it later.
    if (m_reading) {
        m_socket->setParent(nullptr);
        m_socket->abort();
        m_socket->deleteLater();
    }
}

void FrameSocket::applySocketOptions()
{
    // Options only reach a socket that has a descriptor; a socket still looking up its host gets
    // them from the connected() signal instead.
    const auto state = m_socket->state();
    if (state != QAbstractSocket::ConnectingState && state != QAbstractSocket::ConnectedState)
        return;
    // Requests and replies are small and answered one by one; Nagle would hold each back ~40 ms.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // SO_SNDBUF/SO_RCVBUF are left alone on purpose: setting them switches off Linux's buffer
    // autotuning (up to net.ipv4.tcp_rmem's 32 MB here), and fixed 4 MB buffers measured no faster
    // for 8 MB frames on loopback and would cap the window on long links (docs/PROTOCOL.md).
}

void FrameSocket::send(const QCborMap &header)
{
    send(header, {});
}

void FrameSocket::send(const QCborMap &header, QByteArrayView payload)
{
    send([&header](CborBytes &writer) { writer.append(header.toCborValue()); }, payload);
}

void FrameSocket::send(const HeaderWriter &writeHeader, QByteArrayView payload)
{
    // A frame for a connection that is gone or closing is dropped: disconnected() has fired or will,
    // and that is how a sender learns that its request gets no reply.
    if (!m_socket || m_closing || m_socket->state() == QAbstractSocket::UnconnectedState)
        return;
    m_socket->write(encodeFrameHead(writeHeader, payload.size()));
    if (!payload.isEmpty())
        m_socket->write(payload.data(), payload.size());
    m_payloadBytesSent += payload.size();
    if (m_socket->bytesToWrite() >= flushNowBytes)
        m_socket->flush();
    else
        flushBeforeWaiting();
}

// Frames sent in one turn of the event loop (a graph's ready tasks, the replies to a read's worth of
// requests) leave in one system call when the thread is about to wait for events: on loopback
// each call also runs the receiver's TCP path and wakes it, which cost more than the frame itself.
// Waiting for the socket's write notification instead would cost a request one more round of the
// loop, which is most of a small request's latency.
void FrameSocket::flushBeforeWaiting()
{
    if (m_flushQueued) {
        if (m_queuedFor.elapsed() >= flushAfterMillis) {
            m_socket->flush();
            m_queuedFor.start();
        }
        return;
    }
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread());
    if (!dispatcher) {
        m_socket->flush(); // no event loop here to wait for
        return;
    }
    m_flushQueued = true;
    m_queuedFor.start();
    connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &FrameSocket::flushQueued, Qt::SingleShotConnection);
}

void FrameSocket::flushQueued()
{
    m_flushQueued = false;
    if (m_socket)
        m_socket->flush();
}

bool FrameSocket::isConnected() const
{
    return m_socket && !m_closing && m_socket->state() == QAbstractSocket::ConnectedState;
}

QString FrameSocket::peerName() const
{
    if (!m_socket)
        return {};
    QHostAddress address = m_socket->peerAddress();
    // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; people know them as a.b.c.d.
    bool isV4 = false;
    if (const quint32 v4 = address.toIPv4Address(&isV4); isV4)
        address = QHostAddress(v4);
    QString host = address.isNull() ? m_socket->peerName() : address.toString();
    if (host.isEmpty())
        return {};
    return joinHostPort(host, m_socket->peerPort());
}

void FrameSocket::close()
{
    if (!m_socket || m_closing)
        return;
    flushQueued();
    m_closing = true;
    m_inPayload = false;
    m_pending = {};
    m_headBuffer.clear();
    // disconnectFromHost, not abort: a reply queued just before (an auth error, a protocol error)
    // should still reach the peer.
    m_socket->disconnectFromHost();
    if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(closeGraceMilliseconds, m_socket.data(), &QTcpSocket::abort);
}

void FrameSocket::abort()
{
    if (!m_socket)
        return;
    m_closing = true;
    m_inPayload = false;
    m_pending = {};
    m_headBuffer.clear();
    m_socket->abort();
}

void FrameSocket::readAvailable()
{
    readFrames(true);
}

void FrameSocket::readFrames(bool yieldAfterSlice)
{
    const QPointer<FrameSocket> self(this);
    QElapsedTimer slice;
    slice.start();
    m_reading = true;
    const auto done = qScopeGuard([this, &self] {
        if (self)
            m_reading = false;
    });
    // Not gated on ConnectedState: bytes that arrived just before the peer closed still make frames.
    while (!m_closing && m_socket && m_socket->bytesAvailable() > 0) {
        if (!m_inPayload) {
            // Read no further than the head: the prefix first, then exactly the header it declares,
            // so payload bytes go straight from the socket into their final buffer.
            const FrameHead known = parseFrameHead(m_headBuffer, m_limits);
            if (known.status == FrameStatus::Bad) {
                failFrame(known.error);
                return;
            }
            const std::int64_t headBytes = known.headBytes > 0 ? known.headBytes : FramePrefixBytes;
            const qsizetype filled = m_headBuffer.size();
            const qint64 wanted = std::min<qint64>(headBytes - filled, m_socket->bytesAvailable());
            m_headBuffer.resize(filled + wanted);
            const qint64 got = m_socket->read(m_headBuffer.data() + filled, wanted);
            m_headBuffer.resize(filled + std::max<qint64>(got, 0));
            if (got <= 0)
                return;

            FrameHead head = parseFrameHead(m_headBuffer, m_limits);
            if (head.status == FrameStatus::Bad) {
                failFrame(head.error);
                return;
            }
            if (head.status == FrameStatus::Incomplete)
                continue;

            if (m_headBuffer.capacity() > headBufferKeepBytes)
                m_headBuffer.clear();
            else
                m_headBuffer.resize(0);
            m_pending.header = std::move(head.header);
            if (head.payloadBytes > 0) {
                try {
                    m_pending.payload = ByteBuffer::allocate(head.payloadBytes);
                } catch (const std::bad_alloc &) {
                    failFrame(u"cannot allocate %1 for a frame payload"_s.arg(formatBytes(head.payloadBytes)));
                    return;
                }
                m_payloadFilled = 0;
                m_inPayload = true;
                continue;
            }
        } else {
            const qint64 remaining = m_pending.payload.size() - m_payloadFilled;
            const qint64 got = m_socket->read(m_pending.payload.data() + m_payloadFilled,
                                              std::min<qint64>(remaining, m_socket->bytesAvailable()));
            if (got <= 0)
                return;
            m_payloadFilled += got;
            m_payloadBytesReceived += got;
            if (m_payloadFilled < m_pending.payload.size())
                continue;
            m_inPayload = false;
        }

        const Frame frame = std::exchange(m_pending, Frame{});
        Q_EMIT frameReceived(frame);
        // A receiver may close or delete us from its slot.
        if (!self)
            return;
        // A peer's pipelined requests (a rechunk's hundreds of gets) would otherwise hold this
        // thread for seconds: the other connections' pings go unanswered, and the worker is
        // taken for hung. The rest is read on the next turn of the event loop.
        if (yieldAfterSlice && slice.elapsed() >= ReadSliceMillis && m_socket && m_socket->bytesAvailable() > 0) {
            resumeReadingLater();
            return;
        }
    }
}

void FrameSocket::resumeReadingLater()
{
    if (m_resumeQueued)
        return;
    m_resumeQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
        m_resumeQueued = false;
        readAvailable();
        },
        Qt::QueuedConnection);
}

void FrameSocket::failFrame(const QString &message)
{
    const QPointer<FrameSocket> self(this);
    if (!m_errorReported) {
        m_errorReported = true;
        const QString from = peerName();
        const QString text =
            from.isEmpty() ? QString(u"bad frame: "_s + message) : QString(u"bad frame from "_s + from + u": "_s + message);
        Q_EMIT protocolError(text);
        if (!self)
            return;
    }
    // Tell the peer why before closing, so it reports a reason rather than a reset connection.
    // The frame answers no request, hence id 0.
    send(QCborMap{{u"type"_s, u"error"_s},
                  {u"id"_s, 0},
                  {u"code"_s, u"network"_s}, // ErrorCode::Network in messages.cpp's keys
                  {u"message"_s, message}});
    close();
}

void FrameSocket::onSocketError(QAbstractSocket::SocketError error)
{
    // An orderly close by the peer is not an error; disconnected() alone reports it.
    if (error == QAbstractSocket::RemoteHostClosedError || m_errorReported || !m_socket)
        return;
    m_errorReported = true;
    const QString from = peerName();
    const QString text = from.isEmpty() ? m_socket->errorString() : QString(from + u": "_s + m_socket->errorString());
    Q_EMIT protocolError(text);
}

void FrameSocket::onSocketGone()
{
    if (m_disconnectedEmitted || !m_socket)
        return;
    const QPointer<FrameSocket> self(this);
    readFrames(false); // every frame that arrived before the close, now
    if (!self || m_disconnectedEmitted)
        return;

    if (!m_closing && !m_errorReported && (m_inPayload || !m_headBuffer.isEmpty())) {
        m_errorReported = true;
        const QString what = m_inPayload ? u"%1 of %2 payload bytes"_s.arg(m_payloadFilled).arg(m_pending.payload.size())
                                         : u"%1 bytes of a frame head"_s.arg(m_headBuffer.size());
        Q_EMIT protocolError(u"connection closed in the middle of a frame after %1"_s.arg(what));
    } else if (const auto error = m_socket->error();
               error != QAbstractSocket::UnknownSocketError && error != QAbstractSocket::RemoteHostClosedError) {
        // A failed connect changes state before it emits errorOccurred(); report the error first
        // so callers always see protocolError() before disconnected().
        onSocketError(error);
    }
    if (!self || m_disconnectedEmitted)
        return;
    m_disconnectedEmitted = true;
    Q_EMIT disconnected();
}

} // namespace tessera
