// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A worker's warm reserve: its size follows the largest array held, within what the memory limit
// leaves free; an idle worker fills the pool up to it in the background; work stops the filling;
// a long idle spell trims what is pooled beyond it.

#include "core/blockallocator.h"
#include "net/worker/blockstore.h"
#include "net/worker/warmreserve.h"

#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t MiB = std::int64_t(1) << 20;

// A block of `mib` MiB of float64 values.
NdArray blockOf(std::int64_t mib)
{
    return NdArray(Shape{mib * MiB / 8});
}

std::int64_t pooled()
{
    return std::int64_t(blockallocator::pooledBytes());
}

} // namespace

class TestWarmReserve : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void targetIsTheLargestArray();
    void targetStaysWithinTheLimit();
    void idleWorkerFillsTheReserve();
    void workStopsTheFill();
};

void TestWarmReserve::init()
{
    blockallocator::trimPool(0);
}

void TestWarmReserve::targetIsTheLargestArray()
{
    BlockStore store(u"w1"_s, 1024 * MiB);
    WarmReserve reserve(store);
    QCOMPARE(reserve.targetBytes(), 0); // nothing held, nothing to expect
    QVERIFY(store.insert(u"x:0.0"_s, blockOf(4)).isOk());
    QVERIFY(store.insert(u"x:1.0"_s, blockOf(4)).isOk());
    QVERIFY(store.insert(u"op1.n2:0"_s, blockOf(6)).isOk());
    QVERIFY(store.insert(u"op1.n2.t1:0"_s, blockOf(2)).isOk()); // another array whose key starts alike
    QCOMPARE(reserve.targetBytes(), 8 * MiB);
    store.remove({u"x:0.0"_s, u"x:1.0"_s});
    QCOMPARE(reserve.targetBytes(), 6 * MiB);
}

void TestWarmReserve::targetStaysWithinTheLimit()
{
    // 200 MiB limit, 120 MiB held: 80 MiB free, of which 64 MiB stay as headroom.
    BlockStore store(u"w1"_s, 200 * MiB);
    WarmReserve reserve(store);
    QVERIFY(store.insert(u"x:0"_s, blockOf(120)).isOk());
    QCOMPARE(reserve.targetBytes(), 16 * MiB);
    QVERIFY(store.insert(u"y:0"_s, blockOf(20)).isOk());
    QCOMPARE(reserve.targetBytes(), 0);
}

void TestWarmReserve::idleWorkerFillsTheReserve()
{
    BlockStore store(u"w1"_s, 1024 * MiB);
    WarmReserve reserve(store);
    QVERIFY(store.insert(u"x:0"_s, blockOf(40)).isOk());
    reserve.workerIdle();
    QTRY_COMPARE_WITH_TIMEOUT(pooled(), 40 * MiB, 10000);
    reserve.waitForFill();
    QCOMPARE(pooled(), 40 * MiB); // filled up to the target, not beyond

    // Freed blocks beyond the reserve are kept until the trim after a long idle spell.
    store.remove({u"x:0"_s});
    QVERIFY(store.insert(u"y:0"_s, blockOf(10)).isOk());
    QCOMPARE(reserve.targetBytes(), 10 * MiB);
    reserve.workerIdle();
    QTRY_COMPARE_WITH_TIMEOUT(pooled(), 10 * MiB, 10000);
}

void TestWarmReserve::workStopsTheFill()
{
    BlockStore store(u"w1"_s, 8192 * MiB);
    WarmReserve reserve(store);
    QVERIFY(store.insert(u"x:0"_s, blockOf(4000)).isOk());
    reserve.workerIdle();
    QTRY_VERIFY_WITH_TIMEOUT(pooled() > 0, 10000);
    reserve.workArrived();
    reserve.waitForFill();
    const std::int64_t stoppedAt = pooled();
    QVERIFY2(stoppedAt < 4000 * MiB, "the fill ran to its end although work had arrived");
    QTest::qWait(300); // longer than the fill delay: no new fill starts without an idle call
    QCOMPARE(pooled(), stoppedAt);
}

QTEST_GUILESS_MAIN(TestWarmReserve)
#include "tst_warmreserve.moc"
