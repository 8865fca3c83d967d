// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Requests an authenticated but hostile client may send to a running worker: out-of-range
// regions, shapes that overflow, unknown operations, missing or mistyped fields, tasks whose
// inputs do not fit their kernel. Each must get a typed error naming what is wrong, leave the
// worker's memory as it was, keep the connection, and leave the worker serving everyone else.

#include "rawconnection.h"

#include "net/worker/workerservice.h"

#include <QSignalSpy>
#include <QTest>

using namespace tessera;
using namespace rawconnection;
using namespace Qt::StringLiterals;

namespace {

const QByteArray token = "hostile-requests-token";

QCborMap task(int kind, const QCborArray &inputs, const QCborArray &shape, const QCborMap &extra = {})
{
    QCborMap map{{u"id"_s, 0}, {u"kind"_s, kind}, {u"out"_s, u"out"_s}, {u"shape"_s, shape}, {u"inputs"_s, inputs}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        map.insert(it.key(), it.value());
    return map;
}

QCborMap input(const QString &key, const QCborValue &region = {})
{
    QCborMap map{{u"key"_s, key}, {u"bytes"_s, 48}};
    if (!region.isUndefined())
        map[u"region"_s] = region;
    return map;
}

QCborMap taskRequest(const QCborValue &task)
{
    return QCborMap{{u"type"_s, msg::Task}, {u"op"_s, u"hostile"_s}, {u"task"_s, task}, {u"store"_s, true}, {u"return"_s, true}};
}

QCborArray slice(qint64 start, qint64 count, qint64 step, bool drop = false)
{
    return QCborArray{start, count, step, drop};
}

const int unary = int(TaskKind::Unary);
const int binary = int(TaskKind::Binary);
const int partial = int(TaskKind::Partial);
const int combine = int(TaskKind::Combine);

} // namespace

class TestHostileRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refused_data();
    void refused();
    void cleanupTestCase();

private:
    QObject m_scope;
    WorkerService *m_service = nullptr;
    WorkerClient *m_bystander = nullptr;
    std::unique_ptr<RawConnection> m_raw;
};

void TestHostileRequests::initTestCase()
{
    WorkerOptions options;
    options.name = u"target"_s;
    options.threads = 2;
    options.memoryLimitBytes = std::int64_t(64) << 20;
    options.token = token;
    m_service = new WorkerService(options, &m_scope);
    QVERIFY(m_service->start().isOk());
    m_raw = RawConnection::open(m_service->listenAddress());
    QVERIFY(m_raw->authenticate(token));
    // Blocks for the requests to aim at: a (2, 3), b (2, 4), w (4,).
    QVERIFY(m_raw->put(u"a"_s, patterned({2, 3})));
    QVERIFY(m_raw->put(u"b"_s, patterned({2, 4})));
    QVERIFY(m_raw->put(u"w"_s, patterned({4})));
    m_bystander = new WorkerClient(token, u"client"_s, &m_scope);
    QSignalSpy ready(m_bystander, &WorkerClient::ready);
    m_bystander->connectTo(m_service->listenAddress());
    QVERIFY(ready.wait(waitMillis));
}

