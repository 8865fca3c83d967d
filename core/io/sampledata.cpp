// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/sampledata.h"

#include "core/io/ncfile_p.h"
#include "core/io/netcdfreader.h"

#include <netcdf.h>
#include <netcdf>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <vector>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr int stepsPerDay = 4;
constexpr std::int16_t packedFill = -32767;
constexpr float pi = std::numbers::pi_v<float>;

// ECMWF packed each field into int16 from its range, keeping -32767 for missing values.
struct Packing
{
    double offset;
    double scale;
};
constexpr Packing packingFor(double low, double high)
{
    return {(low + high) / 2.0, (high - low) / 65534.0};
}
constexpr Packing t2mPacking = packingFor(180.0, 335.0);
constexpr Packing windPacking = packingFor(-60.0, 60.0);

struct Field
{
    const char *name;
    const char *units;
    const char *longName;
    Packing packing;
};
constexpr Field fields[3] = {
    {"t2m", "K", "2 metre temperature", t2mPacking},
    {"u10", "m s**-1", "10 metre U wind component", windPacking},
    {"v10", "m s**-1", "10 metre V wind component", windPacking},
};

// Spatial structure computed once per run; each day then costs a few flops per element.
struct Patterns
{
    int lonCount = 0;
    int latCount = 0;
    std::vector<float> longitudes;                                   // degrees east, 0 .. 360 - grid
    std::vector<float> latitudes;                                    // degrees north, 90 .. -90
    std::vector<float> t2mMean;                                      // K, annual mean
    std::vector<float> t2mSeason;                                    // K per unit of the northern seasonal cycle
    std::vector<float> t2mDaily;                                     // K, half the daily range
    std::vector<float> uMean, uWaveA, uWaveB, vMean, vWaveA, vWaveB; // m/s
    std::vector<float> noise;                                        // in [-1, 1], stored twice so a shifted window never wraps

    std::size_t cells() const { return std::size_t(lonCount) * std::size_t(latCount); }
};

std::uint64_t splitMix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

Patterns makePatterns(int lonCount, int latCount, double gridDegrees)
{
    Patterns p;
    p.lonCount = lonCount;
    p.latCount = latCount;
    const std::size_t cells = p.cells();
    for (std::vector<float> *field :
         {&p.t2mMean, &p.t2mSeason, &p.t2mDaily, &p.uMean, &p.uWaveA, &p.uWaveB, &p.vMean, &p.vWaveA, &p.vWaveB})
        field->resize(cells);
    for (int i = 0; i < lonCount; ++i)
        p.longitudes.push_back(float(i * gridDegrees));
    for (int j = 0; j < latCount; ++j)
        p.latitudes.push_back(float(90.0 - j * gridDegrees));

    for (int j = 0; j < latCount; ++j) {
        const float phi = p.latitudes[std::size_t(j)] * pi / 180.0f;
        const float cosPhi = std::max(0.0f, std::cos(phi));
        const float sinPhi = std::sin(phi);
        // Antarctica's plateau is colder than the Arctic sea.
        const float southCold = phi < -pi / 3 ? 8.0f * std::pow((-phi - pi / 3) / (pi / 6), 2.0f) : 0.0f;
        const float zonalWind = (-6.0f * std::cos(4 * phi) + 1.5f) * (0.3f + 0.7f * cosPhi);
        const float waveAmplitude = 1.0f + 6.0f * std::pow(std::sin(2 * phi), 2.0f);
        for (int i = 0; i < lonCount; ++i) {
            const float lambda = p.longitudes[std::size_t(i)] * pi / 180.0f;
            const std::size_t k = std::size_t(j) * std::size_t(lonCount) + std::size_t(i);
            // Smooth "continents": large-scale waves, vanishing at the poles.
            const float continents =
                cosPhi
                * (std::sin(2 * lambda + 0.5f) * std::cos(3 * phi) + 0.6f * std::sin(3 * lambda - 1.0f) * std::sin(2 * phi + 0.3f)
                   + 0.4f * std::cos(5 * lambda + 2.0f));
            const float land = std::clamp(0.5f + 0.35f * continents, 0.0f, 1.0f);
            p.t2mMean[k] = 242.0f + 57.0f * cosPhi * cosPhi + 2.5f * continents - southCold;
            p.t2mSeason[k] = sinPhi * (8.0f + 14.0f * land);
            p.t2mDaily[k] = cosPhi * (1.0f + 6.0f * land);
            const float phase = 5 * lambda + 2 * phi;
            p.uMean[k] = zonalWind * (1.0f - 0.3f * land);
            p.uWaveA[k] = waveAmplitude * std::sin(phase);
            p.uWaveB[k] = -waveAmplitude * std::cos(phase);
            p.vMean[k] = -1.5f * std::sin(2 * phi) * (1.0f - 0.3f * land);
            p.vWaveA[k] = 0.8f * waveAmplitude * std::cos(phase);
            p.vWaveB[k] = 0.8f * waveAmplitude * std::sin(phase);
        }
    }
    p.noise.resize(2 * cells);
    for (std::size_t k = 0; k < cells; ++k) {
        const float unit = float(splitMix(k) >> 40) / float(1 << 24);
        p.noise[k] = p.noise[k + cells] = 2.0f * unit - 1.0f;
    }
    return p;
}

