// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Tessera's Zarr writer, block by block as workers write, read back by implementations Tessera
// did not write: xarray and zarr-python (v2), zarrita (v3: every codec, sharded, checksummed);
// and by Tessera's own reader.

#include "core/io/zarrreader.h"
#include "core/io/zarrwriter.h"
#include "tests/zarr/zarrfixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

const Shape arrayShape{10, 6, 8};

// Two blocks of 4 rows and one of 2, as a load of three files would give.
Chunks threeBlocks()
{
    return Chunks({{4, 4, 2}, {6}, {8}});
}

ArrayMeta sampleMeta()
{
    ArrayMeta meta;
    meta.name = u"t2m"_s;
    meta.shape = arrayShape;
    meta.units = u"K"_s;
    meta.longName = u"2 metre temperature"_s;
    Axis time;
    time.name = u"time"_s;
    time.units = u"hours since 2014-01-01 00:00:00"_s;
    time.calendar = u"gregorian"_s;
    for (int i = 0; i < 10; ++i)
        time.values.push_back(6.0 * i);
    Axis latitude;
    latitude.name = u"latitude"_s;
    latitude.units = u"degrees_north"_s;
    for (int i = 0; i < 6; ++i)
        latitude.values.push_back(75.0 - 30.0 * i);
    Axis longitude;
    longitude.name = u"longitude"_s;
    longitude.units = u"degrees_east"_s;
    for (int i = 0; i < 8; ++i)
        longitude.values.push_back(45.0 * i);
    meta.axes = {time, latitude, longitude};
    return meta;
}

NdArray sampleValues()
{
    NdArray values(arrayShape);
    for (std::int64_t i = 0; i < values.size(); ++i)
        values.data()[i] = 250.0 + std::fmod(double(i) * 0.37, 60.0);
    values.data()[7] = std::nan("");
    values.data()[200] = std::nan("");
    return values;
}

// Each block written as its worker would: its rows of the array, at its origin.
Status writeStore(const QString &store, const ZarrSaveOptions &options, const NdArray &values)
{
    const Chunks blocks = threeBlocks();
    Result<zarr::ArrayMetadata> array = planZarrArray(store, sampleMeta(), blocks, options);
    TESSERA_RETURN_IF_ERROR(array);
    TESSERA_RETURN_IF_ERROR(beginZarrStore(store));
    const std::int64_t rowSize = arrayShape[1] * arrayShape[2];
    for (std::int64_t flat = 0; flat < blocks.blockCount(); ++flat) {
        const BlockIndex index = blocks.unflatten(flat);
        const Shape origin = blocks.blockOffset(index);
        const NdArray block = values.view(origin[0] * rowSize, blocks.blockShape(index));
        TESSERA_RETURN_IF_ERROR(writeZarrBlock(*array, origin, block));
    }
    return finishZarrStore(store, *array, sampleMeta());
}

// Within half a packing step, or equal (NaN equal to NaN).
QString differences(const std::vector<double> &got, const NdArray &expected, double tolerance)
{
    if (std::int64_t(got.size()) != expected.size())
        return u"%1 values where %2 were written"_s.arg(got.size()).arg(expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double want = expected.data()[i];
        const bool same = std::isnan(want) ? std::isnan(got[i]) : std::abs(got[i] - want) <= tolerance;
        if (!same)
            return u"value %1 reads as %2, %3 was written"_s.arg(i).arg(got[i], 0, 'g', 17).arg(want, 0, 'g', 17);
    }
    return {};
}

std::vector<double> asVector(const NdArray &array)
{
    return std::vector<double>(array.data(), array.data() + array.size());
}

} // namespace

class TestZarrWrite : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTrips_data();
    void roundTrips();
    void xarrayOpensTheStore();
    void packingClampsOutOfRangeValues();
    void refusesOptionsThatCannotWork();
    void damagedChunksFailTheirChecksum();

