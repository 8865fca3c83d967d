// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The classic-format header check that runs before netCDF-C opens a file: files netCDF-C writes
// pass, and headers whose lengths claim more than the file holds are refused by name.

#include "core/io/classicheader.h"
#include "core/io/netcdfreader.h"

#include <netcdf.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

void putInt(QByteArray &bytes, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes.append(char((value >> shift) & 0xff));
}

void putName(QByteArray &bytes, const QByteArray &name, std::uint32_t declaredLength)
{
    putInt(bytes, declaredLength);
    bytes.append(name);
    while (bytes.size() % 4)
        bytes.append('\0');
}

// A CDF-1 file by the specification: dimension lat = 2, variable double t(lat) = {1.5, -2}.
// Each knob spoils one field.
struct Knobs
{
    std::uint32_t dimensionCount = 1;
    std::uint32_t nameLength = 3;
    std::uint32_t variableTag = 0x0B;
    std::uint32_t dimensionId = 0;
    std::uint32_t type = 6;
    int cutAt = -1; // keep only this many bytes
};

QByteArray classicFile(const Knobs &knobs)
{
    QByteArray bytes("CDF\x01", 4);
    putInt(bytes, 0); // numrecs
    putInt(bytes, 0x0A);
    putInt(bytes, knobs.dimensionCount);
    putName(bytes, "lat", knobs.nameLength);
    putInt(bytes, 2);
    putInt(bytes, 0); // no global attributes
    putInt(bytes, 0);
    putInt(bytes, knobs.variableTag);
    putInt(bytes, 1);
    putName(bytes, "t", 1);
    putInt(bytes, 1);
    putInt(bytes, knobs.dimensionId);
    putInt(bytes, 0); // no variable attributes
    putInt(bytes, 0);
    putInt(bytes, knobs.type);
    putInt(bytes, 16);                              // vsize
    putInt(bytes, std::uint32_t(bytes.size() + 4)); // begin: right after this field
    const double values[2] = {1.5, -2};
    for (double value : values) {
        quint64 raw;
        std::memcpy(&raw, &value, 8);
        putInt(bytes, std::uint32_t(raw >> 32));
        putInt(bytes, std::uint32_t(raw));
    }
    return knobs.cutAt >= 0 ? bytes.left(knobs.cutAt) : bytes;
}

} // namespace

Q_DECLARE_METATYPE(Knobs)

class TestClassicHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handMadeFileIsReadByNetcdf();
    void netcdfWrittenFilesPass_data();
    void netcdfWrittenFilesPass();
    void refused_data();
    void refused();

private:
    QString write(const QString &name, const QByteArray &bytes);
    QTemporaryDir m_dir;
};

QString TestClassicHeader::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(bytes);
    return path;
}

void TestClassicHeader::handMadeFileIsReadByNetcdf()
{
    // The builder is right: netCDF-C reads what it writes, so its corruptions below are the only fault.
    const QString path = write(u"good.nc"_s, classicFile({}));
    QVERIFY(checkClassicHeader(path).isOk());
    const Result<NdArray> t = readVariable(path, u"t"_s);
    QVERIFY2(t.isOk(), qPrintable(t.status().message()));
    QCOMPARE(t->shape(), (Shape{2}));
    QCOMPARE(t->at(0), 1.5);
    QCOMPARE(t->at(1), -2.0);
}

void TestClassicHeader::netcdfWrittenFilesPass_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("CDF-1 classic") << NC_CLOBBER;
    QTest::newRow("CDF-2 64-bit offset") << (NC_CLOBBER | NC_64BIT_OFFSET);
    QTest::newRow("CDF-5 64-bit data") << (NC_CLOBBER | NC_64BIT_DATA);
}

void TestClassicHeader::netcdfWrittenFilesPass()
{
    QFETCH(int, mode);
    const QByteArray path = QFile::encodeName(m_dir.filePath(u"written.nc"_s));
    int id = 0, time = 0, lat = 0, var = 0;
    QCOMPARE(nc_create(path.constData(), mode, &id), NC_NOERR);
    QCOMPARE(nc_def_dim(id, "time", NC_UNLIMITED, &time), NC_NOERR);
    QCOMPARE(nc_def_dim(id, "latitude", 5, &lat), NC_NOERR);
    const int dims[2] = {time, lat};
    QCOMPARE(nc_def_var(id, "t2m", NC_SHORT, 2, dims, &var), NC_NOERR);
    QCOMPARE(nc_put_att_text(id, var, "units", 1, "K"), NC_NOERR);
    const double scale = 0.01;
    QCOMPARE(nc_put_att_double(id, var, "scale_factor", NC_DOUBLE, 1, &scale), NC_NOERR);
    QCOMPARE(nc_put_att_text(id, NC_GLOBAL, "history", 15, "written by test"), NC_NOERR);
    QCOMPARE(nc_enddef(id), NC_NOERR);
    const short values[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const size_t start[2] = {0, 0}, count[2] = {2, 5};
    QCOMPARE(nc_put_vara_short(id, var, start, count, values), NC_NOERR);
    QCOMPARE(nc_close(id), NC_NOERR);
    const Status checked = checkClassicHeader(QString::fromLocal8Bit(path));
    QVERIFY2(checked.isOk(), qPrintable(checked.message()));
    QVERIFY(readVariable(QString::fromLocal8Bit(path), u"t2m"_s).isOk());
}

void TestClassicHeader::refused_data()
{
    QTest::addColumn<Knobs>("knobs");
    QTest::addColumn<QString>("says");
    QTest::newRow("a name of 4 GB") << Knobs{1, 0xfffffff0u} << u"a name of 4294967280 bytes is longer than"_s;
    QTest::newRow("a name past the end") << Knobs{1, 200} << u"is longer than the"_s;
    QTest::newRow("a billion dimensions") << Knobs{1000000000u} << u"1000000000 entries cannot fit"_s;
    QTest::newRow("a wrong list tag") << Knobs{1, 3, 0x0C} << u"a list tag is 12 where 11 belongs"_s;
    QTest::newRow("a dimension that is not there") << Knobs{1, 3, 0x0B, 7} << u"names dimension"_s;
    QTest::newRow("an unknown type") << Knobs{1, 3, 0x0B, 0, 99} << u"unknown type"_s;
    QTest::newRow("cut inside the header") << Knobs{1, 3, 0x0B, 0, 6, 30} << u"the header ends early"_s;
}

void TestClassicHeader::refused()
{
    QFETCH(Knobs, knobs);
    QFETCH(QString, says);
    const QString path = write(u"bad.nc"_s, classicFile(knobs));
    const Status checked = checkClassicHeader(path);
    QVERIFY(!checked.isOk());
    QCOMPARE(checked.code(), ErrorCode::Format);
    QVERIFY2(checked.message().contains(says) && checked.message().contains(path), qPrintable(checked.message()));
    // Everything that opens files refuses it the same way, before netCDF-C reads it.
    const Result<FileInfo> info = inspectNetcdf(path);
    QVERIFY(!info.isOk());
    QCOMPARE(info.status().code(), ErrorCode::Format);
    QVERIFY(!readVariable(path, u"t"_s).isOk());
}

QTEST_APPLESS_MAIN(TestClassicHeader)
#include "tst_classicheader.moc"
