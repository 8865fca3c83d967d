// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <cstdint>

namespace tessera {

// Byte sizes as every Tessera program prints them: decimal units (kB = 1000 B), as the bench
// table, the README and the plots do: "950 B", "33.2 kB", "8.3 MB", "1.50 GB", "12.10 TB".
QString formatBytes(std::int64_t bytes);

// What a user may type for a size: "12G", "512M", "800000k", "1.5GB", "2GiB" (binary with 'i'),
// or plain bytes. Returns -1 when the text is not a size.
std::int64_t parseByteSize(const QString &text);

} // namespace tessera
