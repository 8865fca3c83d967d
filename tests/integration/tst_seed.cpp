// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The seed experiment end to end with real tessera-worker processes on loopback: sample data loaded
// both ways onto 2 and 3 workers, every seed expression (and more) compared element-wise with a
// reference computed here straight from the files, and the bytes each operation moved.

#include "reference.h"
#include "seedcases.h"
#include "sessionhelpers.h"

#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <mutex>
#include <set>

using namespace Qt::StringLiterals;
using namespace tessera;
using reference::all;
using reference::at;
using reference::range;
using Ref = reference::Array;
using integration::evaluate;
using integration::Evaluated;
using integration::inconsistencies;
using reference::Reduce;
using seed::SeedCase;
using seed::seedCases;

Q_DECLARE_METATYPE(reference::Pick)

namespace {

constexpr int days = 5; // (20, 73, 144) float64 = 1.7 MB at 2.5 degrees
constexpr double sampleGridDegrees = 2.5;
constexpr std::int64_t planeBytes = 73 * 144 * 8;

struct SetupSpec
{
    QString name;
    int workers;
    LoadMode mode;
    int blocksPerFile;
};

const std::vector<SetupSpec> &setupSpecs()
{
    static const std::vector<SetupSpec> specs{
        {u"2 workers, head load"_s, 2, LoadMode::Head, 1},
        {u"2 workers, worker load"_s, 2, LoadMode::Workers, 1},
        {u"3 workers, head load, 2 blocks per file"_s, 3, LoadMode::Head, 2},
        {u"3 workers, worker load, 2 blocks per file"_s, 3, LoadMode::Workers, 2},
    };
    return specs;
}

// A cluster with `x` loaded, kept for every test function that asks for the same spec.
struct Setup
{
    SetupSpec spec;
    LocalCluster cluster;
    ClusterSession session;
    OperationReport loadReport;
    int blocksStored = 0;
};

void addSetupRows()
{
    QTest::addColumn<QString>("setup");
    for (const SetupSpec &spec : setupSpecs())
        QTest::newRow(qPrintable(spec.name)) << spec.name;
}

bool isNonDecreasing(const std::vector<int> &values)
{
    return std::is_sorted(values.begin(), values.end());
}

} // namespace

class TestSeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void loadPlacesNeighbouringDaysTogether_data() { addSetupRows(); }
    void loadPlacesNeighbouringDaysTogether();
    void expressionsMatchTheFiles_data();
    void expressionsMatchTheFiles();
    void reductionAcrossBlocksMovesOnlyPartials_data();
    void reductionAcrossBlocksMovesOnlyPartials();
    void anomalyMovesNoBlock_data() { addSetupRows(); }
    void anomalyMovesNoBlock();
    void alignedReductionMovesNothing_data() { addSetupRows(); }
    void alignedReductionMovesNothing();
    void smallResultsMoveLittle_data() { addSetupRows(); }
    void smallResultsMoveLittle();
    void resultsKeepCoordinatesAndUnits_data();
    void resultsKeepCoordinatesAndUnits();
    void largeResultsStayDistributed();
    void workersHoldOnlyNamedArrays_data() { addSetupRows(); }
    void workersHoldOnlyNamedArrays();
    void twoSessionsOnTheSameWorkersKeepTheirArrays();

private:
    Setup *setupFor(const QString &name);

    QTemporaryDir m_dir;
    QStringList m_files;
    Ref m_x;
    std::vector<double> m_times;
    std::vector<double> m_latitudes;
    std::vector<double> m_longitudes;
    std::map<QString, std::unique_ptr<Setup>> m_setups;
    QString m_setupError;
};