private:
    QTemporaryDir m_dir;
};

void TestZarrWrite::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(zarrfixture::haveZarrita(), zarrfixture::zarritaMissing);
}

void TestZarrWrite::roundTrips_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("codec");
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<Shape>("chunks");
    QTest::addColumn<Shape>("shards");
    QTest::addColumn<bool>("checksum");
    for (const QString &codec :
         {u"none"_s, u"zlib"_s, u"gzip"_s, u"zstd"_s, u"blosc-lz4"_s, u"blosc-zstd+bitshuffle"_s, u"blosc-zlib+noshuffle"_s})
        QTest::newRow(qPrintable(u"v2 "_s + codec)) << 2 << codec << u"float64"_s << Shape{} << Shape{} << false;
    QTest::newRow("v2 float32 chunks (2,3,8)") << 2 << u"zstd"_s << u"float32"_s << Shape{2, 3, 8} << Shape{} << false;
    QTest::newRow("v2 packed int16") << 2 << u"zstd"_s << u"int16"_s << Shape{} << Shape{} << false;
    for (const QString &codec : {u"none"_s, u"gzip"_s, u"zstd"_s, u"blosc-lz4"_s, u"blosc-zstd+bitshuffle"_s})
        QTest::newRow(qPrintable(u"v3 "_s + codec)) << 3 << codec << u"float64"_s << Shape{} << Shape{} << false;
    QTest::newRow("v3 zstd crc32c") << 3 << u"zstd"_s << u"float64"_s << Shape{} << Shape{} << true;
    QTest::newRow("v3 sharded gzip") << 3 << u"gzip"_s << u"float64"_s << Shape{1, 3, 4} << Shape{2, 6, 8} << false;
    QTest::newRow("v3 sharded zstd crc32c") << 3 << u"zstd"_s << u"float32"_s << Shape{2, 2, 8} << Shape{2, 6, 8} << true;
    QTest::newRow("v3 packed int16") << 3 << u"blosc-lz4"_s << u"int16"_s << Shape{} << Shape{} << false;
}

void TestZarrWrite::roundTrips()
{
    QFETCH(int, format);
    QFETCH(QString, codec);
    QFETCH(QString, dtype);
    QFETCH(Shape, chunks);
    QFETCH(Shape, shards);
    QFETCH(bool, checksum);
    const QString store = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_') + u".zarr"_s);
    ZarrSaveOptions options;
    options.format = format;
    options.codec = codec;
    options.dtype = dtype;
    options.chunks = chunks;
    options.shards = shards;
    options.checksum = checksum;
    options.variable = u"t2m"_s;
    const bool packed = dtype == u"int16"_s;
    if (packed) {
        options.scaleFactor = 60.0 / 65534;
        options.addOffset = 280.0;
    }
    const NdArray values = sampleValues();
    const Status written = writeStore(store, options, values);
    QVERIFY2(written, qPrintable(written.message()));
    const double tolerance = packed ? *options.scaleFactor / 2 : dtype == u"float32"_s ? 310 * 6e-8 : 0;

    const Result<NdArray> back = readZarrVariable(store, u"t2m"_s);
    QVERIFY2(back, qPrintable(back.status().message()));
    QString problem = differences(asVector(*back), values, tolerance);
    QVERIFY2(problem.isEmpty(), qPrintable(u"Tessera: "_s + problem));

    const QString dump = m_dir.filePath(u"dump.f64"_s);
    if (format == 2) {
        const zarrfixture::Dump xarray = zarrfixture::dumpWithXarray(store, u"t2m"_s, dump);
        QVERIFY2(xarray.failure.isEmpty(), qPrintable(xarray.failure));
        // xarray decodes packed int16 to float32.
        problem = differences(xarray.values, values, packed ? tolerance + 310 * 6e-8 : tolerance);
        QVERIFY2(problem.isEmpty(), qPrintable(u"xarray: "_s + problem));
    }
    // zarrita reads v2 and v3 alike; it gives the stored values, which are unpacked here.
    const zarrfixture::Dump zarrita = zarrfixture::dumpWithZarrita(store, u"t2m"_s, dump);
    QVERIFY2(zarrita.failure.isEmpty(), qPrintable(zarrita.failure));
    QCOMPARE(zarrita.facts.value(u"dtype"_s).toString(), dtype);
    std::vector<double> stored = zarrita.values;
    if (packed) {
        const double fill = zarrita.facts.value(u"fill_value"_s).toDouble();
        QCOMPARE(fill, -32768.0);
        for (double &value : stored)
            value = value == fill ? std::nan("") : value * *options.scaleFactor + *options.addOffset;
    }
    problem = differences(stored, values, tolerance);
    QVERIFY2(problem.isEmpty(), qPrintable(u"zarrita: "_s + problem));
}

