// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/region.h"

namespace tessera {

bool isWhole(const Region &region, const Shape &shape)
{
    if (region.size() != shape.size())
        return false;
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        if (region[axis] != AxisSlice::whole(shape[axis]))
            return false;
    return true;
}

Shape regionShape(const Region &region)
{
    Shape shape;
    for (const AxisSlice &slice : region)
        if (!slice.drop)
            shape.push_back(slice.count);
    return shape;
}

} // namespace tessera