void TestSeed::initTestCase()
{
    QVERIFY2(!integration::programFromEnvironment("TESSERA_WORKER").isEmpty(),
             "TESSERA_WORKER must name the built tessera-worker; run this test through ctest");
    QVERIFY(m_dir.isValid());
    SampleDataOptions options;
    options.days = days;
    options.gridDegrees = sampleGridDegrees;
    auto written = writeSampleData(m_dir.path(), options);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    QCOMPARE(m_files.size(), days);

    // netCDF-C is not thread-safe and head loads read on client threads: hold its lock here too.
    const std::lock_guard lock(netcdfMutex());
    // Missing values, as real files have them: one grid cell missing at every step (its mean over
    // time must be NaN), and a few scattered ones on day 3.
    {
        netCDF::NcFile file(reference::fileName(m_files[2]), netCDF::NcFile::write);
        const short fill = -32767;
        for (std::size_t step = 0; step < 4; ++step)
            file.getVar("t2m").putVar({step, 40, 17 + step * 9}, fill);
    }
    for (const QString &path : std::as_const(m_files)) {
        netCDF::NcFile file(reference::fileName(path), netCDF::NcFile::write);
        for (std::size_t step = 0; step < 4; ++step)
            file.getVar("t2m").putVar({step, 5, 7}, short(-32767));
    }
    m_x = reference::readStack(m_files, "t2m");
    QCOMPARE(m_x.shape, (Shape{days * 4, 73, 144}));
    QCOMPARE(std::count_if(m_x.values.begin(), m_x.values.end(), [](double v) { return std::isnan(v); }), days * 4 + 4);
    for (const QString &path : std::as_const(m_files)) {
        const Ref time = reference::readDecoded(path, "time");
        m_times.insert(m_times.end(), time.values.begin(), time.values.end());
    }
    m_latitudes = reference::readDecoded(m_files[0], "latitude").values;
    m_longitudes = reference::readDecoded(m_files[0], "longitude").values;
    QCOMPARE(m_latitudes.front(), 90.0);
    QCOMPARE(m_longitudes.back(), 357.5);
}

void TestSeed::cleanupTestCase()
{
    m_setups.clear();
}

Setup *TestSeed::setupFor(const QString &name)
{
    if (auto it = m_setups.find(name); it != m_setups.end())
        return it->second.get();
    const auto spec = std::find_if(setupSpecs().begin(), setupSpecs().end(), [&](const SetupSpec &s) { return s.name == name; });
    auto setup = std::make_unique<Setup>();
    setup->spec = *spec;
    LocalClusterOptions options;
    options.workers = spec->workers;
    if (Status connected = integration::finishWithin(setup->session.connectToLocalCluster(&setup->cluster, options));
        !connected.isOk()) {
        m_setupError = connected.message();
        return nullptr;
    }
    LoadRequest request;
    request.name = u"x"_s;
    request.files = m_files;
    request.variable = u"t2m"_s;
    request.mode = spec->mode;
    request.blocksPerFile = spec->blocksPerFile;
    Setup *raw = setup.get();
    connect(&setup->session, &ClusterSession::blockStored, &setup->session, [raw] { ++raw->blocksStored; });
    Operation *load = setup->session.load(request);
    if (Status loaded = integration::finishWithin(load); !loaded.isOk()) {
        m_setupError = loaded.message();
        return nullptr;
    }
    setup->loadReport = load->report();
    return (m_setups[name] = std::move(setup)).get();
}

void TestSeed::loadPlacesNeighbouringDaysTogether()
{
    QFETCH(QString, setup);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));
    const ArrayInfo *x = s->session.array(u"x"_s);
    QVERIFY(x);
    const int blocks = days * s->spec.blocksPerFile;
    QCOMPARE(x->meta.shape, m_x.shape);
    QCOMPARE(int(x->layout.keys.size()), blocks);
    QCOMPARE(s->loadReport.taskCount, blocks);
    QCOMPARE(s->blocksStored, blocks); // blockStored() once per block, for the live block map
    const QString badReport = inconsistencies(s->loadReport, s->spec.workers);
    QVERIFY2(badReport.isEmpty(), qPrintable(badReport));
    // Contiguous runs of days per worker, every worker used.
    QVERIFY2(isNonDecreasing(x->layout.workers), "neighbouring days should share a worker");
    QCOMPARE(std::set<int>(x->layout.workers.begin(), x->layout.workers.end()).size(), std::size_t(s->spec.workers));
    // Head load: every byte goes through the client once; worker load: no array byte does.
    const std::int64_t arrayBytes = reference::countOf(m_x.shape) * 8;
    QCOMPARE(s->loadReport.clientBytes, s->spec.mode == LoadMode::Head ? arrayBytes : std::int64_t(0));
    QCOMPARE(s->loadReport.peerBytes, std::int64_t(0));
    QCOMPARE(x->storageType, u"int16"_s);
    QCOMPARE(x->meta.units, u"K"_s);
    QCOMPARE(x->meta.longName, u"2 metre temperature"_s);
    QCOMPARE(x->meta.axes.size(), std::size_t(3));
    QCOMPARE(x->meta.axes[0].name, u"time"_s);
    QCOMPARE(x->meta.axes[0].units, u"hours since 1900-01-01 00:00:00.0"_s);
    QCOMPARE(x->meta.axes[0].values, m_times);
    QCOMPARE(x->meta.axes[1].name, u"latitude"_s);
    QCOMPARE(x->meta.axes[1].values, m_latitudes);
    QCOMPARE(x->meta.axes[2].name, u"longitude"_s);
    QCOMPARE(x->meta.axes[2].values, m_longitudes);
}

