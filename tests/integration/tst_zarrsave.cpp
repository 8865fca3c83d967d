// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// save(...) on real workers: each worker writes its own blocks into the store at once, the client
// writes the metadata last; xarray (v2) and zarrita (v3, sharded) read the stores and find the
// values an independent NetCDF reader computes; a store loads back; a refused, failed or
// cancelled save leaves nothing behind and the session working.

#include "reference.h"
#include "sessionhelpers.h"
#include "tests/zarr/zarrfixture.h"

#include "core/io/netcdfreader.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace Qt::StringLiterals;
using namespace tessera;
using integration::evaluate;
using integration::Evaluated;

namespace {

constexpr int days = 10;
constexpr int workerCount = 3;

// x - x.mean(axis=0), from the reference's own reading of the files.
reference::Array anomaly(const reference::Array &x)
{
    const reference::Array mean = reference::reduce(x, reference::Reduce::Mean, {0});
    reference::Array result = x;
    const std::size_t plane = mean.values.size();
    for (std::size_t i = 0; i < result.values.size(); ++i)
        result.values[i] -= mean.values[i % plane];
    return result;
}

QString mismatch(const std::vector<double> &values, const reference::Array &expected, double relative)
{
    return reference::mismatch(NdArray::fromVector(expected.shape, values), expected, relative, 1.0);
}

} // namespace

class TestZarrSave : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyWorkerWritesItsBlocksAndXarrayReadsThem();
    void shardedV3StoreReadsInZarrita();
    void aSavedStoreLoadsBack();
    void refusalsLeaveNothingBehind_data();
    void refusalsLeaveNothingBehind();
    void anExistingPathIsNeverTouched();
    void aCancelledSaveLeavesNoStore();

private:
    QString storePath(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QStringList m_files;
    reference::Array m_x;
    LocalCluster m_cluster;
    ClusterSession m_session;
};

void TestZarrSave::initTestCase()
{
    QVERIFY2(!integration::programFromEnvironment("TESSERA_WORKER").isEmpty(),
             "TESSERA_WORKER must name the built tessera-worker; run this test through ctest");
    QVERIFY2(zarrfixture::haveZarrita(), zarrfixture::zarritaMissing);
    auto written = integration::writeSmallSample(m_dir.filePath(u"nc"_s), days);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    {
        const std::lock_guard lock(netcdfMutex());
        m_x = reference::readStack(m_files, "t2m");
    }
    LocalClusterOptions cluster;
    cluster.workers = workerCount;
    QVERIFY(integration::finishWithin(m_session.connectToLocalCluster(&m_cluster, cluster)).isOk());
    QVERIFY(integration::load(m_session, u"x"_s, m_files).isOk());
}

