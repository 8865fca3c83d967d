// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"

#include <QString>

#include <vector>

namespace tessera {

// One dimension of an array: its name and, when the files had a coordinate variable for it,
// the coordinate values and their CF attributes. Without one, the coordinate is the index.
struct Axis
{
    QString name;
    std::vector<double> values; // empty: no coordinate variable
    QString units;              // e.g. "hours since 1900-01-01 00:00:00.0", "degrees_north"
    QString longName;
    QString calendar;
    std::vector<QString> labels{}; // text coordinates (seasons "DJF", ...), one per value when set

    bool hasCoordinates() const { return !values.empty(); }
    // What CF's units say the axis is: degrees_north (and its spellings), degrees_east, or
    // "UNIT since DATE".
    bool isLatitude() const;
    bool isLongitude() const;
    bool isTime() const;
};

// What an array is, apart from where its blocks live: shape, axes and CF attributes.
struct ArrayMeta
{
    QString name;
    Shape shape;
    std::vector<Axis> axes; // one per dimension
    QString units;
    QString longName;
    QString source; // "42 files: /data/era/*.nc var t2m" or "x - x.mean()"

    std::int64_t byteSize() const { return elementCount(shape) * std::int64_t(sizeof(double)); }
};

} // namespace tessera
