// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Every message's wire form, pinned byte for byte (so a change to the protocol is a change to
// this file and to docs/PROTOCOL.md), and every field through toCbor() and fromCbor() unchanged.

#include "net/protocol/frame.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"

#include <QCborValue>
#include <QTest>

#include <bit>
#include <cstring>

using namespace tessera;
using namespace tessera::wire;
using namespace Qt::StringLiterals;

namespace {

Task sampleTask()
{
    Task task;
    task.id = 7;
    task.kind = TaskKind::Partial;
    task.reduceOp = ReduceOp::Std;
    task.axes = {0, 2};
    task.ddof = 1;
    task.finalize = true;
    task.outputKey = u"s.op3.n2:0.0"_s;
    task.outputShape = {721};
    task.worker = 1;
    task.inputs = {TaskInput{u"x@s.op1:0.0.0"_s, {}, 800, 1},
                   TaskInput{u"x@s.op1:1.0.0"_s,
                             Region{AxisSlice{0, 2, 1, false}, AxisSlice{3, 1, 1, true}, AxisSlice{9, 4, -2, false}}, 64, 0}};
    return task;
}

TaskRequest sampleTaskRequest()
{
    TaskRequest request = TaskRequest::forTask(sampleTask(), {u"10.0.0.1:7070"_s, u"[fd00::2]:7070"_s});
    request.id = 42;
    request.operation = u"s.op3"_s;
    request.store = false;
    request.returnOutput = true;
    // What the worker reads back: the worker is not on the wire, nor input holders.
    request.task.worker = -1;
    for (TaskInput &input : request.task.inputs)
        input.worker = -1;
    return request;
}

Task binaryTask()
{
    Task task;
    task.kind = TaskKind::Binary;
    task.binaryOp = BinaryOp::Subtract;
    task.constant = 277.25;
    task.constantOnLeft = true;
    task.outputKey = u"y:3.0.0"_s;
    task.outputShape = {4, 721, 1440};
    task.inputs = {TaskInput{u"x:3.0.0"_s, {}, 33223680, -1}};
    return task;
}

// A rechunk's new block from two pieces along axis 0, and a quantile along time.
TaskRequest rechunkRequest()
{
    TaskRequest request;
    request.id = 17;
    request.task.kind = TaskKind::Rechunk;
    request.task.outputKey = u"s.op5.n1:0.0"_s;
    request.task.outputShape = {8, 1440};
    request.task.pieceGrid = {2, 1};
    request.task.inputs = {TaskInput{u"x:0.0"_s, Region{AxisSlice{0, 4, 1, false}, AxisSlice{0, 1440, 1, false}}, 46080, -1},
                           TaskInput{u"x:1.0"_s, {}, 46080, -1}};
    request.sources = {QString(), u"10.0.0.2:7070"_s};
    return request;
}

TaskRequest analysisRequest(TaskKind kind)
{
    TaskRequest request;
    request.id = 18;
    request.task.kind = kind;
    request.task.outputKey = u"s.op6.n1:0.0"_s;
    request.task.outputShape = {2, 73};
    request.task.axes = {0};
    request.task.values = kind == TaskKind::Polyfit ? std::vector<double>{0, 6, 12} : std::vector<double>{0.1, 0.9};
    request.task.order = kind == TaskKind::Quantile ? 1 : 2;
    request.task.inputs = {TaskInput{u"x:0.0"_s, {}, 1752, -1}};
    if (kind == TaskKind::Project)
        request.task.inputs.push_back(TaskInput{u"e:0"_s, {}, 80, -1});
    request.sources.assign(request.task.inputs.size(), QString());
    return request;
}

TaskRequest storeRequest()
{
    TaskRequest request;
    request.id = 19;
    request.task.kind = TaskKind::Store;
    request.task.outputKey = u"s.op7save:3"_s;
    request.task.outputShape = {2};
    request.task.store = {u"/data/out.zarr/t2m"_s, {{u".zarray"_s, "{\"zarr_format\": 2}"}, {u".zattrs"_s, "{}"}}, {12, 0, 0}};
    request.task.inputs = {TaskInput{u"x:3.0.0"_s, {}, 33223680, -1}};
    request.sources = {QString()};
    return request;
}

TaskRequest selectRequest()
{
    TaskRequest request;
    request.id = 20;
    request.task.kind = TaskKind::Select;
    request.task.outputKey = u"s.op8:0"_s;
    request.task.outputShape = {3};
    request.task.operandConstants = {std::nullopt, 1.5, std::nullopt};
    request.task.inputs = {TaskInput{u"c:0"_s, {}, 24, -1}, TaskInput{u"y:0"_s, {}, 24, -1}};
    request.sources = {QString(), u"10.0.0.2:7070"_s};
    return request;
}

QString hexOf(const QCborMap &map)
{
    return QString::fromLatin1(map.toCborValue().toCbor().toHex());
}

template <typename T>
void roundTrip(const T &message)
{
    const QCborMap wire = message.toCbor();
    const Result<T> back = T::fromCbor(wire);
    QVERIFY2(back.isOk(), qPrintable(back.status().message()));
    QVERIFY2(*back == message, qPrintable(wire.toCborValue().toDiagnosticNotation()));
    // The bytes themselves survive framing.
    const QByteArray head = encodeFrameHead(wire, 0);
    const FrameHead parsed = parseFrameHead(head, FrameLimits{});
    QCOMPARE(parsed.status, FrameStatus::Ok);
    QCOMPARE(parsed.header.toMap(), wire);
}

} // namespace

class TestMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void golden_data();
    void golden();
    void roundTrips();
    void writtenTaskRequestsAreTheirMaps();
    void writtenDonesAreTheirMaps();
    void typeMustMatch();
    void errorWithoutAMessageIsRefused();
    void uniformLeadingPlanesTravelAsValues();
    void uniformPlanesAreChecked_data();
    void uniformPlanesAreChecked();
};

void TestMessages::golden_data()
{
    QTest::addColumn<QCborMap>("message");
    QTest::addColumn<QString>("hex");
    const QByteArray nonce(32, '\x5a');
    QTest::newRow("hello")
        << Hello{1, nonce, u"w1"_s, 4, std::int64_t(8) << 30, u"127.0.0.1:7070"_s, u"n1"_s}.toCbor()
        << u"a864747970656568656c6c6f6776657273696f6e01656e6f6e636558205a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a646e616d656277316774687265616473046b6d656d6f72794c696d69741b0000000200000000666c697374656e6e3132372e302e302e313a3730373064686f7374626e31"_s;
    QTest::newRow("auth")
        << Auth{1, QByteArray(32, '\x11'), u"client"_s}.toCbor()
        << u"a4647479706564617574686776657273696f6e01636d61635820111111111111111111111111111111111111111111111111111111111111111164726f6c6566636c69656e74"_s;
    QTest::newRow("error")
        << Error{9, Status(ErrorCode::Memory, u"worker w1 is at its memory limit"_s)}.toCbor()
        << u"a46474797065656572726f726269640964636f6465666d656d6f7279676d6573736167657820776f726b657220773120697320617420697473206d656d6f7279206c696d6974"_s;
    QTest::newRow("error, a peer unreachable")
        << Error{9, Status(ErrorCode::Network, u"cannot fetch block x:0 from peer 10.0.0.2:7070"_s), u"10.0.0.2:7070"_s}.toCbor()
        << u"a56474797065656572726f726269640964636f6465676e6574776f726b676d657373616765782e63616e6e6f7420666574636820626c6f636b20783a302066726f6d20706565722031302e302e302e323a3730373064706565726d31302e302e302e323a37303730"_s;
    QTest::newRow("ping") << QCborMap{{field::Type, msg::Ping}, {field::Id, 16}} << u"a264747970656470696e6762696410"_s;
    QTest::newRow("status reply")
        << StatusReply{3, u"w2"_s, 2, 1000000000, 250000000, 12, 1, u"10.0.0.2:7070"_s, 300000000, 500000000}.toCbor()
        << u"ab6474797065626f6b62696403646e616d656277326774687265616473026b6d656d6f72794c696d69741a3b9aca006a6d656d6f7279557365641a0ee6b2806a6d656d6f72795065616b1a11e1a3006d6d656d6f7279526573657276651a1dcd650066626c6f636b730c646275737901666c697374656e6d31302e302e302e323a37303730"_s;
    QTest::newRow("put")
        << Put{4, u"x@s.op1:0.0.0"_s, {4, 721, 1440}, false}.toCbor()
        << u"a564747970656370757462696404636b65796d7840732e6f70313a302e302e3065736861706583041902d11905a0636e616ef4"_s;
    QTest::newRow("get, whole") << Get{5, u"x:1.0.0"_s, {}}.toCbor() << u"a364747970656367657462696405636b657967783a312e302e30"_s;
    QTest::newRow("get, region")
        << Get{6, u"x:1.0.0"_s, {AxisSlice{100, 1, 1, true}, AxisSlice{0, 721, 1, false}}}.toCbor()
        << u"a464747970656367657462696406636b657967783a312e302e3066726567696f6e828418640101f584001902d101f4"_s;
    QTest::newRow("block") << Block{6, {721, 1440}, true}.toCbor()
                           << u"a4647479706565626c6f636b62696406657368617065821902d11905a0636e616ef5"_s;
    QTest::newRow("load")
        << Load{7, u"x:2.0.0"_s, LoadSource{u"/data/era-2014-01-03.nc"_s, u"t2m"_s, 0, 4}, {4, 721, 1440}}.toCbor()
        << u"a86474797065646c6f616462696407636b657967783a322e302e306470617468772f646174612f6572612d323031342d30312d30332e6e63687661726961626c656374326d6573746172740065636f756e740465736861706583041902d11905a0"_s;
    QTest::newRow("task, reduction")
        << sampleTaskRequest().toCbor()
        << u"a66474797065647461736b626964182a626f7065732e6f7033647461736ba962696407646b696e6404636f75746c732e6f70332e6e323a302e30657368617065811902d1667265647563650464617865738200026464646f66016866696e616c697a65f566696e7075747382a2636b65796d7840732e6f70313a302e302e30656279746573190320a4636b65796d7840732e6f70313a312e302e3066726567696f6e8384000201f484030101f584090421f465627974657318406466726f6d6d31302e302e302e313a373037306573746f7265f46672657475726ef5"_s;
    TaskRequest binary = TaskRequest::forTask(binaryTask(), {});
    binary.id = 8;
    binary.operation = u"s.op4"_s;
    QTest::newRow("task, binary with a constant")
        << binary.toCbor()
        << u"a66474797065647461736b62696408626f7065732e6f7034647461736ba862696400646b696e6403636f757467793a332e302e3065736861706583041902d11905a06662696e6172790168636f6e7374616e74fb40715400000000006c636f6e7374616e744c656674f566696e7075747381a2636b657967783a332e302e306562797465731a01faf4006573746f7265f56672657475726ef4"_s;
    QTest::newRow("task, rechunk")
        << rechunkRequest().toCbor()
        << u"a66474797065647461736b62696411626f7060647461736ba662696400646b696e6407636f75746c732e6f70352e6e313a302e3065736861706582081905a0646772696482020166696e7075747382a3636b657965783a302e3066726567696f6e8284000401f484001905a001f465627974657319b400a3636b657965783a312e3065627974657319b4006466726f6d6d31302e302e302e323a373037306573746f7265f56672657475726ef4"_s;
    QTest::newRow("task, quantile")
        << analysisRequest(TaskKind::Quantile).toCbor()
        << u"a66474797065647461736b62696412626f7060647461736ba862696400646b696e6408636f75746c732e6f70362e6e313a302e3065736861706582021849646178657381006676616c75657382fb3fb999999999999afb3feccccccccccccd656f726465720166696e7075747381a2636b657965783a302e306562797465731906d86573746f7265f56672657475726ef4"_s;
    QTest::newRow("done, load")
        << Done{10, 1700000000000000, 0, 1700000000000100, 1700000000016100, 1, 0, 33223680, std::nullopt, false}.toCbor()
        << u"a8647479706564646f6e656269640a6872656365697665641b00060a24181e40006573746172741b00060a24181e406463656e641b00060a24181e7ee466746872656164016562797465731a01faf400636e616ef4"_s;
    QTest::newRow("done, task returned")
        << Done{11, 1700000000000000, 1700000000000300, 1700000000000400, 1700000000000900, 0, 16588800, 5767, Shape{721}, true}
               .toCbor()
        << u"ab647479706564646f6e656269640b6872656365697665641b00060a24181e40006573746172741b00060a24181e419063656e641b00060a24181e43846674687265616400656279746573191687636e616ef56572656164791b00060a24181e412c67666574636865641a00fd2000657368617065811902d1"_s;
    QTest::newRow("release") << Release{12, {u"a:0"_s, u"a:1"_s}, u"s.op4"_s}.toCbor()
                             << u"a464747970656772656c656173656269640c646b6579738263613a3063613a31626f7065732e6f7034"_s;
    QTest::newRow("ok") << Ok{13, 0}.toCbor() << u"a26474797065626f6b6269640d"_s;
    QTest::newRow("ok, freed") << Ok{14, 66447360}.toCbor() << u"a36474797065626f6b6269640e6566726565641a03f5e800"_s;
    QTest::newRow("blocks reply") << BlocksReply{15, {{u"a:0"_s, 48}, {u"b:0"_s, 64}}}.toCbor()
                                  << u"a36474797065626f6b6269640f646b657973828263613a3018308263623a301840"_s;
}

