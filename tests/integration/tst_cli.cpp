// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The real tessera-cli binary: run on sample data with --json and --out read back and compared with
// a reference computed here from the files, sample-data, --help of every command, exit codes, and
// that no tessera-worker it started outlives it (normal exit, error, Ctrl-C, SIGTERM, SIGKILL).

#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/experiment.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace tessera;
using Ref = reference::Array;
using integration::closedPort;
using reference::near;
using reference::Reduce;
using reference::summarize;
using reference::Summary;

namespace {

struct CliRun
{
    int exitCode = -1;
    bool crashed = false;
    QString out;
    QString err;
};

constexpr int cliTimeoutMillis = 60000;

QString describe(const CliRun &run)
{
    return u"exit %1\n--- stdout\n%2\n--- stderr\n%3"_s.arg(run.exitCode).arg(run.out, run.err);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void runWritesJsonAndNetcdfThatMatchTheFiles();
    void headLoadAndRepeats();
    void failingStatementKeepsTheOthers();
    void runsASavedExperiment();
    void sampleDataCommand();
    void helpOfEveryCommand_data();
    void helpOfEveryCommand();
    void errorsExitNonZero_data();
    void errorsExitNonZero();
    void workersStopWhenTheCliIsStopped_data();
    void workersStopWhenTheCliIsStopped();
    void aSecondSignalEndsACliStuckInTheNetcdfLibrary();
    void workerDyingMidRunIsRecovered();
    void connectsToRunningWorkersWithTheirToken();
    void listensForWorkersThatDialBack();
    void listenOnPortZeroSaysWhereItListens();
    void benchMeasuresTheLinksToRunningWorkers();
    void benchReportsAStepTooLargeForTheWorkersAndGoesOn();

private:
    CliRun runCli(const QStringList &arguments,
                  const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());
    QString glob() const { return m_data.filePath(u"era-*.nc"_s); }

    QString m_cli;
    QString m_worker;
    QTemporaryDir m_dir;
    QDir m_data;
    QStringList m_files;
    Ref m_x;
};

void TestCli::initTestCase()
{
    m_cli = integration::programFromEnvironment("TESSERA_CLI");
    m_worker = integration::programFromEnvironment("TESSERA_WORKER");
    QVERIFY2(!m_cli.isEmpty() && !m_worker.isEmpty(),
             "TESSERA_CLI and TESSERA_WORKER must name the built programs; run through ctest");
    // Workers orphaned by a CLI that dies become our children, so a leftover one is found.
    QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    QVERIFY(m_dir.isValid());
    m_data = QDir(m_dir.filePath(u"data"_s));
    auto written = integration::writeSmallSample(m_data.path(), 3);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    m_x = reference::readStack(m_files, "t2m");
}

// Whatever a test did, no tessera-worker may be left behind.
void TestCli::cleanup()
{
    QTRY_VERIFY2_WITH_TIMEOUT(integration::liveChildrenRunning(::getpid(), m_worker).isEmpty(),
                              qPrintable(u"tessera-worker processes outlived the CLI: "_s
                                         + integration::liveChildrenRunning(::getpid(), m_worker).join(u"; "_s)),
                              10000);
}

CliRun TestCli::runCli(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(m_cli, arguments);
    CliRun run;
    if (!process.waitForFinished(cliTimeoutMillis)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = u"did not finish within %1 s"_s.arg(cliTimeoutMillis / 1000);
        return run;
    }
    run.exitCode = process.exitCode();
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void TestCli::runWritesJsonAndNetcdfThatMatchTheFiles()
{
    const QString json = m_dir.filePath(u"run.json"_s);
    const QString out = m_dir.filePath(u"out"_s);
    const CliRun run = runCli({u"run"_s,
                               u"--local"_s,
                               u"2"_s,
                               u"--files"_s,
                               glob(),
                               u"--var"_s,
                               u"t2m"_s,
                               u"-e"_s,
                               u"x.sum()"_s,
                               u"-e"_s,
                               u"x.mean(axis=0)"_s,
                               u"-e"_s,
                               u"x[2,3,4]"_s,
                               u"-e"_s,
                               u"x.mean(axis=(1,2))"_s,
                               u"-e"_s,
                               u"y = x - x.mean()"_s,
                               u"--json"_s,
                               json,
                               u"--out"_s,
                               out});
    QVERIFY2(run.exitCode == 0 && !run.crashed, qPrintable(describe(run)));
    // The table: a row per step, the scalar with 17 significant digits.
    const double sum = reference::reduce(m_x, Reduce::Sum, {0, 1, 2}).scalar();
    for (const QString &step : {u"load t2m"_s, u"x.sum()"_s, u"x.mean(axis=0)"_s, u"x[2,3,4]"_s, u"y = x - x.mean()"_s})
        QVERIFY2(run.out.contains(step), qPrintable(step + u" is missing from the table:\n"_s + run.out));
    QVERIFY2(run.out.contains(QString::number(
                 reference::select(m_x, {reference::at(2), reference::at(3), reference::at(4)}).scalar(), 'g', 17)),
             qPrintable(run.out));

    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(!document.isNull(), qPrintable(error.errorString()));
    const QJsonArray steps = document.object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 6);
    const QJsonObject load = steps[0].toObject();
    QVERIFY(load.value(u"step"_s).toString().startsWith(u"load t2m"_s));
    QCOMPARE(load.value(u"clientBytes"_s).toInteger(), 0); // --local loads on the workers
    QCOMPARE(load.value(u"runs"_s).toArray().size(), 1);

    const QJsonObject total = steps[1].toObject().value(u"result"_s).toObject();
    QVERIFY2(
        near(total.value(u"scalar"_s).toDouble(), sum, 1e-12),
        qPrintable(u"x.sum() is %1, expected %2"_s.arg(total.value(u"scalar"_s).toDouble(), 0, 'g', 17).arg(sum, 0, 'g', 17)));
    QCOMPARE(total.value(u"units"_s).toString(), u"K"_s);

    const Ref meanOverTime = reference::reduce(m_x, Reduce::Mean, {0});
    const Summary expected = summarize(meanOverTime);
    const QJsonObject plane = steps[2].toObject().value(u"result"_s).toObject();
    QCOMPARE(plane.value(u"shape"_s).toArray(), (QJsonArray{37, 72}));
    QCOMPARE(total.value(u"shape"_s).toArray(), QJsonArray());
    QVERIFY(near(plane.value(u"sum"_s).toDouble(), expected.sum, 1e-12));
    QVERIFY(near(plane.value(u"min"_s).toDouble(), expected.min, 1e-12));
    QVERIFY(near(plane.value(u"max"_s).toDouble(), expected.max, 1e-12));
    QVERIFY2(steps[2].toObject().value(u"taskRecords"_s).toArray().size() > 0
                 && steps[2].toObject().value(u"tasks"_s).toInt() > 0,
             "the JSON lists the tasks with their workers and times");
    QCOMPARE(steps[3].toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble(),
             reference::select(m_x, {reference::at(2), reference::at(3), reference::at(4)}).scalar());
    const QJsonObject anomaly = steps[5].toObject();
    QCOMPARE(anomaly.value(u"result"_s).toObject().value(u"array"_s).toString(), u"y"_s);
    QVERIFY2(anomaly.value(u"peerBytes"_s).toInteger() < 1024, "y = x - x.mean() moves no block between workers");

    // --out: one NetCDF file per statement, named by step, with coordinates and units: numbers
    // too, and y, which stays on the workers.
    const QDir outDir(out);
    const QStringList written = outDir.entryList({u"*.nc"_s}, QDir::Files, QDir::Name);
    QCOMPARE(written.size(), 5);
    for (int step = 1; step <= 5; ++step)
        QVERIFY2(written[step - 1].startsWith(u"%1-"_s.arg(step, 2, 10, QLatin1Char('0'))), qPrintable(written.join(u", "_s)));
    const Ref writtenSum = reference::readDecoded(outDir.filePath(written[0]), "result");
    QVERIFY(writtenSum.shape.empty());
    QVERIFY(near(writtenSum.scalar(), sum, 1e-12));

    const QString planeFile = outDir.filePath(written[1]);
    const Ref readPlane = reference::readDecoded(planeFile, "result");
    QCOMPARE(readPlane.shape, meanOverTime.shape);
    const QString difference = reference::mismatch(NdArray::fromVector(readPlane.shape, readPlane.values), meanOverTime, 1e-12);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    QCOMPARE(reference::readDecoded(planeFile, "latitude").values, reference::readDecoded(m_files[0], "latitude").values);
    QCOMPARE(reference::readDecoded(planeFile, "longitude").values, reference::readDecoded(m_files[0], "longitude").values);
    QCOMPARE(reference::textAttribute(planeFile, "result", "units"), std::string("K"));
    QCOMPARE(reference::textAttribute(planeFile, "latitude", "units"), std::string("degrees_north"));

    const QString seriesFile = outDir.filePath(written[3]);
    std::vector<double> times;
    for (const QString &path : std::as_const(m_files)) {
        const Ref time = reference::readDecoded(path, "time");
        times.insert(times.end(), time.values.begin(), time.values.end());
    }
    QCOMPARE(reference::readDecoded(seriesFile, "time").values, times);
    QCOMPARE(reference::textAttribute(seriesFile, "time", "units"), reference::textAttribute(m_files[0], "time", "units"));
    const Ref series = reference::readDecoded(seriesFile, "result");
    QVERIFY(
        reference::mismatch(NdArray::fromVector(series.shape, series.values), reference::reduce(m_x, Reduce::Mean, {1, 2}), 1e-12)
            .isEmpty());

    const Ref anomalyValues = reference::readDecoded(outDir.filePath(written[4]), "y");
    QCOMPARE(anomalyValues.shape, m_x.shape);
    QVERIFY(near(anomalyValues.values.front(), m_x.values.front() - sum / double(m_x.values.size()), 1e-12));
}

void TestCli::headLoadAndRepeats()
{
    const QString json = m_dir.filePath(u"head.json"_s);
    const CliRun run = runCli({u"run"_s, u"--local"_s, u"2"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"--load"_s, u"head"_s,
                               u"--blocks-per-file"_s, u"2"_s, u"--repeat"_s, u"3"_s, u"-e"_s, u"x.max()"_s, u"--json"_s, json});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(file.readAll()).object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 2);
    const QJsonObject load = steps[0].toObject();
    QCOMPARE(load.value(u"clientBytes"_s).toInteger(), reference::countOf(m_x.shape) * 8); // the head sends every block
    for (const QJsonValue &step : steps) {
        const QJsonArray runs = step.toObject().value(u"runs"_s).toArray();
        QCOMPARE(runs.size(), 3);
        double low = runs[0].toDouble(), high = low;
        for (const QJsonValue &seconds : runs) {
            low = std::min(low, seconds.toDouble());
            high = std::max(high, seconds.toDouble());
        }
        const double median = step.toObject().value(u"medianSeconds"_s).toDouble();
        QVERIFY(median >= low && median <= high);
    }
    QCOMPARE(steps[1].toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble(),
             reference::reduce(m_x, Reduce::Max, {0, 1, 2}).scalar());
}

