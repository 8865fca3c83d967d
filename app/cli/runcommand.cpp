// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/runcommand.h"

#include "app/cli/clustersetup.h"
#include "app/cli/commandline.h"
#include "app/cli/steprunner.h"
#include "app/common/unixsignals.h"
#include "core/bytesize.h"
#include "core/io/filediscovery.h"
#include "core/io/netcdfwriter.h"
#include "net/session/experiment.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>
#include <limits>
#include <memory>

namespace tessera::cli {
namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(message));
}

// The options of `run` beside the cluster's.
struct RunOptions
{
    QCommandLineOption files{QStringLiteral("files"),
                             QStringLiteral("NetCDF files or Zarr stores: a file, a store, a folder or a glob. ")
                                 + fileDiscoveryRule(),
                             QStringLiteral("PATH")};
    QCommandLineOption variable{QStringLiteral("var"), QStringLiteral("Variable to load (group/var inside groups)."),
                                QStringLiteral("NAME")};
    QCommandLineOption name{QStringLiteral("name"), QStringLiteral("Name of the loaded array (default x)."),
                            QStringLiteral("NAME"), QStringLiteral("x")};
    QCommandLineOption load{
        QStringLiteral("load"),
        QStringLiteral("head: this program reads the files and sends the blocks; workers: each worker reads its "
                       "own files from a shared path (default for --local)."),
        QStringLiteral("head|workers")};
    QCommandLineOption blocksPerFile{QStringLiteral("blocks-per-file"),
                                     QStringLiteral("Split each file into N blocks (default 1)."), QStringLiteral("N"),
                                     QStringLiteral("1")};
    QCommandLineOption experiment{
        QStringLiteral("experiment"),
        QStringLiteral("Run a saved experiment (the workbench's File > Save experiment): its load, then its "
                       "statements, then any -e given here."),
        QStringLiteral("FILE")};
    QCommandLineOption expression{{QStringLiteral("e"), QStringLiteral("expression")},
                                  QStringLiteral("Statement to evaluate; repeatable."),
                                  QStringLiteral("EXPR")};
    QCommandLineOption repeat{QStringLiteral("repeat"),
                              QStringLiteral("Run each step K times and report the median (default 1)."), QStringLiteral("K"),
                              QStringLiteral("1")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("Also write the figures as JSON (shape as a list of integers, NaN as null)."),
                            QStringLiteral("FILE")};
    QCommandLineOption save{QStringLiteral("save"),
                            QStringLiteral("After the statements, write array NAME as a Zarr store at PATH, each worker "
                                           "writing its own blocks (as the statement save(NAME, 'PATH'); options such as "
                                           "format='v3' go in such a statement); repeatable."),
                            QStringLiteral("NAME=PATH")};
    QCommandLineOption out{QStringLiteral("out"),
                           QStringLiteral("Write each statement's result (a number too, and an array kept on the workers) as "
                                          "a NetCDF file with its coordinates and units into DIR."),
                           QStringLiteral("DIR")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({files, variable, name, load, blocksPerFile, experiment, expression, save, repeat, json, out});
    }
};

Result<LoadMode> loadMode(const QCommandLineParser &parser, const RunOptions &options, LoadMode fallback)
{
    if (!parser.isSet(options.load))
        return fallback;
    const QString mode = parser.value(options.load);
    if (mode != QLatin1String("head") && mode != QLatin1String("workers"))
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("--load %1: use head or workers").arg(mode));
    return mode == QLatin1String("head") ? LoadMode::Head : LoadMode::Workers;
}

