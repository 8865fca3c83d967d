// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading Zarr stores that other implementations wrote: v2 by zarr-python 2.13 and xarray, v3 by
// zarrita; each codec and data type, compared value by value with what xarray decodes (v2) or
// with the values zarrita was given (v3); and the errors for stores Tessera must refuse.

#include "core/io/dataset.h"
#include "core/io/filediscovery.h"
#include "core/io/filestack.h"
#include "core/io/zarrreader.h"
#include "tests/zarr/zarrfixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

bool sameValues(const NdArray &array, const std::vector<double> &expected, QString *where)
{
    if (std::size_t(array.size()) != expected.size()) {
        *where = u"%1 values where %2 were expected"_s.arg(array.size()).arg(expected.size());
        return false;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double got = array.data()[i];
        const bool same = std::isnan(expected[i]) ? std::isnan(got) : got == expected[i];
        if (!same) {
            *where = u"value %1 is %2, xarray says %3"_s.arg(i).arg(got, 0, 'g', 17).arg(expected[i], 0, 'g', 17);
            return false;
        }
    }
    return true;
}

} // namespace

class TestZarrRead : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matchesReference_data();
    void matchesReference();
    void refusesWhatItCannotRead_data();
    void refusesWhatItCannotRead();
    void listsArraysWithDimensionNames();
    void readsCoordinatesLikeNetcdf();
    void discoversStoresAsOneDataset();
    void stacksStoresAlongTheFirstDimension();
    void damagedStoresNameTheFile();

private:
    QTemporaryDir m_dir;
    QString m_fixtures; // v2, by zarr-python and xarray
    QString m_v3;       // by zarrita
};

void TestZarrRead::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_fixtures = m_dir.filePath(u"v2"_s);
    const QString failure =
        zarrfixture::run(u"/usr/bin/python3"_s, {QStringLiteral(TESSERA_ZARR_SCRIPTS "/make_v2_fixtures.py"), m_fixtures});
    QVERIFY2(failure.isEmpty(), qPrintable(u"python3-zarr and python3-xarray write the fixtures: "_s + failure));
    QVERIFY(zarrfixture::manifest(m_fixtures).size() > 20);
    m_v3 = m_dir.filePath(u"v3"_s);
    QVERIFY2(zarrfixture::haveZarrita(), zarrfixture::zarritaMissing);
    const QString v3Failure = zarrfixture::run(u"node"_s, {QStringLiteral(TESSERA_ZARR_SCRIPTS "/make_v3_fixtures.mjs"), m_v3});
    QVERIFY2(v3Failure.isEmpty(), qPrintable(u"zarrita writes the v3 fixtures: "_s + v3Failure));
    QVERIFY(zarrfixture::manifest(m_v3).size() > 20);
}

void TestZarrRead::matchesReference_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("store");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<Shape>("shape");
    for (const QString &folder : {m_fixtures, m_v3}) {
        for (const QJsonValue &entry : zarrfixture::manifest(folder)) {
            const QJsonObject check = entry.toObject();
            if (check.contains(u"error"_s))
                continue;
            Shape shape;
            for (const QJsonValue &extent : check.value(u"shape"_s).toArray())
                shape.push_back(extent.toInteger());
            QTest::newRow(qPrintable(check.value(u"note"_s).toString() + u" "_s + check.value(u"variable"_s).toString()))
                << folder << check.value(u"store"_s).toString() << check.value(u"variable"_s).toString()
                << check.value(u"reference"_s).toString() << shape;
        }
    }
}

void TestZarrRead::matchesReference()
{
    QFETCH(QString, folder);
    QFETCH(QString, store);
    QFETCH(QString, variable);
    QFETCH(QString, reference);
    QFETCH(Shape, shape);
    const QString path = QDir(folder).filePath(store);
    QVERIFY(isZarrStore(path));
    const Result<NdArray> whole = readZarrVariable(path, variable);
    QVERIFY2(whole, qPrintable(whole.status().message()));
    QCOMPARE(whole->shape(), shape);
    const std::vector<double> expected = zarrfixture::readDoubles(QDir(folder).filePath(reference));
    QString where;
    QVERIFY2(sameValues(*whole, expected, &where), qPrintable(where));

    // Rows from the middle, across chunk boundaries, as a worker reads its block.
    const std::int64_t rows = shape.front();
    const std::int64_t rowSize = std::int64_t(expected.size()) / rows;
    const Result<NdArray> part = readZarrVariable(path, variable, 1, rows - 3);
    QVERIFY2(part, qPrintable(part.status().message()));
    const std::vector<double> middle(expected.begin() + rowSize, expected.begin() + rowSize * (rows - 2));
    QVERIFY2(sameValues(*part, middle, &where), qPrintable(where));
    QCOMPARE(part->mayHaveNan(), std::any_of(middle.begin(), middle.end(), [](double v) { return std::isnan(v); }));
}

