// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/netcdfreader.h"
#include "core/io/netcdfwriter.h"

#include "netcdffixture.h"

#include <QFile>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>
#include <thread>

using namespace Qt::StringLiterals;
using namespace tessera;
using netCDF::NcDim;
using netCDF::NcFile;
using netCDF::NcGroup;
using netCDF::NcVar;

namespace {

using fixture::Expected;
using fixture::notANumber;

QString describeMismatch(const NdArray &actual, const std::vector<double> &expected, double relative)
{
    if (std::int64_t(expected.size()) != actual.size())
        return u"size %1, expected %2"_s.arg(actual.size()).arg(expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double a = actual.at(std::int64_t(i));
        const double e = expected[i];
        const bool same = std::isnan(e) ? std::isnan(a) : std::abs(a - e) <= relative * std::max(1.0, std::abs(e));
        if (!same)
            return u"element %1 is %2, expected %3"_s.arg(i).arg(a, 0, 'g', 17).arg(e, 0, 'g', 17);
    }
    return {};
}

} // namespace

class TestNetcdfIo : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void decodesLikeNetcdf4Python_data();
    void decodesLikeNetcdf4Python();
    void readsHyperslabs_data();
    void readsHyperslabs();
    void inspectsEveryFormat_data();
    void inspectsEveryFormat();
    void readsMetadata_data();
    void readsMetadata();
    void reportsErrors_data();
    void reportsErrors();
    void readsFromManyThreads();
    void writesArrays_data();
    void writesArrays();
    void agreesWithNetcdf4Python();

private:
    QString fixture(const QString &format) const { return m_dir.filePath(u"fixture-%1.nc"_s.arg(format)); }

    QTemporaryDir m_dir;
    QMap<QString, Expected> m_expected; // by variable; the same in every format that has it
    const QStringList m_formats = {u"classic"_s, u"64bit"_s, u"nc4"_s, u"nc4classic"_s};
};

void TestNetcdfIo::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // nc4 last: its superset of variables is what m_expected keeps.
    fixture::writeFixture(fixture(u"classic"_s), NcFile::classic);
    fixture::writeFixture(fixture(u"64bit"_s), NcFile::classic64);
    fixture::writeFixture(fixture(u"nc4classic"_s), NcFile::nc4classic);
    m_expected = fixture::writeFixture(fixture(u"nc4"_s), NcFile::nc4);
    QFile text(m_dir.filePath(u"notes.txt"_s));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("this is not a NetCDF file\n");
}

namespace {

const QStringList classicVariables = {u"time"_s,  u"lat"_s,    u"t2m"_s,    u"count8"_s, u"flags"_s,
                                      u"level"_s, u"precip"_s, u"height"_s, u"scalar"_s, u"bounded"_s};
const QStringList enhancedVariables = {u"zipped"_s, u"big"_s, u"ids"_s, u"five"_s, u"g/local"_s, u"g/sub/inner"_s};

} // namespace

void TestNetcdfIo::decodesLikeNetcdf4Python_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("variable");
    for (const QString &format : m_formats) {
        for (const QString &variable : classicVariables)
            QTest::addRow("%s %s", qPrintable(format), qPrintable(variable)) << format << variable;
    }
    for (const QString &variable : enhancedVariables)
        QTest::addRow("nc4 %s", qPrintable(variable)) << u"nc4"_s << variable;
}

void TestNetcdfIo::decodesLikeNetcdf4Python()
{
    QFETCH(QString, format);
    QFETCH(QString, variable);
    const Expected &expected = m_expected[variable];
    const Result<NdArray> array = readVariable(fixture(format), variable);
    QVERIFY2(array.isOk(), qPrintable(array.status().message()));
    QCOMPARE(array->shape(), expected.shape);
    const QString mismatch = describeMismatch(*array, expected.values, 1e-12);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    const bool hasNan = std::any_of(expected.values.begin(), expected.values.end(), [](double v) { return std::isnan(v); });
    QCOMPARE(array->mayHaveNan(), hasNan);
}

