// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A WorkerService on loopback port 0, spoken to over raw connections: the handshake and its refusals,
// bad frames that close only their own connection while another keeps getting answers, and every
// data request (put, get, load, task with a peer fetch, release, status) with its typed errors.

#include "rawconnection.h"

#include "net/worker/workerservice.h"

#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"

#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace tessera;
using rawconnection::bytesOf;
using rawconnection::framePrefix;
using rawconnection::patterned;
using rawconnection::payloadOf;
using rawconnection::RawConnection;
using rawconnection::waitMillis;

Q_DECLARE_METATYPE(tessera::Shape)

namespace {

const QByteArray token = "worker-service-test-token";

// A connection that passed the handshake.
std::unique_ptr<RawConnection> session(const QString &address)
{
    auto raw = RawConnection::open(address);
    if (!raw->authenticate(token))
        raw->closed = true;
    return raw;
}

} // namespace

class TestWorkerService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void helloAnnouncesTheWorker();
    void refusedHandshakes_data();
    void refusedHandshakes();
    void badFramesCloseOnlyTheirConnection_data();
    void badFramesCloseOnlyTheirConnection();
    void halfAFrameDoesNotBlockOthers();
    void putGetRoundTrip_data();
    void putGetRoundTrip();
    void getOfARegion();
    void typedErrors_data();
    void typedErrors();
    void putOverTheMemoryLimitIsRefused();
    void measureTimesTheMemoryWithinTheLimit();
    void loadReadsAFileSlab();
    void taskRunsEndToEnd();
    void smallTasksRunWhereTheyArriveLargeOnesOnThePool();
    void taskFetchesItsInputFromAPeer();
    void releaseFreesMemory();
    void blocksGoWithTheirConnection();
    void everyPipelinedRequestGetsOneReply();

private:
    void verifyOthersAreServed();

    QObject m_scope;
    WorkerService *m_service = nullptr;  // 64 MiB
    WorkerService *m_small = nullptr;    // 1 MiB, for the memory limit
    WorkerService *m_peer = nullptr;     // fetches from m_service
    WorkerClient *m_bystander = nullptr; // stays connected through every bad frame
    QTemporaryDir m_dir;
};

void TestWorkerService::initTestCase()
{
    auto make = [this](const QString &name, std::int64_t limit) {
        WorkerOptions options;
        options.name = name;
        options.threads = 2;
        options.memoryLimitBytes = limit;
        options.token = token;
        auto *service = new WorkerService(options, &m_scope);
        const Status started = service->start();
        return started.isOk() ? service : nullptr;
    };
    m_service = make(u"main"_s, std::int64_t(64) << 20);
    m_small = make(u"small"_s, std::int64_t(1) << 20);
    m_peer = make(u"peer"_s, std::int64_t(64) << 20);
    QVERIFY(m_service && m_small && m_peer);
    QVERIFY(m_service->listenAddress().startsWith(u"127.0.0.1:"_s));

    m_bystander = new WorkerClient(token, u"client"_s, &m_scope);
    QSignalSpy ready(m_bystander, &WorkerClient::ready);
    m_bystander->connectTo(m_service->listenAddress());
    QVERIFY(ready.wait(waitMillis));
    QVERIFY(m_dir.isValid());
}

// The connection that did nothing wrong still gets answers.
void TestWorkerService::verifyOthersAreServed()
{
    QCOMPARE(m_bystander->state(), WorkerClient::State::Ready);
    QString type;
    m_bystander->request(QCborMap{{u"type"_s, msg::Status}},
                         [&type](const Frame &reply) { type = reply.header.value(u"type"_s).toString(); });
    QTRY_COMPARE_WITH_TIMEOUT(type, msg::Ok, waitMillis);
}

