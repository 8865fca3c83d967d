// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QCommandLineParser>
#include <QStringList>

namespace tessera::cli {

// parser.process(arguments) for the command named by arguments[0] ("tessera-cli run"), whose
// --help shows that name rather than the path the program was started by.
void processCommandLine(QCommandLineParser &parser, const QStringList &arguments);

} // namespace tessera::cli
