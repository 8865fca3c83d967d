// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/commandline.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

namespace tessera::cli {

void processCommandLine(QCommandLineParser &parser, const QStringList &arguments)
{
    // QCommandLineParser's usage line starts with the process's own argv[0].
    if (parser.parse(arguments) && parser.isSet(QStringLiteral("help"))) {
        QString help = parser.helpText();
        const QString usage = QStringLiteral("Usage: ");
        help.replace(usage + QCoreApplication::arguments().constFirst(), usage + arguments.constFirst());
        std::fputs(qPrintable(help), stdout);
        std::exit(0);
    }
    parser.process(arguments);
}

} // namespace tessera::cli