void TestWorkerService::helloAnnouncesTheWorker()
{
    const auto raw = RawConnection::open(m_service->listenAddress());
    QCOMPARE(raw->received.size(), 1);
    const QCborMap hello = raw->received.front().header.toMap();
    QCOMPARE(hello.value(u"type"_s).toString(), msg::Hello);
    QCOMPARE(hello.value(u"version"_s).toInteger(), qint64(ProtocolVersion));
    QCOMPARE(hello.value(u"nonce"_s).toByteArray().size(), 32);
    QCOMPARE(hello.value(u"name"_s).toString(), u"main"_s);
    QCOMPARE(hello.value(u"listen"_s).toString(), m_service->listenAddress());
    QCOMPARE(hello.value(u"memoryLimit"_s).toInteger(), std::int64_t(64) << 20);
    QVERIFY(raw->authenticate(token));
    QVERIFY(raw->request(QCborMap{{u"type"_s, msg::Status}}));
    // Every connection gets its own nonce.
    const auto other = RawConnection::open(m_service->listenAddress());
    QVERIFY(other->received.front().header.value(u"nonce"_s).toByteArray() != hello.value(u"nonce"_s).toByteArray());
}

void TestWorkerService::refusedHandshakes_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("wrong token") << u"wrong token"_s << u"auth"_s << u"wrong token"_s;
    QTest::newRow("missing token") << u"no token"_s << u"auth"_s << u"--token-file"_s;
    QTest::newRow("mac of the wrong length") << u"short mac"_s << u"auth"_s << u"wrong token"_s;
    QTest::newRow("other protocol version") << u"version 2"_s << u"version"_s << u"version 1"_s;
    QTest::newRow("request before auth") << u"status first"_s << u"auth"_s << u"auth"_s;
}

void TestWorkerService::refusedHandshakes()
{
    QFETCH(QString, how);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const auto raw = RawConnection::open(m_service->listenAddress());
    QVERIFY(!raw->received.isEmpty());
    const QByteArray nonce = raw->received.front().header.value(u"nonce"_s).toByteArray();
    QCborMap auth{
        {u"type"_s, msg::Auth}, {u"version"_s, ProtocolVersion}, {u"mac"_s, authCode(token, nonce)}, {u"role"_s, u"client"_s}};
    if (how == u"wrong token"_s)
        auth[u"mac"_s] = authCode("not-the-token", nonce);
    else if (how == u"no token"_s)
        auth[u"mac"_s] = authCode({}, nonce);
    else if (how == u"short mac"_s)
        auth[u"mac"_s] = authCode(token, nonce).first(16);
    else if (how == u"version 2"_s)
        auth[u"version"_s] = 2;
    else
        auth = QCborMap{{u"type"_s, msg::Status}, {u"id"_s, 1}};
    raw->frames->send(auth);
    QTRY_VERIFY_WITH_TIMEOUT(raw->closed, waitMillis);
    QCOMPARE(raw->received.size(), 2);
    QCOMPARE(raw->typeOf(1), msg::Error);
    QCOMPARE(raw->received[1].header.value(u"code"_s).toString(), code);
    const QString message = raw->received[1].header.value(u"message"_s).toString();
    QVERIFY2(message.contains(mentions), qPrintable(message));
    verifyOthersAreServed();
}

