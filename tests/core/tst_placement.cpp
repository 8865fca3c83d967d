// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/placement.h"

#include <QStringList>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace tessera;

using Bytes = std::vector<std::int64_t>;
using Workers = std::vector<int>;
using Inputs = std::vector<InputLocation>;

Q_DECLARE_METATYPE(Bytes)
Q_DECLARE_METATYPE(Workers)
Q_DECLARE_METATYPE(Inputs)

namespace {

QString workersText(const Workers &workers)
{
    QStringList parts;
    for (int worker : workers)
        parts << QString::number(worker);
    return parts.join(u' ');
}

// The rule as the design states it, spelled as a ranking: most held bytes, then least load, then
// lowest index.
int referencePlacement(const Inputs &inputs, const Bytes &loads)
{
    std::vector<std::tuple<std::int64_t, std::int64_t, int>> ranks; // (-held, load, index)
    for (int worker = 0; worker < int(loads.size()); ++worker) {
        std::int64_t held = 0;
        for (const InputLocation &input : inputs)
            held += input.worker == worker ? input.bytes : 0;
        ranks.emplace_back(-held, loads[worker], worker);
    }
    return std::get<2>(*std::min_element(ranks.begin(), ranks.end()));
}

// Smallest depth d with fanIn^d >= n: the height of a tree of that fan-in over n leaves.
int expectedDepth(int itemCount, int fanIn)
{
    int depth = 0;
    for (std::int64_t reach = 1; reach < itemCount; reach *= fanIn)
        ++depth;
    return depth;
}

} // namespace

class TestPlacement : public QObject
{
    Q_OBJECT

private slots:
    void placeTask_data();
    void placeTask();
    void placeTaskMatchesRanking();
    void assignContiguous_data();
    void assignContiguous();
    void assignContiguousProperties_data();
    void assignContiguousProperties();
    void assignRoundRobin_data();
    void assignRoundRobin();
    void assignByFreeMemory_data();
    void assignByFreeMemory();
    void combineTree_data();
    void combineTree();
};

void TestPlacement::placeTask_data()
{
    QTest::addColumn<Inputs>("inputs");
    QTest::addColumn<Bytes>("loads");
    QTest::addColumn<int>("expected");

    QTest::newRow("most bytes wins") << Inputs{{0, 100}, {1, 300}} << Bytes{0, 0} << 1;
    QTest::newRow("bytes add up per worker") << Inputs{{0, 100}, {1, 150}, {0, 100}} << Bytes{0, 0} << 0;
    QTest::newRow("bytes beat load") << Inputs{{1, 10}} << Bytes{0, 1000000} << 1;
    QTest::newRow("scalar follows the block") << Inputs{{2, 8}, {0, 33177600}} << Bytes{900, 0, 0} << 0;
    QTest::newRow("tie to least loaded") << Inputs{{0, 100}, {1, 100}} << Bytes{50, 10} << 1;
    QTest::newRow("tie and equal load to lowest") << Inputs{{2, 100}, {1, 100}} << Bytes{0, 0, 0} << 1;
    QTest::newRow("tie ignores workers holding less") << Inputs{{0, 100}, {1, 100}} << Bytes{10, 20, 0} << 0;
    QTest::newRow("no inputs to least loaded") << Inputs{} << Bytes{5, 3, 3} << 1;
    QTest::newRow("unlocated input is no input") << Inputs{{-1, 1000}} << Bytes{4, 2} << 1;
    QTest::newRow("unknown worker is no input") << Inputs{{7, 1000}} << Bytes{4, 2} << 1;
    QTest::newRow("zero-byte inputs") << Inputs{{1, 0}} << Bytes{0, 5} << 0;
    QTest::newRow("one worker") << Inputs{{0, 1}} << Bytes{99} << 0;
}

void TestPlacement::placeTask()
{
    QFETCH(Inputs, inputs);
    QFETCH(Bytes, loads);
    QFETCH(int, expected);
    QCOMPARE(tessera::placeTask(inputs, loads), expected);
}

// Random inputs on few workers, so ties in bytes and loads are frequent.
void TestPlacement::placeTaskMatchesRanking()
{
    std::mt19937_64 random(20240501);
    for (int trial = 0; trial < 2000; ++trial) {
        const int workerCount = 1 + int(random() % 4);
        Bytes loads;
        for (int worker = 0; worker < workerCount; ++worker)
            loads.push_back(std::int64_t(random() % 3));
        Inputs inputs;
        const int inputCount = int(random() % 4);
        for (int i = 0; i < inputCount; ++i)
            inputs.push_back({int(random() % std::uint64_t(workerCount + 1)) - 1, std::int64_t(random() % 3) * 8});
        QCOMPARE(tessera::placeTask(inputs, loads), referencePlacement(inputs, loads));
    }
}

