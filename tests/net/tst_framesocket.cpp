// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// FrameSocket over real loopback connections: payload integrity, bursts, byte-by-byte arrival,
// bad peers, limits, byte accounting and the order of protocolError() and disconnected().

#include "net/protocol/framesocket.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <optional>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

constexpr int bigWaitMilliseconds = 30000; // multi-MB transfers on a loaded 2-core builder

// Everything one FrameSocket reported, in order.
struct Inbox
{
    QList<Frame> frames;
    QStringList errors;
    int disconnects = 0;
    QStringList events; // "frame", "error", "disconnected"
};

void attach(FrameSocket *socket, Inbox *inbox)
{
    QObject::connect(socket, &FrameSocket::frameReceived, socket, [inbox](const Frame &frame) {
        inbox->frames.append(frame);
        inbox->events.append(u"frame"_s);
    });
    QObject::connect(socket, &FrameSocket::protocolError, socket, [inbox](const QString &message) {
        inbox->errors.append(message);
        inbox->events.append(u"error"_s);
    });
    QObject::connect(socket, &FrameSocket::disconnected, socket, [inbox] {
        ++inbox->disconnects;
        inbox->events.append(u"disconnected"_s);
    });
}

// Bytes that differ from their neighbours everywhere, so a lost, duplicated or reordered chunk
// shows up as a mismatch.
QByteArray pattern(qsizetype size, std::uint32_t seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    std::uint32_t state = seed * 2654435761u + 1;
    for (qsizetype i = 0; i < size; ++i) {
        state = state * 1664525u + 1013904223u;
        bytes[i] = char(state >> 24);
    }
    return bytes;
}

QCborMap header(const QString &type, qint64 id)
{
    return QCborMap{{u"type"_s, type}, {u"id"_s, id}};
}

qint64 idOf(const Frame &frame)
{
    return frame.header.value(u"id"_s).toInteger(-1);
}

} // namespace

class TestFrameSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void payloadsArriveIntactAndInOrder();
    void burstOfSmallFrames();
    void framesOfOneTurnLeaveTogether();
    void aSlowBurstLetsTheEventLoopIn();
    void aSlowBurstThenCloseArrivesWhole();
    void frameSplitByteByByte();
    void garbageClosesOnlyThatConnection();
    void oversizedPayloadRejectedBeforeItIsSent();
    void payloadByteCounts();
    void frameThenCloseIsDelivered();
    void truncatedFrameIsAnError();
    void refusedConnectReportsThenDisconnects();
    void receiverMayDeleteTheSocket();
    void receiverMayCloseTheSocket();
    void lowDelayIsOn();

private:
    QTcpSocket *nextConnection();
    QTcpSocket *connectRaw(QObject *scope);
    std::pair<FrameSocket *, FrameSocket *> connectPair(QObject *scope, const FrameLimits &serverLimits = {});

    QTcpServer m_server;
};

void TestFrameSocket::initTestCase()
{
    QVERIFY2(m_server.listen(QHostAddress::LocalHost, 0), qPrintable(m_server.errorString()));
}

QTcpSocket *TestFrameSocket::nextConnection()
{
    if (!m_server.hasPendingConnections()) {
        QSignalSpy accepted(&m_server, &QTcpServer::newConnection);
        if (!accepted.wait(5000))
            return nullptr;
    }
    return m_server.nextPendingConnection();
}

QTcpSocket *TestFrameSocket::connectRaw(QObject *scope)
{
    auto *raw = new QTcpSocket(scope);
    raw->connectToHost(QHostAddress::LocalHost, m_server.serverPort());
    // Each test write should leave at once, not wait for the previous one to be acknowledged.
    QObject::connect(raw, &QTcpSocket::connected, raw, [raw] { raw->setSocketOption(QAbstractSocket::LowDelayOption, 1); });
    return raw;
}

std::pair<FrameSocket *, FrameSocket *> TestFrameSocket::connectPair(QObject *scope, const FrameLimits &serverLimits)
{
    auto *clientSocket = new QTcpSocket;
    clientSocket->connectToHost(QHostAddress::LocalHost, m_server.serverPort());
    auto *client = new FrameSocket(clientSocket, FrameLimits{}, scope);
    QTcpSocket *accepted = nextConnection();
    if (!accepted)
        return {client, nullptr};
    return {client, new FrameSocket(accepted, serverLimits, scope)};
}

