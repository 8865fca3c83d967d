// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Frame encoding and the pure head parser: round trips, every truncation, every way to be wrong.

#include "net/protocol/frame.h"

#include <QCborArray>
#include <QCborValue>
#include <QTest>
#include <QtEndian>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

char *toString(FrameStatus status)
{
    switch (status) {
    case FrameStatus::Ok: return qstrdup("Ok");
    case FrameStatus::Incomplete: return qstrdup("Incomplete");
    case FrameStatus::Bad: return qstrdup("Bad");
    }
    return qstrdup("?");
}

} // namespace tessera

using namespace tessera;

namespace {

// A prefix with every field chosen by the test, for frames the encoder would never write.
QByteArray prefix(std::uint32_t magic, std::uint16_t version, std::uint16_t flags, std::uint32_t headerBytes,
                  std::uint64_t payloadBytes)
{
    QByteArray bytes(FramePrefixBytes, Qt::Uninitialized);
    qToBigEndian(magic, bytes.data());
    qToBigEndian(version, bytes.data() + 4);
    qToBigEndian(flags, bytes.data() + 6);
    qToBigEndian(headerBytes, bytes.data() + 8);
    qToBigEndian(payloadBytes, bytes.data() + 12);
    return bytes;
}

QByteArray frameWithHeaderBytes(const QByteArray &cbor, std::uint64_t payloadBytes = 0)
{
    return prefix(FrameMagic, ProtocolVersion, 0, std::uint32_t(cbor.size()), payloadBytes) + cbor;
}

QCborMap typical()
{
    return QCborMap{{u"type"_s, u"compute"_s}, {u"id"_s, 42}};
}

constexpr qint64 gib = qint64(1) << 30;

} // namespace

class TestFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void prefixLayout();
    void roundTrip_data();
    void roundTrip();
    void incompleteAtEveryCut_data();
    void incompleteAtEveryCut();
    void bad_data();
    void bad();
    void limits_data();
    void limits();
    void hugePayloadRejectedFromPrefixAlone();
    void parseReadsOnlyTheHead();
};

void TestFrame::prefixLayout()
{
    // Golden bytes: docs/PROTOCOL.md describes exactly this layout.
    const QByteArray head = encodeFrameHead(QCborMap{}, 256);
    QCOMPARE(head.toHex(' '), QByteArray("54 53 52 41 00 01 00 00 00 00 00 01 00 00 00 00 00 00 01 00 a0"));
}

void TestFrame::roundTrip_data()
{
    QTest::addColumn<QCborMap>("header");
    QTest::addColumn<qint64>("payloadBytes");

    QTest::newRow("empty map, no payload") << QCborMap{} << qint64(0);
    QTest::newRow("type and id, 1 byte") << typical() << qint64(1);
    QTest::newRow("empty text and bytes fields")
        << QCborMap{{u"type"_s, QString()}, {u"id"_s, 0}, {u"name"_s, QString()}, {u"blob"_s, QByteArray()}} << qint64(8);
    QTest::newRow("nested maps and arrays") << QCborMap{
        {u"type"_s, u"plan"_s},
        {u"id"_s, std::numeric_limits<qint64>::max()},
        {u"shape"_s, QCborArray{365, 721, 1440}},
        {u"meta"_s, QCborMap{{u"units"_s, u"K"_s},
                             {u"scale"_s, 0.01},
                             {u"fill"_s, std::nan("")},
                             {u"chunks"_s, QCborArray{QCborArray{0, 1}, QCborArray{}}}}},
        {u"ok"_s, true},
        {u"nothing"_s, QCborValue(nullptr)}} << qint64(365) * 721 * 1440 * 8;
    QTest::newRow("unicode text") << QCborMap{{u"type"_s, u"note"_s}, {u"id"_s, 7}, {u"text"_s, u"Temperatur Δt ≥ 2 °C ✓"_s}}
                                  << qint64(0);
    QTest::newRow("16 GiB declared, the default limit") << typical() << 16 * gib;
}

void TestFrame::roundTrip()
{
    QFETCH(QCborMap, header);
    QFETCH(qint64, payloadBytes);

    const QByteArray head = encodeFrameHead(header, payloadBytes);
    const FrameHead parsed = parseFrameHead(head, FrameLimits{});
    QCOMPARE(parsed.status, FrameStatus::Ok);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.headBytes, head.size());
    QCOMPARE(parsed.payloadBytes, payloadBytes);
    // QCborMap compares NaN unequal to itself, so compare the encoded forms.
    QCOMPARE(parsed.header.toCbor(), header.toCborValue().toCbor());
}

