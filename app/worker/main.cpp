// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/common/unixsignals.h"
#include "core/blockallocator.h"
#include "core/bytesize.h"
#include "core/cpubudget.h"
#include "core/memorybudget.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/worker/launcherenvironment.h"
#include "net/worker/workerservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>

#include <cstdio>

using namespace tessera;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "tessera-worker: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    tessera::blockallocator::tuneMalloc();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tessera-worker"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TESSERA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tessera worker: holds blocks of distributed arrays in memory and runs kernels on them.\n"
        "Start one per machine (or per NUMA node) with the launcher your site has: srun, mpirun, ssh, a service unit."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption listen(QStringLiteral("listen"),
                              QStringLiteral("Address to listen on (default 127.0.0.1 and a free port; with --connect to "
                                             "another host, 0.0.0.0 and a free port, so peers on other hosts reach it)."),
                              QStringLiteral("HOST:PORT"));
    QCommandLineOption threads(
        QStringLiteral("threads"),
        QStringLiteral("Kernel threads (default: the least of the CPUs this process may run on, the cgroup's CPU quota and "
                       "Slurm's CPUs per task; here %1).")
            .arg(currentCpuLimits().describe()),
        QStringLiteral("N"));
    QCommandLineOption memory(
        QStringLiteral("memory-limit"),
        QStringLiteral("Most bytes of blocks to hold, e.g. 12G (default: 80% of the least of physical memory, "
                       "the cgroup's limit and Slurm's allocation; here %1).")
            .arg(currentMemoryLimits().describe()),
        QStringLiteral("SIZE"));
    QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("File whose first line is the shared token."),
                                 QStringLiteral("F"));
    QCommandLineOption dial(QStringLiteral("connect"),
                            QStringLiteral("Dial back to a workbench or tessera-cli listening at HOST:PORT."),
                            QStringLiteral("HOST:PORT"));
    QCommandLineOption name(QStringLiteral("name"),
                            QStringLiteral("Name shown in the cluster view (default: 'rank N' when started by mpirun or srun, "
                                           "else host:port)."),
                            QStringLiteral("NAME"));
    QCommandLineOption heartbeat(QStringLiteral("heartbeat-timeout"),
                                 QStringLiteral("A peer worker that shows no sign of life this long is lost, and the fetches "
                                                "waiting on it fail (default 5; 0: never)."),
                                 QStringLiteral("SECONDS"), QStringLiteral("5"));
    QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                               QStringLiteral("Serve every connection over TLS with this certificate (PEM); needs --tls-key."),
                               QStringLiteral("F"));
    QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("The certificate's private key (PEM, unencrypted)."),
                              QStringLiteral("F"));
    QCommandLineOption tlsCa(QStringLiteral("tls-ca"),
                             QStringLiteral("Check peer workers' certificates against the CAs in F (default: peers must "
                                            "present this worker's own certificate)."),
                             QStringLiteral("F"));
    QCommandLineOption tlsPin(QStringLiteral("tls-pin"),
                              QStringLiteral("Accept peer workers whose certificate has this SHA-256 fingerprint."),
                              QStringLiteral("SHA256"));
    parser.addOptions({listen, threads, memory, tokenFile, dial, name, heartbeat, tlsCert, tlsKey, tlsCa, tlsPin});
    parser.process(app);

    WorkerOptions options;
    options.name = parser.isSet(name) ? parser.value(name) : launcherRankName();
    options.dialBack = parser.value(dial);
    const QString listenText = parser.isSet(listen) ? parser.value(listen) : defaultListenAddress(options.dialBack);
    const Result<ListenAddress> listenAddress = parseListenAddress(listenText);
    if (!listenAddress.isOk())
        return fail(QStringLiteral("--listen: ") + listenAddress.status().message());
    options.listenAddress = listenAddress->address;
    options.port = listenAddress->port;
    bool threadsOk = true;
    options.threads = parser.isSet(threads) ? parser.value(threads).toInt(&threadsOk) : currentCpuLimits().usableCpus();
    if (!threadsOk || options.threads < 1)
        return fail(QStringLiteral("--threads %1 is not a positive number").arg(parser.value(threads)));
    if (parser.isSet(memory)) {
        options.memoryLimitBytes = parseByteSize(parser.value(memory));
        if (options.memoryLimitBytes <= 0)
            return fail(QStringLiteral("--memory-limit %1 is not a size; write e.g. 12G or 512M").arg(parser.value(memory)));
    }
    if (parser.isSet(tokenFile)) {
        auto token = readTokenFile(parser.value(tokenFile));
        if (!token.isOk())
            return fail(token.status().message());
        options.token = *token;
    }
    bool heartbeatOk = false;
    const double heartbeatSeconds = parser.value(heartbeat).toDouble(&heartbeatOk);
    if (!heartbeatOk || heartbeatSeconds < 0)
        return fail(QStringLiteral("--heartbeat-timeout %1 is not a number of seconds").arg(parser.value(heartbeat)));
    options.heartbeatMillis = int(heartbeatSeconds * 1000);
    options.tls = {parser.value(tlsCert), parser.value(tlsKey), parser.value(tlsCa), parser.value(tlsPin)};

    WorkerService service(options);
    QObject::connect(&service, &WorkerService::shutdownRequested, &app, [](int code) { QCoreApplication::exit(code); });
    if (Status started = service.start(); !started.isOk())
        return fail(started.message());

    // Launchers stop jobs with SIGTERM; leave through the event loop so sockets close cleanly.
    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::interrupted, &app, [] { QCoreApplication::exit(0); });

    std::printf("tessera-worker listening on %s\n", qPrintable(service.listenAddress()));
    std::printf("name %s, %d thread(s), memory limit %s\n", qPrintable(service.options().name), service.options().threads,
                qPrintable(formatBytes(service.options().memoryLimitBytes)));
    std::fflush(stdout);
    return app.exec();
}
