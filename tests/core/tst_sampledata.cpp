// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"

#include <netcdf.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

constexpr double gridDegrees = 2.5; // 73 x 144: small enough for ctest
constexpr int lonCount = 144;
constexpr int latCount = 73;

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha1);
}

// Mean over time and longitude at one latitude row.
double zonalMean(const NdArray &field, int row, int step = -1)
{
    double sum = 0;
    int count = 0;
    for (int t = 0; t < 4; ++t) {
        if (step >= 0 && t != step)
            continue;
        for (int i = 0; i < lonCount; ++i, ++count)
            sum += field.at((std::int64_t(t) * latCount + row) * lonCount + i);
    }
    return sum / count;
}

} // namespace

class TestSampleData : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void laysOutLikeEraInterim();
    void attributesMatchEra_data();
    void attributesMatchEra();
    void fieldsArePlausible();
    void rerunKeepsFiles();
    void rejectsBadOptions_data();
    void rejectsBadOptions();

private:
    QTemporaryDir m_dir;
    QString m_cache;
    QStringList m_files;
    QList<QPair<int, int>> m_progress;
};

void TestSampleData::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cache = m_dir.filePath(u"cache/era"_s); // does not exist yet
    const Result<QStringList> files = writeSampleData(m_cache, {2, QDate(2014, 1, 1), gridDegrees}, [this](int done, int total) {
        m_progress.append({done, total});
    });
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
}

void TestSampleData::laysOutLikeEraInterim()
{
    const QDir cache(m_cache);
    QCOMPARE(m_files,
             (QStringList{cache.absoluteFilePath(u"era-2014-01-01.nc"_s), cache.absoluteFilePath(u"era-2014-01-02.nc"_s)}));
    QCOMPARE(m_progress, (QList<QPair<int, int>>{{1, 2}, {2, 2}}));
    QCOMPARE(cache.entryList(QDir::Files).size(), 2); // no .part left behind

    const Result<FileInfo> info = inspectNetcdf(m_files[0]);
    QVERIFY2(info.isOk(), qPrintable(info.status().message()));
    QCOMPARE(info->format, u"NetCDF-3 64-bit offset"_s);
    QStringList names;
    QStringList types;
    for (const VariableInfo &var : info->variables) {
        names << var.name;
        types << var.storageType;
    }
    QCOMPARE(names, (QStringList{u"longitude"_s, u"latitude"_s, u"time"_s, u"t2m"_s, u"u10"_s, u"v10"_s}));
    QCOMPARE(types, (QStringList{u"float32"_s, u"float32"_s, u"int32"_s, u"int16"_s, u"int16"_s, u"int16"_s}));
    for (const VariableInfo &var : info->variables) {
        if (var.storageType != u"int16"_s)
            continue;
        QCOMPARE(var.dimNames, (std::vector<QString>{u"time"_s, u"latitude"_s, u"longitude"_s}));
        QCOMPARE(var.shape, (Shape{4, latCount, lonCount}));
    }

    const Result<ArrayMeta> meta = readVariableMeta(m_files[1], u"t2m"_s);
    QVERIFY2(meta.isOk(), qPrintable(meta.status().message()));
    QCOMPARE(meta->units, u"K"_s);
    QCOMPARE(meta->longName, u"2 metre temperature"_s);
    const Axis &time = meta->axes[0];
    QCOMPARE(time.units, u"hours since 1900-01-01 00:00:00.0"_s);
    QCOMPARE(time.calendar, u"gregorian"_s);
    const double firstHour = 24.0 * double(QDate(1900, 1, 1).daysTo(QDate(2014, 1, 2)));
    QCOMPARE(time.values, (std::vector<double>{firstHour, firstHour + 6, firstHour + 12, firstHour + 18}));
    const Axis &lat = meta->axes[1];
    QCOMPARE(lat.units, u"degrees_north"_s);
    QCOMPARE(lat.values.front(), 90.0);
    QCOMPARE(lat.values.back(), -90.0);
    QCOMPARE(lat.values[1], 87.5);
    const Axis &lon = meta->axes[2];
    QCOMPARE(lon.units, u"degrees_east"_s);
    QCOMPARE(lon.longName, u"longitude"_s);
    QCOMPARE(lon.values.front(), 0.0);
    QCOMPARE(lon.values.back(), 357.5);

    int ncid = -1;
    QCOMPARE(nc_open(QFile::encodeName(m_files[0]).constData(), NC_NOWRITE, &ncid), NC_NOERR);
    int unlimited = -1;
    int timeDim = -2;
    nc_inq_unlimdim(ncid, &unlimited);
    nc_inq_dimid(ncid, "time", &timeDim);
    nc_close(ncid);
    QCOMPARE(unlimited, timeDim);
}

