// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Mutated frames from an authenticated client to a running tessera-worker: valid requests with
// bytes flipped, inserted and cut (a fixed seed, so a failure repeats). The worker must keep
// running, must answer or close only the offending connection, and another client's array must
// come back unchanged with the right values; what the hostile connections stored goes with them.

#include "../net/rawconnection.h"
#include "processes.h"
#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/protocol/taskmessages.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int frameCount = 2000;

// Valid requests that aim at the good client's blocks (read only) and at keys of their own.
std::vector<QByteArray> seedFrames(const BlockLayout &x, const QString &file)
{
    std::vector<QByteArray> frames;
    const auto add = [&frames](const QCborMap &header, const QByteArray &payload = {}) {
        frames.push_back(encodeFrameHead(header, payload.size()) + payload);
    };
    const Shape blockShape = x.chunks.blockShape(x.chunks.unflatten(0));
    add(wire::Get{1, x.keys[0]}.toCbor());
    add(wire::Get{2, x.keys[1], {AxisSlice{1, 2, 1, false}, AxisSlice{3, 4, 2, false}, AxisSlice{0, 5, 3, false}}}.toCbor());
    add(wire::Put{3, u"junk:0"_s, {2, 3}, false}.toCbor(), QByteArray(48, '\x01'));
    add(wire::Load{4, u"junk:1"_s, LoadSource{file, u"t2m"_s, 0, 2}, {2, blockShape[1], blockShape[2]}}.toCbor());
    Task reduce;
    reduce.kind = TaskKind::Partial;
    reduce.reduceOp = ReduceOp::Std;
    reduce.axes = {0};
    reduce.outputKey = u"junk:2"_s;
    reduce.outputShape = {3, blockShape[1], blockShape[2]};
    reduce.inputs = {TaskInput{x.keys[0], {}, 0, 0}, TaskInput{x.keys[1], {}, 0, 0}};
    reduce.worker = 0;
    wire::TaskRequest request = wire::TaskRequest::forTask(reduce, {});
    request.id = 5;
    add(request.toCbor());
    Task scale;
    scale.kind = TaskKind::Binary;
    scale.binaryOp = BinaryOp::Multiply;
    scale.constant = 2;
    scale.outputKey = u"junk:3"_s;
    scale.outputShape = blockShape;
    scale.inputs = {TaskInput{x.keys[1], {}, 0, 0}};
    scale.worker = 0;
    request = wire::TaskRequest::forTask(scale, {});
    request.id = 6;
    request.returnOutput = true;
    add(request.toCbor());
    add(wire::Release{7, {u"junk:0"_s, u"junk:2"_s}, u"op"_s}.toCbor());
    add(QCborMap{{field::Type, msg::Status}, {field::Id, 8}});
    add(QCborMap{{field::Type, msg::Blocks}, {field::Id, 9}});
    return frames;
}

QByteArray mutate(QByteArray bytes, QRandomGenerator &random)
{
    const int edits = 1 + int(random.bounded(4));
    for (int i = 0; i < edits && !bytes.isEmpty(); ++i) {
        // Most edits land in the prefix and header, where the parsing is.
        const qsizetype span = random.bounded(4) ? std::min<qsizetype>(bytes.size(), 300) : bytes.size();
        const qsizetype at = qsizetype(random.bounded(quint32(span)));
        switch (random.bounded(4)) {
        case 0: bytes[at] = char(bytes[at] ^ char(1 << random.bounded(8))); break;
        case 1: bytes[at] = char(random.bounded(256)); break;
        case 2: bytes.insert(at, char(random.bounded(256))); break;
        default: bytes.remove(at, 1 + qsizetype(random.bounded(3))); break;
        }
    }
    return bytes;
}

// After a mutated frame, a good status request on the same connection: true when the worker
// answers it (the connection's parsing is still in step). No answer is no failure: a mutated
// length may have made the worker wait for payload bytes that never come, so the connection is
// dropped and the next frame goes on a new one. The wait is short for that reason only.
bool stillAnswers(rawconnection::RawConnection &raw, qint64 id)
{
    const qint64 statusId = 1'000'000 + id;
    raw.frames->send(QCborMap{{field::Type, msg::Status}, {field::Id, statusId}});
    return raw.waitUntil([&] { return raw.reply(statusId) || raw.closed; }, 100) && raw.reply(statusId);
}

} // namespace

class TestMutatedFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workerSurvivesAndServesOthers();
};

void TestMutatedFrames::workerSurvivesAndServesOthers()
{
    QTemporaryDir dir;
    SampleDataOptions sample;
    sample.days = 2;
    sample.gridDegrees = 5;
    const Result<QStringList> files = writeSampleData(dir.path(), sample);
    QVERIFY(files.isOk());
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 1;
    ClusterSession good;
    QVERIFY(integration::finishWithin(good.connectToLocalCluster(&cluster, options)).isOk());
    QVERIFY(integration::load(good, u"x"_s, *files).isOk());
    const BlockLayout layout = good.array(u"x"_s)->layout;
    const std::int64_t holding = integration::memoryUsed(good).front();
    const reference::Array x = reference::readStack(*files, "t2m");

    QRandomGenerator random(20261202);
    const std::vector<QByteArray> seeds = seedFrames(layout, files->front());
    std::unique_ptr<rawconnection::RawConnection> raw;
    int connections = 0;
    int answered = 0;
    for (int i = 0; i < frameCount; ++i) {
        if (!raw || raw->closed) {
            raw = rawconnection::RawConnection::open(cluster.addresses().front());
            QVERIFY2(raw->authenticate({}), "the worker must still take new connections");
            ++connections;
        }
        raw->socket->write(mutate(seeds[random.bounded(quint32(seeds.size()))], random));
        if (stillAnswers(*raw, i))
            ++answered;
        else
            raw.reset();
        QVERIFY2(cluster.isRunning(), qPrintable(u"the worker stopped after mutated frame %1"_s.arg(i)));
    }
    raw.reset();
    qInfo("%d mutated frames over %d connections; %d followed by a good status reply on the same connection", frameCount,
          connections, answered);
    QVERIFY(cluster.isRunning());
    const integration::Evaluated sum = integration::evaluate(good, u"x.sum()"_s);
    QVERIFY2(sum.status.isOk(), qPrintable(sum.status.message()));
    const QString sumDifference =
        reference::mismatch(sum.result.value, reference::reduce(x, reference::Reduce::Sum, {0, 1, 2}), 1e-12);
    QVERIFY2(sumDifference.isEmpty(), qPrintable(sumDifference));
    const integration::Evaluated whole = integration::evaluate(good, u"x"_s);
    const QString wholeDifference = reference::mismatch(whole.result.value, x, 0);
    QVERIFY2(wholeDifference.isEmpty(), qPrintable(wholeDifference));
    // The hostile connections are closed: nothing they stored is left, and what a connection
    // stores goes when it closes.
    QTRY_COMPARE_WITH_TIMEOUT(integration::memoryUsed(good).front(), holding, 10000);
    auto last = rawconnection::RawConnection::open(cluster.addresses().front());
    QVERIFY(last->authenticate({}));
    const auto stored = last->put(u"junk:last"_s, NdArray::fromVector({1000}, std::vector<double>(1000, 1.0)));
    QVERIFY(stored && stored->header.value(u"type"_s).toString() == msg::Ok);
    QVERIFY(integration::memoryUsed(good).front() > holding);
    last.reset();
    QTRY_COMPARE_WITH_TIMEOUT(integration::memoryUsed(good).front(), holding, 10000);
}

QTEST_GUILESS_MAIN(TestMutatedFrames)
#include "tst_mutatedframes.moc"
