// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/clustersetup.h"

#include "core/bytesize.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"

#include <cstdio>

namespace tessera::cli {

void ClusterOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({local, threads, memoryLimit, connect, listen, expect, tokenFile, tlsCa, tlsPin, heartbeat});
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
    const int modes = int(parser.isSet(options.local)) + int(parser.isSet(options.connect)) + int(parser.isSet(options.listen));
    if (modes > 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("choose one of --local, --connect and --listen"));

    if (parser.isSet(options.connect)) {
        const Result<QStringList> addresses = parseHostPortList(parser.value(options.connect));
        if (!addresses.isOk())
            return addresses.status().withContext(QStringLiteral("--connect"));
        return waitForOperation(session.connectToWorkers(*addresses, token));
    }
    if (parser.isSet(options.listen)) {
        const Result<ListenAddress> listen = parseListenAddress(parser.value(options.listen));
        if (!listen.isOk())
            return listen.status().withContext(QStringLiteral("--listen"));
        bool expectOk = false;
        const int expected = parser.value(options.expect).toInt(&expectOk);
        if (!expectOk || expected < 1)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("--expect %1 is not a positive number").arg(parser.value(options.expect)));
        Operation *operation = session.listenForWorkers(listen->address, listen->port, token, expected);
        if (!session.listenAddress().isEmpty()) {
            std::fprintf(stderr, "waiting for %d worker(s): start them with tessera-worker --connect %s\n", expected,
                         qPrintable(session.listenAddress()));
        }
        return waitForOperation(operation);
    }

    LocalClusterOptions localOptions;
    localOptions.heartbeatMillis = session.heartbeatTimeout();
    bool ok = true;
    localOptions.workers = parser.isSet(options.local) ? parser.value(options.local).toInt(&ok) : defaultLocal;
    if (!ok || localOptions.workers < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--local %1 is not a positive number of workers").arg(parser.value(options.local)));
    localOptions.threadsPerWorker = parser.value(options.threads).toInt(&ok);
    if (!ok || localOptions.threadsPerWorker < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--threads %1 is not a positive number").arg(parser.value(options.threads)));
    if (parser.isSet(options.memoryLimit)) {
        localOptions.memoryLimitBytes = parseByteSize(parser.value(options.memoryLimit));
        if (localOptions.memoryLimitBytes <= 0)
            return makeError(
                ErrorCode::InvalidArgument,
                QStringLiteral("--memory-limit %1 is not a size; write e.g. 8G").arg(parser.value(options.memoryLimit)));
    }
    return waitForOperation(session.connectToLocalCluster(&local, localOptions));
}

} // namespace tessera::cli