void TestSampleData::attributesMatchEra_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("units");
    QTest::addColumn<QString>("longName");
    QTest::newRow("t2m") << u"t2m"_s << u"K"_s << u"2 metre temperature"_s;
    QTest::newRow("u10") << u"u10"_s << u"m s**-1"_s << u"10 metre U wind component"_s;
    QTest::newRow("v10") << u"v10"_s << u"m s**-1"_s << u"10 metre V wind component"_s;
}

void TestSampleData::attributesMatchEra()
{
    QFETCH(QString, variable);
    QFETCH(QString, units);
    QFETCH(QString, longName);
    const Result<ArrayMeta> meta = readVariableMeta(m_files[0], variable);
    QVERIFY2(meta.isOk(), qPrintable(meta.status().message()));
    QCOMPARE(meta->units, units);
    QCOMPARE(meta->longName, longName);

    int ncid = -1;
    int var = -1;
    QCOMPARE(nc_open(QFile::encodeName(m_files[0]).constData(), NC_NOWRITE, &ncid), NC_NOERR);
    QCOMPARE(nc_inq_varid(ncid, variable.toUtf8().constData(), &var), NC_NOERR);
    const auto attribute = [&](const char *name, nc_type expectedType) {
        nc_type type = NC_NAT;
        std::size_t length = 0;
        QCOMPARE(nc_inq_att(ncid, var, name, &type, &length), NC_NOERR);
        QCOMPARE(type, expectedType);
        QCOMPARE(length, std::size_t(1));
    };
    attribute("scale_factor", NC_DOUBLE);
    attribute("add_offset", NC_DOUBLE);
    attribute("_FillValue", NC_SHORT);
    attribute("missing_value", NC_SHORT);
    short fill = 0;
    short missing = 0;
    double scale = 0;
    nc_get_att_short(ncid, var, "_FillValue", &fill);
    nc_get_att_short(ncid, var, "missing_value", &missing);
    nc_get_att_double(ncid, var, "scale_factor", &scale);
    nc_close(ncid);
    QCOMPARE(fill, short(-32767));
    QCOMPARE(missing, short(-32767));
    QVERIFY(scale > 0 && scale < 0.01);
}