// What to run: a saved experiment, or the load and statements the options name.
Result<Experiment> experimentFrom(const QCommandLineParser &parser, const RunOptions &options, bool remote)
{
    Experiment experiment;
    if (parser.isSet(options.experiment)) {
        if (parser.isSet(options.files) || parser.isSet(options.variable))
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("--experiment brings its own files and variable; drop --files and --var"));
        Result<Experiment> opened = openExperiment(parser.value(options.experiment));
        TESSERA_RETURN_IF_ERROR(opened);
        experiment = std::move(*opened);
        if (experiment.load) {
            Result<LoadMode> mode = loadMode(parser, options, experiment.load->mode);
            TESSERA_RETURN_IF_ERROR(mode);
            experiment.load->mode = *mode;
        }
    } else {
        if (!parser.isSet(options.files) || !parser.isSet(options.variable))
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("run needs --files PATH and --var NAME, or --experiment FILE; "
                                            "see tessera-cli run --help"));
        LoadRequest request;
        request.name = parser.value(options.name);
        request.variable = parser.value(options.variable);
        request.blocksPerFile = std::max(1, parser.value(options.blocksPerFile).toInt());
        Result<LoadMode> mode = loadMode(parser, options, remote ? LoadMode::Head : LoadMode::Workers);
        TESSERA_RETURN_IF_ERROR(mode);
        request.mode = *mode;
        Result<QStringList> files = discoverFiles(parser.value(options.files));
        TESSERA_RETURN_IF_ERROR(files);
        request.files = *files;
        experiment.load = request;
    }
    experiment.statements << parser.values(options.expression);
    for (const QString &save : parser.values(options.save)) {
        const QString name = save.section(u'=', 0, 0).trimmed();
        const QString path = save.section(u'=', 1);
        if (name.isEmpty() || path.isEmpty() || path.contains(u'\'') || path.contains(u'"'))
            return makeError(
                ErrorCode::InvalidArgument,
                QStringLiteral("--save %1: give NAME=PATH, as in --save clim=/data/clim.zarr (a path without quotes)").arg(save));
        experiment.statements << QStringLiteral("save(%1, '%2')").arg(name, path);
    }
    return experiment;
}

Status writeJson(const QString &path, const std::vector<StepRecord> &steps)
{
    QJsonArray rows;
    for (const StepRecord &step : steps)
        rows.append(step.toJson());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("steps"), rows}}).toJson());
    return Status::ok();
}

// A result the workers keep is fetched whole to be written: --out asked for it.
Result<NdArray> fetchStored(ClusterSession &session, const QString &name)
{
    const std::int64_t limit = session.resultLimitBytes();
    session.setResultLimitBytes(std::numeric_limits<std::int64_t>::max());
    std::unique_ptr<Operation> operation(session.evaluate(name));
    const Status status = waitForOperation(operation.get());
    session.setResultLimitBytes(limit);
    TESSERA_RETURN_IF_ERROR(status);
    return operation->result().value;
}

// Statement `index`'s result as DIR/NN-<statement>.nc, with its coordinates and units.
Status writeResult(ClusterSession &session, const QString &directory, std::size_t index, const StepRecord &step)
{
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create output folder %1").arg(directory));
    const EvaluationResult &result = step.result;
    if (!result.saved.isEmpty())
        return Status::ok(); // the store is its file
    NdArray value = result.value;
    if (!result.gathered) {
        Result<NdArray> fetched = fetchStored(session, result.arrayName);
        TESSERA_RETURN_IF_ERROR(fetched);
        value = std::move(*fetched);
    }
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.-]+"));
    QString stem = step.label;
    stem.replace(unsafe, QStringLiteral("_"));
    const QString path =
        QDir(directory).filePath(QStringLiteral("%1-%2.nc").arg(index, 2, 10, QLatin1Char('0')).arg(stem.left(60)));
    std::vector<NamedArray> arrays{{result.meta, value}};
    if (arrays.front().meta.name.isEmpty())
        arrays.front().meta.name = QStringLiteral("result");
    for (const EvaluationResult::Companion &companion : result.companions)
        arrays.push_back({companion.meta, companion.value});
    TESSERA_RETURN_IF_ERROR(writeArrays(path, arrays));
    std::fprintf(stderr, "wrote %s\n", qPrintable(path));
    return Status::ok();
}