void TestWorkerService::badFramesCloseOnlyTheirConnection_data()
{
    QTest::addColumn<bool>("authenticated");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("thenClose");   // the sender goes away after its bytes
    QTest::addColumn<QString>("mentions"); // in the error frame; empty: no frame expected

    const QByteArray status = encodeFrameHead(QCborMap{{u"type"_s, msg::Status}, {u"id"_s, 99}}, 0);
    const QByteArray put =
        encodeFrameHead(QCborMap{{u"type"_s, msg::Put}, {u"id"_s, 98}, {u"key"_s, u"k"_s}, {u"shape"_s, QCborArray{1000}}}, 8000);
    QTest::newRow("garbage") << false << QByteArray("GET / HTTP/1.1\r\nHost: worker\r\n\r\n") << false << u"magic"_s;
    QTest::newRow("garbage after auth") << true << QByteArray(64, '\xff') << false << u"magic"_s;
    QTest::newRow("other frame version") << true << framePrefix(2, 0, 1, 0) + QByteArray(1, '\xa0') << false << u"version"_s;
    QTest::newRow("flags set") << true << framePrefix(1, 4, 1, 0) + QByteArray(1, '\xa0') << false << u"flags"_s;
    QTest::newRow("empty header") << true << framePrefix(1, 0, 0, 0) << false << u"header"_s;
    QTest::newRow("header not a map") << true << framePrefix(1, 0, 1, 0) + QByteArray(1, '\x01') << false << u"map"_s;
    QTest::newRow("header not CBOR") << true << framePrefix(1, 0, 3, 0) + QByteArray("\xff\xff\xff", 3) << false << u"CBOR"_s;
    QTest::newRow("oversized header") << true << framePrefix(1, 0, 64u << 20, 0) << false << u"limit"_s;
    QTest::newRow("payload before auth") << false << framePrefix(1, 0, 1, 8) + QByteArray(1, '\xa0') << false << u"limit"_s;
    QTest::newRow("100 GB payload") << true << framePrefix(1, 0, 1, 100'000'000'000ull) + QByteArray(1, '\xa0') << false
                                    << u"limit"_s;
    QTest::newRow("truncated prefix") << true << status.first(11) << true << QString();
    QTest::newRow("truncated header") << true << status.first(status.size() - 2) << true << QString();
    QTest::newRow("truncated payload") << true << put + QByteArray(100, '\0') << true << QString();
}

void TestWorkerService::badFramesCloseOnlyTheirConnection()
{
    QFETCH(bool, authenticated);
    QFETCH(QByteArray, bytes);
    QFETCH(bool, thenClose);
    QFETCH(QString, mentions);
    const auto raw = RawConnection::open(m_service->listenAddress());
    if (authenticated)
        QVERIFY(raw->authenticate(token));
    const qsizetype before = raw->received.size();
    raw->socket->write(bytes);
    if (thenClose)
        raw->socket->disconnectFromHost();
    QTRY_VERIFY_WITH_TIMEOUT(raw->closed, waitMillis);
    if (!mentions.isEmpty()) {
        QCOMPARE(raw->received.size(), before + 1);
        const QCborMap error = raw->received.back().header.toMap();
        QCOMPARE(error.value(u"type"_s).toString(), msg::Error);
        QCOMPARE(error.value(u"id"_s).toInteger(), 0);
        QCOMPARE(error.value(u"code"_s).toString(), u"network"_s);
        QVERIFY2(error.value(u"message"_s).toString().contains(mentions), qPrintable(error.value(u"message"_s).toString()));
    }
    verifyOthersAreServed();
    // A new connection is welcome too.
    const auto next = session(m_service->listenAddress());
    QVERIFY(!next->closed);
    QVERIFY(next->request(QCborMap{{u"type"_s, msg::Status}}));
}

void TestWorkerService::halfAFrameDoesNotBlockOthers()
{
    const auto raw = session(m_service->listenAddress());
    QVERIFY(!raw->closed);
    const QByteArray put =
        encodeFrameHead(QCborMap{{u"type"_s, msg::Put}, {u"id"_s, 7}, {u"key"_s, u"slow"_s}, {u"shape"_s, QCborArray{100}}}, 800);
    raw->socket->write(put + QByteArray(400, '\0'));
    verifyOthersAreServed();
    QVERIFY(!raw->closed);
    raw->socket->write(QByteArray(400, '\0'));
    QTRY_VERIFY_WITH_TIMEOUT(raw->reply(7), waitMillis);
    QCOMPARE(raw->reply(7)->header.value(u"type"_s).toString(), msg::Ok);
    QVERIFY(raw->release({u"slow"_s}));
}

void TestWorkerService::putGetRoundTrip_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::newRow("scalar") << Shape{};
    QTest::newRow("vector of specials") << Shape{42};
    QTest::newRow("3-d block") << Shape{3, 4, 5};
    QTest::newRow("empty") << Shape{0, 4};
    QTest::newRow("2 MB plane") << Shape{512, 512};
}

