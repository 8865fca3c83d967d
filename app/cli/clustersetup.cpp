// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/clustersetup.h"

#include "core/bytesize.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"

#include <QDir>

#include <cstdio>

namespace tessera::cli {

void ClusterOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({local,   threads,      memoryLimit, connect,   listen,        expect,    tokenFile,
                       slurm,   tasksPerNode, partition,   timeLimit, slurmArgument, slurmWait, ssh,
                       sshJump, sshArgument,  sshWorker,   tlsCa,     tlsPin,        heartbeat});
}

namespace {

Result<int> positiveNumber(const QCommandLineParser &parser, const QCommandLineOption &option)
{
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--%1 %2 is not a positive number").arg(option.names().front(), parser.value(option)));
    return value;
}

Status setUpSecurity(const QCommandLineParser &parser, const ClusterOptions &options, ClusterSession &session)
{
    bool heartbeatOk = false;
    const double heartbeatSeconds = parser.value(options.heartbeat).toDouble(&heartbeatOk);
    if (!heartbeatOk || heartbeatSeconds < 0)
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("--heartbeat-timeout %1 is not a number of seconds").arg(parser.value(options.heartbeat)));
    session.setHeartbeatTimeout(int(heartbeatSeconds * 1000));
    TlsSettings tls;
    tls.caPath = parser.value(options.tlsCa);
    tls.pinnedSha256 = parser.value(options.tlsPin);
    if (tls.verifiesPeers()) {
        if (parser.isSet(options.local))
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("--tls-ca and --tls-pin are for remote workers; local "
                                                                        "workers talk over loopback"));
        TESSERA_RETURN_IF_ERROR(clientTlsConfiguration(tls)); // a missing file or a bad pin, said now
        session.setTls(tls);
    }
    return Status::ok();
}

Status listenAndWait(ClusterSession &session, const QString &listenText, const QByteArray &token, int expected)
{
    const Result<ListenAddress> listen = parseListenAddress(listenText);
    if (!listen.isOk())
        return listen.status().withContext(QStringLiteral("--listen"));
    Operation *operation = session.listenForWorkers(listen->address, listen->port, token, expected);
    if (!session.listenAddress().isEmpty()) {
        std::fprintf(stderr, "waiting for %d worker(s): start them with tessera-worker --connect %s\n", expected,
                     qPrintable(session.listenAddress()));
    }
    return waitForOperation(operation);
}

// Workers a launcher starts elsewhere dial --listen, or every interface (reached at this host's name).
Status launchAndWait(const QCommandLineParser &parser, const ClusterOptions &options, ClusterSession &session,
                     std::unique_ptr<WorkerLauncher> launcher)
{
    const QString listenText = parser.isSet(options.listen) ? parser.value(options.listen) : QStringLiteral("0.0.0.0:0");
    const Result<ListenAddress> listen = parseListenAddress(listenText);
    if (!listen.isOk())
        return listen.status().withContext(QStringLiteral("--listen"));
    Operation *operation = session.launchWorkers(std::move(launcher), listen->address, listen->port);
    QObject::connect(operation, &Operation::progress, operation,
                     [](qint64, qint64, const QString &text) { std::fprintf(stderr, "%s\n", qPrintable(text)); });
    return waitForOperation(operation);
}

Result<SlurmRequest> slurmRequest(const QCommandLineParser &parser, const ClusterOptions &options)
{
    SlurmRequest request;
    const Result<int> nodes = positiveNumber(parser, options.slurm);
    TESSERA_RETURN_IF_ERROR(nodes);
    const Result<int> tasks = positiveNumber(parser, options.tasksPerNode);
    TESSERA_RETURN_IF_ERROR(tasks);
    const Result<int> wait = positiveNumber(parser, options.slurmWait);
    TESSERA_RETURN_IF_ERROR(wait);
    request.nodes = *nodes;
    request.tasksPerNode = *tasks;
    request.dialInSeconds = *wait;
    request.partition = parser.value(options.partition);
    request.timeLimit = parser.value(options.timeLimit);
    request.extraArguments = parser.values(options.slurmArgument);
    request.outputDirectory = QDir::home().filePath(QStringLiteral(".tessera"));
    return request;
}

