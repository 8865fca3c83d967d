// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QStringList>

namespace tessera::cli {

// tessera-cli sample-data DIR --days N [--start DATE] [--grid DEG]
int sampleDataCommand(const QStringList &arguments);

} // namespace tessera::cli
