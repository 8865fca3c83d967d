// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// WireMap against Qt's own CBOR decoder (QCborValue::fromCbor): every kind of value the
// protocol sends, read field by field and through each accessor's fallback; every cut of a
// message refused; CBOR outside the protocol's subset refused as unsupported, not as broken.

#include "net/protocol/taskmessages.h"
#include "net/protocol/wiremap.h"

#include <QCborArray>
#include <QCborStreamReader>
#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

void compareValues(const WireValue &ours, const QCborValue &qts, const QString &where);

// Entry by entry, in order, and by key.
void compareMaps(const WireMap &mine, const QCborMap &map, const QString &where)
{
    QCOMPARE(mine.size(), map.size());
    qsizetype i = 0;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it, ++i) {
        QCOMPARE(mine.keyAt(i).toString(), it.key().toString());
        compareValues(mine.valueAt(i), it.value(), where + u"."_s + it.key().toString());
        // A lookup finds the first entry of that key, as QCborMap's does.
        compareValues(mine.value(it.key().toString()), map.value(it.key().toString()), where + u" by key"_s);
    }
}

// One value as both decoders read it, through every accessor and its fallback.
void compareValues(const WireValue &ours, const QCborValue &qts, const QString &where)
{
    const QByteArray place = where.toUtf8();
    QVERIFY2(ours.type() == qts.type(), place);
    // Qt converts a double past qint64's range with a plain cast, which is undefined.
    if (!qts.isDouble() || (qts.toDouble() >= -0x1p63 && qts.toDouble() < 0x1p63))
        QVERIFY2(ours.toInteger(7) == qts.toInteger(7), place);
    else
        QVERIFY2(ours.toInteger(7) == 7, place);
    QVERIFY2(sameDouble(ours.toDouble(7.5), qts.toDouble(7.5)), place);
    QVERIFY2(ours.toBool(true) == qts.toBool(true), place);
    QVERIFY2(ours.toString() == qts.toString(), place);
    QVERIFY2(ours.toByteArray() == qts.toByteArray(), place);
    if (qts.isArray()) {
        const QCborArray array = qts.toArray();
        QCOMPARE(ours.toArray().size(), array.size());
        for (qsizetype i = 0; i < array.size(); ++i)
            compareValues(ours.toArray().at(i), array.at(i), where + u"[%1]"_s.arg(i));
    }
    if (qts.isMap())
        compareMaps(ours.toMap(), qts.toMap(), where);
}

void compareWithQt(const QByteArray &bytes)
{
    const Result<WireMap> ours = WireMap::fromCbor(bytes);
    QVERIFY2(ours.isOk(), qPrintable(ours.status().message()));
    const QCborValue qts = QCborValue::fromCbor(bytes);
    QVERIFY(qts.isMap());
    QCOMPARE(ours->toCbor(), bytes);
    compareMaps(*ours, qts.toMap(), u"outermost map"_s);        // indexed while it was checked
    QByteArray wrapped = QByteArray::fromHex("a1616b") + bytes; // {"k": the map}, to read it as a value
    compareValues(WireMap::fromCbor(wrapped)->value("k"_L1), qts, u"map"_s);
}

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text);
}

} // namespace

class TestWireMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valuesReadAsQtReadsThem_data();
    void valuesReadAsQtReadsThem();
    void messagesReadAsQtReadsThem();
    void everyCutIsRefused();
    void unsupportedIsNotBroken_data();
    void unsupportedIsNotBroken();
    void textComparedInPlace();
    void builtMapsReadAlike();
};