void TestNetcdfIo::readsHyperslabs_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<qint64>("rows");
    QTest::newRow("t2m all") << u"t2m"_s << qint64(0) << qint64(-1) << qint64(3);
    QTest::newRow("t2m middle row") << u"t2m"_s << qint64(1) << qint64(1) << qint64(1);
    QTest::newRow("t2m to the end") << u"t2m"_s << qint64(1) << qint64(-1) << qint64(2);
    QTest::newRow("t2m empty at end") << u"t2m"_s << qint64(3) << qint64(-1) << qint64(0);
    QTest::newRow("zipped across chunks") << u"zipped"_s << qint64(1) << qint64(2) << qint64(2);
    QTest::newRow("1-d slice") << u"height"_s << qint64(2) << qint64(2) << qint64(2);
    QTest::newRow("5-d first") << u"five"_s << qint64(1) << qint64(1) << qint64(1);
    QTest::newRow("scalar") << u"scalar"_s << qint64(0) << qint64(-1) << qint64(-1);
}

void TestNetcdfIo::readsHyperslabs()
{
    QFETCH(QString, variable);
    QFETCH(qint64, start);
    QFETCH(qint64, count);
    QFETCH(qint64, rows);
    const Expected &expected = m_expected[variable];
    const Result<NdArray> array = readVariable(fixture(u"nc4"_s), variable, start, count);
    QVERIFY2(array.isOk(), qPrintable(array.status().message()));
    Shape shape = expected.shape;
    std::vector<double> values = expected.values;
    if (rows >= 0) {
        const std::int64_t rowSize = elementCount(shape) / shape.front();
        shape.front() = rows;
        values =
            std::vector<double>(expected.values.begin() + start * rowSize, expected.values.begin() + (start + rows) * rowSize);
    }
    QCOMPARE(array->shape(), shape);
    const QString mismatch = describeMismatch(*array, values, 1e-12);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void TestNetcdfIo::inspectsEveryFormat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("formatName");
    QTest::newRow("classic") << u"classic"_s << u"NetCDF-3 classic"_s;
    QTest::newRow("64-bit offset") << u"64bit"_s << u"NetCDF-3 64-bit offset"_s;
    QTest::newRow("netCDF-4 classic model") << u"nc4classic"_s << u"NetCDF-4 classic model"_s;
    QTest::newRow("netCDF-4") << u"nc4"_s << u"NetCDF-4"_s;
}

void TestNetcdfIo::inspectsEveryFormat()
{
    QFETCH(QString, format);
    QFETCH(QString, formatName);
    const Result<FileInfo> info = inspectNetcdf(fixture(format));
    QVERIFY2(info.isOk(), qPrintable(info.status().message()));
    QCOMPARE(info->format, formatName);
    QStringList names;
    for (const VariableInfo &var : info->variables)
        names << var.name;
    QStringList wanted = classicVariables;
    wanted << u"label"_s;
    if (format == u"nc4"_s)
        wanted << enhancedVariables << u"g/x"_s;
    for (const QString &name : std::as_const(wanted))
        QVERIFY2(names.contains(name), qPrintable(name + u" missing from "_s + names.join(u", "_s)));
    QCOMPARE(names.size(), wanted.size());
    const VariableInfo &t2m = info->variables[std::size_t(names.indexOf(u"t2m"_s))];
    QCOMPARE(t2m.storageType, u"int16"_s);
    QCOMPARE(t2m.dimNames, (std::vector<QString>{u"time"_s, u"lat"_s, u"lon"_s}));
    QCOMPARE(t2m.shape, (Shape{3, 4, 5}));
    QCOMPARE(t2m.units, u"K"_s);
    QCOMPARE(t2m.longName, u"2 metre temperature"_s);
}

