// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Test fixture for tst_netcdfio: NetCDF files written with netcdf-cxx4 directly, and the values
// netCDF4-python shows for them, computed here independently of the reader.

#include "core/ndarray.h"

#include <netcdf>

#include <QMap>
#include <QString>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace fixture {

using netCDF::NcDim;
using netCDF::NcFile;
using netCDF::NcGroup;
using netCDF::NcVar;
using tessera::Shape;

inline const double notANumber = std::numeric_limits<double>::quiet_NaN();

// What netCDF4-python shows for stored values: NaN where masked or NaN, else value*scale+offset.
inline std::vector<double> decoded(const std::vector<double> &stored, const std::vector<double> &masked, double scale = 1.0,
                                   double offset = 0.0)
{
    std::vector<double> values;
    for (double value : stored) {
        const bool isMasked = std::isnan(value) || std::find(masked.begin(), masked.end(), value) != masked.end();
        values.push_back(isMasked ? notANumber : value * scale + offset);
    }
    return values;
}

template <typename T>
std::vector<T> ramp(std::size_t count, double step, double start)
{
    std::vector<T> values;
    for (std::size_t i = 0; i < count; ++i)
        values.push_back(T(start + step * double(i)));
    return values;
}

template <typename T>
std::vector<double> asDoubles(const std::vector<T> &values)
{
    return std::vector<double>(values.begin(), values.end());
}

struct Expected
{
    Shape shape;
    std::vector<double> values;
};

