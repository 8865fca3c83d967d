#include "app/cli/benchcommand.h"

#include "app/cli/clustersetup.h"
#include "app/cli/machinelimits.h"
#include "app/cli/steprunner.h"

#include "core/io/sampledata.h"
#include "core/bytesize.h"
#include "app/common/unixsignals.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace tessera::cli {
namespace {

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

struct BenchRow
{
    StepRecord step;
    double limitSeconds = 0;
    QString limitBasis;
};

void printRows(const std::vector<BenchRow> &rows)
{
    std::printf("%-22s %10s %10s %7s %6s %16s %16s  %s\n", "step", "median s", "limit s", "ratio", "tasks", "client<->workers",
                "worker<->worker", "limit is");
    for (const BenchRow &row : rows) {
        const double median = row.step.medianSeconds();
        std::printf("%-22s %10.4f %10.4f %7.1f %6d %16s %16s  %s\n", qPrintable(row.step.label), median, row.limitSeconds,
                    row.limitSeconds > 0 ? median / row.limitSeconds : 0.0, row.step.report.taskCount,
                    qPrintable(formatBytes(row.step.report.clientBytes)), qPrintable(formatBytes(row.step.report.peerBytes)),
                    qPrintable(row.limitBasis));
    }
    std::fflush(stdout);
}

} // namespace

int benchCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The seed experiment (a stack of daily ERA-Interim-like files; head and worker loads; x[0,0,0], x[100,:,:], x.sum(), "
        "x.mean(axis=(1,2)), x.mean(axis=0), y = x - x.mean(), x.std(axis=0)) on local workers, each step beside this "
        "machine's limits measured in the same run: memory bandwidth, loopback TCP bandwidth and round trip."));
    parser.addHelpOption();
    QCommandLineOption local(QStringLiteral("local"), QStringLiteral("Local workers (default 2)."), QStringLiteral("N"), QStringLiteral("2"));
    QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Threads per worker (default 1)."), QStringLiteral("T"), QStringLiteral("1"));
    QCommandLineOption days(QStringLiteral("days"), QStringLiteral("Days of sample data (default 90: 3.0 GB as float64)."), QStringLiteral("D"),
                            QStringLiteral("90"));
    QCommandLineOption grid(QStringLiteral("grid"), QStringLiteral("Grid spacing in degrees (default 0.25)."), QStringLiteral("DEG"),
                            QStringLiteral("0.25"));
    QCommandLineOption repeat(QStringLiteral("repeat"), QStringLiteral("Runs per step; the median is reported (default 3)."), QStringLiteral("K"),
                              QStringLiteral("3"));
    QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Folder for the sample data (default: the user cache folder)."),
                            QStringLiteral("DIR"));
    QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Also write the figures as JSON."), QStringLiteral("FILE"));
    parser.addOptions({local, threads, days, grid, repeat, data, json});
    parser.process(arguments);

    SampleDataOptions sample;
    sample.days = parser.value(days).toInt();
    sample.gridDegrees = parser.value(grid).toDouble();
    const int workers = parser.value(local).toInt();
    const int threadsPerWorker = parser.value(threads).toInt();
    const int repeats = parser.value(repeat).toInt();
    if (sample.days < 1 || sample.gridDegrees <= 0 || workers < 1 || threadsPerWorker < 1 || repeats < 1) {
        std::fprintf(stderr, "tessera-cli: --days, --grid, --local, --threads and --repeat take positive numbers\n");
        return 2;
    }
    const QString directory = parser.isSet(data) ? parser.value(data)
                                                 : QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
                                                       + QStringLiteral("/tessera/sample-%1d-%2").arg(sample.days).arg(sample.gridDegrees);

    std::fprintf(stderr, "measuring this machine's limits...\n");
    const MachineLimits limits = measureMachineLimits();
    std::printf("machine: memory read %.1f GB/s, write %.1f GB/s, first touch of fresh pages %.2f GB/s (one thread); "
                "loopback TCP %.2f GB/s, round trip %.1f us\n",
                limits.memoryReadBytesPerSecond / 1e9, limits.memoryWriteBytesPerSecond / 1e9, limits.freshMemoryBytesPerSecond / 1e9,
                limits.loopbackBytesPerSecond / 1e9, limits.loopbackRoundTripSeconds * 1e6);

    std::fprintf(stderr, "sample data in %s\n", qPrintable(directory));
    auto files = writeSampleData(directory, sample, [](int done, int total) { std::fprintf(stderr, "\r%d/%d files", done, total); });
    std::fprintf(stderr, "\n");
    if (!files.isOk()) {
        std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(files.status().message()));
        return 1;
    }

    LocalCluster cluster;
    ClusterSession session;
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::interrupted, &session, [&] {
        cluster.stop();
        std::_Exit(130);
    });
    LocalClusterOptions clusterOptions;
    clusterOptions.workers = workers;
    clusterOptions.threadsPerWorker = threadsPerWorker;
    Status status = waitForOperation(session.connectToLocalCluster(&cluster, clusterOptions));
    if (!status.isOk()) {
        std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(status.message()));
        return 1;
    }

    LoadRequest request;
    request.files = *files;
    request.variable = QStringLiteral("t2m");
    std::vector<BenchRow> rows;
    const double computeRate = limits.memoryReadBytesPerSecond * workers * threadsPerWorker;

    auto runLoad = [&](LoadMode mode, const QString &label) -> Status {
        request.mode = mode;
        auto step = runStep(label, repeats, [&] {
            session.removeArray(request.name);
            return session.load(request);
        });
        TESSERA_RETURN_IF_ERROR(step);
        const double bytes = double(session.array(request.name)->meta.byteSize());
        BenchRow row{std::move(*step), 0, {}};
        if (mode == LoadMode::Head) {
            row.limitSeconds = bytes / limits.loopbackBytesPerSecond;
            row.limitBasis = QStringLiteral("bytes / loopback bandwidth");
        } else {
            row.limitSeconds = bytes / (limits.memoryWriteBytesPerSecond * workers);
            row.limitBasis = QStringLiteral("bytes / (memory write bandwidth x workers)");
        }
        rows.push_back(std::move(row));
        return Status::ok();
    };
    if (Status loaded = runLoad(LoadMode::Head, QStringLiteral("load (head)")); !loaded.isOk()) {
        std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(loaded.message()));
        return 1;
    }
    if (Status loaded = runLoad(LoadMode::Workers, QStringLiteral("load (workers)")); !loaded.isOk()) {
        std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(loaded.message()));
        return 1;
    }
    const ArrayInfo *x = session.array(request.name);
    const double arrayBytes = double(x->meta.byteSize());
    const std::int64_t plane = std::min<std::int64_t>(100, x->meta.shape[0] - 1);
    const double planeBytes = arrayBytes / double(x->meta.shape[0]);

    struct Statement
    {
        QString text;
        double limitSeconds;
        QString basis;
    };
    const std::vector<Statement> statements{
        {QStringLiteral("x[0,0,0]"), limits.loopbackRoundTripSeconds, QStringLiteral("one loopback round trip")},
        {QStringLiteral("x[%1,:,:]").arg(plane), planeBytes / limits.loopbackBytesPerSecond, QStringLiteral("plane / loopback bandwidth")},
        {QStringLiteral("x.sum()"), arrayBytes / computeRate, QStringLiteral("bytes / (read bandwidth x threads)")},
        {QStringLiteral("x.mean(axis=(1,2))"), arrayBytes / computeRate, QStringLiteral("bytes / (read bandwidth x threads)")},
        {QStringLiteral("x.mean(axis=0)"), arrayBytes / computeRate, QStringLiteral("bytes / (read bandwidth x threads)")},
        {QStringLiteral("y = x - x.mean()"), 2 * arrayBytes / computeRate + arrayBytes / (limits.memoryWriteBytesPerSecond * workers * threadsPerWorker),
         QStringLiteral("2 reads + 1 write of the array")},
        {QStringLiteral("x.std(axis=0)"), arrayBytes / computeRate, QStringLiteral("bytes / (read bandwidth x threads)")},
    };
    for (const Statement &statement : statements) {
        // Like the Dask script, an assigned result is dropped after each run (untimed).
        const QString assigned = statement.text.contains(QLatin1Char('=')) ? statement.text.section(QLatin1Char('='), 0, 0).trimmed() : QString();
        auto step = runStep(statement.text, repeats, [&] { return session.evaluate(statement.text); }, [&] {
            if (!assigned.isEmpty() && statement.text != statements.back().text)
                session.removeArray(assigned);
        });
        if (!step.isOk()) {
            std::fprintf(stderr, "tessera-cli: %s: %s\n", qPrintable(statement.text), qPrintable(step.status().message()));
            return 1;
        }
        rows.push_back({std::move(*step), statement.limitSeconds, statement.basis});
    }
    printRows(rows);

    // Resident memory against the bytes each worker holds (x and y), once idle workers have
    // returned their pooled buffers (after 5 s).
    QEventLoop settle;
    QTimer::singleShot(6000, &settle, &QEventLoop::quit);
    settle.exec();
    session.refreshWorkerStatus();
    int answers = 0;
    QObject::connect(&session, &ClusterSession::workersChanged, &settle, [&] {
        if (++answers == int(session.workers().size()))
            settle.quit();
    });
    QTimer::singleShot(3000, &settle, &QEventLoop::quit);
    settle.exec();
    const std::vector<qint64> processIds = cluster.processIds();
    QJsonArray memoryRows;
    for (const WorkerInfo &info : session.workers()) {
        const std::int64_t resident = residentBytes(processIds[std::size_t(info.index)]);
        const double allowed = 1.1 * double(info.memoryUsedBytes) + 50e6;
        std::printf("worker %s: resident %s for %s of blocks (target <= 1.1 x + 50 MB = %s): %s\n", qPrintable(info.name),
                    qPrintable(formatBytes(resident)), qPrintable(formatBytes(info.memoryUsedBytes)),
                    qPrintable(formatBytes(std::int64_t(allowed))), double(resident) <= allowed ? "ok" : "OVER");
        memoryRows.append(QJsonObject{{QStringLiteral("worker"), info.name},
                                      {QStringLiteral("residentBytes"), qint64(resident)},
                                      {QStringLiteral("blockBytes"), qint64(info.memoryUsedBytes)}});
    }

    if (parser.isSet(json)) {
        QJsonArray steps;
        for (const BenchRow &row : rows) {
            QJsonObject object = row.step.toJson();
            object[QStringLiteral("limitSeconds")] = row.limitSeconds;
            object[QStringLiteral("ratio")] = row.limitSeconds > 0 ? row.step.medianSeconds() / row.limitSeconds : 0.0;
            steps.append(object);
        }
        QJsonObject machine{{QStringLiteral("memoryReadBytesPerSecond"), limits.memoryReadBytesPerSecond},
                            {QStringLiteral("memoryWriteBytesPerSecond"), limits.memoryWriteBytesPerSecond},
                            {QStringLiteral("freshMemoryBytesPerSecond"), limits.freshMemoryBytesPerSecond},
                            {QStringLiteral("loopbackBytesPerSecond"), limits.loopbackBytesPerSecond},
                            {QStringLiteral("loopbackRoundTripSeconds"), limits.loopbackRoundTripSeconds}};
        QFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "tessera-cli: cannot write %s\n", qPrintable(parser.value(json)));
            return 1;
        }
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("machine"), machine}, {QStringLiteral("steps"), steps},
                                             {QStringLiteral("memory"), memoryRows}})
                       .toJson());
    }
    return 0;
}

} // namespace tessera::cli