inline std::int16_t pack(float value, float offset, float inverseScale)
{
    const float scaled = std::clamp((value - offset) * inverseScale, -32766.0f, 32766.0f);
    // Truncation of a positive number rounds down, so shifting first rounds to nearest.
    return std::int16_t(int(scaled + 32768.5f) - 32768);
}

// One day's packed fields, [field][step][lat][lon].
struct DayFields
{
    std::vector<std::int16_t> values[3];
};

void generateDay(const Patterns &p, QDate date, DayFields &day)
{
    const std::size_t cells = p.cells();
    const auto lonCount = std::size_t(p.lonCount);
    const float season = std::cos(2 * pi * (float(date.dayOfYear()) - 196.0f) / 365.25f);
    std::vector<float> dayMean(cells);
    for (std::size_t k = 0; k < cells; ++k)
        dayMean[k] = p.t2mMean[k] + season * p.t2mSeason[k];
    std::vector<float> dailyCycle(lonCount);
    for (auto &values : day.values)
        values.resize(stepsPerDay * cells);

    for (int step = 0; step < stepsPerDay; ++step) {
        const int hourUtc = 6 * step;
        for (std::size_t i = 0; i < lonCount; ++i) {
            const float localHour = float(hourUtc) + p.longitudes[i] / 15.0f;
            dailyCycle[i] = std::cos(2 * pi * (localHour - 15.0f) / 24.0f);
        }
        // Weather systems drift east, a wave passing every four days.
        const double days = double(date.toJulianDay()) + hourUtc / 24.0;
        const auto wavePhase = float(std::fmod(days, 4.0) / 4.0 * 2.0 * std::numbers::pi);
        const float waveCos = std::cos(wavePhase);
        const float waveSin = std::sin(wavePhase);
        const float *noise[3];
        for (int field = 0; field < 3; ++field) {
            const std::uint64_t seed = std::uint64_t(date.toJulianDay()) * 16 + std::uint64_t(step * 4 + field);
            noise[field] = p.noise.data() + splitMix(seed) % cells;
        }
        std::int16_t *t2m = day.values[0].data() + std::size_t(step) * cells;
        std::int16_t *u10 = day.values[1].data() + std::size_t(step) * cells;
        std::int16_t *v10 = day.values[2].data() + std::size_t(step) * cells;
        const auto tOffset = float(t2mPacking.offset), tInverse = float(1.0 / t2mPacking.scale);
        const auto wOffset = float(windPacking.offset), wInverse = float(1.0 / windPacking.scale);
        for (std::size_t row = 0; row < cells; row += lonCount) {
            for (std::size_t i = 0; i < lonCount; ++i) {
                const std::size_t k = row + i;
                t2m[k] = pack(dayMean[k] + p.t2mDaily[k] * dailyCycle[i] + 0.25f * noise[0][k], tOffset, tInverse);
            }
        }
        for (std::size_t k = 0; k < cells; ++k) {
            u10[k] = pack(p.uMean[k] + p.uWaveA[k] * waveCos + p.uWaveB[k] * waveSin + 0.6f * noise[1][k], wOffset, wInverse);
            v10[k] = pack(p.vMean[k] + p.vWaveA[k] * waveCos + p.vWaveB[k] * waveSin + 0.6f * noise[2][k], wOffset, wInverse);
        }
    }
}

