// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/filediscovery.h"
#include "core/io/filestack.h"

#include <netcdf>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

// One file of a collection: `rows` time steps of a (rows, lat, lon) variable.
struct FileSpec
{
    int rows = 2;
    int lat = 3;
    int lon = 4;
    double firstTime = 0;
    double timeStep = 6; // in timeUnits
    QString timeUnits = u"hours since 1900-01-01 00:00:00.0"_s;
    bool timeCoordinate = true;
    std::string typeName = "short"; // netCDF CDL type name
    QString variable = u"t2m"_s;
};

void writeFile(const QString &path, const FileSpec &spec)
{
    netCDF::NcFile file(path.toStdString(), netCDF::NcFile::replace, netCDF::NcFile::classic64);
    const netCDF::NcDim time = file.addDim("time");
    const netCDF::NcDim lat = file.addDim("latitude", std::size_t(spec.lat));
    const netCDF::NcDim lon = file.addDim("longitude", std::size_t(spec.lon));
    if (spec.timeCoordinate) {
        const netCDF::NcVar timeVar = file.addVar("time", netCDF::ncDouble, time);
        timeVar.putAtt("units", spec.timeUnits.toStdString());
        timeVar.putAtt("calendar", "gregorian");
        std::vector<double> times;
        for (int row = 0; row < spec.rows; ++row)
            times.push_back(spec.firstTime + spec.timeStep * row);
        timeVar.putVar({0}, {std::size_t(spec.rows)}, times.data());
    }
    const netCDF::NcVar var =
        file.addVar(spec.variable.toStdString(), spec.typeName, std::vector<std::string>{"time", "latitude", "longitude"});
    var.putAtt("units", "K");
    var.putAtt("long_name", "2 metre temperature");
    const std::vector<double> values(std::size_t(spec.rows * spec.lat * spec.lon), 1.0);
    var.putVar({0, 0, 0}, {std::size_t(spec.rows), std::size_t(spec.lat), std::size_t(spec.lon)}, values.data());
}

} // namespace

class TestFileStack : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void expandsPatterns_data();
    void expandsPatterns();
    void walksFolders();
    void rejectsEmptyMatches_data();
    void rejectsEmptyMatches();
    void stacksFilesOfDifferentLengths();
    void rejectsMismatches_data();
    void rejectsMismatches();
    void dropsIncompleteCoordinates();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

void TestFileStack::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(u"era"_s));
    QVERIFY(QDir(m_dir.path()).mkpath(u"empty"_s));
    for (const QString &name :
         {u"era-2014-01-03.nc"_s, u"era-2014-01-01.nc"_s, u"era-2014-01-02.nc"_s, u"era-2014-02-01.nc"_s, u"notes.txt"_s}) {
        QFile file(path(u"era/"_s + name));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    QVERIFY(QDir(m_dir.path()).mkpath(u"era/sub.nc"_s)); // a directory never counts as a file
    // A tree as data portals lay out years of files: subfolders, other NetCDF suffixes, a hidden
    // folder (a snapshot, a cache) and a file that is not NetCDF.
    for (const QString &name : {u"tree/2014/02/b.nc4"_s, u"tree/2014/01/a.NC"_s, u"tree/2014/03/c.cdf"_s, u"tree/2015/d.netcdf"_s,
                                u"tree/2015/readme.md"_s, u"tree/.snapshot/old.nc"_s, u"tree/.hidden.nc"_s}) {
        QVERIFY(QDir(m_dir.path()).mkpath(QFileInfo(path(name)).path()));
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
}

void TestFileStack::expandsPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QStringList>("names");
    const QStringList all = {u"era-2014-01-01.nc"_s, u"era-2014-01-02.nc"_s, u"era-2014-01-03.nc"_s, u"era-2014-02-01.nc"_s};
    QTest::newRow("star, sorted by name") << path(u"era/*.nc"_s) << all;
    QTest::newRow("question mark") << path(u"era/era-2014-01-0?.nc"_s) << all.mid(0, 3);
    QTest::newRow("bracket set") << path(u"era/era-2014-0[2-9]-*.nc"_s) << all.mid(3);
    QTest::newRow("folder: its NetCDF files, not notes.txt nor the folder sub.nc") << path(u"era"_s) << all;
    QTest::newRow("plain file") << path(u"era/era-2014-01-02.nc"_s) << QStringList{all[1]};
    QTest::newRow("plain non-NetCDF file") << path(u"era/notes.txt"_s) << QStringList{u"notes.txt"_s};
    QTest::newRow("star matches any name") << path(u"era/*"_s) << all + QStringList{u"notes.txt"_s};
    QTest::newRow("home directory") << u"~/era/*-01-01.nc"_s << all.mid(0, 1);
}

