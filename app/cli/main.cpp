// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/benchcommand.h"
#include "app/cli/runcommand.h"
#include "app/cli/sampledatacommand.h"

#include "core/blockallocator.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

void printUsage()
{
    std::printf("Usage: tessera-cli COMMAND [options]\n\n"
                "Array experiments on a cluster of tessera-worker processes, headless.\n\n"
                "Commands:\n"
                "  run          load NetCDF files into worker memory and evaluate expressions\n"
                "  bench        the seed experiment on generated sample data, beside this machine's limits\n"
                "  sample-data  write ERA-Interim-like daily NetCDF files\n\n"
                "tessera-cli COMMAND --help shows a command's options.\n");
}

} // namespace

int main(int argc, char *argv[])
{
    tessera::blockallocator::tuneMalloc();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tessera-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("tessera"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TESSERA_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2 || arguments[1] == QLatin1String("--help") || arguments[1] == QLatin1String("-h")) {
        printUsage();
        return arguments.size() < 2 ? 2 : 0;
    }
    if (arguments[1] == QLatin1String("--version")) {
        std::printf("tessera-cli %s\n", TESSERA_VERSION);
        return 0;
    }
    const QString command = arguments.takeAt(1);
    // So that --help shows "tessera-cli run [options]", wherever the program was started from.
    arguments[0] = QStringLiteral("tessera-cli ") + command;
    if (command == QLatin1String("run"))
        return tessera::cli::runCommand(arguments);
    if (command == QLatin1String("bench"))
        return tessera::cli::benchCommand(arguments);
    if (command == QLatin1String("sample-data"))
        return tessera::cli::sampleDataCommand(arguments);
    std::fprintf(stderr, "tessera-cli: unknown command '%s'\n\n", qPrintable(command));
    printUsage();
    return 2;
}