void TestCli::failingStatementKeepsTheOthers()
{
    const CliRun run = runCli({u"run"_s, u"--local"_s, u"1"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"-e"_s,
                               u"x.mean(axis=5)"_s, u"-e"_s, u"x.min()"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"x.mean(axis=5)"_s) && run.err.contains(u"axis 5"_s), qPrintable(describe(run)));
    QVERIFY2(run.out.contains(QString::number(reference::reduce(m_x, Reduce::Min, {0, 1, 2}).scalar(), 'g', 17)),
             qPrintable(u"later statements still run:\n"_s + describe(run)));
}

void TestCli::runsASavedExperiment()
{
    // As the workbench saves it: the load with its layout, then the statements.
    Experiment experiment;
    LoadRequest request;
    request.name = u"t"_s;
    request.files = m_files;
    request.variable = u"t2m"_s;
    request.mode = LoadMode::Head;
    request.blocksPerFile = 2;
    experiment.load = request;
    experiment.statements = QStringList{u"t.sum()"_s, u"m = t.mean(axis=0)"_s};
    const QString file = m_dir.filePath(u"saved.json"_s);
    QVERIFY(saveExperiment(file, experiment).isOk());

    const QString json = m_dir.filePath(u"experiment-run.json"_s);
    const CliRun run =
        runCli({u"run"_s, u"--local"_s, u"2"_s, u"--experiment"_s, file, u"-e"_s, u"m.max()"_s, u"--json"_s, json});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QFile written(json);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(written.readAll()).object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 4); // the load, two saved statements, one more from -e
    QVERIFY2(steps[0].toObject().value(u"step"_s).toString().contains(u"head"_s), "the experiment's load mode is kept");
    QCOMPARE(steps[0].toObject().value(u"tasks"_s).toInt(), 2 * int(m_files.size()));
    QCOMPARE(steps[1].toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble(),
             reference::reduce(m_x, Reduce::Sum, {0, 1, 2}).scalar());
    const Ref mean = reference::reduce(m_x, Reduce::Mean, {0});
    QCOMPARE(steps[3].toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble(),
             *std::max_element(mean.values.begin(), mean.values.end()));

    const CliRun both =
        runCli({u"run"_s, u"--local"_s, u"1"_s, u"--experiment"_s, file, u"--files"_s, glob(), u"--var"_s, u"t2m"_s});
    QCOMPARE(both.exitCode, 2);
    QVERIFY2(both.err.contains(u"--experiment brings its own files"_s), qPrintable(describe(both)));
    const CliRun missing = runCli({u"run"_s, u"--local"_s, u"1"_s, u"--experiment"_s, m_dir.filePath(u"none.json"_s)});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains(u"none.json"_s), qPrintable(describe(missing)));
}