void TestHostileRequests::refused_data()
{
    QTest::addColumn<QCborMap>("header");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    const QCborArray shape23{2, 3};
    const auto get = [](const QCborValue &region) {
        return QCborMap{{u"type"_s, msg::Get}, {u"key"_s, u"a"_s}, {u"region"_s, region}};
    };

    // get: the region is applied to the block only once it is known to lie inside it.
    QTest::newRow("get, negative count") << get(QCborArray{slice(0, -1, 1), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s
                                         << u"count is negative"_s;
    QTest::newRow("get, start past the end")
        << get(QCborArray{slice(5, 1, 1), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s << u"outside the axis"_s;
    QTest::newRow("get, negative start") << get(QCborArray{slice(-1, 1, 1), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s
                                         << u"outside the axis"_s;
    QTest::newRow("get, runs off the end") << get(QCborArray{slice(0, 3, 1), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s
                                           << u"outside the axis"_s;
    QTest::newRow("get, backwards past the start")
        << get(QCborArray{slice(1, 3, -1), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s << u"outside the axis"_s;
    QTest::newRow("get, more axes than the block")
        << get(QCborArray{slice(0, 1, 1), slice(0, 1, 1), slice(0, 1, 1)}) << QByteArray() << u"invalid"_s << u"3 axes"_s;
    // QCborValue(...): a one-element braced list of a QCborArray is a copy of it to clang, not a list holding it.
    QTest::newRow("get, fewer axes than the block")
        << get(QCborArray{QCborValue(slice(0, 1, 1))}) << QByteArray() << u"invalid"_s << u"1 axes"_s;
    QTest::newRow("get, step 0") << get(QCborArray{slice(0, 2, 0), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s
                                 << u"step is 0"_s;
    QTest::newRow("get, step that overflows")
        << get(QCborArray{slice(0, 3, qint64(1) << 62), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s << u"overflows"_s;
    QTest::newRow("get, dropped axis of two")
        << get(QCborArray{slice(0, 2, 1, true), slice(0, 3, 1)}) << QByteArray() << u"invalid"_s << u"exactly one"_s;
    QTest::newRow("get, region not a list") << get(5) << QByteArray() << u"format"_s << u"'region' must be a list"_s;
    QTest::newRow("get, slice of two numbers")
        << get(QCborArray{QCborArray{0, 1}, slice(0, 3, 1)}) << QByteArray() << u"format"_s << u"[start, count, step, drop]"_s;
    QTest::newRow("get, slice of text") << get(QCborArray{QCborArray{u"0"_s, 1, 1, false}, slice(0, 3, 1)}) << QByteArray()
                                        << u"format"_s << u"[start, count, step, drop]"_s;
    QTest::newRow("get, no key") << QCborMap{{u"type"_s, msg::Get}} << QByteArray() << u"format"_s << u"'key' is missing"_s;
    QTest::newRow("get, key a number") << QCborMap{{u"type"_s, msg::Get}, {u"key"_s, 7}} << QByteArray() << u"format"_s
                                       << u"'key' must be text"_s;
    QTest::newRow("get, key too long") << QCborMap{{u"type"_s, msg::Get}, {u"key"_s, QString(600, u'k')}} << QByteArray()
                                       << u"format"_s << u"at most 512"_s;
    QTest::newRow("get, empty key") << QCborMap{{u"type"_s, msg::Get}, {u"key"_s, QString()}} << QByteArray() << u"format"_s
                                    << u"'key' is empty"_s;

    // put: shapes are checked, and their byte size computed without overflow.
    const auto put = [](const QCborValue &shape) {
        return QCborMap{{u"type"_s, msg::Put}, {u"key"_s, u"p"_s}, {u"shape"_s, shape}};
    };
    QTest::newRow("put, extent as text") << put(QCborArray{u"4"_s}) << QByteArray(32, '\0') << u"format"_s
                                         << u"non-negative integer extents"_s;
    QTest::newRow("put, size that overflows")
        << put(QCborArray{qint64(1) << 40, qint64(1) << 40}) << QByteArray() << u"format"_s << u"more than a block may hold"_s;
    QTest::newRow("put, size that wraps to 0")
        << put(QCborArray{qint64(1) << 61, 8}) << QByteArray() << u"format"_s << u"more than a block may hold"_s;
    QTest::newRow("put, 40 dimensions") << put(QCborArray(QCborArray{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                                     1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}))
                                        << QByteArray(8, '\0') << u"format"_s << u"40 dimensions"_s;
    QTest::newRow("put, nan as text") << QCborMap{{u"type"_s, msg::Put},
                                                  {u"key"_s, u"p"_s},
                                                  {u"shape"_s, QCborArray{1}},
                                                  {u"nan"_s, u"yes"_s}}
                                      << QByteArray(8, '\0') << u"format"_s << u"'nan' must be a boolean"_s;
    QTest::newRow("put, no shape") << QCborMap{{u"type"_s, msg::Put}, {u"key"_s, u"p"_s}} << QByteArray(8, '\0') << u"format"_s
                                   << u"'shape' is missing"_s;
    QTest::newRow("put, payload longer than the shape")
        << put(QCborArray{1}) << QByteArray(16, '\0') << u"format"_s << u"needs 8 bytes but 16"_s;

    // load
    const auto load = [](const char *field, const QCborValue &value) {
        QCborMap map{{u"type"_s, msg::Load}, {u"key"_s, u"l"_s}, {u"path"_s, u"/tmp/x.nc"_s}, {u"variable"_s, u"t"_s},
                     {u"start"_s, 0},        {u"count"_s, 1},    {u"shape"_s, QCborArray{1}}};
        map[QString::fromLatin1(field)] = value;
        return map;
    };
    QTest::newRow("load, negative start") << load("start", -1) << QByteArray() << u"format"_s << u"'start' is -1"_s;
    QTest::newRow("load, count below -1") << load("count", -5) << QByteArray() << u"format"_s << u"'count' is -5"_s;
    QTest::newRow("load, empty path") << load("path", QString()) << QByteArray() << u"format"_s << u"'path' is empty"_s;
    QTest::newRow("load, path a number") << load("path", 3) << QByteArray() << u"format"_s << u"'path' must be text"_s;
    QTest::newRow("load, negative shape") << load("shape", QCborArray{-4}) << QByteArray() << u"format"_s << u"non-negative"_s;
    QTest::newRow("load, start as text") << load("start", u"0"_s) << QByteArray() << u"format"_s
                                         << u"'start' must be an integer"_s;

    // task: fields first, then the inputs against the kernel.
    const QCborArray one{input(u"a"_s)};
    QTest::newRow("task, unknown kind") << taskRequest(task(99, one, shape23)) << QByteArray() << u"format"_s
                                        << u"'kind' is 99"_s;
    QTest::newRow("task, a load as a task") << taskRequest(task(int(TaskKind::Load), one, shape23)) << QByteArray() << u"format"_s
                                            << u"'kind' is 0"_s;
    QTest::newRow("task, unknown unary op") << taskRequest(task(unary, one, shape23, {{u"unary"_s, 99}})) << QByteArray()
                                            << u"format"_s << u"'unary' is 99"_s;
    QTest::newRow("task, unary op missing") << taskRequest(task(unary, one, shape23)) << QByteArray() << u"format"_s
                                            << u"'unary' is missing"_s;
    QTest::newRow("task, unknown binary op") << taskRequest(task(binary, one, shape23, {{u"binary"_s, 99}, {u"constant"_s, 1.0}}))
                                             << QByteArray() << u"format"_s << u"'binary' is 99"_s;
    QTest::newRow("task, unknown reduction")
        << taskRequest(task(partial, one, QCborArray{3}, {{u"reduce"_s, 42}, {u"axes"_s, QCborArray{0}}})) << QByteArray()
        << u"format"_s << u"'reduce' is 42"_s;
    QTest::newRow("task, no inputs") << taskRequest(task(unary, QCborArray{}, shape23, {{u"unary"_s, 0}})) << QByteArray()
                                     << u"format"_s << u"has 0 entries"_s;
    QTest::newRow("task, binary with one operand")
        << taskRequest(task(binary, one, shape23, {{u"binary"_s, 0}})) << QByteArray() << u"format"_s << u"takes 2"_s;
    QTest::newRow("task, partial of nothing")
        << taskRequest(task(partial, QCborArray{}, QCborArray{1, 3}, {{u"reduce"_s, 0}, {u"axes"_s, QCborArray{0}}}))
        << QByteArray() << u"format"_s << u"one or more"_s;
    QTest::newRow("task, reduce axis 2^31-1")
        << taskRequest(task(partial, one, QCborArray{1, 3}, {{u"reduce"_s, 0}, {u"axes"_s, QCborArray{qint64(0x7fffffff)}}}))
        << QByteArray() << u"format"_s << u"'axes'"_s;
    QTest::newRow("task, axes out of order")
        << taskRequest(task(partial, one, QCborArray{1}, {{u"reduce"_s, 0}, {u"axes"_s, QCborArray{1, 0}}})) << QByteArray()
        << u"format"_s << u"increasing"_s;
    QTest::newRow("task, axes as text") << taskRequest(task(partial, one, QCborArray{1}, {{u"reduce"_s, 0}, {u"axes"_s, u"0"_s}}))
                                        << QByteArray() << u"format"_s << u"'axes' must be a list"_s;
    QTest::newRow("task, negative ddof") << taskRequest(
        task(partial, one, QCborArray{3, 3}, {{u"reduce"_s, 4}, {u"axes"_s, QCborArray{0}}, {u"ddof"_s, -1}}))
                                         << QByteArray() << u"format"_s << u"'ddof' is -1"_s;
    QTest::newRow("task, no output key") << taskRequest(
        QCborMap{{u"id"_s, 0}, {u"kind"_s, unary}, {u"shape"_s, shape23}, {u"unary"_s, 0}, {u"inputs"_s, one}})
                                         << QByteArray() << u"format"_s << u"'out' is missing"_s;
    QTest::newRow("task, output shape that overflows")
        << taskRequest(task(unary, one, QCborArray{qint64(1) << 31, qint64(1) << 31, 8}, {{u"unary"_s, 0}})) << QByteArray()
        << u"format"_s << u"more than a block may hold"_s;
    QTest::newRow("task, inputs not maps") << taskRequest(task(unary, QCborArray{u"a"_s}, shape23, {{u"unary"_s, 0}}))
                                           << QByteArray() << u"format"_s << u"must hold maps"_s;
    QTest::newRow("task, input without key")
        << taskRequest(task(unary, QCborArray{QCborMap{{u"bytes"_s, 1}}}, shape23, {{u"unary"_s, 0}})) << QByteArray()
        << u"format"_s << u"'key' is missing"_s;
    QTest::newRow("task, peer that is no address") << taskRequest(
        task(unary, QCborArray{QCborMap{{u"key"_s, u"elsewhere"_s}, {u"from"_s, u"nowhere"_s}}}, shape23, {{u"unary"_s, 0}}))
                                                   << QByteArray() << u"format"_s << u"'from' is not HOST:PORT"_s;
    QTest::newRow("task, task not a map") << taskRequest(5) << QByteArray() << u"format"_s << u"'task' must be a map"_s;
    QTest::newRow("task, operation id too long") << QCborMap{{u"type"_s, msg::Task},
                                                             {u"op"_s, QString(300, u'o')},
                                                             {u"task"_s, task(unary, one, shape23, {{u"unary"_s, 0}})}}
                                                 << QByteArray() << u"format"_s << u"'op' is 300 characters"_s;
    QTest::newRow("task, store as text") << QCborMap{{u"type"_s, msg::Task},
                                                     {u"task"_s, task(unary, one, shape23, {{u"unary"_s, 0}})},
                                                     {u"store"_s, u"yes"_s}}
                                         << QByteArray() << u"format"_s << u"'store' must be a boolean"_s;
    QTest::newRow("task, input region outside its block") << taskRequest(
        task(unary, QCborArray{input(u"a"_s, QCborArray{slice(1, 4, 1), slice(0, 3, 1)})}, QCborArray{4, 3}, {{u"unary"_s, 0}}))
                                                          << QByteArray() << u"invalid"_s << u"outside the axis"_s;
    QTest::newRow("task, input region of negative count") << taskRequest(
        task(unary, QCborArray{input(u"a"_s, QCborArray{slice(0, -2, 1), slice(0, 3, 1)})}, QCborArray{0, 3}, {{u"unary"_s, 0}}))
                                                          << QByteArray() << u"invalid"_s << u"count is negative"_s;
    QTest::newRow("task, declared shape the inputs do not make")
        << taskRequest(task(unary, one, QCborArray{5}, {{u"unary"_s, 0}})) << QByteArray() << u"invalid"_s
        << u"make shape (2, 3), not the (5,)"_s;
    QTest::newRow("task, operands that do not broadcast")
        << taskRequest(task(binary, QCborArray{input(u"a"_s), input(u"w"_s)}, shape23, {{u"binary"_s, 0}})) << QByteArray()
        << u"invalid"_s << u"broadcast"_s;
    QTest::newRow("task, axis past the rank")
        << taskRequest(task(partial, one, QCborArray{1, 2, 3}, {{u"reduce"_s, 0}, {u"axes"_s, QCborArray{5}}})) << QByteArray()
        << u"invalid"_s << u"reduces axis 5"_s;
    QTest::newRow("task, combine of no partial state")
        << taskRequest(task(combine, one, QCborArray{3}, {{u"reduce"_s, 4}, {u"axes"_s, QCborArray{0}}, {u"finalize"_s, true}}))
        << QByteArray() << u"invalid"_s << u"is not one of std"_s;
    QTest::newRow("task, combine of different states")
        << taskRequest(task(combine, QCborArray{input(u"a"_s), input(u"b"_s)}, QCborArray{3},
                            {{u"reduce"_s, 1}, {u"axes"_s, QCborArray{0}}, {u"finalize"_s, true}}))
        << QByteArray() << u"invalid"_s << u"differ"_s;
    QTest::newRow("task, partial over blocks that differ") << taskRequest(
        task(partial, QCborArray{input(u"a"_s), input(u"b"_s)}, QCborArray{1, 3}, {{u"reduce"_s, 0}, {u"axes"_s, QCborArray{0}}}))
                                                           << QByteArray() << u"invalid"_s << u"differ along kept axis"_s;

    // release, and headers whose envelope is wrong.
    QTest::newRow("release, keys not a list")
        << QCborMap{{u"type"_s, msg::Release}, {u"keys"_s, u"a"_s}} << QByteArray() << u"format"_s << u"'keys' must be a list"_s;
    QTest::newRow("release, a key that is a number") << QCborMap{{u"type"_s, msg::Release}, {u"keys"_s, QCborArray{1}}}
                                                     << QByteArray() << u"format"_s << u"must hold block keys"_s;
    QTest::newRow("type a number") << QCborMap{{u"type"_s, 3}} << QByteArray() << u"format"_s << u"'type' must be text"_s;
    QTest::newRow("unknown type") << QCborMap{{u"type"_s, u"teleport"_s}} << QByteArray() << u"invalid"_s << u"teleport"_s;
}

void TestHostileRequests::refused()
{
    QFETCH(QCborMap, header);
    QFETCH(QByteArray, payload);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const std::int64_t before = m_raw->memoryUsed();
    QVERIFY(before > 0);
    const auto reply = m_raw->request(header, payload);
    QVERIFY2(reply, "every request gets a reply");
    QCOMPARE(reply->header.value(u"type"_s).toString(), msg::Error);
    const QString message = reply->header.value(u"message"_s).toString();
    QVERIFY2(reply->header.value(u"code"_s).toString() == code,
             qPrintable(reply->header.value(u"code"_s).toString() + u": "_s + message));
    QVERIFY2(message.contains(mentions), qPrintable(message));
    QVERIFY2(!m_raw->closed, "a refused request keeps the connection");
    QCOMPARE(m_raw->memoryUsed(), before);
    // Someone else is still served, with the right answer.
    QString type;
    Shape shape;
    m_bystander->request(wire::Get{0, u"a"_s}.toCbor(), [&](const Frame &frame) {
        type = frame.header.value(u"type"_s).toString();
        if (const Result<NdArray> block = blockFromReply(frame.header, frame.payload);
            block.isOk() && block->at(5) == patterned({2, 3}).at(5))
            shape = block->shape();
    });
    QTRY_COMPARE_WITH_TIMEOUT(type, msg::Block, waitMillis);
    QCOMPARE(shape, (Shape{2, 3}));
}

void TestHostileRequests::cleanupTestCase()
{
    m_raw.reset();
}

QTEST_GUILESS_MAIN(TestHostileRequests)
#include "tst_hostilerequests.moc"