void TestMessages::golden()
{
    QFETCH(QCborMap, message);
    QFETCH(QString, hex);
    QVERIFY2(hexOf(message) == hex, qPrintable(u"\n  diagnostic %1\n  hex        %2"_s.arg(
                                        message.toCborValue().toDiagnosticNotation(), hexOf(message))));
}

// Task requests go out through write(), straight to CBOR, not through toCbor(). Every kind's
// bytes must be the same map, encoded as Qt encodes a QCborMap, behind a frame prefix.
void TestMessages::writtenTaskRequestsAreTheirMaps()
{
    TaskRequest binary = TaskRequest::forTask(binaryTask(), {});
    binary.id = 8;
    std::vector<TaskRequest> requests{sampleTaskRequest(), binary, rechunkRequest(), storeRequest(), selectRequest()};
    for (TaskKind kind : {TaskKind::Quantile, TaskKind::Polyfit, TaskKind::Gram, TaskKind::Eigen, TaskKind::Project})
        requests.push_back(analysisRequest(kind));
    for (const TaskRequest &request : requests) {
        const QByteArray frame = encodeFrameHead([&request](CborBytes &writer) { request.write(writer, request.id); }, 0);
        const FrameHead parsed = parseFrameHead(frame, FrameLimits{});
        QCOMPARE(parsed.status, FrameStatus::Ok);
        const QByteArray written = frame.mid(FramePrefixBytes);
        QCOMPARE(written.toHex(), QCborValue::fromCbor(written).toCbor().toHex());
        QCOMPARE(parsed.header.toMap(), QCborValue::fromCbor(written).toMap());
        const Result<TaskRequest> back = TaskRequest::fromCbor(parsed.header);
        QVERIFY2(back.isOk(), qPrintable(back.status().message()));
        QVERIFY2(*back == request, qPrintable(parsed.header.toMap().toCborValue().toDiagnosticNotation()));
    }
}