void TestZarrWrite::xarrayOpensTheStore()
{
    const QString store = m_dir.filePath(u"named.zarr"_s);
    ZarrSaveOptions options;
    options.variable = u"t2m"_s;
    const Status written = writeStore(store, options, sampleValues());
    QVERIFY2(written, qPrintable(written.message()));
    const zarrfixture::Dump xarray = zarrfixture::dumpWithXarray(store, u"t2m"_s, m_dir.filePath(u"x.f64"_s));
    QVERIFY2(xarray.failure.isEmpty(), qPrintable(xarray.failure));
    const QJsonObject &facts = xarray.facts;
    QCOMPARE(facts.value(u"dims"_s).toArray().toVariantList(), (QVariantList{u"time"_s, u"latitude"_s, u"longitude"_s}));
    QCOMPARE(facts.value(u"attrs"_s).toObject().value(u"units"_s).toString(), u"K"_s);
    QCOMPARE(facts.value(u"attrs"_s).toObject().value(u"long_name"_s).toString(), u"2 metre temperature"_s);
    QCOMPARE(facts.value(u"time_dtype"_s).toString(), u"datetime64[ns]"_s); // CF time decoded from units and calendar
    const QJsonObject coords = facts.value(u"coords"_s).toObject();
    QCOMPARE(coords.value(u"latitude"_s).toArray().first().toDouble(), 75.0);
    QCOMPARE(coords.value(u"longitude"_s).toArray().last().toDouble(), 315.0);
    // The default chunks follow the blocks: 4 rows, the largest step every block start (0, 4, 8) is a multiple of.
    QCOMPARE(facts.value(u"chunks"_s).toArray(), (QJsonArray{4, 6, 8}));
    QCOMPARE(facts.value(u"compressor"_s).toObject().value(u"id"_s).toString(), u"zstd"_s);
}

void TestZarrWrite::packingClampsOutOfRangeValues()
{
    // A scale too fine for the values: they clamp to int16's range less the fill value, so only
    // the NaNs read back as missing.
    const QString store = m_dir.filePath(u"clamped.zarr"_s);
    ZarrSaveOptions options;
    options.variable = u"t2m"_s;
    options.dtype = u"int16"_s;
    options.scaleFactor = 0.0005;
    options.addOffset = 280.0;
    const NdArray values = sampleValues();
    const Status written = writeStore(store, options, values);
    QVERIFY2(written, qPrintable(written.message()));
    const Result<NdArray> back = readZarrVariable(store, u"t2m"_s);
    QVERIFY2(back, qPrintable(back.status().message()));
    for (std::int64_t i = 0; i < values.size(); ++i) {
        const double value = values.data()[i];
        const double expected = std::isnan(value) ? value : std::clamp(value, 280.0 - 16.3835, 280.0 + 16.3835);
        QVERIFY2(std::isnan(expected) ? std::isnan(back->data()[i]) : std::abs(back->data()[i] - expected) <= 0.00026,
                 qPrintable(u"value %1: %2 read as %3"_s.arg(i).arg(value).arg(back->data()[i])));
    }
}