// Kept when it opens with the expected layout and is as long as its data requires.
bool isCompleteDay(const QString &path, const Patterns &p)
{
    const QFileInfo info(path);
    const auto dataBytes = qint64(3 * stepsPerDay * p.cells() * sizeof(std::int16_t));
    if (!info.isFile() || info.size() < dataBytes)
        return false;
    const std::lock_guard lock(netcdfMutex());
    nc::quietHdf5ForThisThread();
    int ncid = -1;
    if (nc_open(QFile::encodeName(path).constData(), NC_NOWRITE, &ncid) != NC_NOERR)
        return false;
    const auto dimIs = [&](const char *name, std::size_t expected) {
        int dim = -1;
        std::size_t length = 0;
        return nc_inq_dimid(ncid, name, &dim) == NC_NOERR && nc_inq_dimlen(ncid, dim, &length) == NC_NOERR && length == expected;
    };
    bool complete =
        dimIs("longitude", std::size_t(p.lonCount)) && dimIs("latitude", std::size_t(p.latCount)) && dimIs("time", stepsPerDay);
    for (const Field &field : fields) {
        int var = -1;
        nc_type type = NC_NAT;
        int rank = 0;
        complete = complete && nc_inq_varid(ncid, field.name, &var) == NC_NOERR
                   && nc_inq_var(ncid, var, nullptr, &type, &rank, nullptr, nullptr) == NC_NOERR && type == NC_SHORT && rank == 3;
    }
    nc_close(ncid);
    return complete;
}

netCDF::NcVar addAxis(const netCDF::NcFile &file, const netCDF::NcDim &dim, const char *units)
{
    const netCDF::NcVar var = file.addVar(dim.getName(), netCDF::ncFloat, dim);
    var.putAtt("units", units);
    var.putAtt("long_name", dim.getName());
    return var;
}

// Throws netCDF::exceptions::NcException; caller holds netcdfMutex().
void writeDay(const QByteArray &path, const Patterns &p, QDate date, const DayFields &day)
{
    netCDF::NcFile file(path.toStdString(), netCDF::NcFile::replace, netCDF::NcFile::classic64);
    // Every value is written, so pre-filling the records would only double the I/O.
    int oldFill = 0;
    nc_set_fill(file.getId(), NC_NOFILL, &oldFill);
    const netCDF::NcDim lon = file.addDim("longitude", std::size_t(p.lonCount));
    const netCDF::NcDim lat = file.addDim("latitude", std::size_t(p.latCount));
    const netCDF::NcDim time = file.addDim("time");
    const netCDF::NcVar lonVar = addAxis(file, lon, "degrees_east");
    const netCDF::NcVar latVar = addAxis(file, lat, "degrees_north");
    const netCDF::NcVar timeVar = file.addVar("time", netCDF::ncInt, time);
    timeVar.putAtt("units", "hours since 1900-01-01 00:00:00.0");
    timeVar.putAtt("long_name", "time");
    timeVar.putAtt("calendar", "gregorian");
    std::vector<netCDF::NcVar> vars;
    for (const Field &field : fields) {
        const netCDF::NcVar var = file.addVar(field.name, netCDF::ncShort, {time, lat, lon});
        var.putAtt("scale_factor", netCDF::ncDouble, field.packing.scale);
        var.putAtt("add_offset", netCDF::ncDouble, field.packing.offset);
        var.putAtt("_FillValue", netCDF::ncShort, packedFill);
        var.putAtt("missing_value", netCDF::ncShort, packedFill);
        var.putAtt("units", field.units);
        var.putAtt("long_name", field.longName);
        vars.push_back(var);
    }
    file.putAtt("Conventions", "CF-1.6");
    file.putAtt("history", "synthetic sample data written by Tessera, laid out as ECMWF ERA-Interim "
                           "surface analyses");
    if (const int status = nc_enddef(file.getId()); status != NC_NOERR)
        throw netCDF::exceptions::NcException(status, "nc_enddef", __FILE__, __LINE__);

    lonVar.putVar(p.longitudes.data());
    latVar.putVar(p.latitudes.data());
    const int firstHour = int(QDate(1900, 1, 1).daysTo(date) * 24);
    const int hours[stepsPerDay] = {firstHour, firstHour + 6, firstHour + 12, firstHour + 18};
    timeVar.putVar({0}, {std::size_t(stepsPerDay)}, hours);
    for (std::size_t field = 0; field < vars.size(); ++field) {
        vars[field].putVar({0, 0, 0}, {std::size_t(stepsPerDay), std::size_t(p.latCount), std::size_t(p.lonCount)},
                           day.values[field].data());
    }
}