void TestCli::sampleDataCommand()
{
    const QString folder = m_dir.filePath(u"sample"_s);
    const CliRun run =
        runCli({u"sample-data"_s, folder, u"--days"_s, u"2"_s, u"--grid"_s, u"5"_s, u"--start"_s, u"2014-01-02"_s});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QStringList names = QDir(folder).entryList({u"*.nc"_s}, QDir::Files, QDir::Name);
    QCOMPARE(names, (QStringList{u"era-2014-01-02.nc"_s, u"era-2014-01-03.nc"_s}));
    for (const char *variable : {"t2m", "u10", "v10"}) {
        const Ref day = reference::readDecoded(QDir(folder).filePath(names[0]), variable);
        QCOMPARE(day.shape, (Shape{4, 37, 72}));
        QVERIFY(std::none_of(day.values.begin(), day.values.end(), [](double v) { return std::isnan(v); }));
    }
    // The same day as the library writes it: the CLI writes the same files.
    const Ref fromCli = reference::readDecoded(QDir(folder).filePath(names[0]), "t2m");
    const Ref fromLibrary = reference::readDecoded(m_files[1], "t2m");
    QVERIFY(reference::mismatch(NdArray::fromVector(fromCli.shape, fromCli.values), fromLibrary, 0).isEmpty());
    const Ref temperature = reference::readDecoded(QDir(folder).filePath(names[1]), "t2m");
    const auto [low, high] = std::minmax_element(temperature.values.begin(), temperature.values.end());
    QVERIFY2(*low > 180 && *high < 335, "plausible 2-metre temperatures in K");
    QCOMPARE(reference::textAttribute(QDir(folder).filePath(names[1]), "t2m", "units"), std::string("K"));
    QCOMPARE(reference::textAttribute(QDir(folder).filePath(names[1]), "time", "units"),
             std::string("hours since 1900-01-01 00:00:00.0"));
}