void TestFileStack::expandsPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QStringList, names);
    qputenv("HOME", QFile::encodeName(m_dir.path()));
    const Result<QStringList> files = discoverFiles(pattern);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    QStringList expected;
    for (const QString &name : std::as_const(names))
        expected << QDir(m_dir.path()).absoluteFilePath(u"era/"_s + name);
    QCOMPARE(*files, expected);
}

void TestFileStack::walksFolders()
{
    const Result<QStringList> files = discoverFiles(path(u"tree"_s));
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    const QStringList expected{path(u"tree/2014/01/a.NC"_s), path(u"tree/2014/02/b.nc4"_s), path(u"tree/2014/03/c.cdf"_s),
                               path(u"tree/2015/d.netcdf"_s)};
    QCOMPARE(*files, expected);
    // Several paths: each one's files in order, each file once.
    const Result<QStringList> both = discoverFiles(QStringList{path(u"tree/2015"_s), path(u"tree"_s)});
    QVERIFY(both.isOk());
    QCOMPARE(*both, QStringList{path(u"tree/2015/d.netcdf"_s)} + expected.mid(0, 3));
    QVERIFY(hasNetcdfName(u"x.Nc4"_s));
    QVERIFY(!hasNetcdfName(u"x.nc.gz"_s));
}

void TestFileStack::rejectsEmptyMatches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("message");
    QTest::newRow("glob matching nothing") << path(u"era/gfs-*.nc"_s) << u"no files match "_s + path(u"era/gfs-*.nc"_s);
    QTest::newRow("missing directory") << path(u"nowhere/*.nc"_s) << u"directory "_s + path(u"nowhere"_s) + u" does not exist"_s;
    QTest::newRow("missing file") << path(u"era/era-1999-01-01.nc"_s) << u"no such file or directory"_s;
    QTest::newRow("folder without NetCDF files") << path(u"empty"_s) << u"have no NetCDF files"_s;
}

void TestFileStack::rejectsEmptyMatches()
{
    QFETCH(QString, pattern);
    QFETCH(QString, message);
    const Result<QStringList> files = discoverFiles(pattern);
    QVERIFY(!files.isOk());
    QCOMPARE(files.status().code(), ErrorCode::NotFound);
    QVERIFY2(files.status().message().contains(message), qPrintable(files.status().message()));
}

