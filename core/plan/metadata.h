// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/expr/expression.h"
#include "core/plan/taskgraph.h"

#include <functional>

namespace tessera {

// The metadata of a checked expression's value: its shape, the axes that survive with their
// coordinates (sliced along with the data), and units where they still mean something.
ArrayMeta deriveMeta(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf);

} // namespace tessera