void TestWorkerService::putGetRoundTrip()
{
    QFETCH(Shape, shape);
    const auto raw = session(m_service->listenAddress());
    const NdArray block = patterned(shape);
    const auto stored = raw->put(u"roundtrip"_s, block);
    QVERIFY(stored);
    QCOMPARE(stored->header.value(u"type"_s).toString(), msg::Ok);
    const auto got = raw->request(QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"roundtrip"_s}});
    QVERIFY(got);
    QCOMPARE(got->header.value(u"type"_s).toString(), msg::Block);
    QCOMPARE(wire::Block::fromCbor(got->header)->shape, shape);
    QCOMPARE(std::int64_t(got->payload.size()), block.byteSize());
    QVERIFY2(payloadOf(*got) == bytesOf(block), "payload bytes changed on the way");
    QVERIFY(raw->release({u"roundtrip"_s}));
}

void TestWorkerService::getOfARegion()
{
    const auto raw = session(m_service->listenAddress());
    const NdArray block = patterned({6, 8});
    QVERIFY(raw->put(u"region"_s, block));
    // Rows 5, 3, 1 and column 2: block[5:0:-2, 2].
    const Region region{AxisSlice{5, 3, -2, false}, AxisSlice{2, 1, 1, true}};
    const auto got = raw->request(QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"region"_s}, {u"region"_s, regionToCbor(region)}});
    QVERIFY(got);
    QCOMPARE(wire::Block::fromCbor(got->header)->shape, (Shape{3}));
    const auto *values = reinterpret_cast<const double *>(got->payload.data());
    QCOMPARE(std::int64_t(got->payload.size()), std::int64_t(3 * sizeof(double)));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(values[i], block.at((5 - 2 * i) * 8 + 2));
    QVERIFY(raw->release({u"region"_s}));
}

void TestWorkerService::typedErrors_data()
{
    QTest::addColumn<QCborMap>("header");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("get of a missing key") << QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"nothing-here"_s}} << QByteArray()
                                          << u"notfound"_s << u"nothing-here"_s;
    QTest::newRow("payload shorter than the shape")
        << QCborMap{{u"type"_s, msg::Put}, {u"key"_s, u"p"_s}, {u"shape"_s, QCborArray{4}}} << QByteArray(16, '\0') << u"format"_s
        << u"32 bytes"_s;
    QTest::newRow("negative extent") << QCborMap{{u"type"_s, msg::Put}, {u"key"_s, u"p"_s}, {u"shape"_s, QCborArray{-1}}}
                                     << QByteArray() << u"format"_s << u"negative"_s;
    QTest::newRow("unknown request") << QCborMap{{u"type"_s, u"teleport"_s}} << QByteArray() << u"invalid"_s << u"teleport"_s;
    QTest::newRow("load of a missing file")
        << QCborMap{{u"type"_s, msg::Load}, {u"key"_s, u"l"_s}, {u"path"_s, u"/nonexistent/day.nc"_s}, {u"variable"_s, u"t2m"_s},
                    {u"start"_s, 0},        {u"count"_s, 4},    {u"shape"_s, QCborArray{4, 19, 36}}}
        << QByteArray() << u"notfound"_s << u"/nonexistent/day.nc"_s;
    QTest::newRow("task on a missing block")
        << QCborMap{{u"type"_s, msg::Task},
                    {u"op"_s, u"opX"_s},
                    {u"task"_s, QCborMap{{u"id"_s, 0},
                                         {u"kind"_s, int(TaskKind::Unary)},
                                         {u"out"_s, u"o"_s},
                                         {u"shape"_s, QCborArray{2}},
                                         {u"unary"_s, 0},
                                         {u"inputs"_s, QCborArray{QCborMap{{u"key"_s, u"absent"_s}, {u"bytes"_s, 16}}}}}}}
        << QByteArray() << u"notfound"_s << u"absent"_s;
}

