// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The table of handlers waiting for replies, held to a std::map of the same requests: replies in
// any order, ids that never waited, replies to nothing, and a connection failing with requests in
// flight.

#include "net/protocol/pendingreplies.h"

#include <QRandomGenerator>
#include <QTest>

#include <functional>
#include <map>
#include <vector>

using tessera::PendingReplies;
using Handler = std::function<qint64()>; // says which request it was made for

class TestPendingReplies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void repliesInAnyOrderFindTheirHandlers_data();
    void repliesInAnyOrderFindTheirHandlers();
    void drainGivesEveryWaitingHandlerOldestFirst();
};

void TestPendingReplies::repliesInAnyOrderFindTheirHandlers_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed : {1u, 2u, 3u, 4u, 5u})
        QTest::newRow(qPrintable(QString::number(seed))) << seed;
}

void TestPendingReplies::repliesInAnyOrderFindTheirHandlers()
{
    QFETCH(quint32, seed);
    QRandomGenerator random(seed);
    PendingReplies<Handler> pending;
    std::map<qint64, Handler> reference;
    qint64 nextId = 1;
    for (int step = 0; step < 20000; ++step) {
        const quint32 roll = random.bounded(10u);
        if (roll < 5) { // a request, now and then after ids that never waited
            nextId += random.bounded(10u) == 0 ? qint64(random.bounded(1u, 4u)) : 0;
            const qint64 id = nextId++;
            pending.add(id, [id] { return id; });
            reference[id] = [id] {
                return id;
            };
        } else { // a reply: mostly to an old request, sometimes to one that never waited
            const qint64 id = reference.empty() || roll == 9 ? qint64(random.bounded(quint32(nextId + 2)))
                              : roll < 8                     ? reference.begin()->first
                                         : std::next(reference.begin(), random.bounded(quint32(reference.size())))->first;
            const Handler handler = pending.take(id);
            const auto expected = reference.find(id);
            QCOMPARE(bool(handler), expected != reference.end());
            if (handler) {
                QCOMPARE(handler(), id);
                reference.erase(expected);
            }
            QVERIFY(!pending.take(id)); // answered once
        }
        QCOMPARE(pending.size(), reference.size());
    }
}

void TestPendingReplies::drainGivesEveryWaitingHandlerOldestFirst()
{
    PendingReplies<Handler> pending;
    for (qint64 id : {3, 4, 7, 8, 9})
        pending.add(id, [id] { return id; });
    QVERIFY(pending.take(4));
    std::vector<qint64> drained;
    pending.drain([&](qint64 id, const Handler &handler) {
        QCOMPARE(handler(), id);
        drained.push_back(id);
        if (id == 7)
            pending.add(10, [] { return qint64(10); }); // a handler may send a new request
    });
    QCOMPARE(drained, (std::vector<qint64>{3, 7, 8, 9}));
    QCOMPARE(pending.size(), std::size_t(1));
    QCOMPARE(pending.take(10)(), qint64(10));
    QCOMPARE(pending.size(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestPendingReplies)
#include "tst_pendingreplies.moc"