// A worker's Done goes out through write(): with and without each optional field, its bytes must
// be the map Qt reads back from them, encoded as Qt encodes a QCborMap, and read back whole.
void TestMessages::writtenDonesAreTheirMaps()
{
    const std::vector<Done> dones{
        Done{10, 1700000000000000, 0, 1700000000000100, 1700000000016100, 1, 0, 33223680, std::nullopt, false},
        Done{11, 1700000000000000, 1700000000000300, 1700000000000400, 1700000000000900, 0, 16588800, 5767, Shape{721}, true},
        Done{12, 5, 0, 6, 7, 3, 4096, 0, Shape{}, true}, Done{13, 5, 6, 7, 8, 2, 0, 57600, Shape{4, 5, 180}, false}};
    for (const Done &done : dones) {
        const QByteArray frame = encodeFrameHead([&done](CborBytes &writer) { done.write(writer); }, 0);
        const FrameHead parsed = parseFrameHead(frame, FrameLimits{});
        QCOMPARE(parsed.status, FrameStatus::Ok);
        QCOMPARE(frame.mid(FramePrefixBytes).toHex(), done.toCbor().toCborValue().toCbor().toHex());
        const Result<Done> back = Done::fromCbor(parsed.header);
        QVERIFY2(back.isOk(), qPrintable(back.status().message()));
        QVERIFY2(*back == done, qPrintable(parsed.header.toMap().toCborValue().toDiagnosticNotation()));
    }
}