void TestCli::helpOfEveryCommand_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("tessera-cli --help") << u"cli"_s << QStringList{u"--help"_s}
                                        << QStringList{u"run"_s, u"bench"_s, u"sample-data"_s};
    QTest::newRow("run --help") << u"cli"_s << QStringList{u"run"_s, u"--help"_s}
                                << QStringList{u"--local"_s, u"--threads"_s,      u"--connect"_s, u"--token-file"_s,
                                               u"--files"_s, u"--var"_s,          u"--load"_s,    u"--blocks-per-file"_s,
                                               u"-e"_s,      u"--expression"_s,   u"--repeat"_s,  u"--json"_s,
                                               u"--out"_s,   u"--memory-limit"_s, u"--listen"_s};
    QTest::newRow("bench --help") << u"cli"_s << QStringList{u"bench"_s, u"--help"_s}
                                  << QStringList{u"--local"_s, u"--days"_s, u"--repeat"_s, u"--json"_s};
    QTest::newRow("sample-data --help") << u"cli"_s << QStringList{u"sample-data"_s, u"--help"_s}
                                        << QStringList{u"DIR"_s, u"--days"_s, u"--start"_s, u"--grid"_s};
    QTest::newRow("tessera-worker --help") << u"worker"_s << QStringList{u"--help"_s}
                                           << QStringList{u"--listen"_s,     u"--threads"_s, u"--memory-limit"_s,
                                                          u"--token-file"_s, u"--connect"_s, u"--name"_s};
}

void TestCli::helpOfEveryCommand()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);
    QProcess process;
    process.start(program == u"cli"_s ? m_cli : m_worker, arguments);
    QVERIFY(process.waitForFinished(cliTimeoutMillis));
    const QString text = QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    for (const QString &mention : mentions)
        QVERIFY2(text.contains(mention), qPrintable(mention + u" is not in:\n"_s + text));
}

