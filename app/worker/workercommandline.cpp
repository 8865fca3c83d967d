// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/worker/workercommandline.h"

#include "core/bytesize.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/worker/launcherenvironment.h"

namespace tessera {

void WorkerCommandLine::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({listen, threads, memory, tokenFile, dial, name, heartbeat, tlsCert, tlsKey, tlsCa, tlsPin});
}

Result<WorkerOptions> WorkerCommandLine::read(const QCommandLineParser &parser) const
{
    WorkerOptions options;
    options.name = parser.isSet(name) ? parser.value(name) : launcherRankName();
    options.dialBack = parser.value(dial);
    const QString listenText = parser.isSet(listen) ? parser.value(listen) : defaultListenAddress(options.dialBack);
    const Result<ListenAddress> listenAddress = parseListenAddress(listenText);
    if (!listenAddress.isOk())
        return makeError(listenAddress.status().code(), QStringLiteral("--listen: ") + listenAddress.status().message());
    options.listenAddress = listenAddress->address;
    options.port = listenAddress->port;
    bool threadsOk = true;
    options.threads = parser.isSet(threads) ? parser.value(threads).toInt(&threadsOk) : cpus.usableCpus();
    if (!threadsOk || options.threads < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--threads %1 is not a positive number").arg(parser.value(threads)));
    if (parser.isSet(memory)) {
        options.memoryLimitBytes = parseByteSize(parser.value(memory));
        if (options.memoryLimitBytes <= 0)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("--memory-limit %1 is not a size; write e.g. 12G or 512M").arg(parser.value(memory)));
    }
    if (parser.isSet(tokenFile)) {
        auto token = readTokenFile(parser.value(tokenFile));
        if (!token.isOk())
            return token.status();
        options.token = *token;
    }
    bool heartbeatOk = false;
    const double heartbeatSeconds = parser.value(heartbeat).toDouble(&heartbeatOk);
    if (!heartbeatOk || heartbeatSeconds < 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("--heartbeat-timeout %1 is not a number of seconds").arg(parser.value(heartbeat)));
    options.heartbeatMillis = int(heartbeatSeconds * 1000);
    options.tls = {parser.value(tlsCert), parser.value(tlsKey), parser.value(tlsCa), parser.value(tlsPin)};
    return options;
}

} // namespace tessera
