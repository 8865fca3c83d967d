#include "app/cli/runcommand.h"

#include "app/cli/clustersetup.h"
#include "app/cli/steprunner.h"

#include "core/io/filediscovery.h"
#include "core/io/netcdfwriter.h"
#include "core/bytesize.h"
#include "app/common/unixsignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>

namespace tessera::cli {
namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(message));
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

Status writeResults(const QString &directory, const std::vector<StepRecord> &steps)
{
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create output folder %1").arg(directory));
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.-]+"));
    for (std::size_t index = 0; index < steps.size(); ++index) {
        const EvaluationResult &result = steps[index].result;
        if (!result.gathered || result.value.rank() == 0)
            continue;
        QString stem = steps[index].label;
        stem.replace(unsafe, QStringLiteral("_"));
        const QString path = QDir(directory).filePath(QStringLiteral("%1-%2.nc").arg(index, 2, 10, QLatin1Char('0')).arg(stem.left(60)));
        ArrayMeta meta = result.meta;
        if (meta.name.isEmpty())
            meta.name = QStringLiteral("result");
        TESSERA_RETURN_IF_ERROR(writeArray(path, meta, result.value));
        std::fprintf(stderr, "wrote %s\n", qPrintable(path));
    }
    return Status::ok();
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load one variable from NetCDF files into worker memory as one array, stacked along the first dimension, "
        "and evaluate expressions on it.\n"
        "Example: tessera-cli run --local 2 --files 'data/*.nc' --var t2m -e 'x.mean(axis=0)' -e 'x.sum()'"));
    parser.addHelpOption();
    ClusterOptions clusterOptions;
    clusterOptions.addTo(parser);
    QCommandLineOption files(QStringLiteral("files"), QStringLiteral("NetCDF files: a file, a folder or a glob. ") + fileDiscoveryRule(), QStringLiteral("PATH"));
    QCommandLineOption variable(QStringLiteral("var"), QStringLiteral("Variable to load (group/var inside groups)."), QStringLiteral("NAME"));
    QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Name of the loaded array (default x)."), QStringLiteral("NAME"), QStringLiteral("x"));
    QCommandLineOption load(QStringLiteral("load"),
                            QStringLiteral("head: this program reads the files and sends the blocks; workers: each worker reads its "
                                           "own files from a shared path (default for --local)."),
                            QStringLiteral("head|workers"));
    QCommandLineOption blocksPerFile(QStringLiteral("blocks-per-file"), QStringLiteral("Split each file into N blocks (default 1)."),
                                     QStringLiteral("N"), QStringLiteral("1"));
    QCommandLineOption expression({QStringLiteral("e"), QStringLiteral("expression")}, QStringLiteral("Statement to evaluate; repeatable."),
                                  QStringLiteral("EXPR"));
    QCommandLineOption repeat(QStringLiteral("repeat"), QStringLiteral("Run each step K times and report the median (default 1)."),
                              QStringLiteral("K"), QStringLiteral("1"));
    QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Also write the figures as JSON."), QStringLiteral("FILE"));
    QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Write each array result as a NetCDF file into DIR."), QStringLiteral("DIR"));
    parser.addOptions({files, variable, name, load, blocksPerFile, expression, repeat, json, out});
    parser.process(arguments);

    if (!parser.isSet(files) || !parser.isSet(variable)) {
        printError(QStringLiteral("run needs --files GLOB and --var NAME; see tessera-cli run --help"));
        return 2;
    }
    bool ok = true;
    const int repeats = parser.value(repeat).toInt(&ok);
    if (!ok || repeats < 1) {
        printError(QStringLiteral("--repeat %1 is not a positive number").arg(parser.value(repeat)));
        return 2;
    }
    LoadRequest request;
    request.name = parser.value(name);
    request.variable = parser.value(variable);
    request.blocksPerFile = std::max(1, parser.value(blocksPerFile).toInt());
    const bool remote = parser.isSet(clusterOptions.connect) || parser.isSet(clusterOptions.listen);
    const QString mode = parser.isSet(load) ? parser.value(load) : (remote ? QStringLiteral("head") : QStringLiteral("workers"));
    if (mode != QLatin1String("head") && mode != QLatin1String("workers")) {
        printError(QStringLiteral("--load %1: use head or workers").arg(mode));
        return 2;
    }
    request.mode = mode == QLatin1String("head") ? LoadMode::Head : LoadMode::Workers;

    auto expanded = discoverFiles(parser.value(files));
    if (!expanded.isOk()) {
        printError(expanded.status().message());
        return 1;
    }
    request.files = *expanded;

    // Local workers stop when this function returns, on Ctrl-C too (the signal ends the wait).
    LocalCluster local;
    ClusterSession session;
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::interrupted, &session, [&] {
        local.stop();
        std::fprintf(stderr, "tessera-cli: interrupted; local workers stopped\n");
        std::_Exit(130);
    });
    QObject::connect(&session, &ClusterSession::workerLost, &session, [](int, const QString &message) { printError(message); });

    if (Status status = setUpCluster(parser, clusterOptions, 2, local, session); !status.isOk()) {
        printError(status.message());
        return 1;
    }

    std::vector<StepRecord> steps;
    auto loadStep = runStep(QStringLiteral("load %1 (%2, %3 files)").arg(request.variable, mode).arg(request.files.size()), repeats, [&] {
        session.removeArray(request.name);
        return session.load(request);
    });
    if (!loadStep.isOk()) {
        printError(loadStep.status().message());
        return 1;
    }
    const ArrayInfo *loaded = session.array(request.name);
    std::fprintf(stderr, "%s = %s float64 (%s), %lld blocks on %zu workers\n", qPrintable(request.name), qPrintable(shapeToString(loaded->meta.shape)),
                 qPrintable(formatBytes(loaded->meta.byteSize())), static_cast<long long>(loaded->layout.chunks.blockCount()),
                 session.workers().size());
    steps.push_back(std::move(*loadStep));

    int exitCode = 0;
    for (const QString &text : parser.values(expression)) {
        auto step = runStep(text, repeats, [&] { return session.evaluate(text); });
        if (!step.isOk()) {
            printError(QStringLiteral("%1: %2").arg(text, step.status().message()));
            exitCode = 1;
            continue; // the session keeps working: later statements still run
        }
        steps.push_back(std::move(*step));
    }
    std::fputs(qPrintable(formatTable(steps)), stdout);
    std::fflush(stdout);

    if (parser.isSet(json)) {
        if (Status status = writeJson(parser.value(json), steps); !status.isOk()) {
            printError(status.message());
            exitCode = 1;
        }
    }
    if (parser.isSet(out)) {
        if (Status status = writeResults(parser.value(out), steps); !status.isOk()) {
            printError(status.message());
            exitCode = 1;
        }
    }
    return exitCode;
}

} // namespace tessera::cli