void TestCli::errorsExitNonZero_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("workerProgram"); // empty: the built one
    QTest::addColumn<QStringList>("mentions");  // in stderr

    const QString files = glob();
    const QStringList run{u"run"_s, u"--local"_s, u"1"_s, u"--files"_s, files, u"--var"_s, u"t2m"_s};
    const QString unreachable = u"127.0.0.1:%1"_s.arg(closedPort());
    QTest::newRow("no command") << QStringList{} << QString() << QStringList{};
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << QString() << QStringList{u"frobnicate"_s};
    QTest::newRow("run without --files") << QStringList{u"run"_s, u"--var"_s, u"t2m"_s} << QString() << QStringList{u"--files"_s};
    QTest::newRow("empty glob") << QStringList{u"run"_s,   u"--local"_s, u"1"_s, u"--files"_s, m_data.filePath(u"none-*.nc"_s),
                                               u"--var"_s, u"t2m"_s}
                                << QString() << QStringList{u"none-*.nc"_s};
    QTest::newRow("missing variable") << QStringList{u"run"_s, u"--local"_s, u"1"_s, u"--files"_s, files, u"--var"_s, u"t3m"_s}
                                      << QString() << QStringList{u"t3m"_s, u"t2m"_s, u"u10"_s};
    QTest::newRow("syntax error") << run + QStringList{u"-e"_s, u"x.sum("_s} << QString() << QStringList{u"column"_s};
    QTest::newRow("bad --load") << run + QStringList{u"--load"_s, u"disk"_s} << QString() << QStringList{u"disk"_s, u"head"_s};
    QTest::newRow("bad --repeat") << run + QStringList{u"--repeat"_s, u"0"_s} << QString() << QStringList{u"--repeat"_s};
    QTest::newRow("bad --local") << QStringList{u"run"_s, u"--local"_s, u"0"_s, u"--files"_s, files, u"--var"_s, u"t2m"_s}
                                 << QString() << QStringList{u"--local"_s};
    QTest::newRow("two cluster modes") << run + QStringList{u"--connect"_s, unreachable} << QString()
                                       << QStringList{u"--local"_s, u"--connect"_s};
    QTest::newRow("unreachable worker") << QStringList{u"run"_s, u"--connect"_s, unreachable, u"--files"_s,
                                                       files,    u"--var"_s,     u"t2m"_s}
                                        << QString() << QStringList{unreachable};
    QTest::newRow("missing token file")
        << QStringList{u"run"_s,     u"--connect"_s, unreachable, u"--token-file"_s, m_dir.filePath(u"no.token"_s),
                       u"--files"_s, files,          u"--var"_s,  u"t2m"_s}
        << QString() << QStringList{u"no.token"_s, u"head -c 32 /dev/urandom"_s};
    QTest::newRow("worker program missing") << run + QStringList{u"-e"_s, u"x.sum()"_s}
                                            << m_dir.filePath(u"nowhere/tessera-worker"_s)
                                            << QStringList{u"nowhere/tessera-worker"_s, u"TESSERA_WORKER"_s};
    QTest::newRow("sample-data without folder") << QStringList{u"sample-data"_s} << QString() << QStringList{u"folder"_s};
    QTest::newRow("sample-data bad grid") << QStringList{u"sample-data"_s, m_dir.filePath(u"g"_s), u"--grid"_s, u"7"_s}
                                          << QString() << QStringList{u"7"_s};
    QTest::newRow("sample-data bad date") << QStringList{u"sample-data"_s, m_dir.filePath(u"d"_s), u"--start"_s, u"2014-13-01"_s}
                                          << QString() << QStringList{u"2014-13-01"_s, u"YYYY-MM-DD"_s};
}

void TestCli::errorsExitNonZero()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, workerProgram);
    QFETCH(QStringList, mentions);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!workerProgram.isEmpty())
        environment.insert(u"TESSERA_WORKER"_s, workerProgram);
    const CliRun run = runCli(arguments, environment);
    QVERIFY2(run.exitCode > 0 && !run.crashed, qPrintable(describe(run)));
    for (const QString &mention : mentions)
        QVERIFY2(run.err.contains(mention), qPrintable(mention + u" is not named:\n"_s + describe(run)));
}

void TestCli::workersStopWhenTheCliIsStopped_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::addColumn<int>("expectedExit"); // -1: killed, no exit code
    QTest::newRow("Ctrl-C") << int(SIGINT) << 130;
    QTest::newRow("SIGTERM") << int(SIGTERM) << 130;
    QTest::newRow("SIGKILL") << int(SIGKILL) << -1;
}

void TestCli::aSecondSignalEndsACliStuckInTheNetcdfLibrary()
{
    // A file the NetCDF fuzzer found: netCDF-C had not finished opening it after 10 minutes. While
    // the CLI inspects it, its event loop, where the first SIGTERM is handled, does not run.
    QProcess process;
    process.start(m_cli,
                  {u"run"_s, u"--local"_s, u"1"_s, u"--files"_s, QStringLiteral(TESSERA_FUZZ_FINDINGS "/netcdf-endless-open.nc"),
                   u"--var"_s, u"t2m"_s, u"-e"_s, u"x.sum()"_s});
    QVERIFY(process.waitForStarted());
    const auto stop = qScopeGuard([&] { process.kill(); });
    QTRY_COMPARE_WITH_TIMEOUT(integration::liveChildrenRunning(process.processId(), m_worker).size(), 1, 20000);
    QTest::qWait(1000); // into the inspection
    QCOMPARE(::kill(pid_t(process.processId()), SIGTERM), 0);
    QVERIFY2(!process.waitForFinished(2000), "the CLI was not stuck in the NetCDF library: this test shows nothing");
    QCOMPARE(::kill(pid_t(process.processId()), SIGTERM), 0);
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitStatus(), QProcess::CrashExit); // ended by the signal itself
    // cleanup() checks that no worker is left, orphaned or not.
}

