// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/expr/expression.h"
#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

#include <functional>
#include <optional>

namespace tessera {

// Shapes of the arrays an expression may name.
using ShapeLookup = std::function<std::optional<Shape>(const QString &name)>;

// Resolves names, negative indices and axes, slices, broadcasting and reduction shapes; fills
// Expr::shape everywhere. Errors name the column and the fix: unknown array (and which exist),
// axis out of range, shapes that do not broadcast, index out of bounds, too many indices.
Status checkExpression(Expr &expr, const ShapeLookup &lookup);

// numpy broadcasting of two shapes.
Result<Shape> broadcastShapes(const Shape &a, const Shape &b);

} // namespace tessera
