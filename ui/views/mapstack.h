// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace tessera::ui {

// A result of rank 3 or more read as a stack of maps: one map per position of its leading
// dimensions (months, days, ...), laid on its last two.
namespace mapstack {

std::int64_t mapCount(const tessera::ArrayMeta &meta);
std::int64_t mapSize(const tessera::ArrayMeta &meta);

// True when the maps' rows are latitudes (degrees north), so their mean is weighted by area.
bool rowsAreLatitudes(const tessera::ArrayMeta &meta);

// The mean of each map over its finite cells, weighted by cos(latitude) when the rows are
// latitudes; NaN for a map with none.
std::vector<double> mapMeans(const double *values, const tessera::ArrayMeta &meta);

// "month 7", "season JJA", "time 2014-01-02 06:00" (UTC), or "dim_0 3, dim_1 1" for a
// stack of more than one leading dimension: which map `index` is.
QString mapName(const tessera::ArrayMeta &meta, std::int64_t index);

} // namespace mapstack

} // namespace tessera::ui