void TestWorkerService::typedErrors()
{
    QFETCH(QCborMap, header);
    QFETCH(QByteArray, payload);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const auto raw = session(m_service->listenAddress());
    const std::int64_t before = raw->memoryUsed();
    const auto reply = raw->request(header, payload);
    QVERIFY2(reply, "every request gets a reply");
    QCOMPARE(reply->header.value(u"type"_s).toString(), msg::Error);
    QCOMPARE(reply->header.value(u"code"_s).toString(), code);
    const QString message = reply->header.value(u"message"_s).toString();
    QVERIFY2(message.contains(mentions), qPrintable(message));
    QVERIFY2(!raw->closed, "a typed error keeps the connection");
    QCOMPARE(raw->memoryUsed(), before);
}

void TestWorkerService::putOverTheMemoryLimitIsRefused()
{
    const auto raw = session(m_small->listenAddress());
    const NdArray block = patterned({80, 1000}); // 640 KB of the 1 MiB
    QCOMPARE(raw->put(u"first"_s, block)->header.value(u"type"_s).toString(), msg::Ok);
    const auto refused = raw->put(u"second"_s, block);
    QVERIFY(refused);
    QCOMPARE(refused->header.value(u"code"_s).toString(), u"memory"_s);
    const QString message = refused->header.value(u"message"_s).toString();
    QVERIFY2(message.contains(u"small"_s) && message.contains(u"--memory-limit"_s), qPrintable(message));
    QVERIFY(!raw->closed);
    QCOMPARE(raw->memoryUsed(), block.byteSize());
    QVERIFY(raw->release({u"first"_s}));
    QCOMPARE(raw->memoryUsed(), std::int64_t(0));
}

// A measure answers with what the worker's two threads read and wrote together, holds its buffer
// within the memory limit while it runs and frees it after; over the limit it is refused.
void TestWorkerService::measureTimesTheMemoryWithinTheLimit()
{
    const auto raw = session(m_service->listenAddress());
    const auto answer = raw->request(wire::Measure{0, std::int64_t(8) << 20}.toCbor());
    QVERIFY(answer);
    const Result<wire::Ok> ok = wire::Ok::fromCbor(answer->header);
    QVERIFY2(ok.isOk(), qPrintable(ok.status().message()));
    // Far below any memory of this century, far above a cache's reach of nothing.
    QVERIFY2(ok->readBytesPerSecond > 1e8 && ok->writeBytesPerSecond > 1e8, qPrintable(QString::number(ok->readBytesPerSecond)));
    QCOMPARE(raw->memoryUsed(), std::int64_t(0));

    const auto small = session(m_small->listenAddress());
    const auto refused = small->request(wire::Measure{0, std::int64_t(2) << 20}.toCbor());
    QVERIFY(refused);
    QCOMPARE(refused->header.value(u"code"_s).toString(), u"memory"_s);
    const QString message = refused->header.value(u"message"_s).toString();
    QVERIFY2(message.contains(u"memory measurement"_s) && message.contains(u"--memory-limit"_s), qPrintable(message));
    QVERIFY(!small->closed);

    const auto tooSmall = raw->request(wire::Measure{0, 16}.toCbor());
    QVERIFY(tooSmall);
    QCOMPARE(tooSmall->header.value(u"code"_s).toString(), u"format"_s);
    QVERIFY2(tooSmall->header.value(u"message"_s).toString().contains(u"bytes"_s),
             qPrintable(tooSmall->header.value(u"message"_s).toString()));
}