void TestNetcdfIo::readsMetadata_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QStringList>("axisNames");
    QTest::addColumn<QList<int>>("coordinateCounts");
    QTest::newRow("t2m, lon without coordinate") << u"t2m"_s << QStringList{u"time"_s, u"lat"_s, u"lon"_s} << QList<int>{3, 4, 0};
    QTest::newRow("group var, coordinate in root") << u"g/sub/inner"_s << QStringList{u"lat"_s, u"lon"_s} << QList<int>{4, 0};
    QTest::newRow("group var, own coordinate") << u"g/local"_s << QStringList{u"x"_s} << QList<int>{2};
    QTest::newRow("scalar") << u"scalar"_s << QStringList{} << QList<int>{};
    QTest::newRow("5-d") << u"five"_s << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s} << QList<int>{0, 0, 0, 0, 0};
}

void TestNetcdfIo::readsMetadata()
{
    QFETCH(QString, variable);
    QFETCH(QStringList, axisNames);
    QFETCH(QList<int>, coordinateCounts);
    const Result<ArrayMeta> meta = readVariableMeta(fixture(u"nc4"_s), variable);
    QVERIFY2(meta.isOk(), qPrintable(meta.status().message()));
    QCOMPARE(meta->name, variable);
    QCOMPARE(meta->shape, m_expected[variable].shape);
    QCOMPARE(int(meta->axes.size()), axisNames.size());
    for (qsizetype dim = 0; dim < axisNames.size(); ++dim) {
        const Axis &axis = meta->axes[std::size_t(dim)];
        QCOMPARE(axis.name, axisNames[dim]);
        QCOMPARE(int(axis.values.size()), coordinateCounts[dim]);
        if (axis.hasCoordinates())
            QCOMPARE(axis.values, m_expected.contains(axis.name) ? m_expected[axis.name].values : (std::vector<double>{10, 20}));
    }
    if (variable == u"t2m"_s) {
        QCOMPARE(meta->units, u"K"_s);
        QCOMPARE(meta->longName, u"2 metre temperature"_s);
        QCOMPARE(meta->axes[0].units, u"hours since 1900-01-01 00:00:00.0"_s);
        QCOMPARE(meta->axes[0].calendar, u"gregorian"_s);
        QCOMPARE(meta->axes[1].units, u"degrees_north"_s);
        QCOMPARE(meta->axes[1].longName, u"latitude"_s);
    }
}

void TestNetcdfIo::reportsErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    const QString nc4 = fixture(u"nc4"_s);
    const QString missing = m_dir.filePath(u"absent.nc"_s);
    const QString text = m_dir.filePath(u"notes.txt"_s);
    QTest::newRow("missing file") << missing << u"t2m"_s << qint64(0) << qint64(-1) << ErrorCode::NotFound
                                  << u"no such file: "_s + missing;
    QTest::newRow("text file") << text << u"t2m"_s << qint64(0) << qint64(-1) << ErrorCode::Format
                               << text + u" is not a NetCDF file (netCDF says: "_s;
    QTest::newRow("directory") << m_dir.path() << u"t2m"_s << qint64(0) << qint64(-1) << ErrorCode::InvalidArgument
                               << u"is a directory"_s;
    QTest::newRow("missing variable") << nc4 << u"sst"_s << qint64(0) << qint64(-1) << ErrorCode::NotFound
                                      << nc4 + u" has no variable 'sst'; it has: time, lat, t2m, count8"_s;
    QTest::newRow("missing group") << nc4 << u"h/inner"_s << qint64(0) << qint64(-1) << ErrorCode::NotFound << u"g/sub/inner"_s;
    QTest::newRow("rows past the end") << nc4 << u"t2m"_s << qint64(2) << qint64(5) << ErrorCode::InvalidArgument
                                       << u"variable t2m has 3 entries along time"_s;
    QTest::newRow("negative start") << nc4 << u"t2m"_s << qint64(-1) << qint64(1) << ErrorCode::InvalidArgument
                                    << u"cannot read 1 entries from entry -1"_s;
    QTest::newRow("rows of a scalar") << nc4 << u"scalar"_s << qint64(1) << qint64(1) << ErrorCode::InvalidArgument
                                      << u"is a scalar"_s;
    QTest::newRow("text variable") << nc4 << u"label"_s << qint64(0) << qint64(-1) << ErrorCode::Format << u"holds char values"_s;
}

