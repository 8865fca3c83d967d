// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// A connection to a worker whose every byte a test controls: the handshake done by hand, requests
// matched to replies by id, raw bytes written past the frame layer. For tst_workerservice.

#include "net/protocol/frame.h"
#include "net/protocol/framesocket.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/protocol/workerclient.h"

#include <QCborArray>
#include <QEventLoop>
#include <QStringList>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <limits>
#include <memory>
#include <optional>

namespace rawconnection {

using tessera::Frame;
using tessera::NdArray;

inline constexpr int waitMillis = 10000;

class RawConnection
{
public:
    // Connects and waits for the worker's hello (or the connection to fail).
    static std::unique_ptr<RawConnection> open(const QString &address)
    {
        auto raw = std::unique_ptr<RawConnection>(new RawConnection);
        const tessera::Result<tessera::HostPort> hostPort = tessera::parseHostPort(address);
        if (!hostPort.isOk()) {
            raw->closed = true;
            return raw;
        }
        raw->socket = new QTcpSocket;
        raw->frames = std::make_unique<tessera::FrameSocket>(raw->socket, tessera::FrameLimits{});
        RawConnection *target = raw.get();
        QObject::connect(raw->frames.get(), &tessera::FrameSocket::frameReceived, raw->frames.get(),
                         [target](const Frame &frame) { target->received.append(frame); });
        QObject::connect(raw->frames.get(), &tessera::FrameSocket::disconnected, raw->frames.get(),
                         [target] { target->closed = true; });
        raw->socket->connectToHost(hostPort->host, hostPort->port);
        raw->waitUntil([target] { return !target->received.isEmpty() || target->closed; }, waitMillis);
        return raw;
    }

    // Runs the event loop until `done` holds, checked after each frame and at the close, or until
    // `millis` have passed. QTest::qWaitFor would sleep 10 ms between checks, which for thousands
    // of short exchanges is most of a test's time.
    template <typename Predicate>
    bool waitUntil(Predicate done, int millis)
    {
        if (done())
            return true;
        QEventLoop loop;
        const auto check = [&] {
            if (done())
                loop.quit();
        };
        QObject::connect(frames.get(), &tessera::FrameSocket::frameReceived, &loop, check, Qt::QueuedConnection);
        QObject::connect(frames.get(), &tessera::FrameSocket::disconnected, &loop, check, Qt::QueuedConnection);
        QTimer::singleShot(millis, &loop, &QEventLoop::quit);
        loop.exec();
        return done();
    }

    // Answers the hello with an auth frame; true when the worker says welcome.
    bool authenticate(const QByteArray &token, qint64 version = tessera::ProtocolVersion)
    {
        if (received.isEmpty() || typeOf(0) != tessera::msg::Hello)
            return false;
        const QByteArray nonce = received.front().header.value(QStringLiteral("nonce")).toByteArray();
        frames->send(QCborMap{{QStringLiteral("type"), tessera::msg::Auth},
                              {QStringLiteral("version"), version},
                              {QStringLiteral("mac"), tessera::authCode(token, nonce)},
                              {QStringLiteral("role"), QStringLiteral("client")}});
        waitUntil([this] { return received.size() > 1 || closed; }, waitMillis);
        return received.size() > 1 && typeOf(1) == tessera::msg::Welcome;
    }

    // Sends a request with a fresh id and waits for its reply (a copy: later frames may move the list).
    std::optional<Frame> request(QCborMap header, QByteArrayView payload = {})
    {
        const qint64 id = nextId++;
        header[QStringLiteral("id")] = id;
        if (payload.isEmpty())
            frames->send(header);
        else
            frames->send(header, payload);
        waitUntil([&] { return reply(id) || closed; }, waitMillis);
        const Frame *answer = reply(id);
        return answer ? std::optional<Frame>(*answer) : std::nullopt;
    }

    std::optional<Frame> put(const QString &key, const NdArray &block)
    {
        return request(tessera::wire::Put{0, key, block.shape(), block.mayHaveNan()}.toCbor(),
                       QByteArrayView(block.bytes(), block.byteSize()));
    }

    std::optional<Frame> release(const QStringList &keys, const QString &operation = {})
    {
        QCborArray array;
        for (const QString &key : keys)
            array.append(key);
        QCborMap header{{QStringLiteral("type"), tessera::msg::Release}, {QStringLiteral("keys"), array}};
        if (!operation.isEmpty())
            header[QStringLiteral("op")] = operation;
        return request(header);
    }

    // The worker's memoryUsed from a status request; -1 without an answer.
    std::int64_t memoryUsed()
    {
        const auto answer = request(QCborMap{{QStringLiteral("type"), tessera::msg::Status}});
        return answer ? answer->header.value(QStringLiteral("memoryUsed")).toInteger(-1) : -1;
    }

    const Frame *reply(qint64 id) const
    {
        for (const Frame &frame : received) {
            if (frame.header.value(QStringLiteral("id")).toInteger() == id)
                return &frame;
        }
        return nullptr;
    }
    QString typeOf(qsizetype index) const { return received.at(index).header.value(QStringLiteral("type")).toString(); }

    QTcpSocket *socket = nullptr; // owned by frames; write to it to send bytes that are no frame
    std::unique_ptr<tessera::FrameSocket> frames;
    QList<Frame> received;
    bool closed = false;
    qint64 nextId = 1;

private:
    RawConnection() = default;
};

// "TSRA", version, flags, header length, payload length: big-endian, as docs/PROTOCOL.md says.
inline QByteArray framePrefix(quint16 version, quint16 flags, quint32 headerBytes, quint64 payloadBytes)
{
    QByteArray bytes(tessera::FramePrefixBytes, Qt::Uninitialized);
    qToBigEndian<quint32>(tessera::FrameMagic, bytes.data());
    qToBigEndian<quint16>(version, bytes.data() + 4);
    qToBigEndian<quint16>(flags, bytes.data() + 6);
    qToBigEndian<quint32>(headerBytes, bytes.data() + 8);
    qToBigEndian<quint64>(payloadBytes, bytes.data() + 12);
    return bytes;
}

// Values whose bytes must survive unchanged: NaN, infinities, -0, denormals, then a ramp.
inline NdArray patterned(const tessera::Shape &shape)
{
    NdArray array(shape);
    const double specials[] = {std::numeric_limits<double>::quiet_NaN(),  std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),  -0.0,
                               std::numeric_limits<double>::denorm_min(), 1e308};
    for (std::int64_t i = 0; i < array.size(); ++i)
        array.data()[i] = i < 42 && i % 7 < 6 ? specials[i % 6] : double(i) * 1.25 - 3;
    return array;
}

inline QByteArray bytesOf(const NdArray &array)
{
    return QByteArray(array.bytes(), array.byteSize());
}

// A task request as the session sends it.
inline QCborMap taskFrame(const tessera::Task &task, const QStringList &addresses, const QString &operation, bool store,
                          bool returnOutput)
{
    tessera::wire::TaskRequest request = tessera::wire::TaskRequest::forTask(task, addresses);
    request.operation = operation;
    request.store = store;
    request.returnOutput = returnOutput;
    return request.toCbor();
}

inline QByteArray payloadOf(const Frame &frame)
{
    return QByteArray(frame.payload.data(), qsizetype(frame.payload.size()));
}

} // namespace rawconnection