void TestCli::workersStopWhenTheCliIsStopped()
{
    QFETCH(int, signalNumber);
    QFETCH(int, expectedExit);
    QProcess process;
    // Runs until stopped: every repeat reloads and re-evaluates.
    process.start(m_cli, {u"run"_s, u"--local"_s, u"2"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"--repeat"_s, u"1000000"_s,
                          u"-e"_s, u"x.std(axis=0)"_s});
    QVERIFY(process.waitForStarted());
    const qint64 cli = process.processId();
    QTRY_COMPARE_WITH_TIMEOUT(integration::liveChildrenRunning(cli, m_worker).size(), 2, 20000);
    QCOMPARE(::kill(pid_t(cli), signalNumber), 0);
    QVERIFY(process.waitForFinished(20000));
    if (expectedExit >= 0) {
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), expectedExit);
        QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(u"workers stopped"_s));
    } else {
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    }
    // cleanup() checks that no worker is left, orphaned or not.
}

// A local worker killed while the CLI evaluates: the statements that needed it fail naming it, the
// exit code says so, and the other worker is stopped (cleanup() checks).
// A worker killed while statements run: the CLI says which was lost, its blocks are made again
// on the other, and every statement still gives the right answer.
void TestCli::workerDyingMidRunIsRecovered()
{
    const QString json = m_dir.filePath(u"recovered.json"_s);
    QStringList arguments{u"run"_s, u"--local"_s, u"2"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"--json"_s, json};
    for (int i = 0; i < 3000; ++i) // seconds of work, so the kill lands while it runs
        arguments << u"-e"_s << u"x.sum()"_s;
    QProcess process;
    QString errors;
    connect(&process, &QProcess::readyReadStandardError, &process,
            [&] { errors += QString::fromUtf8(process.readAllStandardError()); });
    process.start(m_cli, arguments);
    QTRY_VERIFY2_WITH_TIMEOUT(errors.contains(u"blocks on 2 workers"_s) || process.state() == QProcess::NotRunning,
                              qPrintable(errors), 20000);
    const std::vector<qint64> workers = integration::liveChildren(process.processId());
    QCOMPARE(workers.size(), std::size_t(2));
    const QString name = integration::commandLineOf(workers.front()).section(u"--name "_s, 1, 1).section(u' ', 0, 0);
    QVERIFY2(!name.isEmpty(), qPrintable(integration::commandLineOf(workers.front())));
    QCOMPARE(::kill(pid_t(workers.front()), SIGKILL), 0);
    QVERIFY(process.waitForFinished(cliTimeoutMillis));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, qPrintable(errors.left(2000)));
    QVERIFY2(errors.contains(name) && errors.contains(u"lost"_s), qPrintable(name + u" is not named: "_s + errors.left(2000)));
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(file.readAll()).object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), qsizetype(3001));
    const double expected = reference::reduce(m_x, reference::Reduce::Sum, {0, 1, 2}).scalar();
    for (qsizetype i = 1; i < steps.size(); ++i) {
        const double sum = steps[i].toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble();
        QVERIFY2(std::abs(sum - expected) <= 1e-12 * std::abs(expected),
                 qPrintable(u"step %1: %2, not %3"_s.arg(i).arg(sum).arg(expected)));
    }
}