void TestSampleData::fieldsArePlausible()
{
    const Result<NdArray> t2m = readVariable(m_files[0], u"t2m"_s);
    QVERIFY2(t2m.isOk(), qPrintable(t2m.status().message()));
    QVERIFY(!t2m->mayHaveNan()); // ERA's t2m has no missing values
    const auto [low, high] = std::minmax_element(t2m->data(), t2m->data() + t2m->size());
    QVERIFY2(*low > 180 && *high < 330, qPrintable(u"t2m spans %1 .. %2 K"_s.arg(*low).arg(*high)));
    const int equator = latCount / 2;
    const double equatorMean = zonalMean(*t2m, equator);
    QVERIFY2(equatorMean > 290 && equatorMean < 310, qPrintable(QString::number(equatorMean)));
    QVERIFY(equatorMean > zonalMean(*t2m, 0) + 30);
    QVERIFY(equatorMean > zonalMean(*t2m, latCount - 1) + 30);
    // January: southern mid-latitudes are in summer.
    QVERIFY(zonalMean(*t2m, latCount - 1 - 18) > zonalMean(*t2m, 18) + 5);
    // At 25 degrees east, 12 UTC is early afternoon and 00 UTC the middle of the night.
    double afternoon = 0;
    double night = 0;
    for (int row = equator - 4; row <= equator + 4; ++row) {
        afternoon += t2m->at((2 * std::int64_t(latCount) + row) * lonCount + 10);
        night += t2m->at(std::int64_t(row) * lonCount + 10);
    }
    QVERIFY2(afternoon > night + 9, qPrintable(u"%1 <= %2 + 9"_s.arg(afternoon).arg(night)));
    // The day's fields differ from one file to the next (weather moves, noise is reseeded).
    const Result<NdArray> nextDay = readVariable(m_files[1], u"t2m"_s);
    QVERIFY(nextDay.isOk());
    QVERIFY(!std::equal(t2m->data(), t2m->data() + t2m->size(), nextDay->data()));

    for (const QString &name : {u"u10"_s, u"v10"_s}) {
        const Result<NdArray> wind = readVariable(m_files[0], name);
        QVERIFY2(wind.isOk(), qPrintable(wind.status().message()));
        double sumSquares = 0;
        for (std::int64_t i = 0; i < wind->size(); ++i) {
            QVERIFY(std::abs(wind->at(i)) < 40);
            sumSquares += wind->at(i) * wind->at(i);
        }
        const double rms = std::sqrt(sumSquares / double(wind->size()));
        QVERIFY2(rms > 1 && rms < 15, qPrintable(u"%1 rms %2 m/s"_s.arg(name).arg(rms)));
    }
}

void TestSampleData::rerunKeepsFiles()
{
    const QDateTime written = QFileInfo(m_files[0]).lastModified();
    const QByteArray firstHash = fileHash(m_files[0]);
    const QByteArray secondHash = fileHash(m_files[1]);
    // A truncated file, as an interrupted copy leaves, is written again.
    QFile damaged(m_files[1]);
    QVERIFY(damaged.open(QIODevice::ReadWrite));
    QVERIFY(damaged.resize(damaged.size() / 2));
    damaged.close();

    int calls = 0;
    const Result<QStringList> again =
        writeSampleData(m_cache, {2, QDate(2014, 1, 1), gridDegrees}, [&calls](int, int) { ++calls; });
    QVERIFY2(again.isOk(), qPrintable(again.status().message()));
    QCOMPARE(*again, m_files);
    QCOMPARE(calls, 2);
    QCOMPARE(QFileInfo(m_files[0]).lastModified(), written);
    QCOMPARE(fileHash(m_files[0]), firstHash);
    QCOMPARE(fileHash(m_files[1]), secondHash); // same seed, same bytes

    // Another folder gets identical files: the noise is seeded by date only.
    const QString other = m_dir.filePath(u"other"_s);
    const Result<QStringList> copy = writeSampleData(other, {1, QDate(2014, 1, 2), gridDegrees});
    QVERIFY2(copy.isOk(), qPrintable(copy.status().message()));
    QCOMPARE(fileHash(copy->front()), secondHash);
}

void TestSampleData::rejectsBadOptions_data()
{
    QTest::addColumn<int>("days");
    QTest::addColumn<double>("grid");
    QTest::addColumn<QString>("message");
    QTest::newRow("no days") << 0 << 2.5 << u"at least one day"_s;
    QTest::newRow("grid not dividing 180") << 1 << 0.7 << u"does not divide 180 degrees"_s;
    QTest::newRow("zero grid") << 1 << 0.0 << u"does not divide 180 degrees"_s;
}

void TestSampleData::rejectsBadOptions()
{
    QFETCH(int, days);
    QFETCH(double, grid);
    QFETCH(QString, message);
    const Result<QStringList> files = writeSampleData(m_dir.filePath(u"bad"_s), {days, QDate(2014, 1, 1), grid});
    QVERIFY(!files.isOk());
    QCOMPARE(files.status().code(), ErrorCode::InvalidArgument);
    QVERIFY2(files.status().message().contains(message), qPrintable(files.status().message()));
}

QTEST_GUILESS_MAIN(TestSampleData)
#include "tst_sampledata.moc"
