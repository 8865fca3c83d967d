// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/benchcommand.h"

#include "app/cli/clusterlimits.h"
#include "app/cli/commandline.h"
#include "app/cli/machinelimits.h"
#include "app/cli/steprunner.h"
#include "app/cli/zarrbench.h"
#include "app/common/unixsignals.h"
#include "core/bytesize.h"
#include "core/io/sampledata.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/session/localcluster.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace tessera::cli {
namespace {

struct BenchSettings
{
    SampleDataOptions sample;
    int workers = 2;
    int threadsPerWorker = 1;
    int repeats = 3;
    double pauseSeconds = 0; // after every run, as a user reading the result before the next step
    QString directory;
    QString jsonPath;      // empty: no JSON
    QStringList connect;   // workers started elsewhere; empty: local ones
    QString zarrDirectory; // --zarr: where the Zarr steps write their store; empty: no Zarr steps
    QString tokenFile;     // theirs
    bool remote() const { return !connect.isEmpty(); }
};

// One seed statement and the machine limit it is held against.
struct SeedStep
{
    QString text;
    double limitSeconds;
    QString basis;
};

Result<BenchSettings> parseBench(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The seed experiment (a stack of daily ERA-Interim-like files; head and worker loads; x[0,0,0], x[100,:,:], x.sum(), "
        "x.mean(axis=(1,2)), x.mean(axis=0), y = x - x.mean(), x.std(axis=0), then a rechunk to whole time) on local workers, "
        "each step beside this "
        "machine's limits measured in the same run: memory bandwidth, loopback TCP bandwidth and round trip."));
    parser.addHelpOption();
    const QCommandLineOption local(QStringLiteral("local"), QStringLiteral("Local workers (default 2)."), QStringLiteral("N"),
                                   QStringLiteral("2"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Threads per worker (default 1)."),
                                     QStringLiteral("T"), QStringLiteral("1"));
    const QCommandLineOption days(QStringLiteral("days"), QStringLiteral("Days of sample data (default 90: 3.0 GB as float64)."),
                                  QStringLiteral("D"), QStringLiteral("90"));
    const QCommandLineOption grid(QStringLiteral("grid"), QStringLiteral("Grid spacing in degrees (default 0.25)."),
                                  QStringLiteral("DEG"), QStringLiteral("0.25"));
    const QCommandLineOption repeat(
        QStringLiteral("repeat"),
        QStringLiteral("Runs per step; the first run and the median of the reruns are reported (default 3)."),
        QStringLiteral("K"), QStringLiteral("3"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Folder for the sample data (default: the user cache folder)."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Also write the figures as JSON."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption pause(
        QStringLiteral("pause"),
        QStringLiteral("Seconds to wait after every run, as a user reading the result before typing the next statement "
                       "(default 0: back to back)."),
        QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption connect(
        QStringLiteral("connect"),
        QStringLiteral("Run on workers listening at HOST:PORT[,...] instead of local ones; --data must then be a "
                       "folder they read too. The limits are then the measured links to them, and the threads the "
                       "workers report."),
        QStringLiteral("ADDRESSES"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("The --connect workers' token file."),
                                       QStringLiteral("F"));
    const QCommandLineOption zarr(
        QStringLiteral("zarr"),
        QStringLiteral("Also save the array as a Zarr v3 store with zstd in DIR (each worker writing its "
                       "own chunks) and load it back, beside DIR's file speed and zstd's on one thread."),
        QStringLiteral("DIR"));
    parser.addOptions({local, threads, days, grid, repeat, pause, data, json, connect, tokenFile, zarr});
    processCommandLine(parser, arguments);

    BenchSettings settings;
    settings.sample.days = parser.value(days).toInt();
    settings.sample.gridDegrees = parser.value(grid).toDouble();
    settings.workers = parser.value(local).toInt();
    settings.threadsPerWorker = parser.value(threads).toInt();
    settings.repeats = parser.value(repeat).toInt();
    bool pauseOk = false;
    settings.pauseSeconds = parser.value(pause).toDouble(&pauseOk);
    if (settings.sample.days < 1 || settings.sample.gridDegrees <= 0 || settings.workers < 1 || settings.threadsPerWorker < 1
        || settings.repeats < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--days, --grid, --local, --threads and --repeat take positive numbers"));
    if (!pauseOk || settings.pauseSeconds < 0 || settings.pauseSeconds > 3600)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("--pause takes seconds from 0 to 3600, e.g. --pause 5"));
    settings.directory =
        parser.isSet(data)
            ? parser.value(data)
            : QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
                  + QStringLiteral("/tessera/sample-%1d-%2").arg(settings.sample.days).arg(settings.sample.gridDegrees);
    settings.jsonPath = parser.value(json);
    settings.zarrDirectory = parser.value(zarr);
    if (parser.isSet(connect)) {
        Result<QStringList> addresses = parseHostPortList(parser.value(connect));
        if (!addresses.isOk())
            return addresses.status().withContext(QStringLiteral("--connect"));
        settings.connect = *addresses;
        settings.workers = int(settings.connect.size());
        settings.tokenFile = parser.value(tokenFile);
    }
    return settings;
}

MachineLimits measureAndPrintLimits()
{
    std::fprintf(stderr, "measuring this machine's limits...\n");
    const MachineLimits limits = measureMachineLimits();
    std::printf("machine: memory read %.1f GB/s, write %.1f GB/s, first touch of fresh pages %.2f GB/s (one thread); "
                "loopback TCP %.2f GB/s, round trip %.1f us\n",
                limits.memoryReadBytesPerSecond / 1e9, limits.memoryWriteBytesPerSecond / 1e9,
                limits.freshMemoryBytesPerSecond / 1e9, limits.loopbackBytesPerSecond / 1e9,
                limits.loopbackRoundTripSeconds * 1e6);
    return limits;
}

// The event loop runs meanwhile, as it does while a user reads a result.
void pauseFor(double seconds)
{
    if (seconds <= 0)
        return;
    QEventLoop idle;
    QTimer::singleShot(int(seconds * 1000), &idle, &QEventLoop::quit);
    idle.exec();
}

Status runLoads(ClusterSession &session, LoadRequest &request, const ClusterMemory &memory, const Network &network,
                const BenchSettings &settings, std::vector<BenchRow> &rows)
{
    for (const LoadMode mode : {LoadMode::Head, LoadMode::Workers}) {
        request.mode = mode;
        const QString label = mode == LoadMode::Head ? QStringLiteral("load (head)") : QStringLiteral("load (workers)");
        Result<StepRecord> step = runStep(
            label, settings.repeats,
            [&] {
            session.removeArray(request.name);
            return session.load(request);
            },
            [&] { pauseFor(settings.pauseSeconds); });
        TESSERA_RETURN_IF_ERROR(step);
        const double bytes = double(session.array(request.name)->meta.byteSize());
        BenchRow row{std::move(*step), 0, {}, {}};
        if (mode == LoadMode::Head) {
            row.limitSeconds = bytes / network.bytesPerSecond;
            row.limitBasis = QStringLiteral("bytes / %1 bandwidth").arg(network.name);
        } else {
            row.limitSeconds = bytes / memory.writeBytesPerSecond;
            row.limitBasis = memory.writeBasis;
        }
        rows.push_back(std::move(row));
    }
    return Status::ok();
}

// The kernel threads of all workers, as they report them.
double totalThreads(const ClusterSession &session)
{
    double threads = 0;
    for (const WorkerInfo &worker : session.workers())
        threads += worker.threads;
    return std::max(1.0, threads);
}

std::vector<SeedStep> seedSteps(const ArrayInfo &x, const MachineLimits &limits, const Network &network,
                                const BenchSettings &settings, const ClusterMemory &memory)
{
    const double arrayBytes = double(x.meta.byteSize());
    const std::int64_t plane = std::min<std::int64_t>(100, x.meta.shape[0] - 1);
    const double planeBytes = arrayBytes / double(x.meta.shape[0]);
    const double workers = settings.workers;
    const double readSeconds = arrayBytes / memory.readBytesPerSecond;
    const QString &readBasis = memory.readBasis;
    // Over links, a reduction to a plane moves at least (workers - 1) / workers of a partial's
    // planes over each worker's link (a reduce-scatter: a sum plane for a mean, two planes for a
    // std) and the result to this program.
    const auto planeTrips = [&](int partialPlanes) {
        const double share = (workers - 1) / workers * partialPlanes * planeBytes;
        return network.perWorkerLinks ? (share + planeBytes) / network.bytesPerSecond : 0;
    };
    const QString planeBasis = network.perWorkerLinks
                                   ? QStringLiteral("reads + (workers-1)/workers of the partial over each link + the result")
                                   : readBasis;
    // Every rechunked block needs the others' days: all but a worker's own share crosses, over
    // each worker's own link or over the one loopback.
    const double crossing = arrayBytes * (workers - 1) / workers / (network.perWorkerLinks ? workers : 1.0);
    return {
        {QStringLiteral("x[0,0,0]"), network.roundTripSeconds, QStringLiteral("one %1 round trip").arg(network.name)},
        {QStringLiteral("x[%1,:,:]").arg(plane), planeBytes / network.bytesPerSecond,
         QStringLiteral("plane / %1 bandwidth").arg(network.name)},
        {QStringLiteral("x.sum()"), readSeconds, readBasis},
        {QStringLiteral("x.mean(axis=(1,2))"), readSeconds, readBasis},
        {QStringLiteral("x.mean(axis=0)"), readSeconds + planeTrips(1), planeBasis},
        {QStringLiteral("y = x - x.mean()"), 2 * readSeconds + arrayBytes / memory.writeBytesPerSecond,
         QStringLiteral("2 reads + 1 write of the array")},
        {QStringLiteral("x.std(axis=0)"), readSeconds + planeTrips(2), planeBasis},
        {QStringLiteral("r = x.rechunk(time=-1, latitude=8)"),
         crossing / network.bytesPerSecond + arrayBytes / (limits.memoryWriteBytesPerSecond * workers),
         QStringLiteral("crossing bytes / %1 bandwidth + 1 write of the array").arg(network.name)},
    };
}

Status runStatements(ClusterSession &session, const std::vector<SeedStep> &steps, const BenchSettings &settings,
                     std::vector<BenchRow> &rows)
{
    for (const SeedStep &statement : steps) {
        // As a user repeats a statement: an assignment replaces the array of the run before, which
        // stays valid until the new one is complete.
        Result<StepRecord> step = runStep(
            statement.text, settings.repeats, [&] { return session.evaluate(statement.text); },
            [&] { pauseFor(settings.pauseSeconds); });
        if (step.status().code() == ErrorCode::Memory) {
            // No room on these workers (the experiment's full size on one machine), on the first run
            // or a later one (the message says which): a fact to report beside the steps that ran,
            // not a reason to lose them.
            rows.push_back(
                {StepRecord{statement.text, {}, {}, {}}, statement.limitSeconds, statement.basis, step.status().message()});
            continue;
        }
        if (!step.isOk())
            return step.status().withContext(statement.text);
        rows.push_back({std::move(*step), statement.limitSeconds, statement.basis, {}});
    }
    return Status::ok();
}

void printRows(const std::vector<BenchRow> &rows)
{
    // "rerun median" is the median of the runs after the first; "worst/best" the slowest rerun over
    // the fastest run; "ratio" the rerun median over the limit.
    std::printf("%-36s %9s %9s %10s %9s %7s %6s %16s %16s  %s\n", "step", "first s", "rerun s", "worst/best", "limit s", "ratio",
                "tasks", "client<->workers", "worker<->worker", "limit is");
    for (const BenchRow &row : rows) {
        if (!row.refused.isEmpty()) {
            std::printf("%-36s %9s %9s %10s %9.4f %7s %6s %16s %16s  %s\n", qPrintable(row.step.label), "refused", "-", "-",
                        row.limitSeconds, "-", "-", "-", "-", qPrintable(row.limitBasis));
            continue;
        }
        const double median = row.step.rerunMedianSeconds();
        const double first = row.step.wallSeconds.empty() ? 0.0 : row.step.wallSeconds.front();
        std::printf("%-36s %9.4f %9.4f %10.2f %9.4f %7.1f %6d %16s %16s  %s\n", qPrintable(row.step.label), first, median,
                    row.step.rerunSpread(), row.limitSeconds, row.limitSeconds > 0 ? median / row.limitSeconds : 0.0,
                    row.step.report.taskCount, qPrintable(formatBytes(row.step.report.clientBytes)),
                    qPrintable(formatBytes(row.step.report.peerBytes)), qPrintable(row.limitBasis));
    }
    for (const BenchRow &row : rows) {
        if (!row.refused.isEmpty())
            std::printf("refused: %s\n", qPrintable(row.refused));
    }
    std::fflush(stdout);
}

// Resident memory of a process, from /proc.
std::int64_t residentBytes(qint64 processId)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(processId));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLongLong() * 1024;
    }
    return -1;
}

// Waits until idle workers have settled their warm reserve (trimmed after 5 s) and every worker
// has answered a status request.
void settleWorkers(ClusterSession &session)
{
    pauseFor(6.0);
    QEventLoop settle;
    session.refreshWorkerStatus([loop = QPointer(&settle)] {
        if (loop) // answers may come after the wait gave up
            loop->quit();
    });
    QTimer::singleShot(3000, &settle, &QEventLoop::quit);
    settle.exec();
}

// Resident memory against the bytes of blocks each worker holds (x).
QJsonArray reportMemory(ClusterSession &session, const LocalCluster &cluster)
{
    settleWorkers(session);
    const std::vector<qint64> processIds = cluster.processIds();
    QJsonArray rows;
    for (const WorkerInfo &info : session.workers()) {
        const std::int64_t resident = residentBytes(processIds[std::size_t(info.index)]);
        // The warm reserve is free memory kept on purpose, within the limit: allowed for, shown apart.
        const double allowed = 1.1 * double(info.memoryUsedBytes) + 50e6 + double(info.memoryReserveBytes);
        std::printf("worker %s: resident %s for %s of blocks and a warm reserve of %s (target <= 1.1 x blocks + 50 MB + "
                    "reserve = %s): %s\n",
                    qPrintable(info.name), qPrintable(formatBytes(resident)), qPrintable(formatBytes(info.memoryUsedBytes)),
                    qPrintable(formatBytes(info.memoryReserveBytes)), qPrintable(formatBytes(std::int64_t(allowed))),
                    double(resident) <= allowed ? "ok" : "OVER");
        rows.append(QJsonObject{{QStringLiteral("worker"), info.name},
                                {QStringLiteral("residentBytes"), qint64(resident)},
                                {QStringLiteral("blockBytes"), qint64(info.memoryUsedBytes)},
                                {QStringLiteral("reserveBytes"), qint64(info.memoryReserveBytes)}});
    }
    return rows;
}

Status writeBenchJson(const QString &path, const MachineLimits &limits, const Network &network,
                      const ClusterMemory &clusterMemory, const std::vector<BenchRow> &rows, const QJsonArray &memory)
{
    QJsonArray steps;
    for (const BenchRow &row : rows) {
        QJsonObject object = row.step.toJson();
        object[QStringLiteral("limitSeconds")] = row.limitSeconds;
        object[QStringLiteral("ratio")] = row.limitSeconds > 0 ? row.step.rerunMedianSeconds() / row.limitSeconds : 0.0;
        if (!row.refused.isEmpty())
            object[QStringLiteral("refused")] = row.refused;
        steps.append(object);
    }
    const QJsonObject machine{{QStringLiteral("memoryReadBytesPerSecond"), limits.memoryReadBytesPerSecond},
                              {QStringLiteral("memoryWriteBytesPerSecond"), limits.memoryWriteBytesPerSecond},
                              {QStringLiteral("freshMemoryBytesPerSecond"), limits.freshMemoryBytesPerSecond},
                              {QStringLiteral("loopbackBytesPerSecond"), limits.loopbackBytesPerSecond},
                              {QStringLiteral("loopbackRoundTripSeconds"), limits.loopbackRoundTripSeconds}};
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    const QJsonObject links{{QStringLiteral("name"), network.name},
                            {QStringLiteral("bytesPerSecond"), network.bytesPerSecond},
                            {QStringLiteral("roundTripSeconds"), network.roundTripSeconds}};
    const QJsonObject cluster{{QStringLiteral("readBytesPerSecond"), clusterMemory.readBytesPerSecond},
                              {QStringLiteral("writeBytesPerSecond"), clusterMemory.writeBytesPerSecond},
                              {QStringLiteral("basis"), clusterMemory.readBasis}};
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("machine"), machine},
                                         {QStringLiteral("network"), links},
                                         {QStringLiteral("clusterMemory"), cluster},
                                         {QStringLiteral("steps"), steps},
                                         {QStringLiteral("memory"), memory}})
                   .toJson());
    return Status::ok();
}