void TestSeed::expressionsMatchTheFiles_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<int>("seedCase");
    for (const SetupSpec &spec : setupSpecs()) {
        for (int index = 0; index < int(seedCases().size()); ++index)
            QTest::addRow("%s | %s", qPrintable(spec.name), seedCases()[std::size_t(index)].row) << spec.name << index;
    }
}

void TestSeed::expressionsMatchTheFiles()
{
    QFETCH(QString, setup);
    QFETCH(int, seedCase);
    const SeedCase &c = seedCases()[std::size_t(seedCase)];
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));

    const Evaluated evaluated = evaluate(s->session, c.statement);
    QVERIFY2(evaluated.status.isOk(), qPrintable(evaluated.status.message()));
    const QString badReport = inconsistencies(evaluated.report, s->spec.workers);
    QVERIFY2(badReport.isEmpty(), qPrintable(badReport));
    const Ref expected = c.expected(m_x);
    QCOMPARE(evaluated.result.meta.shape, expected.shape);
    // An assignment may leave its value on the workers; then read it back by its name.
    const Evaluated value = evaluated.result.gathered ? evaluated : evaluate(s->session, evaluated.result.arrayName);
    QVERIFY2(value.result.gathered, "results under the limit come back to the client");
    const QString difference = reference::mismatch(value.result.value, expected, c.relative, c.floor);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void TestSeed::reductionAcrossBlocksMovesOnlyPartials_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("statement");
    QTest::addColumn<int>("stateComponents"); // of the partial state: kernels.h's partialComponents
    for (const SetupSpec &spec : setupSpecs()) {
        QTest::addRow("%s | seed x.mean(axis=0)", qPrintable(spec.name)) << spec.name << u"x.mean(axis=0)"_s << 2;
        QTest::addRow("%s | seed x.std(axis=0)", qPrintable(spec.name)) << spec.name << u"x.std(axis=0)"_s << 3;
        QTest::addRow("%s | x.max(axis=0)", qPrintable(spec.name)) << spec.name << u"x.max(axis=0)"_s << 1;
    }
}

void TestSeed::reductionAcrossBlocksMovesOnlyPartials()
{
    QFETCH(QString, setup);
    QFETCH(QString, statement);
    QFETCH(int, stateComponents);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));

    const Evaluated evaluated = evaluate(s->session, statement);
    QVERIFY2(evaluated.status.isOk(), qPrintable(evaluated.status.message()));
    const std::int64_t stateBytes = stateComponents * planeBytes;
    const int workers = s->spec.workers;
    QVERIFY2(evaluated.report.peerBytes <= (workers - 1) * stateBytes,
             qPrintable(u"%1 bytes moved between workers; at most one partial (%2 bytes) per other worker may move"_s
                            .arg(evaluated.report.peerBytes)
                            .arg(stateBytes)));
    // The plane goes back to the client, so it is combined piece by piece, each piece on its own
    // worker from that piece of every worker's state (a reduce-scatter): no worker receives more
    // than (workers - 1) / workers of a state, where a tree's root received workers - 1 states.
    // The 144 longitudes split evenly among 2 or 3 workers.
    std::int64_t fetched = 0;
    int combines = 0;
    std::vector<std::int64_t> received(std::size_t(workers), 0);
    for (const TaskRecord &task : evaluated.report.tasks) {
        fetched += task.fetchedBytes;
        received[std::size_t(task.worker)] += task.fetchedBytes;
        const QString what = u"%1 task %2 on worker %3 fetched %4 bytes"_s.arg(taskKindName(task.kind))
                                 .arg(task.taskId)
                                 .arg(task.worker)
                                 .arg(task.fetchedBytes);
        if (task.kind == TaskKind::Combine)
            ++combines;
        else
            QVERIFY2(task.fetchedBytes == 0, qPrintable(what + u": only combines may fetch, and only partials"_s));
    }
    for (int worker = 0; worker < workers; ++worker) {
        QVERIFY2(received[std::size_t(worker)] <= (workers - 1) * stateBytes / workers,
                 qPrintable(u"worker %1 received %2 bytes of states of %3 bytes"_s.arg(worker)
                                .arg(received[std::size_t(worker)])
                                .arg(stateBytes)));
    }
    QCOMPARE(fetched, evaluated.report.peerBytes);
    // A count plane (of a mean's or std's state) that is one value throughout crosses as that
    // value. Cell (5, 7) is missing at every step, so the count of the first piece of every
    // worker's state (longitudes from 0) varies and that piece crosses whole; the other pieces'
    // counts are uniform.
    const std::int64_t pieceBytes = planeBytes / workers;
    const int planesOfUniformPieces = stateComponents > 1 ? stateComponents - 1 : stateComponents;
    QCOMPARE(fetched, (workers - 1) * pieceBytes * (stateComponents + (workers - 1) * planesOfUniformPieces));
    QVERIFY2(combines >= workers, "each worker combines a piece");
    QCOMPARE(int(evaluated.report.tasks.size()), evaluated.report.taskCount);
}