void TestNetcdfIo::reportsErrors()
{
    QFETCH(QString, file);
    QFETCH(QString, variable);
    QFETCH(qint64, start);
    QFETCH(qint64, count);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    const Result<NdArray> array = readVariable(file, variable, start, count);
    QVERIFY(!array.isOk());
    QCOMPARE(array.status().code(), code);
    QVERIFY2(array.status().message().contains(message), qPrintable(array.status().message()));
    if (start == 0 && count == -1) {
        const Result<ArrayMeta> meta = readVariableMeta(file, variable);
        QVERIFY(!meta.isOk());
        QCOMPARE(meta.status().code(), code);
    }
    if (variable == u"t2m"_s && start == 0) {
        const Result<FileInfo> info = inspectNetcdf(file);
        QVERIFY(!info.isOk());
        QCOMPARE(info.status().message(), array.status().message());
    }
}

void TestNetcdfIo::readsFromManyThreads()
{
    // netCDF-C is not thread-safe; the reader's lock must make this safe all the same.
    const QStringList variables = {u"t2m"_s, u"zipped"_s, u"g/sub/inner"_s, u"five"_s};
    std::vector<QString> failures(variables.size());
    std::vector<std::thread> threads;
    for (qsizetype t = 0; t < variables.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 40 && failures[std::size_t(t)].isEmpty(); ++round) {
                const QString &format = m_formats[round % m_formats.size()];
                const QString file = enhancedVariables.contains(variables[t]) ? fixture(u"nc4"_s) : fixture(format);
                const Result<NdArray> array = readVariable(file, variables[t]);
                failures[std::size_t(t)] = array.isOk() ? describeMismatch(*array, m_expected.value(variables[t]).values, 1e-12)
                                                        : array.status().message();
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (const QString &failure : failures)
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestNetcdfIo::writesArrays_data()
{
    QTest::addColumn<ArrayMeta>("meta");
    QTest::addColumn<NdArray>("array");
    QTest::addColumn<bool>("zarr");
    ArrayMeta cube;
    cube.name = u"anomaly"_s;
    cube.shape = {2, 3, 4};
    cube.units = u"K"_s;
    cube.longName = u"2 metre temperature anomaly"_s;
    cube.axes = {{u"time"_s, {24, 48}, u"hours since 2014-01-01"_s, u"time"_s, u"gregorian"_s},
                 {u"latitude"_s, {10, 0, -10}, u"degrees_north"_s, {}, {}},
                 {u"longitude"_s, {}, {}, {}, {}}};
    std::vector<double> values(24);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = i % 5 == 0 ? notANumber : 0.1 * double(i) - 1;
    QTest::newRow("3-d with coordinates and NaN") << cube << NdArray::fromVector(cube.shape, values) << false;
    QTest::newRow("NCZarr store") << cube << NdArray::fromVector(cube.shape, values) << true;
    ArrayMeta scalar;
    scalar.name = u"mean"_s;
    QTest::newRow("0-d") << scalar << NdArray::scalar(273.5) << false;
    QTest::newRow("unnamed, no axes") << ArrayMeta{} << NdArray::fromVector({2, 2}, {1, 2, 3, 4}) << false;
    ArrayMeta same;
    same.name = u"outer"_s;
    same.axes = {{u"x"_s, {1, 2}, {}, {}, {}}, {u"x"_s, {1, 2}, {}, {}, {}}};
    QTest::newRow("two axes named alike") << same << NdArray::fromVector({2, 2}, {1, 2, 2, 4}) << false;
}

void TestNetcdfIo::writesArrays()
{
    QFETCH(ArrayMeta, meta);
    QFETCH(NdArray, array);
    QFETCH(bool, zarr);
    const QString name = u"written-%1"_s.arg(QString::fromUtf8(QTest::currentDataTag()));
    // DESIGN: the same netCDF calls write Zarr v2 when the path is an NCZarr URL.
    const QString path = zarr ? u"file://%1.zarr#mode=zarr,file"_s.arg(m_dir.filePath(name)) : m_dir.filePath(name + u".nc"_s);
    const Status status = writeArray(path, meta, array);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QVERIFY(!QFile::exists(path + u".part"_s));
    const QString variable = meta.name.isEmpty() ? u"result"_s : meta.name;
    const Result<FileInfo> info = inspectNetcdf(path);
    QVERIFY2(info.isOk(), qPrintable(info.status().message()));
    QCOMPARE(info->format, zarr ? u"Zarr (NCZarr)"_s : u"NetCDF-4"_s);

    const Result<NdArray> back = readVariable(path, variable);
    QVERIFY2(back.isOk(), qPrintable(back.status().message()));
    QCOMPARE(back->shape(), array.shape());
    const QString mismatch = describeMismatch(*back, std::vector<double>(array.data(), array.data() + array.size()), 0);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));

    const Result<ArrayMeta> backMeta = readVariableMeta(path, variable);
    QVERIFY2(backMeta.isOk(), qPrintable(backMeta.status().message()));
    QCOMPARE(backMeta->units, meta.units);
    QCOMPARE(backMeta->longName, meta.longName);
    for (std::size_t dim = 0; dim < backMeta->axes.size(); ++dim) {
        const Axis &axis = backMeta->axes[dim];
        if (meta.axes.empty()) {
            QCOMPARE(axis.name, u"dim_%1"_s.arg(dim));
            continue;
        }
        if (dim == 0 || meta.axes[dim].name != meta.axes[0].name)
            QCOMPARE(axis.name, meta.axes[dim].name);
        QCOMPARE(axis.values, meta.axes[dim].values);
        QCOMPARE(axis.units, meta.axes[dim].units);
        QCOMPARE(axis.calendar, meta.axes[dim].calendar);
    }
}

