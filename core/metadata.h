#pragma once

#include "arraymeta.h"
#include "expression.h"
#include "taskgraph.h"

#include <functional>

namespace tessera {

// The metadata of a checked expression's value: its shape, the axes that survive with their
// coordinates (sliced along with the data), and units where they still mean something.
ArrayMeta deriveMeta(const Expr &expr, const std::function<const ArrayMeta *(const QString &)> &metaOf);

// Copies the blocks of a layout (in flat order) into one array of the layout's full shape.
NdArray assembleBlocks(const Chunks &chunks, const std::vector<NdArray> &blocks);

} // namespace tessera