void TestWireMap::valuesReadAsQtReadsThem_data()
{
    QTest::addColumn<QByteArray>("value"); // one CBOR item, put in a map as "v"
    // Integers at every head boundary, both signs, and past qint64 (Qt reads those as doubles).
    for (const char *item : {"00", "17", "1818", "18ff", "190100", "19ffff", "1a00010000", "1b0000000100000000",
                             "1b7fffffffffffffff", "1b8000000000000000", "1bffffffffffffffff", "20", "3b7ffffffffffffffe",
                             "3b7fffffffffffffff", "3b8000000000000000", "1801"})
        QTest::newRow(item) << hex(item);
    // Floats of all three widths: NaN, infinities, -0, a denormal, a plain number.
    for (const char *item : {"f97e00", "f97c00", "f9fc00", "f98000", "f90001", "f93e00", "fa7fc00000", "fa3fc00000",
                             "fb7ff8000000000000", "fb8000000000000000", "fb0000000000000001", "fbc010666666666666"})
        QTest::newRow(item) << hex(item);
    QTest::newRow("false, true, null") << hex("83f4f5f6");
    QTest::newRow("empty text, bytes, list, map") << hex("84604080a0");
    QTest::newRow("text beyond ASCII") << QCborValue(u"Zürich 東京 \U0001F30D"_s).toCbor();
    QTest::newRow("bytes") << QCborValue(QByteArray("\x00\x01\xff", 3)).toCbor();
    QTest::newRow("nested") << QCborValue(QCborArray{QCborMap{{u"a"_s, QCborArray{1, 2.5, u"x"_s}}}, QCborArray{}}).toCbor();
    QTest::newRow("duplicate keys") << hex("a3616101616102616203");
    QTest::newRow("deep") << QByteArray(30, '\x81') + hex("00"); // 31 deep once wrapped as a value
}

void TestWireMap::valuesReadAsQtReadsThem()
{
    QFETCH(QByteArray, value);
    compareWithQt(hex("a16176") + value);
}

void TestWireMap::messagesReadAsQtReadsThem()
{
    Task task;
    task.id = 3;
    task.kind = TaskKind::Rechunk;
    task.outputKey = u"r/0.1.2"_s;
    task.outputShape = {1, 5, 1440};
    task.pieceGrid = {1, 2, 1};
    task.worker = 0;
    task.inputs = {{u"x/0.0.0"_s, {{0, 1, 1, false}, {715, 5, 1, false}, {0, 1440, 1, false}}, 57600, 0, {}},
                   {u"x/0.1.0"_s, {{0, 1, 1, false}, {0, 3, 1, false}, {0, 1440, 1, false}}, 34560, 1, {1, 3, 1440}}};
    wire::TaskRequest request = wire::TaskRequest::forTask(task, {u"198.18.0.2:7001"_s, u"198.18.0.3:7001"_s});
    request.id = 41;
    request.operation = u"op-9"_s;
    const wire::Done done{
        41, 1700000000000000, 1700000000000300, 1700000000000400, 1700000000000900, 1, 34560, 57600, Shape{1, 5, 1440}, false};
    for (const QCborMap &message :
         {request.toCbor(), done.toCbor(), wire::Get{5, u"x/0.0.0"_s, {{0, 2, 1, true}}}.toCbor(),
          errorReply(6, makeError(ErrorCode::Network, u"no route to 198.18.0.9"_s), u"198.18.0.9:7001"_s)})
        compareWithQt(message.toCborValue().toCbor());
}

void TestWireMap::everyCutIsRefused()
{
    wire::TaskRequest request;
    request.task.outputKey = u"y"_s;
    request.task.inputs = {{u"x"_s, {{0, 1, 1, false}}, 8, 0, {1}}};
    const QByteArray bytes = request.toCbor().toCborValue().toCbor();
    for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
        const Result<WireMap> read = WireMap::fromCbor(bytes.first(cut));
        QVERIFY2(!read.isOk(), qPrintable(QString::number(cut)));
        QCOMPARE(read.status().code(), ErrorCode::Format);
        QVERIFY2(read.status().message().contains(u"at byte"_s), qPrintable(read.status().message()));
        QCborStreamReader reader(bytes.first(cut));
        (void)QCborValue::fromCbor(reader);
        QVERIFY(reader.lastError() != QCborError::NoError); // Qt refuses it too
    }
}

