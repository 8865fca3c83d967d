// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/taskgraph.h"

namespace tessera {

QString taskKindName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Load: return QStringLiteral("load");
    case TaskKind::Slice: return QStringLiteral("slice");
    case TaskKind::Unary: return QStringLiteral("unary");
    case TaskKind::Binary: return QStringLiteral("binary");
    case TaskKind::Partial: return QStringLiteral("partial");
    case TaskKind::Combine: return QStringLiteral("combine");
    case TaskKind::Select: return QStringLiteral("select");
    }
    return QStringLiteral("task");
}

std::int64_t BlockLayout::blockBytes(std::int64_t flat) const
{
    return elementCount(chunks.blockShape(chunks.unflatten(flat))) * std::int64_t(sizeof(double));
}

} // namespace tessera