void TestNetcdfIo::agreesWithNetcdf4Python()
{
    const QString python = u"/usr/bin/python3"_s;
    QVERIFY2(QProcess::execute(python, {u"-c"_s, u"import netCDF4"_s}) == 0,
             "python3 with netCDF4 is needed as the reference (Debian: python3-netcdf4; ./setup.sh test installs it)");
    // One line per variable: its name, then every decoded value; NaN where netCDF4-python masks.
    const QString script = uR"(
import sys, warnings, netCDF4, numpy as np
warnings.simplefilter('ignore')
d = netCDF4.Dataset(sys.argv[1])
for name in sys.argv[2:]:
    values = np.ma.masked_array(d[name][...]).astype('f8').filled(np.nan).ravel()
    print(name, ' '.join(repr(float(v)) for v in values))
)"_s;
    for (const QString &format : m_formats) {
        QStringList variables = classicVariables;
        if (format == u"nc4"_s)
            variables << enhancedVariables;
        QProcess process;
        process.start(python, QStringList{u"-c"_s, script, fixture(format)} + variables);
        QVERIFY(process.waitForFinished(60000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), variables.size());
        for (const QString &line : lines) {
            QStringList fields = line.split(u' ', Qt::SkipEmptyParts);
            const QString variable = fields.takeFirst();
            std::vector<double> pythonValues;
            for (const QString &field : std::as_const(fields))
                pythonValues.push_back(field == u"nan"_s ? notANumber : field.toDouble());
            const Result<NdArray> ours = readVariable(fixture(format), variable);
            QVERIFY2(ours.isOk(), qPrintable(ours.status().message()));
            // netCDF4-python scales in float32 when scale_factor is a float32 attribute.
            const QString mismatch = describeMismatch(*ours, pythonValues, 1e-6);
            QVERIFY2(mismatch.isEmpty(), qPrintable(format + u" "_s + variable + u": "_s + mismatch));
        }
    }
}

QTEST_GUILESS_MAIN(TestNetcdfIo)
#include "tst_netcdfio.moc"