void TestZarrRead::refusesWhatItCannotRead_data()
{
    QTest::addColumn<QString>("store");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QStringList>("words");
    for (const QJsonValue &entry : zarrfixture::manifest(m_fixtures)) {
        const QJsonObject check = entry.toObject();
        if (!check.contains(u"error"_s))
            continue;
        QStringList words;
        for (const QJsonValue &word : check.value(u"error"_s).toArray())
            words << word.toString();
        QTest::newRow(qPrintable(check.value(u"variable"_s).toString()))
            << check.value(u"store"_s).toString() << check.value(u"variable"_s).toString() << words;
    }
}

void TestZarrRead::refusesWhatItCannotRead()
{
    QFETCH(QString, store);
    QFETCH(QString, variable);
    QFETCH(QStringList, words);
    const QString path = QDir(m_fixtures).filePath(store);
    const Result<NdArray> array = readZarrVariable(path, variable);
    QVERIFY(!array);
    const QString message = array.status().message();
    QVERIFY2(message.contains(QDir(path).filePath(variable)), qPrintable(message));
    for (const QString &word : words)
        QVERIFY2(message.contains(word), qPrintable(message));
}

void TestZarrRead::listsArraysWithDimensionNames()
{
    const Result<FileInfo> info = inspectZarr(QDir(m_fixtures).filePath(u"xr-zstd.zarr"_s));
    QVERIFY2(info, qPrintable(info.status().message()));
    QCOMPARE(info->format, u"Zarr v2"_s);
    QStringList names;
    for (const VariableInfo &var : info->variables)
        names << var.name;
    QCOMPARE(names, (QStringList{u"latitude"_s, u"longitude"_s, u"t2m"_s, u"time"_s}));
    const VariableInfo &t2m = info->variables[2];
    QCOMPARE(t2m.dimNames, (std::vector<QString>{u"time"_s, u"latitude"_s, u"longitude"_s}));
    QCOMPARE(t2m.shape, (Shape{10, 12, 16}));
    QCOMPARE(t2m.storageType, u"float64"_s);
    QCOMPARE(t2m.units, u"K"_s);
    QCOMPARE(t2m.longName, u"2 metre temperature"_s);

    const Result<FileInfo> nested = inspectZarr(QDir(m_fixtures).filePath(u"zarr-sparse.zarr"_s));
    QVERIFY2(nested, qPrintable(nested.status().message()));
    QCOMPARE(nested->variables.size(), std::size_t(2));
    QCOMPARE(nested->variables[0].name, u"group/sub/var"_s);
    QCOMPARE(nested->variables[1].name, u"var"_s);
}

void TestZarrRead::readsCoordinatesLikeNetcdf()
{
    const QString store = QDir(m_fixtures).filePath(u"xr-blosc-lz4.zarr"_s);
    const Result<FileStack> stack = planFileStack({store}, u"t2m"_s);
    QVERIFY2(stack, qPrintable(stack.status().message()));
    const ArrayMeta &meta = stack->meta;
    QCOMPARE(meta.units, u"K"_s);
    QCOMPARE(meta.axes.size(), std::size_t(3));
    QCOMPARE(meta.axes[0].units, u"hours since 1900-01-01"_s);
    QCOMPARE(meta.axes[0].calendar, u"gregorian"_s);
    QVERIFY(meta.axes[0].isTime());
    QCOMPARE(meta.axes[0].values, (std::vector<double>{0, 6, 12, 18, 24, 30, 36, 42, 48, 54}));
    QVERIFY(meta.axes[1].isLatitude());
    QCOMPARE(meta.axes[1].values.front(), 90.0);
    QCOMPARE(meta.axes[1].values.back(), -90.0);
    QVERIFY(meta.axes[2].isLongitude());
    QCOMPARE(meta.axes[2].values[3], 67.5);
    QCOMPARE(stack->firstChunks, (std::vector<std::int64_t>{3}));
    QCOMPARE(stack->storageType, u"float64"_s);
}