Result<StepRecord> runLoad(ClusterSession &session, const LoadRequest &request, int repeats)
{
    const QString mode = request.mode == LoadMode::Head ? QStringLiteral("head") : QStringLiteral("workers");
    Result<StepRecord> step =
        runStep(QStringLiteral("load %1 (%2, %3 files)").arg(request.variable, mode).arg(request.files.size()), repeats, [&] {
            session.removeArray(request.name);
            return session.load(request);
        });
    TESSERA_RETURN_IF_ERROR(step);
    const ArrayInfo *loaded = session.array(request.name);
    std::fprintf(stderr, "%s = %s float64 (%s), %lld blocks on %zu workers\n", qPrintable(request.name),
                 qPrintable(shapeToString(loaded->meta.shape)), qPrintable(formatBytes(loaded->meta.byteSize())),
                 static_cast<long long>(loaded->layout.chunks.blockCount()), session.workers().size());
    return step;
}

// The load, then every statement; a failed statement is reported and the rest still run. With
// `outDirectory`, each statement's result is written there as it comes (a later statement may
// replace an array an earlier one named).
int runExperiment(ClusterSession &session, const Experiment &experiment, int repeats, const QString &outDirectory,
                  std::vector<StepRecord> &steps)
{
    if (experiment.load) {
        Result<StepRecord> loaded = runLoad(session, *experiment.load, repeats);
        if (!loaded.isOk()) {
            printError(loaded.status().message());
            return 1;
        }
        steps.push_back(std::move(*loaded));
    }
    int exitCode = 0;
    std::size_t number = experiment.load ? 1 : 0; // files are numbered as the steps, failed ones too
    for (const QString &text : experiment.statements) {
        const std::size_t stepNumber = number++;
        Result<StepRecord> step = runStep(text, repeats, [&] { return session.evaluate(text); });
        if (!step.isOk()) {
            printError(QStringLiteral("%1: %2").arg(text, step.status().message()));
            exitCode = 1;
            continue;
        }
        if (!outDirectory.isEmpty()) {
            if (const Status written = writeResult(session, outDirectory, stepNumber, *step); !written.isOk()) {
                printError(written.message());
                exitCode = 1;
            }
        }
        steps.push_back(std::move(*step));
    }
    return exitCode;
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Load one variable from NetCDF files into worker memory as one array, stacked along the first dimension, "
                       "and evaluate expressions on it.\n"
                       "Example: tessera-cli run --local 2 --files 'data/*.nc' --var t2m -e 'x.mean(axis=0)' -e 'x.sum()'"));
    parser.addHelpOption();
    ClusterOptions clusterOptions;
    clusterOptions.addTo(parser);
    RunOptions options;
    options.addTo(parser);
    processCommandLine(parser, arguments);

    bool ok = true;
    const int repeats = parser.value(options.repeat).toInt(&ok);
    if (!ok || repeats < 1) {
        printError(QStringLiteral("--repeat %1 is not a positive number").arg(parser.value(options.repeat)));
        return 2;
    }
    const bool remote =
        parser.isSet(clusterOptions.connect) || parser.isSet(clusterOptions.listen) || parser.isSet(clusterOptions.slurm);
    const Result<Experiment> experiment = experimentFrom(parser, options, remote);
    if (!experiment.isOk()) {
        printError(experiment.status().message());
        return experiment.status().code() == ErrorCode::InvalidArgument ? 2 : 1;
    }

    // Local workers stop when this function returns, on Ctrl-C too (the signal ends the wait).
    LocalCluster local;
    ClusterSession session;
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::interrupted, &session, [&] {
        local.stop();
        session.stopLaunchedWorkers();
        std::fprintf(stderr, "tessera-cli: interrupted; workers stopped\n");
        std::_Exit(130);
    });
    QObject::connect(&session, &ClusterSession::workerLost, &session, [](int, const QString &message) { printError(message); });
    if (Status status = setUpCluster(parser, clusterOptions, 2, local, session); !status.isOk()) {
        printError(status.message());
        return 1;
    }

    std::vector<StepRecord> steps;
    const QString outDirectory = parser.isSet(options.out) ? parser.value(options.out) : QString();
    int exitCode = runExperiment(session, *experiment, repeats, outDirectory, steps);
    std::fputs(qPrintable(formatTable(steps)), stdout);
    std::fflush(stdout);
    const Status json = parser.isSet(options.json) ? writeJson(parser.value(options.json), steps) : Status::ok();
    if (!json.isOk()) {
        printError(json.message());
        exitCode = 1;
    }
    return exitCode;
}

} // namespace tessera::cli