void TestZarrSave::everyWorkerWritesItsBlocksAndXarrayReadsThem()
{
    const QString store = storePath(u"anomaly.zarr"_s);
    const Evaluated saved =
        evaluate(m_session, u"save(x - x.mean(axis=0), '%1', name='anomaly', codec='blosc-lz4')"_s.arg(store));
    QVERIFY2(saved.status.isOk(), qPrintable(saved.status.message()));
    QVERIFY2(saved.result.saved.contains(store) && saved.result.saved.contains(u"Zarr v2"_s), qPrintable(saved.result.saved));
    QCOMPARE(integration::inconsistencies(saved.report, workerCount), QString());
    std::set<int> writers;
    int stores = 0;
    for (const TaskRecord &task : saved.report.tasks) {
        if (task.kind == TaskKind::Store) {
            writers.insert(task.worker);
            ++stores;
        }
    }
    QCOMPARE(stores, days); // one block per file, one Store task per block
    QCOMPARE(int(writers.size()), workerCount);

    const zarrfixture::Dump xarray = zarrfixture::dumpWithXarray(store, u"anomaly"_s, m_dir.filePath(u"anomaly.f64"_s));
    QVERIFY2(xarray.failure.isEmpty(), qPrintable(xarray.failure));
    const QJsonObject &facts = xarray.facts;
    QCOMPARE(facts.value(u"dims"_s).toArray(), (QJsonArray{u"time"_s, u"latitude"_s, u"longitude"_s}));
    QCOMPARE(facts.value(u"time_dtype"_s).toString(), u"datetime64[ns]"_s);
    QCOMPARE(facts.value(u"chunks"_s).toArray(), (QJsonArray{4, 37, 72})); // the blocks' rows
    QCOMPARE(facts.value(u"compressor"_s).toObject().value(u"cname"_s).toString(), u"lz4"_s);
    const QString wrong = mismatch(xarray.values, anomaly(m_x), 1e-12);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void TestZarrSave::shardedV3StoreReadsInZarrita()
{
    const QString store = storePath(u"sharded.zarr"_s);
    const Evaluated saved =
        evaluate(m_session,
                 u"save(x, '%1', format='v3', codec='zstd', shards=(4, 37, 72), chunks=(1, 37, 36), checksum=True)"_s.arg(store));
    QVERIFY2(saved.status.isOk(), qPrintable(saved.status.message()));
    QVERIFY(QFileInfo::exists(store + u"/x/c/9/0/0"_s)); // one shard file per 4 rows: 40 rows, 10 shards
    QVERIFY(!QFileInfo::exists(store + u"/x/c/10/0/0"_s));
    const zarrfixture::Dump zarrita = zarrfixture::dumpWithZarrita(store, u"x"_s, m_dir.filePath(u"sharded.f64"_s));
    QVERIFY2(zarrita.failure.isEmpty(), qPrintable(zarrita.failure));
    const QString wrong = mismatch(zarrita.values, m_x, 0);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void TestZarrSave::aSavedStoreLoadsBack()
{
    const QString store = storePath(u"reload.zarr"_s);
    const Evaluated saved = evaluate(m_session, u"save(x, '%1', format='v3', dtype='float32')"_s.arg(store));
    QVERIFY2(saved.status.isOk(), qPrintable(saved.status.message()));
    QVERIFY(integration::load(m_session, u"z"_s, {store}, u"x"_s).isOk());
    const ArrayInfo *z = m_session.array(u"z"_s);
    QVERIFY(z);
    QCOMPARE(z->meta.shape, (Shape{40, 37, 72}));
    QVERIFY(z->meta.axes[0].isTime());
    QCOMPARE(z->meta.axes[1].values, m_session.array(u"x"_s)->meta.axes[1].values);
    // float32 keeps 24 bits: t2m near 300 K is off by at most 300 * 2^-24.
    const Evaluated difference = evaluate(m_session, u"abs(z - x).max()"_s);
    QVERIFY2(difference.status.isOk(), qPrintable(difference.status.message()));
    QVERIFY(difference.result.value.at(0) <= 330.0 / (1 << 24));
    QVERIFY(m_session.removeArray(u"z"_s).isOk());
}

void TestZarrSave::refusalsLeaveNothingBehind_data()
{
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("words");
    QTest::newRow("chunks across blocks") << u", chunks=(3, 37, 72)"_s << u"would cut across the array's blocks"_s;
    QTest::newRow("unknown option") << u", level=3"_s << u"save() has no option level"_s;
    QTest::newRow("shards in v2") << u", shards=(4, 37, 72)"_s << u"needs Zarr v3"_s;
    QTest::newRow("packing without scale") << u", dtype='int16'"_s << u"give scale_factor and add_offset"_s;
    QTest::newRow("unknown codec") << u", codec='lz77'"_s << u"codec lz77 is not one Tessera writes"_s;
}

void TestZarrSave::refusalsLeaveNothingBehind()
{
    QFETCH(QString, options);
    QFETCH(QString, words);
    const QString store = storePath(u"refused.zarr"_s);
    const Evaluated refused = evaluate(m_session, u"save(x, '%1'%2)"_s.arg(store, options));
    QVERIFY(!refused.status.isOk());
    QVERIFY2(refused.status.message().contains(words), qPrintable(refused.status.message()));
    QVERIFY(!QFileInfo::exists(store));
    QVERIFY(evaluate(m_session, u"x.mean()"_s).status.isOk());
}

void TestZarrSave::anExistingPathIsNeverTouched()
{
    const QString store = storePath(u"existing.zarr"_s);
    QVERIFY(QDir().mkdir(store));
    QFile mine(store + u"/mine.txt"_s);
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.write("keep me");
    mine.close();
    const Evaluated refused = evaluate(m_session, u"save(x, '%1')"_s.arg(store));
    QVERIFY2(refused.status.message().contains(u"does not overwrite"_s), qPrintable(refused.status.message()));
    QVERIFY(QFileInfo::exists(store + u"/mine.txt"_s));
}

void TestZarrSave::aCancelledSaveLeavesNoStore()
{
    const QString store = storePath(u"cancelled.zarr"_s);
    Operation *operation = m_session.evaluate(u"save(x * 2, '%1', codec='gzip')"_s.arg(store));
    // Cancelled as the first of its 20 tasks (x * 2, then a Store per block) ends: the store's
    // folder exists then, without metadata, and must go.
    bool sawStore = false;
    QObject::connect(operation, &Operation::progress, operation, [&](qint64 done) {
        if (done == 0 || operation->isCancelRequested())
            return;
        sawStore = QFileInfo::exists(store);
        operation->cancel();
    });
    const Status status = integration::finishWithin(operation);
    operation->deleteLater();
    QCOMPARE(status.code(), ErrorCode::Cancelled);
    QVERIFY(sawStore);
    QVERIFY(!QFileInfo::exists(store));
    QVERIFY(evaluate(m_session, u"x.mean()"_s).status.isOk());
}

QTEST_GUILESS_MAIN(TestZarrSave)
#include "tst_zarrsave.moc"