void TestFrame::incompleteAtEveryCut_data()
{
    QTest::addColumn<QByteArray>("head");

    QTest::newRow("empty map") << encodeFrameHead(QCborMap{}, 0);
    QTest::newRow("type and id, payload follows") << encodeFrameHead(typical(), 1000);
    QTest::newRow("nested") << encodeFrameHead(
        QCborMap{{u"type"_s, u"x"_s}, {u"id"_s, 1}, {u"a"_s, QCborArray{QCborMap{{u"b"_s, 2}}}}}, 0);
}

void TestFrame::incompleteAtEveryCut()
{
    QFETCH(QByteArray, head);

    for (qsizetype cut = 0; cut < head.size(); ++cut) {
        const FrameHead parsed = parseFrameHead(QByteArrayView(head).first(cut), FrameLimits{});
        QVERIFY2(parsed.status == FrameStatus::Incomplete, qPrintable(u"cut at %1: %2"_s.arg(cut).arg(parsed.error)));
        // Past the prefix the parser says how big the head is, so a reader knows what to wait for.
        QCOMPARE(parsed.headBytes, cut < FramePrefixBytes ? 0 : head.size());
    }
    QCOMPARE(parseFrameHead(head, FrameLimits{}).status, FrameStatus::Ok);
}

void TestFrame::bad_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("errorMentions");

    const QByteArray good = encodeFrameHead(typical(), 0);
    const QByteArray mapCbor = typical().toCborValue().toCbor();

    QTest::newRow("wrong first byte") << QByteArray("X") << u"bad magic"_s;
    QTest::newRow("HTTP probe") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << u"bad magic"_s;
    QTest::newRow("magic off in last byte") << QByteArray("TSRB") << u"bad magic"_s;
    QTest::newRow("little-endian magic") << prefix(0x41525354, 1, 0, 1, 0) + "\xa0" << u"bad magic"_s;
    QTest::newRow("20 zero bytes") << QByteArray(20, '\0') << u"bad magic"_s;
    QTest::newRow("20 0xff bytes") << QByteArray(20, '\xff') << u"bad magic"_s;
    QTest::newRow("version 0") << prefix(FrameMagic, 0, 0, 1, 0) << u"version 0"_s;
    QTest::newRow("version 2") << prefix(FrameMagic, 2, 0, 1, 0) << u"version 2"_s;
    QTest::newRow("flags set") << prefix(FrameMagic, 1, 0x8000, 1, 0) << u"flags"_s;
    QTest::newRow("zero header length") << prefix(FrameMagic, 1, 0, 0, 0) << u"empty frame header"_s;
    QTest::newRow("header length over limit, prefix only") << prefix(FrameMagic, 1, 0, (1 << 20) + 1, 0) << u"frame header of"_s;
    QTest::newRow("payload length with top bit set, prefix only")
        << prefix(FrameMagic, 1, 0, 1, ~std::uint64_t(0)) << u"exceeds the limit"_s;
    QTest::newRow("lone break byte") << frameWithHeaderBytes("\xff") << u"not valid CBOR"_s;
    QTest::newRow("map cut short inside its length")
        << frameWithHeaderBytes(mapCbor.first(mapCbor.size() - 1)) << u"not valid CBOR"_s;
    QTest::newRow("map missing its value") << frameWithHeaderBytes("\xa1\x64type") << u"not valid CBOR"_s;
    QTest::newRow("text length past the header") << frameWithHeaderBytes("\xa1\x6ftype") << u"not valid CBOR"_s;
    QTest::newRow("bytes after the map") << frameWithHeaderBytes(mapCbor + QByteArray(1, '\0'), 0) << u"after its CBOR map"_s;
    QTest::newRow("array header") << frameWithHeaderBytes(QCborValue(QCborArray{u"type"_s, 1}).toCbor()) << u"array"_s;
    QTest::newRow("integer header") << frameWithHeaderBytes(QCborValue(42).toCbor()) << u"not a map"_s;
    QTest::newRow("text header") << frameWithHeaderBytes(QCborValue(u"hello"_s).toCbor()) << u"not a map"_s;
    QTest::newRow("tagged map") << frameWithHeaderBytes(QCborValue(QCborTag(1000), typical()).toCbor()) << u"tagged"_s;
    // Well-formed CBOR outside the protocol's subset (docs/PROTOCOL.md, "Header").
    QTest::newRow("integer keys") << frameWithHeaderBytes(QCborValue(QCborMap{{1, u"one"_s}, {-2, 2.5}}).toCbor())
                                  << u"key that is not text"_s;
    QTest::newRow("undefined") << frameWithHeaderBytes("\xa1\x61u\xf7") << u"undefined"_s;
    QTest::newRow("simple value 16") << frameWithHeaderBytes("\xa1\x61s\xf0") << u"simple value 16"_s;
    QTest::newRow("indefinite map") << frameWithHeaderBytes("\xbf\x61k\x01\xff") << u"indefinite length"_s;
    QTest::newRow("indefinite text") << frameWithHeaderBytes("\xa1\x61k\x7f\x61"
                                                             "a\xff")
                                     << u"indefinite length"_s;
    QTest::newRow("nested 33 deep") << frameWithHeaderBytes("\xa1\x61n" + QByteArray(32, '\x81') + "\x01")
                                    << u"nested more than 32"_s;
    // And broken CBOR inside a map.
    QTest::newRow("invalid UTF-8 key") << frameWithHeaderBytes("\xa1\x62\xc3\x28\x01") << u"not valid UTF-8"_s;
    QTest::newRow("surrogate in text") << frameWithHeaderBytes("\xa1\x61t\x63\xed\xa0\x80") << u"not valid UTF-8"_s;
    QTest::newRow("reserved additional information")
        << frameWithHeaderBytes("\xa1\x61r\x1c") << u"reserved additional information 28"_s;
    QTest::newRow("list longer than the header")
        << frameWithHeaderBytes("\xa1\x61l\x9b\xff\xff\xff\xff\xff\xff\xff\xff") << u"with only 0 bytes left"_s;
    QTest::newRow("good head behind one stray byte") << QByteArray(1, '\0') + good << u"bad magic"_s;
}