void TestFrameSocket::payloadsArriveIntactAndInOrder()
{
    Inbox serverInbox;
    Inbox clientInbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &serverInbox);
    attach(client, &clientInbox);
    // The server echoes every frame, so both directions carry the big payload.
    connect(server, &FrameSocket::frameReceived, server,
            [socket = server](const Frame &frame) { socket->send(frame.header.toMap(), frame.payload.view()); });

    const QList<qsizetype> sizes{0, 8, 8 << 20, 3};
    for (qsizetype i = 0; i < sizes.size(); ++i)
        client->send(header(u"put"_s, i + 1), pattern(sizes[i], std::uint32_t(i)));

    QTRY_COMPARE_WITH_TIMEOUT(clientInbox.frames.size(), sizes.size(), bigWaitMilliseconds);
    QCOMPARE(serverInbox.frames.size(), sizes.size());
    for (const Inbox *inbox : {&serverInbox, &clientInbox}) {
        for (qsizetype i = 0; i < sizes.size(); ++i) {
            const Frame &frame = inbox->frames[i];
            QCOMPARE(idOf(frame), i + 1);
            QCOMPARE(frame.header.value(u"type"_s).toString(), u"put"_s);
            QCOMPARE(frame.payload.size(), sizes[i]);
            QVERIFY2(frame.payload.toByteArray() == pattern(sizes[i], std::uint32_t(i)), "payload bytes differ");
        }
    }
    QVERIFY(serverInbox.errors.isEmpty());
    QVERIFY(clientInbox.errors.isEmpty());
}

void TestFrameSocket::burstOfSmallFrames()
{
    Inbox inbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &inbox);

    // All written before the event loop runs: they arrive as one stream of many frames per read.
    constexpr int frameCount = 2000;
    qint64 payloadTotal = 0;
    for (int i = 0; i < frameCount; ++i) {
        client->send(header(u"tick"_s, i), pattern(i % 17, std::uint32_t(i)));
        payloadTotal += i % 17;
    }

    QTRY_COMPARE_WITH_TIMEOUT(inbox.frames.size(), frameCount, bigWaitMilliseconds);
    for (int i = 0; i < frameCount; ++i) {
        QCOMPARE(idOf(inbox.frames[i]), i);
        QCOMPARE(inbox.frames[i].payload.toByteArray(), pattern(i % 17, std::uint32_t(i)));
    }
    QCOMPARE(server->payloadBytesReceived(), payloadTotal);
    QVERIFY(inbox.errors.isEmpty());
}

void TestFrameSocket::framesOfOneTurnLeaveTogether()
{
    Inbox inbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &inbox);

    // Small frames wait in the socket's buffer until this thread's event loop is about to wait,
    // and are all written then, before it polls.
    for (int i = 0; i < 100; ++i)
        client->send(header(u"tick"_s, i));
    const qint64 queued = client->socket()->bytesToWrite();
    QVERIFY2(queued > 100 * 10, qPrintable(u"%1 bytes queued"_s.arg(queued)));
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    std::optional<qint64> atWait; // connected after the socket's own flush, so it sees the result
    QObject::connect(
        dispatcher, &QAbstractEventDispatcher::aboutToBlock, &scope,
        [&atWait, socket = client->socket()] { atWait = socket->bytesToWrite(); }, Qt::SingleShotConnection);
    // A real event loop, as the workbench and the workers run: QTest's waits never block, so they
    // never reach the point where frames are written (the socket's own write notice does it there).
    QEventLoop loop;
    QObject::connect(server, &FrameSocket::frameReceived, &loop, [&inbox, &loop] {
        if (inbox.frames.size() == 100)
            loop.quit();
    });
    QTimer::singleShot(bigWaitMilliseconds, &loop, &QEventLoop::quit);
    loop.exec();
    QCOMPARE(inbox.frames.size(), 100);
    QVERIFY(atWait);
    QCOMPARE(*atWait, 0);

    // A large frame goes to the kernel at once, rather than sitting in the buffer until then.
    client->send(header(u"big"_s, 100), pattern(2 << 20, 1));
    QVERIFY2(client->socket()->bytesToWrite() < (2 << 20),
             qPrintable(u"%1 bytes still queued"_s.arg(client->socket()->bytesToWrite())));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.frames.size(), 101, bigWaitMilliseconds);
    QCOMPARE(inbox.frames.last().payload.toByteArray(), pattern(2 << 20, 1));
}

