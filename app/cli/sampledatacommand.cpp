// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/sampledatacommand.h"

#include "app/cli/commandline.h"

#include "core/io/sampledata.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <cstdio>

namespace tessera::cli {

int sampleDataCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write N daily NetCDF files shaped like ECMWF ERA-Interim surface analyses (t2m, u10, v10; 4 steps a day; "
                       "packed int16) into DIR. Existing complete files are kept."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Folder to write into (created if missing)."));
    QCommandLineOption days(QStringLiteral("days"), QStringLiteral("Number of daily files (default 30)."), QStringLiteral("N"),
                            QStringLiteral("30"));
    QCommandLineOption start(QStringLiteral("start"), QStringLiteral("First day, YYYY-MM-DD (default 2014-01-01)."),
                             QStringLiteral("DATE"), QStringLiteral("2014-01-01"));
    QCommandLineOption grid(QStringLiteral("grid"), QStringLiteral("Grid spacing in degrees (default 0.25: 721 x 1440)."),
                            QStringLiteral("DEG"), QStringLiteral("0.25"));
    parser.addOptions({days, start, grid});
    processCommandLine(parser, arguments);

    if (parser.positionalArguments().size() != 1) {
        std::fprintf(stderr, "tessera-cli: sample-data needs one folder, e.g. tessera-cli sample-data ./era --days 30\n");
        return 2;
    }
    SampleDataOptions options;
    bool ok = true;
    options.days = parser.value(days).toInt(&ok);
    if (!ok || options.days < 1) {
        std::fprintf(stderr, "tessera-cli: --days %s is not a positive number\n", qPrintable(parser.value(days)));
        return 2;
    }
    options.start = QDate::fromString(parser.value(start), Qt::ISODate);
    if (!options.start.isValid()) {
        std::fprintf(stderr, "tessera-cli: --start %s is not a date; write YYYY-MM-DD\n", qPrintable(parser.value(start)));
        return 2;
    }
    options.gridDegrees = parser.value(grid).toDouble(&ok);
    if (!ok || options.gridDegrees <= 0 || options.gridDegrees > 90) {
        std::fprintf(stderr, "tessera-cli: --grid %s must be a spacing in degrees between 0 and 90, e.g. 0.25\n",
                     qPrintable(parser.value(grid)));
        return 2;
    }
    QElapsedTimer timer;
    timer.start();
    auto written = writeSampleData(parser.positionalArguments().front(), options,
                                   [](int done, int total) { std::fprintf(stderr, "\r%d/%d files", done, total); });
    std::fprintf(stderr, "\n");
    if (!written.isOk()) {
        std::fprintf(stderr, "tessera-cli: %s\n", qPrintable(written.status().message()));
        return 1;
    }
    std::printf("%lld files in %s (%.1f s)\n", static_cast<long long>(written->size()),
                qPrintable(parser.positionalArguments().front()), double(timer.elapsed()) / 1000.0);
    return 0;
}

} // namespace tessera::cli