void TestPlacement::assignContiguous_data()
{
    QTest::addColumn<Bytes>("itemBytes");
    QTest::addColumn<int>("workerCount");
    QTest::addColumn<QString>("expected");

    QTest::newRow("even split") << Bytes{10, 10, 10, 10} << 2 << u"0 0 1 1"_s;
    QTest::newRow("one each") << Bytes{10, 10, 10} << 3 << u"0 1 2"_s;
    QTest::newRow("odd count") << Bytes{10, 10, 10} << 2 << u"0 1 1"_s;
    QTest::newRow("big item alone") << Bytes{1, 1, 1, 1, 1, 1, 1, 100} << 2 << u"0 0 0 0 0 0 0 1"_s;
    QTest::newRow("big item first") << Bytes{100, 1, 1, 1} << 2 << u"0 1 1 1"_s;
    QTest::newRow("months on 4") << Bytes{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31} << 4 << u"0 0 0 1 1 1 2 2 2 3 3 3"_s;
    QTest::newRow("more workers than items") << Bytes{5, 5} << 4 << u"1 3"_s;
    QTest::newRow("zero-byte items") << Bytes{0, 0, 0, 0} << 2 << u"0 0 1 1"_s;
    QTest::newRow("no items") << Bytes{} << 3 << QString();
    QTest::newRow("one worker") << Bytes{3, 9, 1} << 1 << u"0 0 0"_s;
}

void TestPlacement::assignContiguous()
{
    QFETCH(Bytes, itemBytes);
    QFETCH(int, workerCount);
    QFETCH(QString, expected);
    QCOMPARE(workersText(tessera::assignContiguous(itemBytes, workerCount)), expected);
}

void TestPlacement::assignContiguousProperties_data()
{
    QTest::addColumn<Bytes>("itemBytes");
    QTest::addColumn<int>("workerCount");

    QTest::newRow("90 blocks on 2") << Bytes(90, 8294400) << 2;
    QTest::newRow("365 files on 4") << Bytes(365, 33223680) << 4;
    QTest::newRow("7 on 3") << Bytes(7, 64) << 3;
    std::mt19937_64 random(7);
    for (int trial = 0; trial < 20; ++trial) {
        Bytes items(1 + random() % 60);
        for (std::int64_t &bytes : items)
            bytes = std::int64_t(random() % 1000) * (trial % 3 == 0 ? 1000000 : 1);
        const int workers = 1 + int(random() % 9);
        QTest::addRow("random %d: %d items on %d", trial, int(items.size()), workers) << items << workers;
    }
}

// Runs are contiguous and in worker order; every worker's bytes are within one item of an even
// share; equal items split into counts that differ by at most one.
void TestPlacement::assignContiguousProperties()
{
    QFETCH(Bytes, itemBytes);
    QFETCH(int, workerCount);

    const Workers workers = tessera::assignContiguous(itemBytes, workerCount);
    QCOMPARE(workers.size(), itemBytes.size());
    QVERIFY(std::is_sorted(workers.begin(), workers.end()));
    QVERIFY(std::all_of(workers.begin(), workers.end(), [&](int w) { return w >= 0 && w < workerCount; }));

    const std::int64_t total = std::accumulate(itemBytes.begin(), itemBytes.end(), std::int64_t(0));
    const std::int64_t largest = itemBytes.empty() ? 0 : *std::max_element(itemBytes.begin(), itemBytes.end());
    std::vector<std::int64_t> bytesPerWorker(std::size_t(workerCount), 0);
    std::vector<int> itemsPerWorker(std::size_t(workerCount), 0);
    for (std::size_t i = 0; i < workers.size(); ++i) {
        bytesPerWorker[std::size_t(workers[i])] += itemBytes[i];
        ++itemsPerWorker[std::size_t(workers[i])];
    }
    for (int worker = 0; worker < workerCount; ++worker) {
        const double share = double(total) / workerCount;
        QVERIFY2(std::abs(double(bytesPerWorker[std::size_t(worker)]) - share) <= double(largest),
                 qPrintable(u"worker %1 has %2 bytes, share %3, largest item %4"_s.arg(worker)
                                .arg(bytesPerWorker[std::size_t(worker)])
                                .arg(share)
                                .arg(largest)));
    }
    if (std::adjacent_find(itemBytes.begin(), itemBytes.end(), std::not_equal_to<>()) == itemBytes.end()
        && itemBytes.size() >= std::size_t(workerCount) && largest > 0) {
        const auto [fewest, most] = std::minmax_element(itemsPerWorker.begin(), itemsPerWorker.end());
        QVERIFY(*most - *fewest <= 1);
    }
}