// Workers started by someone else (srun, a service unit): the CLI connects with the token file,
// loads through the head by default, and leaves the workers running when it exits.
void TestCli::connectsToRunningWorkersWithTheirToken()
{
    const QString tokenFile = m_dir.filePath(u"cluster.token"_s);
    QVERIFY(integration::writeTokenFile(tokenFile, "c2VjcmV0IGZvciB0aGUgY2xp"));
    const auto first = integration::startWorker({u"--token-file"_s, tokenFile, u"--name"_s, u"site-a"_s});
    const auto second = integration::startWorker({u"--token-file"_s, tokenFile, u"--name"_s, u"site-b"_s});
    QVERIFY2(first->error.isEmpty() && second->error.isEmpty(), qPrintable(first->error + second->error));
    const QString addresses = first->address + u","_s + second->address;
    const QString json = m_dir.filePath(u"remote.json"_s);

    CliRun run = runCli({u"run"_s, u"--connect"_s, addresses, u"--token-file"_s, tokenFile, u"--files"_s, glob(), u"--var"_s,
                         u"t2m"_s, u"-e"_s, u"x.mean(axis=(1,2))"_s, u"--json"_s, json});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QFile written(json);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(written.readAll()).object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 2);
    QVERIFY(steps[0].toObject().value(u"step"_s).toString().contains(u"head"_s));
    QCOMPARE(steps[0].toObject().value(u"clientBytes"_s).toInteger(), reference::countOf(m_x.shape) * 8);
    const Summary expected = summarize(reference::reduce(m_x, Reduce::Mean, {1, 2}));
    QVERIFY(near(steps[1].toObject().value(u"result"_s).toObject().value(u"sum"_s).toDouble(), expected.sum, 1e-12));

    // What the run loaded is not left behind in the workers' memory, where nobody can name it.
    ClusterSession later;
    QVERIFY(
        integration::finishWithin(later.connectToWorkers({first->address, second->address}, "c2VjcmV0IGZvciB0aGUgY2xp")).isOk());
    const std::vector<std::int64_t> used = integration::memoryUsed(later);
    QStringList held;
    for (std::size_t i = 0; i < used.size(); ++i) {
        if (used[i] != 0)
            held << u"%1 holds %2 bytes"_s.arg(later.workers()[i].name).arg(used[i]);
    }
    QVERIFY2(held.isEmpty(), qPrintable(u"after the CLI exited, "_s + held.join(u", "_s)));

    run = runCli({u"run"_s, u"--connect"_s, addresses, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"-e"_s, u"x.sum()"_s});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"wrong token"_s) && run.err.contains(u"--token-file"_s), qPrintable(describe(run)));
    QCOMPARE(first->process->state(), QProcess::Running);
    QCOMPARE(second->process->state(), QProcess::Running);
}

// --listen: the CLI says where to dial, a worker started with --connect there dials in and
// serves the run, and exits when the CLI is done with it. Workers must be told the port before
// the CLI listens, so this takes one the kernel just handed out and took back.
void TestCli::listensForWorkersThatDialBack()
{
    const QString address = u"127.0.0.1:%1"_s.arg(closedPort());
    QProcess cli;
    QString errors;
    connect(&cli, &QProcess::readyReadStandardError, &cli, [&] { errors += QString::fromUtf8(cli.readAllStandardError()); });
    cli.start(m_cli, {u"run"_s, u"--listen"_s, address, u"--expect"_s, u"1"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s,
                      u"-e"_s, u"x.max()"_s});
    auto stopCli = qScopeGuard([&cli] {
        cli.kill();
        cli.waitForFinished(5000);
    });
    QTRY_VERIFY2_WITH_TIMEOUT(errors.contains(u"--connect "_s + address) || cli.state() == QProcess::NotRunning,
                              qPrintable(errors), 20000);
    QVERIFY2(errors.contains(u"--connect "_s + address), qPrintable(errors));

    const auto worker = integration::startWorker({u"--connect"_s, address});
    QVERIFY2(worker->error.isEmpty(), qPrintable(worker->error));
    QVERIFY(cli.waitForFinished(cliTimeoutMillis));
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QCOMPARE(cli.exitCode(), 0);
    QVERIFY2(out.contains(QString::number(reference::reduce(m_x, Reduce::Max, {0, 1, 2}).scalar(), 'g', 17)), qPrintable(out));
    QVERIFY2(worker->process->waitForFinished(10000), "a worker that dialed in exits when the CLI is gone");
}