void TestSeed::anomalyMovesNoBlock()
{
    QFETCH(QString, setup);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));

    const Evaluated mean = evaluate(s->session, u"x.mean()"_s);
    QVERIFY2(mean.status.isOk(), qPrintable(mean.status.message()));
    const Evaluated anomaly = evaluate(s->session, u"y = x - x.mean()"_s);
    QVERIFY2(anomaly.status.isOk(), qPrintable(anomaly.status.message()));
    QVERIFY2(anomaly.report.peerBytes < 1024,
             qPrintable(
                 u"%1 bytes moved between workers; only the scalar should travel to the blocks"_s.arg(anomaly.report.peerBytes)));
    QCOMPARE(anomaly.result.arrayName, u"y"_s);

    // Each block of y lives where x's block was.
    const ArrayInfo *x = s->session.array(u"x"_s);
    const ArrayInfo *y = s->session.array(u"y"_s);
    QVERIFY(x && y);
    QCOMPARE(y->layout.workers, x->layout.workers);
    QCOMPARE(y->meta.units, u"K"_s);

    // y's values, read back from the workers, are x minus the session's own mean, to the bit.
    const Evaluated values = evaluate(s->session, u"y"_s);
    QVERIFY2(values.status.isOk(), qPrintable(values.status.message()));
    const double m = mean.result.value.at(0);
    const Ref expected = reference::combine(m_x, reference::scalar(m), [](double a, double b) { return a - b; });
    QString difference = reference::mismatch(values.result.value, expected, 0);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    const Ref trueMean = reference::reduce(m_x, Reduce::Mean, reference::everyAxis(m_x));
    difference = reference::mismatch(mean.result.value, trueMean, 1e-12);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

void TestSeed::alignedReductionMovesNothing()
{
    QFETCH(QString, setup);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));

    for (const QString &statement : {u"x.mean(axis=(1,2))"_s, u"x.mean(axis=[1, 2])"_s, u"x.std(axis=(1, 2))"_s}) {
        const Evaluated evaluated = evaluate(s->session, statement);
        QVERIFY2(evaluated.status.isOk(), qPrintable(evaluated.status.message()));
        QVERIFY2(
            evaluated.report.peerBytes == 0,
            qPrintable(
                u"%1 moved %2 bytes between workers; a reduction aligned with the blocks needs no exchange"_s.arg(statement).arg(
                    evaluated.report.peerBytes)));
        for (const TaskRecord &task : evaluated.report.tasks)
            QCOMPARE(task.fetchedBytes, std::int64_t(0));
    }
}

void TestSeed::smallResultsMoveLittle()
{
    QFETCH(QString, setup);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));

    const Evaluated point = evaluate(s->session, u"x[0,0,0]"_s);
    QVERIFY2(point.status.isOk(), qPrintable(point.status.message()));
    QCOMPARE(point.report.taskCount, 1);
    QVERIFY2(point.report.clientBytes <= 1024,
             qPrintable(u"x[0,0,0] moved %1 bytes to the client"_s.arg(point.report.clientBytes)));
    QCOMPARE(point.report.peerBytes, std::int64_t(0));
    QVERIFY(point.report.wallSeconds > 0);

    const Evaluated plane = evaluate(s->session, u"x[13,:,:]"_s);
    QVERIFY2(plane.status.isOk(), qPrintable(plane.status.message()));
    QVERIFY2(
        plane.report.clientBytes >= planeBytes && plane.report.clientBytes <= planeBytes + 1024,
        qPrintable(u"x[13,:,:] moved %1 bytes to the client; the plane is %2"_s.arg(plane.report.clientBytes).arg(planeBytes)));
    QCOMPARE(plane.report.peerBytes, std::int64_t(0));
    for (const TaskRecord &task : plane.report.tasks) {
        QVERIFY(task.worker >= 0 && task.worker < s->spec.workers);
        QVERIFY2(task.endMicros >= task.startMicros, "a task ends after it starts");
    }
}

