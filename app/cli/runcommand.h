#pragma once

#include <QStringList>

namespace tessera::cli {

// tessera-cli run: start or connect to workers, load files, run expressions, print a table.
int runCommand(const QStringList &arguments);

} // namespace tessera::cli