void TestWireMap::unsupportedIsNotBroken_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("mentions");
    // Well-formed CBOR Qt reads, outside the protocol's subset.
    QTest::newRow("array") << hex("8100") << ErrorCode::InvalidArgument << u"an array, not a map"_s;
    QTest::newRow("integer") << hex("01") << ErrorCode::InvalidArgument << u"not a map"_s;
    QTest::newRow("tagged map") << hex("c1a0") << ErrorCode::InvalidArgument << u"tag 1"_s;
    QTest::newRow("tag inside") << hex("a16174c11a514b67b0") << ErrorCode::InvalidArgument << u"tag 1"_s;
    QTest::newRow("integer key") << hex("a10102") << ErrorCode::InvalidArgument << u"not text"_s;
    QTest::newRow("undefined") << hex("a16175f7") << ErrorCode::InvalidArgument << u"undefined"_s;
    QTest::newRow("simple 255") << hex("a16173f8ff") << ErrorCode::InvalidArgument << u"simple value 255"_s;
    QTest::newRow("indefinite map") << hex("bf616b01ff") << ErrorCode::InvalidArgument << u"indefinite length"_s;
    QTest::newRow("indefinite bytes") << hex("a1616b5f4100ff") << ErrorCode::InvalidArgument << u"indefinite length"_s;
    QTest::newRow("33 deep") << hex("a1616e") + QByteArray(32, '\x81') + hex("00") << ErrorCode::InvalidArgument
                             << u"nested more than 32 deep at byte 34"_s;
    // Broken CBOR.
    QTest::newRow("empty") << QByteArray() << ErrorCode::Format << u"end inside an item at byte 0"_s;
    QTest::newRow("stray bytes") << hex("a000") << ErrorCode::Format << u"1 bytes after its CBOR map at byte 1"_s;
    QTest::newRow("break") << hex("a1616bff") << ErrorCode::Format << u"a break outside"_s;
    QTest::newRow("reserved 29") << hex("a1616b1d") << ErrorCode::Format << u"reserved additional information 29"_s;
    QTest::newRow("reserved 31 on an integer") << hex("a1616b1f") << ErrorCode::Format << u"reserved additional information 31"_s;
    QTest::newRow("invalid UTF-8") << hex("a1616b62c328") << ErrorCode::Format << u"not valid UTF-8 at byte 3"_s;
    QTest::newRow("huge map count") << hex("bbffffffffffffffff") << ErrorCode::Format << u"only 0 bytes left"_s;
    QTest::newRow("huge string") << hex("a1616b7bffffffffffffffff") << ErrorCode::Format << u"only 0 left"_s;
}

void TestWireMap::unsupportedIsNotBroken()
{
    QFETCH(QByteArray, bytes);
    QFETCH(ErrorCode, code);
    QFETCH(QString, mentions);
    const Result<WireMap> read = WireMap::fromCbor(bytes);
    QVERIFY(!read.isOk());
    QVERIFY2(read.status().message().contains(mentions), qPrintable(read.status().message()));
    QCOMPARE(read.status().code(), code);
    QCborStreamReader reader(bytes);
    const QCborValue qts = QCborValue::fromCbor(reader);
    const bool qtReadsIt = reader.lastError() == QCborError::NoError && reader.currentOffset() == bytes.size();
    QCOMPARE(qtReadsIt, code == ErrorCode::InvalidArgument);
}

void TestWireMap::textComparedInPlace()
{
    const WireMap map(QCborMap{{u"type"_s, u"done"_s}, {u"name"_s, u"Zürich"_s}, {u"n"_s, 1}});
    QVERIFY(map.value("type"_L1).isText(u"done"_s));
    QVERIFY(map.value("type"_L1).isText("done"_L1));
    QVERIFY(!map.value("type"_L1).isText(u"don"_s));
    QVERIFY(!map.value("type"_L1).isText(u"dones"_s));
    QVERIFY(map.value("name"_L1).isText(u"Zürich"_s));
    QVERIFY(!map.value("n"_L1).isText(u"1"_s));
    QVERIFY(!map.value("missing"_L1).isText(QString()));
    QVERIFY(map.value("missing"_L1).isUndefined());
    QVERIFY(!map.contains("typ"_L1));
}

void TestWireMap::builtMapsReadAlike()
{
    const QCborMap built{{u"type"_s, u"ok"_s}, {u"id"_s, 9}, {u"read"_s, 1.5e9}};
    const WireMap map(built);
    QCOMPARE(map.toMap(), built);
    QCOMPARE(map.toCbor(), built.toCborValue().toCbor());
    QCOMPARE(WireMap().toCbor(), QCborMap().toCborValue().toCbor());
    QCOMPARE(WireMap().value("id"_L1).toInteger(-1), -1);
}

QTEST_GUILESS_MAIN(TestWireMap)

#include "tst_wiremap.moc"