namespace {

constexpr int slowBurstFrames = 200; // at 2 ms each, 400 ms of work

// A receiver that takes 2 ms over each frame, as a worker copying a block into a reply does.
void receiveSlowly(FrameSocket *socket, Inbox *inbox)
{
    attach(socket, inbox);
    QObject::connect(socket, &FrameSocket::frameReceived, socket, [] {
        QElapsedTimer spin;
        spin.start();
        while (spin.elapsed() < 2) {
        }
    });
}

void sendSlowBurst(FrameSocket *client)
{
    for (int i = 0; i < slowBurstFrames; ++i)
        client->send(header(u"tick"_s, i), pattern(64, std::uint32_t(i)));
}

} // namespace

// A burst that would hold the thread for 400 ms: other work (here a zero timer; in a worker,
// the pings of its other connections) runs between slices, and every frame still comes.
void TestFrameSocket::aSlowBurstLetsTheEventLoopIn()
{
    Inbox inbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    receiveSlowly(server, &inbox);
    qsizetype deliveredWhenTimerRan = -1;
    FrameSocket *receiver = server; // a structured binding cannot be captured before C++20's P1091 (clang 16)
    QObject::connect(receiver, &FrameSocket::frameReceived, receiver, [&inbox, &deliveredWhenTimerRan, receiver] {
        if (inbox.frames.size() == 1)
            QTimer::singleShot(0, receiver, [&inbox, &deliveredWhenTimerRan] { deliveredWhenTimerRan = inbox.frames.size(); });
    });
    sendSlowBurst(client);
    // All of it in the receiver's kernel buffer before its event loop runs: one read takes it all.
    client->socket()->flush();
    QThread::msleep(200);

    QTRY_COMPARE_WITH_TIMEOUT(inbox.frames.size(), slowBurstFrames, bigWaitMilliseconds);
    for (int i = 0; i < slowBurstFrames; ++i)
        QCOMPARE(idOf(inbox.frames[i]), i);
    QVERIFY2(deliveredWhenTimerRan > 0 && deliveredWhenTimerRan < slowBurstFrames,
             qPrintable(u"the timer ran after %1 of %2 frames"_s.arg(deliveredWhenTimerRan).arg(slowBurstFrames)));
}

// The bytes of a closed connection are read to the end at once: every frame, then the close.
void TestFrameSocket::aSlowBurstThenCloseArrivesWhole()
{
    Inbox inbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    receiveSlowly(server, &inbox);
    sendSlowBurst(client);
    client->close();

    QTRY_COMPARE_WITH_TIMEOUT(inbox.disconnects, 1, bigWaitMilliseconds);
    QCOMPARE(inbox.frames.size(), slowBurstFrames);
    QCOMPARE(inbox.events.count(u"frame"_s), slowBurstFrames);
    QCOMPARE(inbox.events.last(), u"disconnected"_s);
    QVERIFY(inbox.errors.isEmpty());
}

void TestFrameSocket::frameSplitByteByByte()
{
    Inbox inbox;
    QObject scope;
    QTcpSocket *raw = connectRaw(&scope);
    QTcpSocket *accepted = nextConnection();
    QVERIFY(accepted);
    auto *server = new FrameSocket(accepted, FrameLimits{}, &scope);
    attach(server, &inbox);
    QTRY_COMPARE(raw->state(), QAbstractSocket::ConnectedState);

    const QByteArray first = encodeFrameHead(header(u"put"_s, 1), 5) + "hello";
    const QByteArray second = encodeFrameHead(header(u"ping"_s, 2), 0);
    const QByteArray stream = first + second;
    QSignalSpy arrived(accepted, &QTcpSocket::readyRead);
    for (qsizetype i = 0; i < stream.size(); ++i) {
        QCOMPARE(inbox.frames.size(), i < first.size() ? 0 : 1);
        QCOMPARE(raw->write(stream.constData() + i, 1), 1);
        raw->flush();
        // Waiting for each byte to be read before writing the next makes every byte its own read.
        QVERIFY2(arrived.wait(5000), qPrintable(u"byte %1 never arrived"_s.arg(i)));
    }

    QCOMPARE(inbox.frames.size(), 2);
    QCOMPARE(idOf(inbox.frames[0]), 1);
    QCOMPARE(inbox.frames[0].payload.toByteArray(), QByteArray("hello"));
    QCOMPARE(idOf(inbox.frames[1]), 2);
    QVERIFY(inbox.frames[1].payload.isEmpty());
    QVERIFY(inbox.errors.isEmpty());
}

