// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Rechunking on real workers: round trips to other block shapes and back equal the files, the
// bytes the workers fetched from each other are the bytes the plan said would cross, and a
// worker never holds more than its blocks and the transfer buffer while pieces stream.

#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace Qt::StringLiterals;
using namespace tessera;
using Ref = reference::Array;
using integration::evaluate;
using integration::Evaluated;

namespace {

constexpr int days = 10;
constexpr std::int64_t memoryLimit = std::int64_t(24) << 20; // per worker: small enough that the buffer matters

std::int64_t plannedPeerBytes(const OperationReport &report)
{
    std::int64_t total = 0;
    for (const auto &row : report.peerBytesByPair)
        total = std::accumulate(row.begin(), row.end(), total);
    return total;
}

} // namespace

class TestRechunk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrips_data();
    void roundTrips();
    void lowerRanks();
    void memoryStaysWithinTheBuffer();
    void errorsNameTheFix_data();
    void errorsNameTheFix();

private:
    NdArray gathered(const QString &statement);

    QTemporaryDir m_dir;
    QStringList m_files;
    Ref m_x;
    LocalCluster m_cluster;
    ClusterSession m_session;
};

void TestRechunk::initTestCase()
{
    QVERIFY2(!integration::programFromEnvironment("TESSERA_WORKER").isEmpty(),
             "TESSERA_WORKER must name the built tessera-worker; run this test through ctest");
    auto written = integration::writeSmallSample(m_dir.path(), days);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    {
        const std::lock_guard lock(netcdfMutex());
        m_x = reference::readStack(m_files, "t2m");
    }
    LocalClusterOptions cluster;
    cluster.workers = 3;
    cluster.memoryLimitBytes = memoryLimit;
    QVERIFY(integration::finishWithin(m_session.connectToLocalCluster(&m_cluster, cluster)).isOk());
    const Status loaded = integration::load(m_session, u"x"_s, m_files, u"t2m"_s, LoadMode::Workers);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));
}

NdArray TestRechunk::gathered(const QString &statement)
{
    const Evaluated evaluated = evaluate(m_session, statement);
    if (!evaluated.status.isOk() || !evaluated.result.gathered) {
        QTest::qFail(qPrintable(statement + u": "_s + evaluated.status.message()), __FILE__, __LINE__);
        return {};
    }
    return evaluated.result.value;
}

void TestRechunk::roundTrips_data()
{
    QTest::addColumn<QString>("there");
    QTest::addColumn<QString>("back");
    QTest::newRow("time whole, latitude in 8s") << u"x.rechunk(time=-1, latitude=8)"_s << u"y.rechunk(time=4, latitude=-1)"_s;
    QTest::newRow("ragged everywhere") << u"x.rechunk((7, 10, 50))"_s << u"y.rechunk((4, 37, 72))"_s;
    QTest::newRow("one block") << u"x.rechunk(time=None, latitude=None, longitude=None)"_s << u"y.rechunk(time=4)"_s;
    QTest::newRow("single cells of time") << u"x.rechunk(time=1, longitude=9)"_s << u"y.rechunk((4, 37, 72))"_s;
}

void TestRechunk::roundTrips()
{
    QFETCH(QString, there);
    QFETCH(QString, back);
    for (const QString &statement : QStringList{u"y = "_s + there, u"z = "_s + back}) {
        const Evaluated made = evaluate(m_session, statement);
        QVERIFY2(made.status.isOk(), qPrintable(statement + u": "_s + made.status.message()));
        // What the workers fetched from each other is what the plan said would cross.
        QCOMPARE(made.report.peerBytes, plannedPeerBytes(made.report));
        QVERIFY2(made.report.peerBytes > 0, "the new blocks need pieces from other workers");
        for (const TaskRecord &task : made.report.tasks)
            QCOMPARE(task.kind, TaskKind::Rechunk);
    }
    for (const QString &name : {u"y"_s, u"z"_s}) {
        const NdArray value = gathered(name);
        const QString difference = reference::mismatch(value, m_x, 0);
        QVERIFY2(difference.isEmpty(), qPrintable(name + u": "_s + difference));
    }
    QCOMPARE(m_session.array(u"z"_s)->layout.chunks, m_session.array(u"x"_s)->layout.chunks);
}