void TestMessages::roundTrips()
{
    roundTrip(
        Hello{1, QByteArray(32, '\x07'), u"node-17"_s, 64, std::int64_t(200) << 30, u"[fd00::5]:7070"_s, u"node-17.example"_s});
    roundTrip(Auth{1, QByteArray(32, '\x42'), u"peer"_s});
    for (ErrorCode code :
         {ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Io, ErrorCode::Format, ErrorCode::ShapeMismatch,
          ErrorCode::Syntax, ErrorCode::Network, ErrorCode::Auth, ErrorCode::Memory, ErrorCode::Cancelled, ErrorCode::Internal})
        roundTrip(Error{77, Status(code, u"what went wrong, and the fix"_s)});
    roundTrip(Error{78, Status(ErrorCode::Network, u"lost peer"_s), u"[fd00::5]:7070"_s});
    roundTrip(StatusReply{5, u"w9"_s, 16, 123456789012, 2345678901, 400, 3, u"10.1.2.3:7070"_s, 3456789012, 4567890123});
    roundTrip(Put{6, u"k"_s, {}, true});
    roundTrip(Put{6, u"k"_s, {0, 5}, false});
    roundTrip(Get{7, u"k"_s, {AxisSlice{5, 3, -2, false}, AxisSlice{2, 1, 1, true}}});
    roundTrip(Block{8, {1, 2, 3, 4, 5}, false});
    roundTrip(Measure{9, std::int64_t(256) << 20});
    roundTrip(Ok{10, 0, 9.5e9, 7.25e9});
    roundTrip(Block{8, {4, 2}, true, {std::bit_cast<quint64>(-0.0), std::bit_cast<quint64>(2.5)}});
    roundTrip(Load{9, u"x:0.0.0"_s, LoadSource{u"/a b/ü.nc"_s, u"group/sub/var"_s, 12, -1}, {3, 4}});
    roundTrip(sampleTaskRequest());
    TaskRequest binary = TaskRequest::forTask(binaryTask(), {});
    binary.task.inputs[0].worker = -1;
    roundTrip(binary);
    for (TaskKind kind : {TaskKind::Slice, TaskKind::Unary, TaskKind::Combine}) {
        TaskRequest request;
        request.task.kind = kind;
        request.task.unaryOp = kind == TaskKind::Unary ? UnaryOp::Sqrt : UnaryOp::Negate;
        request.task.reduceOp = kind == TaskKind::Combine ? ReduceOp::Var : ReduceOp::Sum;
        request.task.outputKey = u"o"_s;
        request.task.inputs = {TaskInput{u"i"_s, {}, 8, -1}};
        request.sources = {QString()};
        roundTrip(request);
    }
    roundTrip(rechunkRequest());
    for (TaskKind kind : {TaskKind::Quantile, TaskKind::Polyfit, TaskKind::Gram, TaskKind::Eigen, TaskKind::Project})
        roundTrip(analysisRequest(kind));
    roundTrip(storeRequest());
    // A store task's metadata must map names to bytes, and a few of them.
    QCborMap badStore = storeRequest().toCbor();
    QCborMap task = badStore.value(u"task"_s).toMap();
    task[u"metadata"_s] = QCborMap{{u".zarray"_s, 2}};
    badStore[u"task"_s] = task;
    const Result<TaskRequest> refused = TaskRequest::fromCbor(badStore);
    QVERIFY(!refused.isOk());
    QVERIFY2(refused.status().message().contains(u"metadata"_s), qPrintable(refused.status().message()));
    roundTrip(Done{1, 1, 2, 3, 4, 5, 6, 7, Shape{}, false});
    roundTrip(Release{2, {}, {}});
    roundTrip(Release{2, {u"a"_s, u"b"_s, u"c"_s}, u"op"_s});
    roundTrip(Ok{3, 12345});
    roundTrip(BlocksReply{4, {{u"a"_s, 1}, {u"b"_s, 0}}});
}