void TestPlacement::assignRoundRobin_data()
{
    QTest::addColumn<int>("itemCount");
    QTest::addColumn<int>("workerCount");
    QTest::addColumn<QString>("expected");
    QTest::newRow("5 on 2") << 5 << 2 << u"0 1 0 1 0"_s;
    QTest::newRow("3 on 5") << 3 << 5 << u"0 1 2"_s;
    QTest::newRow("6 on 3") << 6 << 3 << u"0 1 2 0 1 2"_s;
    QTest::newRow("none") << 0 << 3 << QString();
}

void TestPlacement::assignRoundRobin()
{
    QFETCH(int, itemCount);
    QFETCH(int, workerCount);
    QFETCH(QString, expected);
    QCOMPARE(workersText(tessera::assignRoundRobin(std::size_t(itemCount), workerCount)), expected);
}

void TestPlacement::assignByFreeMemory_data()
{
    QTest::addColumn<Bytes>("itemBytes");
    QTest::addColumn<Bytes>("freeBytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("most free first") << Bytes{10, 10, 10} << Bytes{25, 15} << u"0 0 1"_s;
    QTest::newRow("ties to lowest") << Bytes{1, 1} << Bytes{5, 5, 5} << u"0 1"_s;
    QTest::newRow("exact fit") << Bytes{10} << Bytes{10} << u"0"_s;
    QTest::newRow("nothing fits") << Bytes{30, 5} << Bytes{20, 10} << u"-1 0"_s;
    QTest::newRow("smaller item after a miss") << Bytes{50, 10, 10} << Bytes{15, 12} << u"-1 0 1"_s;
    QTest::newRow("memory runs out") << Bytes{8, 8, 8, 8} << Bytes{16, 8} << u"0 0 1 -1"_s;
    QTest::newRow("no workers") << Bytes{1} << Bytes{} << u"-1"_s;
    QTest::newRow("no items") << Bytes{} << Bytes{4} << QString();
}

void TestPlacement::assignByFreeMemory()
{
    QFETCH(Bytes, itemBytes);
    QFETCH(Bytes, freeBytes);
    QFETCH(QString, expected);

    const Workers workers = tessera::assignByFreeMemory(itemBytes, freeBytes);
    QCOMPARE(workersText(workers), expected);
    Bytes used(freeBytes.size(), 0);
    for (std::size_t i = 0; i < workers.size(); ++i) {
        if (workers[i] >= 0)
            used[std::size_t(workers[i])] += itemBytes[i];
    }
    for (std::size_t worker = 0; worker < freeBytes.size(); ++worker)
        QVERIFY(used[worker] <= freeBytes[worker]);
}

void TestPlacement::combineTree_data()
{
    QTest::addColumn<int>("itemCount");
    QTest::addColumn<int>("fanIn");
    for (int fanIn : {2, 3, 4, 8}) {
        for (int itemCount : {0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 64, 65, 100})
            QTest::addRow("%d items fan-in %d", itemCount, fanIn) << itemCount << fanIn;
    }
}

// Every level groups all of the previous level, in order, each index once, at most fanIn per
// group; the tree ends in one root, at depth ceil(log_fanIn(n)); each item reaches it once.
void TestPlacement::combineTree()
{
    QFETCH(int, itemCount);
    QFETCH(int, fanIn);

    const auto levels = tessera::combineTree(itemCount, fanIn);
    QCOMPARE(int(levels.size()), expectedDepth(itemCount, fanIn));

    // Which original items each node of the current level covers.
    std::vector<std::vector<int>> covers;
    for (int item = 0; item < itemCount; ++item)
        covers.push_back({item});
    for (const auto &groups : levels) {
        std::vector<int> members;
        std::vector<std::vector<int>> next;
        for (const auto &group : groups) {
            QVERIFY(!group.empty());
            QVERIFY2(int(group.size()) <= fanIn, qPrintable(u"group of %1"_s.arg(group.size())));
            std::vector<int> covered;
            for (int member : group) {
                members.push_back(member);
                QVERIFY(member >= 0 && member < int(covers.size()));
                covered.insert(covered.end(), covers[std::size_t(member)].begin(), covers[std::size_t(member)].end());
            }
            next.push_back(std::move(covered));
        }
        std::vector<int> expectedMembers(covers.size());
        std::iota(expectedMembers.begin(), expectedMembers.end(), 0);
        QCOMPARE(members, expectedMembers);
        // Fewer nodes each level, as few as the fan-in allows.
        QCOMPARE(next.size(), (covers.size() + std::size_t(fanIn) - 1) / std::size_t(fanIn));
        covers = std::move(next);
    }
    if (itemCount >= 1) {
        QCOMPARE(covers.size(), std::size_t(1));
        std::vector<int> all(static_cast<std::size_t>(itemCount));
        std::iota(all.begin(), all.end(), 0);
        QCOMPARE(covers.front(), all);
    }
}

QTEST_APPLESS_MAIN(TestPlacement)
#include "tst_placement.moc"