void TestFrameSocket::garbageClosesOnlyThatConnection()
{
    Inbox goodInbox;
    Inbox badInbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &goodInbox);

    QTcpSocket *raw = connectRaw(&scope);
    QTcpSocket *accepted = nextConnection();
    QVERIFY(accepted);
    auto *badServer = new FrameSocket(accepted, FrameLimits{}, &scope);
    attach(badServer, &badInbox);
    raw->write("GET / HTTP/1.1\r\nHost: tessera\r\n\r\n");

    QTRY_COMPARE(badInbox.disconnects, 1);
    QCOMPARE(badInbox.events, (QStringList{u"error"_s, u"disconnected"_s}));
    QVERIFY2(badInbox.errors.constFirst().contains(u"bad magic"_s), qPrintable(badInbox.errors.constFirst()));
    QVERIFY2(badInbox.errors.constFirst().contains(u"127.0.0.1:"_s), qPrintable(badInbox.errors.constFirst()));
    QTRY_COMPARE(raw->state(), QAbstractSocket::UnconnectedState);

    // The bad peer was told why before the close.
    const QByteArray reply = raw->readAll();
    const FrameHead head = parseFrameHead(reply, FrameLimits{});
    QVERIFY2(head.status == FrameStatus::Ok, qPrintable(head.error));
    QCOMPARE(head.header.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(head.header.value(u"id"_s).toInteger(), 0);
    QCOMPARE(head.header.value(u"code"_s).toString(), u"network"_s);
    QVERIFY(head.header.value(u"message"_s).toString().contains(u"bad magic"_s));

    // The other connection on the same server never noticed.
    client->send(header(u"ping"_s, 7), "still here");
    QTRY_COMPARE(goodInbox.frames.size(), 1);
    QCOMPARE(goodInbox.frames[0].payload.toByteArray(), QByteArray("still here"));
    QVERIFY(server->isConnected());
    QVERIFY(goodInbox.errors.isEmpty());
    QCOMPARE(badInbox.disconnects, 1);
}

void TestFrameSocket::oversizedPayloadRejectedBeforeItIsSent()
{
    Inbox serverInbox;
    Inbox clientInbox;
    QObject scope;
    auto [client, server] = connectPair(&scope, FrameLimits{1 << 20, 1 << 20});
    QVERIFY(server);
    attach(server, &serverInbox);
    attach(client, &clientInbox);

    // Only the head goes out: the receiver must refuse on the declared length alone.
    const std::int64_t hundredGigabytes = std::int64_t(100) * 1000 * 1000 * 1000;
    client->socket()->write(encodeFrameHead(header(u"put"_s, 1), hundredGigabytes));

    QTRY_COMPARE(serverInbox.disconnects, 1);
    QCOMPARE(serverInbox.events, (QStringList{u"error"_s, u"disconnected"_s}));
    QVERIFY2(serverInbox.errors.constFirst().contains(u"exceeds the limit"_s), qPrintable(serverInbox.errors.constFirst()));
    QCOMPARE(server->payloadBytesReceived(), 0);

    // The sender learns the reason as a frame, then sees an orderly close.
    QTRY_COMPARE(clientInbox.disconnects, 1);
    QCOMPARE(clientInbox.events, (QStringList{u"frame"_s, u"disconnected"_s}));
    const QCborMap reply = clientInbox.frames.constFirst().header.toMap();
    QCOMPARE(reply.value(u"code"_s).toString(), u"network"_s);
    QVERIFY2(reply.value(u"message"_s).toString().contains(u"100000000000 bytes"_s),
             qPrintable(reply.value(u"message"_s).toString()));
}

