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
// What the arrays an expression may name are: shape, dimensions with their coordinates, units.
using MetaLookup = std::function<const ArrayMeta *(const QString &name)>;

// Resolves names, negative indices and axes, dimension names, selections by value, groups,
// slices, broadcasting (by dimension name, as xarray) and reduction shapes; fills Expr::shape,
// dimensions and units everywhere and rewrites the forms that exist only as text (sel, isel,
// weighted, count, ...) into plain nodes. Errors name the column and the fix: unknown array (and
// which exist), unknown dimension, a date outside the axis, axis out of range, shapes that do
// not broadcast, index out of bounds, too many indices.
Status checkExpression(Expr &expr, const MetaLookup &lookup);
// With shapes only: dimensions are dim_0, dim_1, ... without coordinates.
Status checkExpression(Expr &expr, const ShapeLookup &lookup);

// numpy broadcasting of two shapes.
Result<Shape> broadcastShapes(const Shape &a, const Shape &b);

} // namespace tessera