Status startSlurmJob(const QCommandLineParser &parser, const ClusterOptions &options, ClusterSession &session)
{
    Result<SlurmRequest> request = slurmRequest(parser, options);
    TESSERA_RETURN_IF_ERROR(request);
    Result<std::unique_ptr<SlurmJob>> job = SlurmJob::create(*request, parser.value(options.tokenFile));
    if (!job.isOk())
        return job.status();
    return launchAndWait(parser, options, session, std::move(*job));
}

Status startSshWorkers(const QCommandLineParser &parser, const ClusterOptions &options, const QByteArray &token,
                       ClusterSession &session)
{
    SshRequest request;
    request.hosts = parser.value(options.ssh).split(u',', Qt::SkipEmptyParts);
    for (QString &host : request.hosts)
        host = host.trimmed();
    if (request.hosts.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("--ssh needs hosts: --ssh node1,node2"));
    request.jumpHost = parser.value(options.sshJump);
    request.sshArguments = parser.values(options.sshArgument);
    request.workerProgram = parser.value(options.sshWorker);
    return launchAndWait(parser, options, session, std::make_unique<SshWorkers>(request, token));
}

Status startLocalWorkers(const QCommandLineParser &parser, const ClusterOptions &options, int defaultLocal, LocalCluster &local,
                         ClusterSession &session)
{
    LocalClusterOptions localOptions;
    localOptions.heartbeatMillis = session.heartbeatTimeout();
    if (parser.isSet(options.local)) {
        const Result<int> workers = positiveNumber(parser, options.local);
        TESSERA_RETURN_IF_ERROR(workers);
        localOptions.workers = *workers;
    } else {
        localOptions.workers = defaultLocal;
    }
    const Result<int> threads = positiveNumber(parser, options.threads);
    TESSERA_RETURN_IF_ERROR(threads);
    localOptions.threadsPerWorker = *threads;
    if (parser.isSet(options.memoryLimit)) {
        localOptions.memoryLimitBytes = parseByteSize(parser.value(options.memoryLimit));
        if (localOptions.memoryLimitBytes <= 0)
            return makeError(
                ErrorCode::InvalidArgument,
                QStringLiteral("--memory-limit %1 is not a size; write e.g. 8G").arg(parser.value(options.memoryLimit)));
    }
    return waitForOperation(session.connectToLocalCluster(&local, localOptions));
}

} // namespace

Status setUpCluster(const QCommandLineParser &parser, const ClusterOptions &options, int defaultLocal, LocalCluster &local,
                    ClusterSession &session)
{
    QByteArray token;
    if (parser.isSet(options.tokenFile)) {
        auto read = readTokenFile(parser.value(options.tokenFile));
        TESSERA_RETURN_IF_ERROR(read);
        token = *read;
    }
    TESSERA_RETURN_IF_ERROR(setUpSecurity(parser, options, session));
    const bool launching = parser.isSet(options.slurm) || parser.isSet(options.ssh);
    const int modes = int(parser.isSet(options.local)) + int(parser.isSet(options.connect))
                      + int(parser.isSet(options.listen) && !launching) + int(parser.isSet(options.slurm))
                      + int(parser.isSet(options.ssh));
    if (modes > 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("choose one of --local, --connect, --listen, --slurm and --ssh"));

    if (parser.isSet(options.connect)) {
        const Result<QStringList> addresses = parseHostPortList(parser.value(options.connect));
        if (!addresses.isOk())
            return addresses.status().withContext(QStringLiteral("--connect"));
        return waitForOperation(session.connectToWorkers(*addresses, token));
    }
    if (parser.isSet(options.slurm))
        return startSlurmJob(parser, options, session);
    if (parser.isSet(options.ssh))
        return startSshWorkers(parser, options, token, session);
    if (parser.isSet(options.listen)) {
        const Result<int> expected = positiveNumber(parser, options.expect);
        TESSERA_RETURN_IF_ERROR(expected);
        return listenAndWait(session, parser.value(options.listen), token, *expected);
    }
    return startLocalWorkers(parser, options, defaultLocal, local, session);
}

} // namespace tessera::cli