void TestFileStack::stacksFilesOfDifferentLengths()
{
    // Monthly-style files: different lengths, and the last written against its own epoch.
    QVERIFY(QDir(m_dir.path()).mkpath(u"months"_s));
    FileSpec spec;
    spec.rows = 3;
    writeFile(path(u"months/a.nc"_s), spec);
    spec.rows = 1;
    spec.firstTime = 18;
    writeFile(path(u"months/b.nc"_s), spec);
    spec.rows = 2;
    spec.firstTime = 0;
    spec.timeStep = 0.25;
    spec.timeUnits = u"days since 1900-01-02"_s;
    writeFile(path(u"months/c.nc"_s), spec);
    const QStringList files = {path(u"months/a.nc"_s), path(u"months/b.nc"_s), path(u"months/c.nc"_s)};

    const Result<FileStack> stack = planFileStack(files, u"t2m"_s);
    QVERIFY2(stack.isOk(), qPrintable(stack.status().message()));
    QCOMPARE(stack->files, files);
    QCOMPARE(stack->variable, u"t2m"_s);
    QCOMPARE(stack->firstExtents, (std::vector<std::int64_t>{3, 1, 2}));
    QCOMPARE(stack->storageType, u"int16"_s);
    QCOMPARE(stack->meta.shape, (Shape{6, 3, 4}));
    QCOMPARE(stack->meta.name, u"t2m"_s);
    QCOMPARE(stack->meta.units, u"K"_s);
    QCOMPARE(stack->meta.longName, u"2 metre temperature"_s);
    QCOMPARE(stack->meta.axes.size(), std::size_t(3));
    QCOMPARE(stack->meta.axes[0].name, u"time"_s);
    QCOMPARE(stack->meta.axes[0].units, u"hours since 1900-01-01 00:00:00.0"_s);
    // c.nc's days 0 and 0.25 since 1900-01-02 are hours 24 and 30 since 1900-01-01.
    QCOMPARE(stack->meta.axes[0].values, (std::vector<double>{0, 6, 12, 18, 24, 30}));
    QCOMPARE(stack->meta.axes[1].name, u"latitude"_s);
    QVERIFY(!stack->meta.axes[1].hasCoordinates());
    QCOMPARE(stack->meta.source, u"3 files: "_s + QDir(m_dir.path()).absoluteFilePath(u"months"_s) + u"/... var t2m"_s);
}

void TestFileStack::rejectsMismatches_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("lat");
    QTest::addColumn<bool>("asFloat");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("other grid") << 4 << 5 << false << u"t2m"_s << ErrorCode::ShapeMismatch
                                << u"bad.nc: variable t2m has shape (4, 5, 4) but good.nc has (2, 3, 4); "
                                   "only the first dimension may differ"_s;
    QTest::newRow("other type") << 2 << 3 << true << u"t2m"_s << ErrorCode::Format
                                << u"bad.nc: variable t2m is stored as float32 but good.nc stores it as int16"_s;
    QTest::newRow("variable missing") << 2 << 3 << false << u"sst"_s << ErrorCode::NotFound
                                      << u"bad.nc has no variable 't2m'; it has: time, sst"_s;
}

void TestFileStack::rejectsMismatches()
{
    QFETCH(int, rows);
    QFETCH(int, lat);
    QFETCH(bool, asFloat);
    QFETCH(QString, variable);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    QVERIFY(QDir(m_dir.path()).mkpath(u"mismatch"_s));
    writeFile(path(u"mismatch/good.nc"_s), FileSpec{});
    FileSpec bad;
    bad.rows = rows;
    bad.lat = lat;
    bad.typeName = asFloat ? "float" : "short";
    bad.variable = variable;
    writeFile(path(u"mismatch/bad.nc"_s), bad);
    const QStringList files = {path(u"mismatch/good.nc"_s), path(u"mismatch/good.nc"_s), path(u"mismatch/bad.nc"_s)};
    const Result<FileStack> stack = planFileStack(files, u"t2m"_s);
    QVERIFY(!stack.isOk());
    QCOMPARE(stack.status().code(), code);
    QVERIFY2(stack.status().message().contains(message), qPrintable(stack.status().message()));
}

void TestFileStack::dropsIncompleteCoordinates()
{
    QVERIFY(QDir(m_dir.path()).mkpath(u"partial"_s));
    writeFile(path(u"partial/a.nc"_s), FileSpec{});
    FileSpec noTime;
    noTime.timeCoordinate = false;
    writeFile(path(u"partial/b.nc"_s), noTime);
    const Result<FileStack> stack = planFileStack({path(u"partial/a.nc"_s), path(u"partial/b.nc"_s)}, u"t2m"_s);
    QVERIFY2(stack.isOk(), qPrintable(stack.status().message()));
    QCOMPARE(stack->meta.shape, (Shape{4, 3, 4}));
    QVERIFY(!stack->meta.axes[0].hasCoordinates());

    const Result<FileStack> none = planFileStack({}, u"t2m"_s);
    QVERIFY(!none.isOk());
    QCOMPARE(none.status().code(), ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestFileStack)
#include "tst_filestack.moc"
