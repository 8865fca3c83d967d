#include "clustersetup.h"

#include "net/blockstore.h"
#include "net/handshake.h"
#include "net/workerclient.h"

#include <cstdio>

namespace tessera::cli {

void ClusterOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({local, threads, memoryLimit, connect, listen, expect, tokenFile});
}

Status setUpCluster(const QCommandLineParser &parser, const ClusterOptions &options, int defaultLocal, LocalCluster &local,
                    ClusterSession &session)
{
    QByteArray token;
    if (parser.isSet(options.tokenFile)) {
        auto read = readTokenFile(parser.value(options.tokenFile));
        TESSERA_RETURN_IF_ERROR(read);
        token = *read;
    }
    const int modes = int(parser.isSet(options.local)) + int(parser.isSet(options.connect)) + int(parser.isSet(options.listen));
    if (modes > 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("choose one of --local, --connect and --listen"));

    if (parser.isSet(options.connect)) {
        const QStringList addresses = parser.value(options.connect).split(QLatin1Char(','), Qt::SkipEmptyParts);
        return waitForOperation(session.connectToWorkers(addresses, token));
    }
    if (parser.isSet(options.listen)) {
        QString host;
        quint16 port = 0;
        if (!splitHostPort(parser.value(options.listen), &host, &port))
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("--listen %1 is not HOST:PORT").arg(parser.value(options.listen)));
        const int expected = parser.value(options.expect).toInt();
        Operation *operation = session.listenForWorkers(QHostAddress(host), port, token, expected);
        std::fprintf(stderr, "waiting for %d worker(s): start them with tessera-worker --connect %s\n", expected,
                     qPrintable(parser.value(options.listen)));
        return waitForOperation(operation);
    }

    LocalClusterOptions localOptions;
    bool ok = true;
    localOptions.workers = parser.isSet(options.local) ? parser.value(options.local).toInt(&ok) : defaultLocal;
    if (!ok || localOptions.workers < 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("--local %1 is not a positive number of workers").arg(parser.value(options.local)));
    localOptions.threadsPerWorker = parser.value(options.threads).toInt(&ok);
    if (!ok || localOptions.threadsPerWorker < 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("--threads %1 is not a positive number").arg(parser.value(options.threads)));
    if (parser.isSet(options.memoryLimit)) {
        localOptions.memoryLimitBytes = parseByteSize(parser.value(options.memoryLimit));
        if (localOptions.memoryLimitBytes <= 0)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("--memory-limit %1 is not a size; write e.g. 8G").arg(parser.value(options.memoryLimit)));
    }
    auto addresses = local.start(localOptions);
    TESSERA_RETURN_IF_ERROR(addresses);
    return waitForOperation(session.connectToWorkers(*addresses, {}));
}

} // namespace tessera::cli