void TestMessages::typeMustMatch()
{
    const Result<Get> notAGet = Get::fromCbor(Put{1, u"k"_s, {1}, true}.toCbor());
    QVERIFY(!notAGet.isOk());
    QVERIFY2(notAGet.status().message().contains(u"is 'put', not 'get'"_s), qPrintable(notAGet.status().message()));
    QCOMPARE(notAGet.status().code(), ErrorCode::Format);
}

namespace {

ByteBuffer bufferOf(QByteArrayView bytes)
{
    ByteBuffer buffer = ByteBuffer::allocate(bytes.size());
    if (!bytes.isEmpty()) // memcpy's pointers must not be null, even for no bytes
        std::memcpy(buffer.data(), bytes.data(), std::size_t(bytes.size()));
    return buffer;
}

bool sameBits(const NdArray &a, const NdArray &b)
{
    return a.shape() == b.shape() && std::memcmp(a.bytes(), b.bytes(), std::size_t(a.byteSize())) == 0;
}

} // namespace

// A mean's or std's state of NaN-free input has a count plane of one value: a get sends it as
// that value. The block read back is the same bit for bit, a NaN with a sign and payload too.
void TestMessages::uniformLeadingPlanesTravelAsValues()
{
    const std::int64_t plane = 64 * 64;
    NdArray state({4, 64, 64});
    const double oddNan = std::bit_cast<double>(quint64(0xfff8000000000123));
    std::fill_n(state.data(), plane, 90.0);
    std::fill_n(state.data() + plane, plane, oddNan);
    for (std::int64_t i = 0; i < 2 * plane; ++i)
        state.data()[2 * plane + i] = double(i % 977) * 0.5;
    state.data()[3 * plane] = 7.0; // the fourth plane would be uniform but the third is not
    state.setMayHaveNan(true);

    const BlockReply reply = blockReply(11, state);
    const Result<Block> header = Block::fromCbor(reply.header);
    QVERIFY2(header.isOk(), qPrintable(header.status().message()));
    QCOMPARE(header->uniformPlanes, (std::vector<quint64>{std::bit_cast<quint64>(90.0), 0xfff8000000000123}));
    QCOMPARE(reply.payload.size(), 2 * plane * 8);
    const Result<NdArray> back = blockFromReply(reply.header, bufferOf(reply.payload));
    QVERIFY2(back.isOk(), qPrintable(back.status().message()));
    QVERIFY(sameBits(*back, state));
    QVERIFY(back->mayHaveNan());

    // Bits, not values: a plane of 0.0 with one -0.0 is not one value.
    NdArray zeros({2, 64, 64});
    std::fill_n(zeros.data(), zeros.size(), 0.0);
    zeros.data()[5] = -0.0;
    QVERIFY(Block::fromCbor(blockReply(12, zeros).header)->uniformPlanes.empty());
    const Result<NdArray> zerosBack = blockFromReply(blockReply(12, zeros).header, bufferOf(blockReply(12, zeros).payload));
    QVERIFY(zerosBack.isOk() && sameBits(*zerosBack, zeros));

    // Never more than half the planes, so a receiver's block is at most twice what crossed.
    NdArray allOnes({3, 64, 64});
    std::fill_n(allOnes.data(), allOnes.size(), 1.0);
    QCOMPARE(Block::fromCbor(blockReply(15, allOnes).header)->uniformPlanes.size(), std::size_t(1));
    QCOMPARE(blockReply(15, allOnes).payload.size(), 2 * plane * 8);

    // A block with an empty axis has planes of nothing: read back from no bytes at all.
    const Result<NdArray> empty = blockFromReply(Block{16, {2, 0}, false, {std::bit_cast<quint64>(1.0)}}.toCbor(), ByteBuffer());
    QVERIFY2(empty.isOk(), qPrintable(empty.status().message()));
    QCOMPARE(empty->shape(), (Shape{2, 0}));

    // Small planes are not worth the scan; scalars have none.
    NdArray small({2, 8, 8});
    std::fill_n(small.data(), small.size(), 1.0);
    QCOMPARE(blockReply(13, small).payload.size(), small.byteSize());
    NdArray scalar(Shape{});
    scalar.data()[0] = 3.0;
    QCOMPARE(blockReply(14, scalar).payload.size(), std::int64_t(8));
}

