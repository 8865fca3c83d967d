// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QStringList>

namespace tessera::cli {

// tessera-cli bench [--local N] [--days D]: the seed experiment beside this machine's limits.
int benchCommand(const QStringList &arguments);

} // namespace tessera::cli