void TestFrame::bad()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, errorMentions);

    const FrameHead parsed = parseFrameHead(bytes, FrameLimits{});
    QCOMPARE(parsed.status, FrameStatus::Bad);
    QVERIFY2(parsed.error.contains(errorMentions), qPrintable(parsed.error));
    QVERIFY(parsed.header.isEmpty());
}

void TestFrame::limits_data()
{
    QTest::addColumn<qint64>("headerBytes");
    QTest::addColumn<qint64>("payloadBytes");
    QTest::addColumn<FrameStatus>("expected");

    // Limits below: 64 bytes of header, 1000 bytes of payload. Only prefixes are parsed, so "Ok"
    // shows up as Incomplete (waiting for the header) and the limits alone decide.
    QTest::newRow("header at limit") << qint64(64) << qint64(0) << FrameStatus::Incomplete;
    QTest::newRow("header one over") << qint64(65) << qint64(0) << FrameStatus::Bad;
    QTest::newRow("payload at limit") << qint64(1) << qint64(1000) << FrameStatus::Incomplete;
    QTest::newRow("payload one over") << qint64(1) << qint64(1001) << FrameStatus::Bad;
    QTest::newRow("both over") << qint64(4096) << qint64(1) << FrameStatus::Bad;
}

void TestFrame::limits()
{
    QFETCH(qint64, headerBytes);
    QFETCH(qint64, payloadBytes);
    QFETCH(FrameStatus, expected);

    const FrameLimits limits{64, 1000};
    const FrameHead parsed =
        parseFrameHead(prefix(FrameMagic, ProtocolVersion, 0, std::uint32_t(headerBytes), std::uint64_t(payloadBytes)), limits);
    QCOMPARE(parsed.status, expected);
    if (expected == FrameStatus::Incomplete)
        QCOMPARE(parsed.headBytes, FramePrefixBytes + headerBytes);
}

void TestFrame::hugePayloadRejectedFromPrefixAlone()
{
    // 100 GB claimed, and only the 20 prefix bytes present: no header, no payload, nothing to
    // allocate. A reader must refuse right here rather than wait for more.
    const std::int64_t hundredGigabytes = std::int64_t(100) * 1000 * 1000 * 1000;
    const QByteArray head = encodeFrameHead(typical(), hundredGigabytes);
    const FrameHead parsed = parseFrameHead(QByteArrayView(head).first(FramePrefixBytes), FrameLimits{});
    QCOMPARE(parsed.status, FrameStatus::Bad);
    QVERIFY2(parsed.error.contains(u"100000000000 bytes"_s), qPrintable(parsed.error));
    QVERIFY2(parsed.error.contains(u"exceeds the limit"_s), qPrintable(parsed.error));
}

void TestFrame::parseReadsOnlyTheHead()
{
    // Payload bytes (or the next frame) after the head are none of the parser's business.
    const QByteArray head = encodeFrameHead(typical(), 3);
    const QByteArray stream = head + "abc" + encodeFrameHead(QCborMap{}, 0);
    const FrameHead parsed = parseFrameHead(stream, FrameLimits{});
    QCOMPARE(parsed.status, FrameStatus::Ok);
    QCOMPARE(parsed.headBytes, head.size());
    QCOMPARE(parsed.payloadBytes, 3);
    QCOMPARE(parsed.header.toMap(), typical());
}

QTEST_GUILESS_MAIN(TestFrame)
#include "tst_frame.moc"