void TestMessages::uniformPlanesAreChecked_data()
{
    QTest::addColumn<QCborMap>("header");
    QTest::addColumn<qsizetype>("payloadBytes");
    QTest::addColumn<QString>("mentions");
    QCborMap tooMany = Block{1, {3, 64}, false}.toCbor();
    tooMany.insert(u"planes"_s, QCborArray{1, 2});
    QTest::newRow("more planes than half the block") << tooMany << qsizetype(0) << u"than half the block's"_s;
    QCborMap scalar = Block{1, {}, false}.toCbor();
    scalar.insert(u"planes"_s, QCborArray{1});
    QTest::newRow("planes of a scalar") << scalar << qsizetype(0) << u"than half the block's"_s;
    QCborMap text = Block{1, {2, 64}, false}.toCbor();
    text.insert(u"planes"_s, QCborArray{u"1.0"_s});
    QTest::newRow("not integers") << text << qsizetype(64 * 8) << u"bits of doubles"_s;
    QCborMap long_ = Block{1, {10, 64}, false}.toCbor();
    long_.insert(u"planes"_s, QCborArray{1, 2, 3, 4, 5});
    QTest::newRow("over the most planes") << long_ << qsizetype(5 * 64 * 8) << u"planes"_s;
    QTest::newRow("payload as if none were uniform") << Block{1, {2, 64}, false, {std::bit_cast<quint64>(1.0)}}.toCbor()
                                                     << qsizetype(2 * 64 * 8) << u"needs 512 bytes but 1024 arrived"_s;
    QTest::newRow("payload short") << Block{1, {3, 64}, false, {std::bit_cast<quint64>(1.0)}}.toCbor() << qsizetype(64 * 8)
                                   << u"needs 1024 bytes but 512 arrived"_s;
}

void TestMessages::uniformPlanesAreChecked()
{
    QFETCH(QCborMap, header);
    QFETCH(qsizetype, payloadBytes);
    QFETCH(QString, mentions);
    const Result<NdArray> block = blockFromReply(header, bufferOf(QByteArray(payloadBytes, '\0')));
    QVERIFY(!block.isOk());
    QCOMPARE(block.status().code(), ErrorCode::Format);
    QVERIFY2(block.status().message().contains(mentions), qPrintable(block.status().message()));
}

// An error that says nothing would reach the user as an empty message (fuzz_messages found one).
void TestMessages::errorWithoutAMessageIsRefused()
{
    const QCborMap silent{{field::Type, msg::Error}, {field::Id, 2}, {field::Code, u"notfound"_s}, {field::Message, u" "_s}};
    const Status status = statusFromErrorReply(silent);
    QCOMPARE(status.code(), ErrorCode::Format);
    QVERIFY2(status.message().contains(u"'message' is empty"_s), qPrintable(status.message()));
}

QTEST_APPLESS_MAIN(TestMessages)
#include "tst_messages.moc"
