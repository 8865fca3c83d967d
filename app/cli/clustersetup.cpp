// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/clustersetup.h"

#include "core/bytesize.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QHostInfo>
#include <QRandomGenerator>

#include <cstdio>

namespace tessera::cli {

void ClusterOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({local,   threads,      memoryLimit, connect,   listen,        expect,    tokenFile,
                       slurm,   tasksPerNode, partition,   timeLimit, slurmArgument, slurmWait, ssh,
                       sshJump, sshArgument,  sshWorker,   tlsCa,     tlsPin,        heartbeat});
}

void Launched::stop()
{
    local.stop();
    if (!tokenFile.isEmpty())
        QFile::remove(tokenFile);
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

// A token file only the user can read, in a folder the nodes share with this one (the home).
Result<QString> makeTokenFile(QByteArray &token)
{
    const QString directory = QDir::home().filePath(QStringLiteral(".tessera"));
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot make %1 for the workers' token; pass --token-file F").arg(directory));
    const QString path = QStringLiteral("%1/token-%2").arg(directory).arg(QCoreApplication::applicationPid());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot write the workers' token to %1: %2").arg(path, file.errorString()));
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    token = random.toBase64();
    file.write(token + '\n');
    return path;
}

Status listenAndWait(ClusterSession &session, const QString &listenText, const QByteArray &token, int expected,
                     std::unique_ptr<WorkerLauncher> launcher = {})
{
    const Result<ListenAddress> listen = parseListenAddress(listenText);
    if (!listen.isOk())
        return listen.status().withContext(QStringLiteral("--listen"));
    if (launcher) {
        Operation *operation = session.launchWorkers(std::move(launcher), listen->address, listen->port, token);
        QObject::connect(operation, &Operation::progress, operation,
                         [](qint64, qint64, const QString &text) { std::fprintf(stderr, "%s\n", qPrintable(text)); });
        return waitForOperation(operation);
    }
    Operation *operation = session.listenForWorkers(listen->address, listen->port, token, expected);
    if (!session.listenAddress().isEmpty()) {
        std::fprintf(stderr, "waiting for %d worker(s): start them with tessera-worker --connect %s\n", expected,
                     qPrintable(session.listenAddress()));
    }
    return waitForOperation(operation);
}

// Where a launcher's workers dial: --listen, or every interface (they run on other hosts).
QString listenFor(const QCommandLineParser &parser, const ClusterOptions &options)
{
    return parser.isSet(options.listen) ? parser.value(options.listen) : QStringLiteral("0.0.0.0:0");
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

Status startSlurmJob(const QCommandLineParser &parser, const ClusterOptions &options, QByteArray token, Launched &launched,
                     ClusterSession &session)
{
    Result<SlurmRequest> request = slurmRequest(parser, options);
    TESSERA_RETURN_IF_ERROR(request);
    QString tokenFile = parser.value(options.tokenFile);
    if (tokenFile.isEmpty()) {
        Result<QString> made = makeTokenFile(token);
        TESSERA_RETURN_IF_ERROR(made);
        tokenFile = launched.tokenFile = *made;
    }
    return listenAndWait(session, listenFor(parser, options), token, request->workers(),
                         std::make_unique<SlurmJob>(*request, QFileInfo(tokenFile).absoluteFilePath()));
}

Status startSshWorkers(const QCommandLineParser &parser, const ClusterOptions &options, QByteArray token, ClusterSession &session)
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
    if (token.isEmpty()) { // nothing to share beforehand: the token travels over ssh
        QByteArray random(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(random.begin(), random.end());
        token = random.toBase64();
    }
    return listenAndWait(session, listenFor(parser, options), token, int(request.hosts.size()),
                         std::make_unique<SshWorkers>(request, token));
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

Status setUpCluster(const QCommandLineParser &parser, const ClusterOptions &options, int defaultLocal, Launched &launched,
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
        return startSlurmJob(parser, options, token, launched, session);
    if (parser.isSet(options.ssh))
        return startSshWorkers(parser, options, token, session);
    if (parser.isSet(options.listen)) {
        const Result<int> expected = positiveNumber(parser, options.expect);
        TESSERA_RETURN_IF_ERROR(expected);
        return listenAndWait(session, parser.value(options.listen), token, *expected, nullptr);
    }
    return startLocalWorkers(parser, options, defaultLocal, launched.local, session);
}

} // namespace tessera::cli
