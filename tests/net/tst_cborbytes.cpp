// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// CborBytes against Qt's own QCborStreamWriter, item by item: every head length, both integer
// signs to their ends, doubles that are not plain numbers, text in and beyond ASCII, byte
// strings, containers and their counts, and whole values.

#include "net/protocol/cborbytes.h"

#include <QCborMap>
#include <QCborStreamWriter>
#include <QTest>

#include <functional>
#include <limits>

using namespace Qt::StringLiterals;
using tessera::CborBytes;

namespace {

// The same items written by both writers.
void compareWriters(const std::function<void(CborBytes &)> &ours, const std::function<void(QCborStreamWriter &)> &qts)
{
    QByteArray mine;
    CborBytes bytes(mine);
    ours(bytes);
    QByteArray reference;
    QCborStreamWriter writer(&reference);
    qts(writer);
    QCOMPARE(mine.toHex(), reference.toHex());
}

// The same items, written by one generic lambda with each writer.
template <typename Items>
void compareWriters(const Items &items)
{
    compareWriters(std::function<void(CborBytes &)>(items), std::function<void(QCborStreamWriter &)>(items));
}

QString repeated(QStringView piece, int times)
{
    QString text;
    for (int i = 0; i < times; ++i)
        text += piece;
    return text;
}

} // namespace

class TestCborBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void integers();
    void doublesBooleansAndNull();
    void text();
    void byteStrings();
    void containersAndTheirCounts();
    void wholeValues();
};

void TestCborBytes::integers()
{
    constexpr qint64 least = std::numeric_limits<qint64>::min();
    constexpr qint64 most = std::numeric_limits<qint64>::max();
    for (qint64 value : {qint64(0),    qint64(1),      qint64(23),     qint64(24),          qint64(255),
                         qint64(256),  qint64(65535),  qint64(65536),  qint64(4294967295),  qint64(4294967296),
                         most,         qint64(-1),     qint64(-24),    qint64(-25),         qint64(-256),
                         qint64(-257), qint64(-65536), qint64(-65537), qint64(-4294967296), qint64(-4294967297),
                         least}) {
        compareWriters([value](auto &w) { w.append(value); });
    }
    compareWriters([](CborBytes &w) { w.append(int(-7)); }, [](QCborStreamWriter &w) { w.append(qint64(-7)); });
}

void TestCborBytes::doublesBooleansAndNull()
{
    for (double value :
         {0.0, -0.0, 1.5, 277.25, 1e300, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::quiet_NaN(),
          std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
        compareWriters([value](auto &w) { w.append(value); });
    }
    compareWriters([](auto &w) {
        w.append(true);
        w.append(false);
        w.append(nullptr);
    });
}

void TestCborBytes::text()
{
    // Lengths around each head size, ASCII and not, Latin-1 and UTF-16 (a surrogate pair too).
    const QStringList texts{u""_s,
                            u"type"_s,
                            repeated(u"a", 23),
                            repeated(u"b", 24),
                            repeated(u"c", 255),
                            repeated(u"d", 256),
                            repeated(u"e", 65536),
                            u"café"_s,
                            u"x:0.12.3|5"_s,
                            u"Zürich 東京"_s,
                            u"\U0001F30D"_s};
    for (const QString &text : texts) {
        compareWriters([&text](auto &w) { w.append(text); });
        const QByteArray latin1 = text.toLatin1();
        if (QString::fromLatin1(latin1) != text)
            continue; // not Latin-1
        const QLatin1StringView view(latin1);
        compareWriters([view](auto &w) { w.append(view); });
    }
}

void TestCborBytes::byteStrings()
{
    for (int size : {0, 1, 23, 24, 300, 70000}) {
        const QByteArray bytes(size, '\xa5');
        compareWriters([&bytes](auto &w) { w.append(bytes); });
    }
}

void TestCborBytes::containersAndTheirCounts()
{
    compareWriters([](auto &w) {
        w.startMap(30);
        for (int i = 0; i < 30; ++i) {
            w.append(u"k%1"_s.arg(i));
            w.startArray(quint64(i));
            for (int j = 0; j < i; ++j)
                w.append(qint64(j * 1000));
            QVERIFY(w.endArray());
        }
        QVERIFY(w.endMap());
    });

    // A count not kept is reported, as QCborStreamWriter's endMap() reports it.
    QByteArray bytes;
    CborBytes writer(bytes);
    writer.startMap(2);
    writer.append("a"_L1);
    writer.append(qint64(1));
    QVERIFY(!writer.endMap());
    writer.startArray(1);
    writer.append(true);
    writer.append(false);
    QVERIFY(!writer.endArray());
    QVERIFY(!writer.endArray()); // nothing open
}

void TestCborBytes::wholeValues()
{
    const QCborMap map{{u"type"_s, u"error"_s}, {u"id"_s, 7}, {u"nested"_s, QCborMap{{u"a"_s, 1.5}}}};
    compareWriters(
        [&map](CborBytes &w) {
        w.startArray(2);
        w.append(map.toCborValue());
        w.append(qint64(3));
        QVERIFY(w.endArray());
        },
        [&map](QCborStreamWriter &w) {
        w.startArray(2);
        map.toCborValue().toCbor(w);
        w.append(qint64(3));
        w.endArray();
    });
}

QTEST_APPLESS_MAIN(TestCborBytes)
#include "tst_cborbytes.moc"
