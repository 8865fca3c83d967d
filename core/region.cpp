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

Status checkRegion(const Region &region, const Shape &shape)
{
    if (region.size() != shape.size()) {
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a region of %1 axes for a block of shape %2, which has %3")
                                                         .arg(region.size())
                                                         .arg(shapeToString(shape))
                                                         .arg(shape.size()));
    }
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const AxisSlice &slice = region[axis];
        const std::int64_t extent = shape[axis];
        const auto bad = [&](const QString &why) {
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("region axis %1 (start %2, count %3, step %4) of a block of shape %5: %6")
                                 .arg(axis)
                                 .arg(slice.start)
                                 .arg(slice.count)
                                 .arg(slice.step)
                                 .arg(shapeToString(shape), why));
        };
        if (slice.count < 0)
            return bad(QStringLiteral("the count is negative"));
        if (slice.drop && slice.count != 1)
            return bad(QStringLiteral("a dropped axis selects exactly one index"));
        if (slice.count == 0)
            continue;
        if (slice.step == 0)
            return bad(QStringLiteral("the step is 0"));
        std::int64_t span = 0;
        std::int64_t last = 0;
        if (__builtin_mul_overflow(slice.count - 1, slice.step, &span) || __builtin_add_overflow(slice.start, span, &last))
            return bad(QStringLiteral("the selection overflows"));
        if (slice.start < 0 || slice.start >= extent || last < 0 || last >= extent)
            return bad(QStringLiteral("it reaches outside the axis of %1").arg(extent));
    }
    return Status::ok();
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