void TestWorkerService::loadReadsAFileSlab()
{
    SampleDataOptions options;
    options.days = 1;
    options.gridDegrees = 10; // (4, 19, 36)
    const auto files = writeSampleData(m_dir.path(), options);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    const auto raw = session(m_service->listenAddress());
    const auto done = raw->request(QCborMap{{u"type"_s, msg::Load},
                                            {u"key"_s, u"slab"_s},
                                            {u"path"_s, files->front()},
                                            {u"variable"_s, u"t2m"_s},
                                            {u"start"_s, 1},
                                            {u"count"_s, 2},
                                            {u"shape"_s, QCborArray{2, 19, 36}}});
    QVERIFY(done);
    QCOMPARE(done->header.value(u"type"_s).toString(), msg::Done);
    QCOMPARE(done->header.value(u"bytes"_s).toInteger(), 2 * 19 * 36 * 8);
    const auto got = raw->request(QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"slab"_s}});
    const auto expected = readVariable(files->front(), u"t2m"_s, 1, 2);
    QVERIFY(got && expected.isOk());
    QVERIFY(payloadOf(*got) == bytesOf(*expected));
    QVERIFY(raw->release({u"slab"_s}));
}

void TestWorkerService::taskRunsEndToEnd()
{
    const auto raw = session(m_service->listenAddress());
    const std::int64_t before = raw->memoryUsed();
    const NdArray a = NdArray::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
    const NdArray b = NdArray::fromVector({2, 3}, {10, 20, 30, 40, 50, 60});
    QVERIFY(raw->put(u"a"_s, a) && raw->put(u"b"_s, b));
    Task add;
    add.kind = TaskKind::Binary;
    add.binaryOp = BinaryOp::Subtract;
    add.inputs = {TaskInput{u"b"_s, {}, 48, 0}, TaskInput{u"a"_s, {}, 48, 0}};
    add.outputKey = u"c"_s;
    add.outputShape = {2, 3};
    add.worker = 0;
    const QStringList addresses{m_service->listenAddress()};
    const auto done = raw->request(rawconnection::taskFrame(add, addresses, u"op1"_s, true, true));
    QVERIFY(done);
    QCOMPARE(done->header.value(u"type"_s).toString(), msg::Done);
    const NdArray expected = NdArray::fromVector({2, 3}, {9, 18, 27, 36, 45, 54});
    QVERIFY(payloadOf(*done) == bytesOf(expected));
    QCOMPARE(done->header.value(u"fetched"_s).toInteger(), 0);
    QVERIFY(done->header.value(u"end"_s).toInteger() >= done->header.value(u"start"_s).toInteger());

    // A reduction of the stored result: partial + finalize, returned only.
    Task mean;
    mean.kind = TaskKind::Partial;
    mean.reduceOp = ReduceOp::Mean;
    mean.axes = {0};
    mean.finalize = true;
    mean.inputs = {TaskInput{u"c"_s, {}, 48, 0}};
    mean.outputKey = u"m"_s;
    mean.outputShape = {3};
    mean.worker = 0;
    const auto reduced = raw->request(rawconnection::taskFrame(mean, addresses, u"op1"_s, false, true));
    QVERIFY(reduced);
    QVERIFY(payloadOf(*reduced) == bytesOf(NdArray::fromVector({3}, {22.5, 31.5, 40.5})));
    const auto got = raw->request(QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"c"_s}});
    QVERIFY(got && payloadOf(*got) == bytesOf(expected));
    QCOMPARE(raw->memoryUsed(), before + 3 * 48);
    QVERIFY(raw->release({u"a"_s, u"b"_s, u"c"_s}));
    QCOMPARE(raw->memoryUsed(), before);
}