void TestSeed::resultsKeepCoordinatesAndUnits_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QStringList>("axisNames");
    QTest::addColumn<QList<reference::Pick>>("picks"); // of time, latitude, longitude, for the kept axes' values

    const reference::Pick whole = all();
    QTest::newRow("seed x.mean(axis=0)") << u"x.mean(axis=0)"_s << QStringList{u"latitude"_s, u"longitude"_s}
                                         << QList<reference::Pick>{at(0), whole, whole};
    QTest::newRow("seed x.mean(axis=(1,2))")
        << u"x.mean(axis=(1,2))"_s << QStringList{u"time"_s} << QList<reference::Pick>{whole, at(0), at(0)};
    QTest::newRow("seed x[13,:,:]") << u"x[13,:,:]"_s << QStringList{u"latitude"_s, u"longitude"_s}
                                    << QList<reference::Pick>{at(13), whole, whole};
    QTest::newRow("seed x.std(axis=0)") << u"x.std(axis=0)"_s << QStringList{u"latitude"_s, u"longitude"_s}
                                        << QList<reference::Pick>{at(0), whole, whole};
    QTest::newRow("slices with steps") << u"x[1:19:5, ::4, 100:10:-9]"_s << QStringList{u"time"_s, u"latitude"_s, u"longitude"_s}
                                       << QList<reference::Pick>{range(1, 19, 5), range({}, {}, 4), range(100, 10, -9)};
    QTest::newRow("seed x.sum()") << u"x.sum()"_s << QStringList{} << QList<reference::Pick>{at(0), at(0), at(0)};
}

void TestSeed::resultsKeepCoordinatesAndUnits()
{
    QFETCH(QString, statement);
    QFETCH(QStringList, axisNames);
    QFETCH(QList<reference::Pick>, picks);
    Setup *s = setupFor(setupSpecs()[1].name);
    QVERIFY2(s, qPrintable(m_setupError));

    const Evaluated evaluated = evaluate(s->session, statement);
    QVERIFY2(evaluated.status.isOk(), qPrintable(evaluated.status.message()));
    const ArrayMeta &meta = evaluated.result.meta;
    QCOMPARE(meta.units, u"K"_s);
    QCOMPARE(int(meta.axes.size()), axisNames.size());
    const std::vector<double> *source[3] = {&m_times, &m_latitudes, &m_longitudes};
    int kept = 0;
    for (int axis = 0; axis < 3; ++axis) {
        if (picks[axis].isIndex)
            continue;
        QCOMPARE(meta.axes[std::size_t(kept)].name, axisNames[kept]);
        QCOMPARE(meta.axes[std::size_t(kept)].values, reference::selectCoordinates(*source[axis], picks[axis]));
        ++kept;
    }
    if (kept > 0 && axisNames.front() == u"latitude"_s)
        QCOMPARE(meta.axes.front().units, u"degrees_north"_s);
}