// Writes every kind of variable the reader must handle; returns the decoded values expected.
inline QMap<QString, Expected> writeFixture(const QString &path, NcFile::FileFormat fileFormat)
{
    QMap<QString, Expected> expectedValues;
    const bool enhanced = fileFormat == NcFile::nc4;
    NcFile file(path.toStdString(), NcFile::replace, fileFormat);
    const NcDim time = file.addDim("time");
    const NcDim lat = file.addDim("lat", 4);
    const NcDim lon = file.addDim("lon", 5); // no coordinate variable
    const std::vector<NcDim> cube = {time, lat, lon};
    const std::vector<NcDim> plane = {lat, lon};
    const auto expect = [&](const char *name, Shape shape, std::vector<double> values) {
        expectedValues[QString::fromUtf8(name)] = {std::move(shape), std::move(values)};
    };

    const NcVar timeVar = file.addVar("time", netCDF::ncInt, time);
    timeVar.putAtt("units", "hours since 1900-01-01 00:00:00.0");
    timeVar.putAtt("calendar", "gregorian");
    const int hours[3] = {1000000, 1000006, 1000012};
    timeVar.putVar({0}, {3}, hours);
    expect("time", {3}, {1000000, 1000006, 1000012});

    // A packed coordinate: decoded by the same rules.
    const NcVar latVar = file.addVar("lat", netCDF::ncShort, lat);
    latVar.putAtt("units", "degrees_north");
    latVar.putAtt("long_name", "latitude");
    latVar.putAtt("scale_factor", netCDF::ncDouble, 0.5);
    const std::vector<short> latStored = {120, 60, 0, -60};
    latVar.putVar(latStored.data());
    expect("lat", {4}, {60, 30, 0, -30});

    // ERA-style packing; missing_value is a list whose first entry equals _FillValue.
    std::vector<short> t2m = ramp<short>(60, 7, -100);
    t2m[3] = t2m[20] = -32767;
    t2m[10] = -1;
    const NcVar t2mVar = file.addVar("t2m", netCDF::ncShort, cube);
    const short missing[2] = {-32767, -1};
    t2mVar.putAtt("scale_factor", netCDF::ncDouble, 0.01);
    t2mVar.putAtt("add_offset", netCDF::ncDouble, 273.15);
    t2mVar.putAtt("_FillValue", netCDF::ncShort, short(-32767));
    t2mVar.putAtt("missing_value", netCDF::ncShort, 2, missing);
    t2mVar.putAtt("units", "K");
    t2mVar.putAtt("long_name", "2 metre temperature");
    t2mVar.putVar({0, 0, 0}, {3, 4, 5}, t2m.data());
    expect("t2m", {3, 4, 5}, decoded(asDoubles(t2m), {-32767, -1}, 0.01, 273.15));

    // Bytes without _FillValue, filling on: netCDF4-python masks the default fill -127.
    std::vector<signed char> count8 = ramp<signed char>(20, 5, -50);
    count8[2] = -127;
    count8[3] = -128;
    const NcVar count8Var = file.addVar("count8", netCDF::ncByte, plane);
    count8Var.putVar(count8.data());
    expect("count8", {4, 5}, decoded(asDoubles(count8), {-127}));

    // _Unsigned bytes: the view is unsigned and the signed default fill never matches.
    std::vector<signed char> flags = ramp<signed char>(20, 13, -120);
    flags[2] = -1;
    flags[4] = -127;
    const NcVar flagsVar = file.addVar("flags", netCDF::ncByte, plane);
    flagsVar.putAtt("_Unsigned", "true");
    flagsVar.putAtt("missing_value", netCDF::ncByte, (signed char)(-1));
    flagsVar.putVar(flags.data());
    std::vector<double> flagsUnsigned;
    for (signed char value : flags)
        flagsUnsigned.push_back(double((unsigned char)value));
    expect("flags", {4, 5}, decoded(flagsUnsigned, {255}));

    std::vector<int> level = ramp<int>(20, 1000, -5000);
    level[7] = NC_FILL_INT;
    const NcVar levelVar = file.addVar("level", netCDF::ncInt, plane);
    levelVar.putAtt("add_offset", netCDF::ncDouble, 1000.0);
    levelVar.putVar(level.data());
    expect("level", {4, 5}, decoded(asDoubles(level), {NC_FILL_INT}, 1.0, 1000.0));

    std::vector<float> precip = ramp<float>(60, 0.25, 0);
    precip[0] = float(notANumber);
    precip[5] = -999.0f;
    const NcVar precipVar = file.addVar("precip", netCDF::ncFloat, cube);
    precipVar.putAtt("_FillValue", netCDF::ncFloat, -999.0f);
    precipVar.putAtt("scale_factor", netCDF::ncFloat, 0.5f);
    precipVar.putVar({0, 0, 0}, {3, 4, 5}, precip.data());
    expect("precip", {3, 4, 5}, decoded(asDoubles(precip), {-999}, 0.5));

    // 1-d float64 without _FillValue: the default fill is masked, 1e20 is not.
    const std::vector<double> height = {1.5, NC_FILL_DOUBLE, -3, 1e20, 8};
    const NcVar heightVar = file.addVar("height", netCDF::ncDouble, lon);
    heightVar.putAtt("scale_factor", netCDF::ncDouble, 2.0);
    heightVar.putVar(height.data());
    expect("height", {5}, decoded(height, {NC_FILL_DOUBLE}, 2.0));

    const NcVar scalarVar = file.addVar("scalar", netCDF::ncDouble);
    scalarVar.putAtt("add_offset", netCDF::ncDouble, 0.5);
    const double scalar = 41.5;
    scalarVar.putVar(&scalar);
    expect("scalar", {}, {42.0});

    const std::vector<float> bounded = ramp<float>(20, 6, -10);
    const NcVar boundedVar = file.addVar("bounded", netCDF::ncFloat, plane);
    boundedVar.putAtt("valid_min", netCDF::ncFloat, 0.0f);
    boundedVar.putAtt("valid_max", netCDF::ncFloat, 100.0f);
    boundedVar.putVar(bounded.data());
    std::vector<double> boundedExpected = asDoubles(bounded);
    for (double &value : boundedExpected)
        value = value < 0 || value > 100 ? notANumber : value;
    expect("bounded", {4, 5}, boundedExpected);

    const NcVar labelVar = file.addVar("label", netCDF::ncChar, lon);
    labelVar.putVar("abcde");

    if (!enhanced)
        return expectedValues;
    std::vector<short> zipped = ramp<short>(60, 11, -300);
    zipped[9] = 32767;
    const NcVar zippedVar = file.addVar("zipped", netCDF::ncShort, cube);
    std::vector<std::size_t> chunks = {1, 2, 5};
    zippedVar.setChunking(NcVar::nc_CHUNKED, chunks);
    zippedVar.setCompression(true, true, 4);
    zippedVar.putAtt("_FillValue", netCDF::ncShort, short(32767));
    zippedVar.putAtt("scale_factor", netCDF::ncDouble, 0.1);
    zippedVar.putAtt("add_offset", netCDF::ncDouble, -5.0);
    zippedVar.putVar({0, 0, 0}, {3, 4, 5}, zipped.data());
    expect("zipped", {3, 4, 5}, decoded(asDoubles(zipped), {32767}, 0.1, -5.0));

    std::vector<unsigned short> big = ramp<unsigned short>(20, 3000, 5);
    big[1] = NC_FILL_USHORT;
    const NcVar bigVar = file.addVar("big", netCDF::ncUshort, plane);
    const unsigned short range[2] = {10, 60000};
    bigVar.putAtt("valid_range", netCDF::ncUshort, 2, range);
    bigVar.putAtt("scale_factor", netCDF::ncDouble, 0.001);
    bigVar.putVar(big.data());
    std::vector<double> bigExpected = decoded(asDoubles(big), {NC_FILL_USHORT}, 0.001);
    bigExpected[0] = notANumber; // 5 is below valid_range
    expect("big", {4, 5}, bigExpected);

    const std::vector<long long> ids = {1000000000000000LL, -1, 3, 4, -5};
    const NcVar idsVar = file.addVar("ids", netCDF::ncInt64, lon);
    idsVar.putAtt("_FillValue", netCDF::ncInt64, -1LL);
    idsVar.putVar(ids.data());
    expect("ids", {5}, decoded(asDoubles(ids), {-1}));

    const std::vector<NcDim> fiveDims = {file.addDim("a", 2), file.addDim("b", 1), file.addDim("c", 3), file.addDim("d", 2),
                                         file.addDim("e", 2)};
    const std::vector<double> five = ramp<double>(24, 0.5, -3);
    file.addVar("five", netCDF::ncDouble, fiveDims).putVar(five.data());
    expect("five", {2, 1, 3, 2, 2}, five);

    // Groups: `inner` uses the root's lat; `local` has its own dimension and coordinate.
    const NcGroup group = file.addGroup("g");
    const NcDim x = group.addDim("x", 2);
    const std::vector<float> xValues = {10, 20};
    group.addVar("x", netCDF::ncFloat, x).putVar(xValues.data());
    const std::vector<float> local = {1, 2};
    group.addVar("local", netCDF::ncFloat, x).putVar(local.data());
    expect("g/local", {2}, asDoubles(local));
    const std::vector<float> inner = ramp<float>(20, 1, 0);
    group.addGroup("sub").addVar("inner", netCDF::ncFloat, plane).putVar(inner.data());
    expect("g/sub/inner", {4, 5}, asDoubles(inner));
    return expectedValues;
}

} // namespace fixture