// Port 0 means "any free port" for tessera-worker --listen; for the CLI's --listen it must then
// say which port it got, since the workers have to be told.
void TestCli::listenOnPortZeroSaysWhereItListens()
{
    QProcess cli;
    QString errors;
    connect(&cli, &QProcess::readyReadStandardError, &cli, [&] { errors += QString::fromUtf8(cli.readAllStandardError()); });
    cli.start(m_cli,
              {u"run"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--files"_s, glob(), u"--var"_s, u"t2m"_s, u"-e"_s, u"x.max()"_s});
    auto stopCli = qScopeGuard([&cli] {
        cli.kill();
        cli.waitForFinished(5000);
    });
    static const QRegularExpression hint(u"--connect 127\\.0\\.0\\.1:([1-9]\\d*)"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(hint.match(errors).hasMatch() || cli.state() == QProcess::NotRunning, qPrintable(errors), 20000);
    QVERIFY2(hint.match(errors).hasMatch(), qPrintable(u"no port to give the workers: "_s + errors.trimmed()));
}

void TestCli::benchMeasuresTheLinksToRunningWorkers()
{
    const QString tokenFile = m_dir.filePath(u"bench.token"_s);
    QVERIFY(integration::writeTokenFile(tokenFile, "bench-token"));
    const auto first = integration::startWorker({u"--token-file"_s, tokenFile, u"--threads"_s, u"1"_s});
    const auto second = integration::startWorker({u"--token-file"_s, tokenFile, u"--threads"_s, u"2"_s});
    QVERIFY2(first->error.isEmpty() && second->error.isEmpty(), qPrintable(first->error + second->error));
    const QString json = m_dir.filePath(u"bench.json"_s);
    const CliRun run = runCli({u"bench"_s, u"--connect"_s, first->address + u',' + second->address, u"--token-file"_s, tokenFile,
                               u"--days"_s, u"2"_s, u"--grid"_s, u"5"_s, u"--repeat"_s, u"1"_s, u"--data"_s,
                               m_dir.filePath(u"bench-data"_s), u"--json"_s, json});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    // One measured link per worker, and the steps held against links, not loopback.
    QCOMPARE(run.out.count(u"link to "_s), 2);
    QVERIFY2(run.out.contains(u"plane / link bandwidth"_s) && !run.out.contains(u"loopback bandwidth"_s), qPrintable(run.out));
    QFile written(json);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonObject bench = QJsonDocument::fromJson(written.readAll()).object();
    const QJsonObject network = bench.value(u"network"_s).toObject();
    QCOMPARE(network.value(u"name"_s).toString(), u"link"_s);
    QVERIFY(network.value(u"bytesPerSecond"_s).toDouble() > 0 && network.value(u"roundTripSeconds"_s).toDouble() > 0);
    QCOMPARE(bench.value(u"steps"_s).toArray().size(), 10);
    // Each worker timed its own memory, all threads at once; memory-bound steps are held against that.
    QCOMPARE(run.out.count(u"memory of "_s), 2);
    QVERIFY2(run.out.contains(u"bytes / the workers' writing bandwidth, all at once"_s), qPrintable(run.out)); // the load
    QVERIFY2(run.out.contains(u"(1 thread, a buffer of "_s) && run.out.contains(u"(2 threads, a buffer of "_s),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(u"bytes / the workers' summing bandwidth, all at once"_s), qPrintable(run.out));
    const QJsonObject cluster = bench.value(u"clusterMemory"_s).toObject();
    QVERIFY(cluster.value(u"readBytesPerSecond"_s).toDouble() > 0 && cluster.value(u"writeBytesPerSecond"_s).toDouble() > 0);
    // The scratch blocks of the measurement are gone from the workers.
    ClusterSession later;
    QVERIFY(integration::finishWithin(later.connectToWorkers({first->address, second->address}, "bench-token")).isOk());
    for (const std::int64_t used : integration::memoryUsed(later))
        QCOMPARE(used, std::int64_t(0));
}

// The experiment's full size on one machine: x fits, a second array as large does not. The steps
// that fit still run and are reported; the others say why they did not.
void TestCli::benchReportsAStepTooLargeForTheWorkersAndGoesOn()
{
    // 8 days on a 5-degree grid: 32 x 37 x 72 float64 = 682 kB, 341 kB per worker. The plane
    // reductions need 171 kB (mean) and 256 kB (std) beside it, y another 341 kB.
    const QString tokenFile = m_dir.filePath(u"small.token"_s);
    QVERIFY(integration::writeTokenFile(tokenFile, "small-token"));
    const QStringList options{u"--token-file"_s, tokenFile, u"--memory-limit"_s, u"620K"_s};
    const auto first = integration::startWorker(options);
    const auto second = integration::startWorker(options);
    QVERIFY2(first->error.isEmpty() && second->error.isEmpty(), qPrintable(first->error + second->error));
    const QString json = m_dir.filePath(u"small.json"_s);
    const CliRun run = runCli({u"bench"_s, u"--connect"_s, first->address + u',' + second->address, u"--token-file"_s, tokenFile,
                               u"--days"_s, u"8"_s, u"--grid"_s, u"5"_s, u"--repeat"_s, u"2"_s, u"--data"_s,
                               m_dir.filePath(u"small-data"_s), u"--json"_s, json});
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.contains(u"refused: 'y = x - x.mean()' needs"_s) && run.out.contains(u"--memory-limit"_s),
             qPrintable(run.out));
    QFile written(json);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(written.readAll()).object().value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 10);
    QStringList refused;
    for (const QJsonValue &step : steps) {
        const QJsonObject object = step.toObject();
        if (object.contains(u"refused"_s)) {
            refused << object.value(u"step"_s).toString();
            QVERIFY(object.value(u"runs"_s).toArray().isEmpty());
        } else {
            QCOMPARE(object.value(u"runs"_s).toArray().size(), 2);
        }
    }
    QVERIFY2(refused == (QStringList{u"y = x - x.mean()"_s, u"r = x.rechunk(time=-1, latitude=8)"_s}),
             qPrintable(refused.join(u" | "_s)));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