int fail(const Status &status, int exitCode = 1)
{
    std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(status.message()));
    return exitCode;
}

Status connectWorkers(const BenchSettings &settings, LocalCluster &cluster, ClusterSession &session)
{
    if (!settings.remote()) {
        LocalClusterOptions options;
        options.workers = settings.workers;
        options.threadsPerWorker = settings.threadsPerWorker;
        return waitForOperation(session.connectToLocalCluster(&cluster, options));
    }
    QByteArray token;
    if (!settings.tokenFile.isEmpty()) {
        Result<QByteArray> read = readTokenFile(settings.tokenFile);
        TESSERA_RETURN_IF_ERROR(read);
        token = *read;
    }
    return waitForOperation(session.connectToWorkers(settings.connect, token));
}

} // namespace

int benchCommand(const QStringList &arguments)
{
    const Result<BenchSettings> settings = parseBench(arguments);
    if (!settings.isOk())
        return fail(settings.status(), 2);
    const MachineLimits limits = measureAndPrintLimits();
    std::fprintf(stderr, "sample data in %s\n", qPrintable(settings->directory));
    const Result<QStringList> files = writeSampleData(
        settings->directory, settings->sample, [](int done, int total) { std::fprintf(stderr, "\r%d/%d files", done, total); });
    std::fprintf(stderr, "\n");
    if (!files.isOk())
        return fail(files.status());

    LocalCluster cluster;
    ClusterSession session;
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::interrupted, &session, [&] {
        cluster.stop();
        std::_Exit(130);
    });
    if (Status connected = connectWorkers(*settings, cluster, session); !connected.isOk())
        return fail(connected);
    Network network{limits.loopbackBytesPerSecond, limits.loopbackRoundTripSeconds, false, QStringLiteral("loopback")};
    ClusterMemory memory = localMemory(limits, totalThreads(session));
    if (settings->remote()) {
        const Result<Network> measured = measureLinks(session);
        if (!measured.isOk())
            return fail(measured.status());
        network = *measured;
        const Result<ClusterMemory> workersMemory = measureWorkersMemory(session);
        if (!workersMemory.isOk())
            return fail(workersMemory.status());
        memory = *workersMemory;
    }

    LoadRequest request;
    request.files = *files;
    request.variable = QStringLiteral("t2m");
    std::vector<BenchRow> rows;
    if (Status loaded = runLoads(session, request, memory, network, *settings, rows); !loaded.isOk())
        return fail(loaded);
    const std::vector<SeedStep> steps = seedSteps(*session.array(request.name), limits, network, *settings, memory);
    if (Status ran = runStatements(session, steps, *settings, rows); !ran.isOk()) {
        printRows(rows);
        return fail(ran);
    }
    if (!settings->zarrDirectory.isEmpty()) {
        if (Status ran = runZarrSteps(session, request.name, files->front(), request.variable, settings->zarrDirectory,
                                      settings->repeats, totalThreads(session), rows);
            !ran.isOk())
            return fail(ran);
    }
    printRows(rows);
    // Resident memory is read from /proc: only for workers on this machine.
    const QJsonArray resident = settings->remote() ? QJsonArray() : reportMemory(session, cluster);
    if (!settings->jsonPath.isEmpty()) {
        if (Status written = writeBenchJson(settings->jsonPath, limits, network, memory, rows, resident); !written.isOk())
            return fail(written);
    }
    return 0;
}

} // namespace tessera::cli
