// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/common/unixsignals.h"
#include "app/worker/workercommandline.h"
#include "core/blockallocator.h"
#include "core/bytesize.h"
#include "net/worker/workerservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>

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
    const WorkerCommandLine commandLine;
    commandLine.addTo(parser);
    parser.process(app);
    const Result<WorkerOptions> options = commandLine.read(parser);
    if (!options.isOk())
        return fail(options.status().message());

    WorkerService service(*options);
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