// Below 64 KiB a task runs on the thread that received it, above on a pool thread: both give the
// same answers, and the reply says which thread ran it.
void TestWorkerService::smallTasksRunWhereTheyArriveLargeOnesOnThePool()
{
    const auto raw = session(m_service->listenAddress());
    const QStringList addresses{m_service->listenAddress()};
    std::map<qint64, qint64> threadOfRows;
    for (const qint64 rows : {qint64(4), qint64(400)}) { // 4 x 100 x 8 B x 3 arrays = 9.6 kB; 400 rows 960 kB
        std::vector<double> values(std::size_t(rows) * 100);
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = double(i % 977) * 0.25 - 7;
        const NdArray a = NdArray::fromVector({rows, 100}, values);
        QVERIFY(raw->put(u"a"_s, a));
        Task square;
        square.kind = TaskKind::Binary;
        square.binaryOp = BinaryOp::Multiply;
        square.inputs = {TaskInput{u"a"_s, {}, a.byteSize(), 0}, TaskInput{u"a"_s, {}, a.byteSize(), 0}};
        square.outputKey = u"s"_s;
        square.outputShape = {rows, 100};
        square.worker = 0;
        const auto done = raw->request(rawconnection::taskFrame(square, addresses, u"op-square"_s, false, true));
        QVERIFY(done);
        QCOMPARE(done->header.value(u"type"_s).toString(), msg::Done);
        std::vector<double> squares(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            squares[i] = values[i] * values[i];
        QVERIFY(payloadOf(*done) == bytesOf(NdArray::fromVector({rows, 100}, squares)));
        threadOfRows[rows] = done->header.value(u"thread"_s).toInteger();
        QVERIFY(raw->release({u"a"_s}));
    }
    // The service has 2 kernel threads, numbered 0 and 1; its socket thread is 2.
    QCOMPARE(threadOfRows[4], qint64(2));
    QVERIFY2(threadOfRows[400] >= 0 && threadOfRows[400] < 2, qPrintable(QString::number(threadOfRows[400])));
}

void TestWorkerService::taskFetchesItsInputFromAPeer()
{
    const auto holder = session(m_service->listenAddress());
    const auto runner = session(m_peer->listenAddress());
    const NdArray block = patterned({64, 64});
    QVERIFY(holder->put(u"remote"_s, block));

    Task negate;
    negate.kind = TaskKind::Unary;
    negate.unaryOp = UnaryOp::Abs;
    negate.inputs = {TaskInput{u"remote"_s, {}, block.byteSize(), 0}};
    negate.outputKey = u"local"_s;
    negate.outputShape = {64, 64};
    negate.worker = 1; // the input lives on worker 0: the runner fetches it from there itself
    const QStringList addresses{m_service->listenAddress(), m_peer->listenAddress()};
    const auto done = runner->request(rawconnection::taskFrame(negate, addresses, u"opPeer"_s, true, false));
    QVERIFY(done);
    QCOMPARE(done->header.value(u"type"_s).toString(), msg::Done);
    QCOMPARE(done->header.value(u"fetched"_s).toInteger(), block.byteSize());
    QVERIFY(done->payload.isEmpty());
    // Output and the fetched replica are held until the operation releases them.
    QCOMPARE(runner->memoryUsed(), 2 * block.byteSize());
    const auto got = runner->request(QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"local"_s}});
    QVERIFY(got);
    const auto *values = reinterpret_cast<const double *>(got->payload.data());
    for (std::int64_t i = 0; i < block.size(); ++i) {
        const double want = std::abs(block.at(i));
        QVERIFY(std::isnan(want) ? std::isnan(values[i]) : values[i] == want);
    }
    const auto released = runner->release({u"local"_s}, u"opPeer"_s);
    QVERIFY(released);
    QCOMPARE(released->header.value(u"freed"_s).toInteger(), 2 * block.byteSize());
    QCOMPARE(runner->memoryUsed(), std::int64_t(0));
    QVERIFY(holder->release({u"remote"_s}));
}

