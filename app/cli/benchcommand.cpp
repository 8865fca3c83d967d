#include "benchcommand.h"
namespace tessera::cli { int benchCommand(const QStringList &) { return 1; } }