void TestRechunk::lowerRanks()
{
    // A time series (1-D) and a map (2-D), cut otherwise.
    QVERIFY(evaluate(m_session, u"v = x[:, 5, 7].rechunk((7,))"_s).status.isOk());
    const NdArray series = gathered(u"v"_s);
    QCOMPARE(m_session.array(u"v"_s)->layout.chunks.extents(0).front(), 7);
    for (std::int64_t step = 0; step < m_x.shape[0]; ++step)
        QCOMPARE(series.at(step), m_x.values[std::size_t((step * 37 + 5) * 72 + 7)]);
    QVERIFY(evaluate(m_session, u"m = x[3].rechunk((10, 20))"_s).status.isOk());
    QCOMPARE(m_session.array(u"m"_s)->layout.chunks.blockCount(), 4 * 4);
    const NdArray map = gathered(u"m"_s);
    for (std::int64_t cell = 0; cell < 37 * 72; ++cell)
        QCOMPARE(map.at(cell), m_x.values[std::size_t(3 * 37 * 72 + cell)]);
}

void TestRechunk::memoryStaysWithinTheBuffer()
{
    // A buffer of 1% of 24 MB: a few new blocks' pieces at a time.
    m_session.setTransferBufferFraction(0.01);
    const auto restore = qScopeGuard([this] { m_session.setTransferBufferFraction(0.1); });
    const std::int64_t buffer = std::int64_t(double(memoryLimit) * 0.01);
    (void)integration::memoryUsed(m_session); // peaks start again from here
    const Evaluated made = evaluate(m_session, u"w = x.rechunk(time=-1, latitude=1)"_s);
    QVERIFY2(made.status.isOk(), qPrintable(made.status.message()));
    QVERIFY(made.report.peerBytes > 2 * buffer); // more than the buffer had to stream through it
    const std::vector<std::int64_t> held = integration::memoryUsed(m_session);
    const std::vector<WorkerInfo> workers = m_session.workers();
    for (std::size_t worker = 0; worker < workers.size(); ++worker) {
        QVERIFY2(workers[worker].memoryPeakBytes <= held[worker] + buffer,
                 qPrintable(u"worker %1 peaked at %2 bytes holding %3 after, with a buffer of %4"_s.arg(worker)
                                .arg(workers[worker].memoryPeakBytes)
                                .arg(held[worker])
                                .arg(buffer)));
        QVERIFY(workers[worker].memoryPeakBytes >= held[worker]);
    }
    QVERIFY(reference::mismatch(gathered(u"w"_s), m_x, 0).isEmpty());
}

void TestRechunk::errorsNameTheFix_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown dimension") << u"x.rechunk(lat=4)"_s << u"no dimension 'lat'"_s;
    QTest::newRow("zero extent") << u"x.rechunk(time=0)"_s << u"positive integer, or -1"_s;
    QTest::newRow("wrong tuple length") << u"x.rechunk((4, 4))"_s << u"3 extents"_s;
    QTest::newRow("nothing asked") << u"x.rechunk()"_s << u"needs the new block shape"_s;
}

void TestRechunk::errorsNameTheFix()
{
    QFETCH(QString, statement);
    QFETCH(QString, expected);
    const Evaluated evaluated = evaluate(m_session, statement);
    QVERIFY(!evaluated.status.isOk());
    QVERIFY2(evaluated.status.message().startsWith(u"column "_s) && evaluated.status.message().contains(expected),
             qPrintable(evaluated.status.message()));
}

QTEST_GUILESS_MAIN(TestRechunk)
#include "tst_rechunk.moc"
