// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHashFunctions>
#include <QString>

#include <cstddef>

namespace tessera {

// Qt 6.4 gives QString no std::hash; block keys index hash maps through qHash.
struct StringHash
{
    std::size_t operator()(const QString &text) const noexcept { return qHash(text); }
};

} // namespace tessera
