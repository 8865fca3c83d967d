// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: CF decoding of packed netCDF values, matching netCDF4-python's default
// auto mask-and-scale (version 1.6), so numbers agree with what users see in Python.

#include "core/io/ncfile_p.h"
#include "core/ndarray.h"

#include <vector>

namespace tessera::nc {

// How to turn a variable's stored values into float64, read from its attributes.
struct CfRules
{
    nc_type storedType = NC_NAT;  // as declared in the file
    nc_type decodedType = NC_NAT; // the unsigned twin when _Unsigned = "true"
    // Stored values that become NaN (_FillValue, missing_value, or the type's default fill),
    // each exactly representable in decodedType.
    std::vector<long double> maskedValues;
    bool hasValidMin = false;
    bool hasValidMax = false;
    long double validMin = 0;
    long double validMax = 0;
    bool scaled = false; // false: values pass through unchanged
    double scale = 1.0;
    double offset = 0.0;
};

// Caller holds netcdfMutex(). `ref` must be numeric.
CfRules cfRules(VarRef ref);

// Reads the hyperslab's stored values into the tail of `target` (whose size is the hyperslab's
// element count), ready for decodeInPlace. Caller holds netcdfMutex().
int readStored(VarRef ref, nc_type storedType, const std::vector<std::size_t> &start, const std::vector<std::size_t> &count,
               NdArray &target);

// Expands the stored values at the tail of `array` into decoded float64 over the whole buffer and
// sets mayHaveNan(). Needs no lock: netCDF is not called, so workers decode in parallel.
void decodeInPlace(NdArray &array, const CfRules &rules);

// A whole (small) variable decoded; empty on failure. Caller holds netcdfMutex().
std::vector<double> readDecoded(VarRef ref);

} // namespace tessera::nc
