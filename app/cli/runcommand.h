// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QStringList>

namespace tessera::cli {

// tessera-cli run: start or connect to workers, load files, run expressions, print a table.
int runCommand(const QStringList &arguments);

} // namespace tessera::cli