void TestFrameSocket::payloadByteCounts()
{
    Inbox serverInbox;
    Inbox clientInbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &serverInbox);
    attach(client, &clientInbox);

    client->send(header(u"a"_s, 1));
    client->send(header(u"b"_s, 2), pattern(8, 2));
    client->send(header(u"c"_s, 3), pattern(100000, 3));
    server->send(header(u"d"_s, 4), pattern(5, 4));
    QCOMPARE(client->payloadBytesSent(), 100008); // headers are not payload
    QCOMPARE(server->payloadBytesSent(), 5);

    QTRY_COMPARE(serverInbox.frames.size(), 3);
    QTRY_COMPARE(clientInbox.frames.size(), 1);
    QCOMPARE(server->payloadBytesReceived(), 100008);
    QCOMPARE(client->payloadBytesReceived(), 5);
}

void TestFrameSocket::frameThenCloseIsDelivered()
{
    // The handshake's "error, then close" depends on this: a frame queued before close() arrives.
    Inbox serverInbox;
    Inbox clientInbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &serverInbox);
    attach(client, &clientInbox);

    client->send(header(u"error"_s, 1), pattern(1 << 16, 9));
    client->close();
    QVERIFY(!client->isConnected());

    QTRY_COMPARE(serverInbox.disconnects, 1);
    QCOMPARE(serverInbox.events, (QStringList{u"frame"_s, u"disconnected"_s}));
    QCOMPARE(serverInbox.frames.constFirst().payload.toByteArray(), pattern(1 << 16, 9));
    QTRY_COMPARE(clientInbox.disconnects, 1);
    QVERIFY(clientInbox.errors.isEmpty());
}

void TestFrameSocket::truncatedFrameIsAnError()
{
    Inbox inbox;
    QObject scope;
    QTcpSocket *raw = connectRaw(&scope);
    QTcpSocket *accepted = nextConnection();
    QVERIFY(accepted);
    auto *server = new FrameSocket(accepted, FrameLimits{}, &scope);
    attach(server, &inbox);

    raw->write(encodeFrameHead(header(u"put"_s, 1), 100) + QByteArray(10, 'x'));
    raw->disconnectFromHost();

    QTRY_COMPARE(inbox.disconnects, 1);
    QCOMPARE(inbox.events, (QStringList{u"error"_s, u"disconnected"_s}));
    QVERIFY2(inbox.errors.constFirst().contains(u"10 of 100 payload bytes"_s), qPrintable(inbox.errors.constFirst()));
}

void TestFrameSocket::refusedConnectReportsThenDisconnects()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();

    Inbox inbox;
    QObject scope;
    auto *socket = new QTcpSocket;
    socket->connectToHost(QHostAddress::LocalHost, port);
    auto *frames = new FrameSocket(socket, FrameLimits{}, &scope);
    attach(frames, &inbox);

    QTRY_COMPARE(inbox.disconnects, 1);
    QCOMPARE(inbox.events, (QStringList{u"error"_s, u"disconnected"_s}));
    QVERIFY2(inbox.errors.constFirst().contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(inbox.errors.constFirst()));
}

void TestFrameSocket::receiverMayDeleteTheSocket()
{
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    int delivered = 0;
    QPointer<FrameSocket> guard(server);
    connect(server, &FrameSocket::frameReceived, &scope, [&delivered, socket = server](const Frame &) {
        ++delivered;
        delete socket;
    });

    // Both frames reach the server in one read; the first delivery deletes the reader.
    client->send(header(u"a"_s, 1), pattern(10, 1));
    client->send(header(u"b"_s, 2), pattern(10, 2));
    QTRY_VERIFY(guard.isNull());
    QCOMPARE(delivered, 1);
}

void TestFrameSocket::receiverMayCloseTheSocket()
{
    Inbox inbox;
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    attach(server, &inbox);
    connect(server, &FrameSocket::frameReceived, server, [socket = server] { socket->close(); });

    client->send(header(u"a"_s, 1));
    client->send(header(u"b"_s, 2));
    QTRY_COMPARE(inbox.disconnects, 1);
    QCOMPARE(inbox.events, (QStringList{u"frame"_s, u"disconnected"_s}));
}

void TestFrameSocket::lowDelayIsOn()
{
    QObject scope;
    auto [client, server] = connectPair(&scope);
    QVERIFY(server);
    QTRY_VERIFY(client->isConnected());
    QCOMPARE(client->socket()->socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
    QCOMPARE(server->socket()->socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
    QVERIFY(server->peerName().startsWith(u"127.0.0.1:"_s));
}

QTEST_GUILESS_MAIN(TestFrameSocket)
#include "tst_framesocket.moc"