void TestWorkerService::blocksGoWithTheirConnection()
{
    const auto keeper = session(m_service->listenAddress());
    QVERIFY(keeper->put(u"kept"_s, patterned({100})));
    const std::int64_t before = keeper->memoryUsed();
    {
        // A client that stores blocks, a task output and a block fetched from a peer, then goes.
        const auto leaving = session(m_peer->listenAddress());
        QVERIFY(leaving->put(u"gone-a"_s, patterned({2000})));
        const auto holder = session(m_service->listenAddress());
        QVERIFY(holder->put(u"gone-remote"_s, patterned({500})));
        Task copy;
        copy.kind = TaskKind::Unary;
        copy.unaryOp = UnaryOp::Negate;
        copy.inputs = {TaskInput{u"gone-remote"_s, {}, 4000, 0}};
        copy.outputKey = u"gone-out"_s;
        copy.outputShape = {500};
        copy.worker = 1;
        const auto done = leaving->request(
            rawconnection::taskFrame(copy, {m_service->listenAddress(), m_peer->listenAddress()}, u"leaving-op"_s, true, false));
        QVERIFY(done && done->header.value(u"type"_s).toString() == msg::Done);
        QCOMPARE(m_peer->store().blockCount(), 3); // its block, the task's output, the replica
        QVERIFY(holder->release({u"gone-remote"_s}));
    }
    // Closed without releasing anything: the worker frees what that connection stored.
    QTRY_COMPARE_WITH_TIMEOUT(m_peer->store().blockCount(), 0, waitMillis);
    QCOMPARE(m_peer->store().usedBytes(), 0);
    // Another client's blocks stay.
    QCOMPARE(keeper->memoryUsed(), before);
    QVERIFY(m_service->store().contains(u"kept"_s));
    QVERIFY(keeper->release({u"kept"_s}));
}

void TestWorkerService::releaseFreesMemory()
{
    const auto raw = session(m_service->listenAddress());
    const std::int64_t before = raw->memoryUsed();
    QStringList keys;
    std::int64_t bytes = 0;
    for (int i = 0; i < 4; ++i) {
        const NdArray block = patterned({std::int64_t(1000 * (i + 1))});
        QVERIFY(raw->put(u"free-%1"_s.arg(i), block));
        keys << u"free-%1"_s.arg(i);
        bytes += block.byteSize();
    }
    QCOMPARE(raw->memoryUsed(), before + bytes);
    const auto listed = raw->request(QCborMap{{u"type"_s, msg::Blocks}});
    QVERIFY(listed);
    QStringList listedKeys;
    for (const WireValue &entry : listed->header.value(u"keys"_s).toArray())
        listedKeys << entry.toArray().at(0).toString();
    for (const QString &key : std::as_const(keys))
        QVERIFY2(listedKeys.contains(key), qPrintable(listedKeys.join(u", "_s)));
    const auto released = raw->release(keys + QStringList{u"never-stored"_s}); // an unknown key is no error
    QVERIFY(released);
    QCOMPARE(released->header.value(u"type"_s).toString(), msg::Ok);
    QCOMPARE(released->header.value(u"freed"_s).toInteger(), bytes);
    QCOMPARE(raw->memoryUsed(), before);
}

void TestWorkerService::everyPipelinedRequestGetsOneReply()
{
    const auto raw = session(m_service->listenAddress());
    constexpr int requests = 60;
    for (int i = 0; i < requests; ++i) {
        const qint64 id = raw->nextId++;
        const QString type = i % 3 == 0 ? msg::Status : i % 3 == 1 ? msg::Get : msg::Blocks;
        raw->frames->send(QCborMap{{u"type"_s, type}, {u"id"_s, id}, {u"key"_s, u"missing"_s}});
    }
    QTRY_COMPARE_WITH_TIMEOUT(raw->received.size(), 2 + requests, waitMillis);
    QSet<qint64> ids;
    for (qsizetype i = 2; i < raw->received.size(); ++i)
        ids.insert(raw->received[i].header.value(u"id"_s).toInteger());
    QCOMPARE(ids.size(), requests);
}

QTEST_GUILESS_MAIN(TestWorkerService)
#include "tst_workerservice.moc"
