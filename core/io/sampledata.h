// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QDate>
#include <QString>
#include <QStringList>

#include <functional>

namespace tessera {

struct SampleDataOptions
{
    int days = 30;
    QDate start = QDate(2014, 1, 1);
    double gridDegrees = 0.25; // 0.25 -> 721 x 1440
};

// Writes one file per day, `DIR/era-YYYY-MM-DD.nc`, laid out as ECMWF ERA-Interim surface
// analyses were served (NetCDF-3 64-bit offset; longitude 0..359.75, latitude 90..-90, time
// unlimited with 4 steps a day in hours since 1900-01-01; t2m, u10, v10 packed as int16 with
// scale_factor, add_offset, _FillValue and missing_value -32767). Existing complete files are
// kept. `progress(done, total)` is called after each file.
Result<QStringList> writeSampleData(const QString &directory, const SampleDataOptions &options,
                                    const std::function<void(int, int)> &progress = {});

} // namespace tessera