// Written beside the target and renamed over it, so an interrupted run leaves no half file that
// a later run would take for complete.
Status writeDayFile(const QString &path, const Patterns &p, QDate date, const DayFields &day)
{
    const QByteArray finalName = QFile::encodeName(path);
    const QByteArray partName = finalName + ".part";
    try {
        const std::lock_guard lock(netcdfMutex());
        writeDay(partName, p, date, day);
    } catch (const netCDF::exceptions::NcException &error) {
        QFile::remove(QFile::decodeName(partName));
        return makeError(ErrorCode::Io, u"cannot write %1 (netCDF says: %2)"_s.arg(path, nc::exceptionText(error)));
    }
    if (std::rename(partName.constData(), finalName.constData()) != 0) {
        QFile::remove(QFile::decodeName(partName));
        return makeError(ErrorCode::Io, u"cannot write %1: renaming the finished file failed"_s.arg(path));
    }
    return Status::ok();
}

} // namespace

Result<QStringList> writeSampleData(const QString &directory, const SampleDataOptions &options,
                                    const std::function<void(int, int)> &progress)
{
    if (options.days < 1)
        return makeError(ErrorCode::InvalidArgument, u"sample data needs at least one day, not %1"_s.arg(options.days));
    if (!options.start.isValid())
        return makeError(ErrorCode::InvalidArgument, u"sample data needs a valid start date"_s);
    const double grid = options.gridDegrees;
    const bool gridInRange = grid >= 0.01 && grid <= 90.0;
    const int lonCount = gridInRange ? int(std::lround(360.0 / grid)) : 0;
    const int latCount = gridInRange ? int(std::lround(180.0 / grid)) + 1 : 0;
    if (!gridInRange || std::abs(lonCount * grid - 360.0) > 1e-6 || std::abs((latCount - 1) * grid - 180.0) > 1e-6) {
        return makeError(ErrorCode::InvalidArgument,
                         u"grid spacing %1 degrees does not divide 180 degrees; try 0.25, 0.5, 1 or 2.5"_s.arg(grid));
    }
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io, u"cannot create directory %1"_s.arg(directory));

    const QDir dir(directory);
    QStringList files;
    try {
        const Patterns patterns = makePatterns(lonCount, latCount, grid);
        DayFields day;
        for (int index = 0; index < options.days; ++index) {
            const QDate date = options.start.addDays(index);
            const QString path = dir.absoluteFilePath(u"era-%1.nc"_s.arg(date.toString(u"yyyy-MM-dd"_s)));
            files << path;
            if (!isCompleteDay(path, patterns)) {
                generateDay(patterns, date, day);
                TESSERA_RETURN_IF_ERROR(writeDayFile(path, patterns, date, day));
            }
            if (progress)
                progress(index + 1, options.days);
        }
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"not enough memory to generate sample data at %1 degrees"_s.arg(grid));
    }
    return files;
}

} // namespace tessera