void TestZarrWrite::refusesOptionsThatCannotWork()
{
    auto refusal = [&](const ZarrSaveOptions &options) {
        return planZarrArray(m_dir.filePath(u"never.zarr"_s), sampleMeta(), threeBlocks(), options).status().message();
    };
    ZarrSaveOptions options;
    options.variable = u"t2m"_s;
    options.chunks = {3, 6, 8};
    QVERIFY2(refusal(options).contains(u"chunks=(3, 6, 8) would cut across the array's blocks"_s), qPrintable(refusal(options)));
    options.chunks = {};
    options.shards = {2, 6, 8};
    QVERIFY2(refusal(options).contains(u"needs Zarr v3"_s), qPrintable(refusal(options)));
    options.format = 3;
    options.chunks = {2, 4, 8};
    QVERIFY2(refusal(options).contains(u"must divide shards"_s), qPrintable(refusal(options)));
    options = {};
    options.variable = u"t2m"_s;
    options.dtype = u"int16"_s;
    QVERIFY2(refusal(options).contains(u"give scale_factor and add_offset"_s), qPrintable(refusal(options)));
    options.dtype = u"complex128"_s;
    QVERIFY2(refusal(options).contains(u"data type complex128 is not supported"_s), qPrintable(refusal(options)));
    options.dtype = u"float64"_s;
    options.codec = u"lzma"_s;
    QVERIFY2(refusal(options).contains(u"codec lzma is not one Tessera writes"_s), qPrintable(refusal(options)));
    options.codec = u"zlib"_s;
    options.format = 3;
    QVERIFY2(refusal(options).contains(u"Zarr v3 has gzip instead"_s), qPrintable(refusal(options)));

    const QString existing = m_dir.filePath(u"exists.zarr"_s);
    QVERIFY(QDir().mkdir(existing));
    QVERIFY2(beginZarrStore(existing).message().contains(u"does not overwrite"_s),
             qPrintable(beginZarrStore(existing).message()));
}

void TestZarrWrite::damagedChunksFailTheirChecksum()
{
    const QString store = m_dir.filePath(u"checked.zarr"_s);
    ZarrSaveOptions options;
    options.variable = u"t2m"_s;
    options.format = 3;
    options.codec = u"none"_s;
    options.checksum = true;
    const Status written = writeStore(store, options, sampleValues());
    QVERIFY2(written, qPrintable(written.message()));
    const QString chunk = store + u"/t2m/c/1/0/0"_s;
    QFile file(chunk);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(100));
    QVERIFY(file.putChar('\x55'));
    file.close();
    const QString message = readZarrVariable(store, u"t2m"_s).status().message();
    QVERIFY2(message.contains(chunk) && message.contains(u"fails its crc32c checksum"_s), qPrintable(message));

    // v3's metadata file gone, then naming a codec Tessera does not know.
    const QString zarrJson = store + u"/t2m/zarr.json"_s;
    QFile metadata(zarrJson);
    QVERIFY(metadata.open(QIODevice::ReadOnly));
    const QByteArray json = metadata.readAll();
    metadata.close();
    QVERIFY(QFile::remove(zarrJson));
    QString problem = readZarrVariable(store, u"t2m"_s).status().message();
    QVERIFY2(problem.contains(store + u"/t2m: no Zarr array here (neither zarr.json nor .zarray)"_s), qPrintable(problem));
    QVERIFY(metadata.open(QIODevice::WriteOnly));
    metadata.write(QByteArray(json).replace("\"crc32c\"", "\"adler32\""));
    metadata.close();
    problem = readZarrVariable(store, u"t2m"_s).status().message();
    QVERIFY2(problem.contains(zarrJson) && problem.contains(u"codec adler32 is not supported"_s), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestZarrWrite)
#include "tst_zarrwrite.moc"