void TestSeed::largeResultsStayDistributed()
{
    Setup *s = setupFor(setupSpecs()[3].name);
    QVERIFY2(s, qPrintable(m_setupError));
    ClusterSession &session = s->session;
    const std::int64_t limit = session.resultLimitBytes();
    session.setResultLimitBytes(4096); // a (73, 144) plane is 84 KB
    auto restore = qScopeGuard([&] { session.setResultLimitBytes(limit); });

    const Evaluated stored = evaluate(session, u"x.mean(axis=0)"_s);
    QVERIFY2(stored.status.isOk(), qPrintable(stored.status.message()));
    QVERIFY(!stored.result.gathered);
    QCOMPARE(stored.result.arrayName, u"r1"_s);
    const ArrayInfo *r1 = session.array(u"r1"_s);
    QVERIFY2(r1, "a result over the limit stays on the workers under a new name");
    QCOMPARE(r1->meta.shape, (Shape{73, 144}));
    QCOMPARE(r1->meta.axes.size(), std::size_t(2));
    QCOMPARE(r1->meta.axes[0].values, m_latitudes);

    // r1 is usable in later expressions, small and large.
    const Ref meanOverTime = reference::reduce(m_x, Reduce::Mean, {0});
    const Evaluated top = evaluate(session, u"r1.max()"_s);
    QVERIFY2(top.status.isOk(), qPrintable(top.status.message()));
    QString difference = reference::mismatch(top.result.value, reference::reduce(meanOverTime, Reduce::Max, {0, 1}), 1e-12);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    const Evaluated second = evaluate(session, u"x[3] - r1"_s);
    QVERIFY2(second.status.isOk(), qPrintable(second.status.message()));
    QCOMPARE(second.result.arrayName, u"r2"_s);

    session.setResultLimitBytes(limit);
    const Evaluated gathered = evaluate(session, u"r2"_s);
    QVERIFY2(gathered.status.isOk(), qPrintable(gathered.status.message()));
    QVERIFY(gathered.result.gathered);
    const Ref expected =
        reference::combine(reference::select(m_x, {at(3)}), meanOverTime, [](double a, double b) { return a - b; });
    difference = reference::mismatch(gathered.result.value, expected, 1e-12, 300);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    QVERIFY(session.removeArray(u"r1"_s).isOk());
    QVERIFY(session.removeArray(u"r2"_s).isOk());
    QVERIFY(!session.array(u"r1"_s));
    const Evaluated gone = evaluate(session, u"r1.max()"_s);
    QCOMPARE(gone.status.code(), ErrorCode::NotFound);
}

// After all the statements above (temporaries, partials, blocks fetched from peers, replaced and
// removed arrays), the workers hold exactly the blocks of the arrays that still have a name.
void TestSeed::workersHoldOnlyNamedArrays()
{
    QFETCH(QString, setup);
    Setup *s = setupFor(setup);
    QVERIFY2(s, qPrintable(m_setupError));
    ClusterSession &session = s->session;
    for (const QString &statement : {u"z = x * 2"_s, u"z = z + 1"_s, u"w = (x - x.mean(axis=0))[::2]"_s, u"x[5] - x[17]"_s}) {
        const Evaluated evaluated = evaluate(session, statement);
        QVERIFY2(evaluated.status.isOk(), qPrintable(statement + u": "_s + evaluated.status.message()));
    }
    const Evaluated z = evaluate(session, u"z"_s);
    const QString difference = reference::mismatch(z.result.value, reference::map(m_x, [](double v) { return v * 2 + 1; }), 0);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    QVERIFY(session.removeArray(u"w"_s).isOk());

    std::set<QString> keys;
    std::int64_t named = 0;
    for (const QString &name : session.arrayNames()) {
        const BlockLayout &layout = session.array(name)->layout;
        for (std::size_t flat = 0; flat < layout.keys.size(); ++flat) {
            if (keys.insert(layout.keys[flat]).second)
                named += layout.blockBytes(std::int64_t(flat));
        }
    }
    std::int64_t held = 0;
    for (std::int64_t bytes : integration::memoryUsed(session))
        held += bytes;
    const std::vector<QString> names = session.arrayNames();
    QVERIFY2(held == named, qPrintable(u"the workers hold %1 bytes, the named arrays (%2) %3"_s.arg(held)
                                           .arg(QStringList(names.begin(), names.end()).join(u", "_s))
                                           .arg(named)));
    QVERIFY(session.removeArray(u"z"_s).isOk());
}

// Workers are shared by whoever connects (the GUI and a CLI run, two users): each session's
// arrays must stay its own, even when both name them x.
void TestSeed::twoSessionsOnTheSameWorkersKeepTheirArrays()
{
    Setup *s = setupFor(setupSpecs()[1].name);
    QVERIFY2(s, qPrintable(m_setupError));
    ClusterSession other;
    QVERIFY2(integration::finishWithin(other.connectToWorkers(s->cluster.addresses(), {})).isOk(), "second session connects");
    LoadRequest request;
    request.files = m_files;
    request.variable = u"u10"_s;
    Status loaded = integration::finishWithin(other.load(request));
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));

    const Evaluated sum = evaluate(s->session, u"x.sum()"_s);
    QVERIFY2(sum.status.isOk(), qPrintable(sum.status.message()));
    const QString difference = reference::mismatch(sum.result.value, reference::reduce(m_x, Reduce::Sum, {0, 1, 2}), 1e-12);
    QVERIFY2(difference.isEmpty(),
             qPrintable(u"the first session's x changed when a second session loaded its own x: "_s + difference));
}

QTEST_GUILESS_MAIN(TestSeed)
#include "tst_seed.moc"