void TestZarrRead::discoversStoresAsOneDataset()
{
    const Result<QStringList> one = discoverFiles(QDir(m_fixtures).filePath(u"xr-gzip.zarr"_s));
    QVERIFY2(one, qPrintable(one.status().message()));
    QCOMPARE(*one, QStringList{QDir(m_fixtures).filePath(u"xr-gzip.zarr"_s)});

    const Result<QStringList> glob = discoverFiles(QDir(m_fixtures).filePath(u"xr-blosc-*.zarr"_s));
    QVERIFY2(glob, qPrintable(glob.status().message()));
    QCOMPARE(glob->size(), 4);

    // A folder's walk finds the stores and does not descend into their chunks.
    const Result<QStringList> folder = discoverFiles(m_fixtures);
    QVERIFY2(folder, qPrintable(folder.status().message()));
    QCOMPARE(folder->size(), 12);
    for (const QString &path : *folder)
        QVERIFY2(path.endsWith(u".zarr"_s), qPrintable(path));
}

void TestZarrRead::stacksStoresAlongTheFirstDimension()
{
    const QStringList stores{QDir(m_fixtures).filePath(u"xr-zlib.zarr"_s), QDir(m_fixtures).filePath(u"xr-gzip.zarr"_s)};
    const Result<FileStack> stack = planFileStack(stores, u"t2m"_s);
    QVERIFY2(stack, qPrintable(stack.status().message()));
    QCOMPARE(stack->meta.shape, (Shape{20, 12, 16}));
    QCOMPARE(stack->meta.axes[0].values.size(), std::size_t(20));
    QCOMPARE(stack->firstExtents, (std::vector<std::int64_t>{10, 10}));

    const Result<FileStack> mixed = planFileStack({stores[0], QDir(m_fixtures).filePath(u"xr-packed.zarr"_s)}, u"t2m"_s);
    QVERIFY(!mixed);
    QVERIFY2(mixed.status().message().contains(u"int16"_s), qPrintable(mixed.status().message()));
}

void TestZarrRead::damagedStoresNameTheFile()
{
    const QString store = m_dir.filePath(u"damaged.zarr"_s);
    QVERIFY(zarrfixture::run(u"cp"_s, {u"-r"_s, QDir(m_fixtures).filePath(u"xr-zstd.zarr"_s), store}).isEmpty());
    const QString chunk = store + u"/t2m/0.0.0"_s;

    QFile file(chunk);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray good = file.readAll();
    file.close();
    auto rewrite = [&](const QString &path, const QByteArray &bytes) {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(bytes);
    };
    auto errorOf = [&] {
        return readZarrVariable(store, u"t2m"_s).status().message();
    };

    rewrite(chunk, good.left(good.size() / 2));
    QVERIFY2(errorOf().contains(chunk) && errorOf().contains(u"zstd"_s), qPrintable(errorOf()));
    rewrite(chunk, QByteArray(100, 'x'));
    QVERIFY2(errorOf().contains(chunk) && errorOf().contains(u"not valid zstd"_s), qPrintable(errorOf()));
    rewrite(chunk, good);
    QVERIFY2(errorOf().isEmpty(), qPrintable(errorOf()));

    // An uncompressed store's chunk of the wrong size.
    const QString plain = m_dir.filePath(u"plain.zarr"_s);
    QVERIFY(zarrfixture::run(u"cp"_s, {u"-r"_s, QDir(m_fixtures).filePath(u"xr-none.zarr"_s), plain}).isEmpty());
    rewrite(plain + u"/t2m/1.0.0"_s, QByteArray(17, '\0'));
    const QString wrongSize = readZarrVariable(plain, u"t2m"_s).status().message();
    QVERIFY2(wrongSize.contains(plain + u"/t2m/1.0.0"_s) && wrongSize.contains(u"holds 17 bytes"_s), qPrintable(wrongSize));

    const QString zarray = store + u"/t2m/.zarray"_s;
    rewrite(zarray, "{\"zarr_format\": 2, \"shape\": [10, 12");
    QVERIFY2(errorOf().contains(zarray) && errorOf().contains(u"not valid JSON"_s), qPrintable(errorOf()));
    QVERIFY(QFile::remove(zarray));
    QVERIFY2(errorOf().contains(store + u"/t2m: no Zarr array here (neither zarr.json nor .zarray)"_s), qPrintable(errorOf()));
    const QString rain = readZarrVariable(store, u"rain"_s).status().message();
    QVERIFY2(rain.contains(u"no array rain in this Zarr store; it has latitude, longitude, time"_s), qPrintable(rain));
    QVERIFY(!isZarrStore(m_dir.filePath(u"nothing-here"_s)));
    // A store that lost its group metadata is a folder, and is named as one.
    QVERIFY(QFile::remove(store + u"/.zgroup"_s));
    const QString notStore = readDatasetVariable(store, u"t2m"_s).status().message();
    QVERIFY2(notStore.contains(store + u" is a directory, neither a NetCDF file nor a Zarr store"_s), qPrintable(notStore));
}

QTEST_GUILESS_MAIN(TestZarrRead)
#include "tst_zarrread.moc"
