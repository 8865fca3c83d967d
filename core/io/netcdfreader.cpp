// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/netcdfreader.h"

#include "core/io/cfdecode_p.h"
#include "core/io/ncfile_p.h"
#include "core/io/netcdfreader_p.h"

#include <new>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

Axis axisFor(int group, const QString &dimName, std::int64_t extent, bool withValues)
{
    Axis axis;
    axis.name = dimName;
    const std::optional<nc::VarRef> coordinate = nc::coordinateVariable(group, dimName, extent);
    if (!coordinate)
        return axis;
    axis.units = nc::textAttribute(*coordinate, "units");
    axis.longName = nc::textAttribute(*coordinate, "long_name");
    axis.calendar = nc::textAttribute(*coordinate, "calendar");
    if (withValues && extent <= maxCoordinateValues)
        axis.values = nc::readDecoded(*coordinate);
    return axis;
}

Status numericOnly(const QString &path, const QString &variable, nc_type type)
{
    if (nc::isNumericType(type))
        return Status::ok();
    return makeError(ErrorCode::Format, u"%1: variable %2 holds %3 values; only numeric variables can be read"_s.arg(
                                            path, variable, nc::typeName(type)));
}

// A numeric variable in a file that stays open while it is read. Caller holds netcdfMutex().
struct OpenVariable
{
    nc::File file;
    nc::VarRef ref;
    nc::VarLayout layout;
};

Result<OpenVariable> openNumericVariable(const QString &path, const QString &variable)
{
    Result<nc::File> file = nc::File::open(path);
    if (!file)
        return file.status();
    const Result<nc::VarRef> ref = nc::findVariable(*file, variable);
    if (!ref)
        return ref.status();
    nc::VarLayout layout = nc::variableLayout(*ref);
    TESSERA_RETURN_IF_ERROR(numericOnly(path, variable, layout.type));
    return OpenVariable{std::move(*file), *ref, std::move(layout)};
}

} // namespace

std::mutex &netcdfMutex()
{
    static std::mutex mutex;
    return mutex;
}

Result<FileInfo> inspectNetcdf(const QString &path)
{
    try {
        const std::lock_guard lock(netcdfMutex());
        Result<nc::File> file = nc::File::open(path);
        if (!file)
            return file.status();
        FileInfo info;
        info.path = path;
        info.format = file->formatName();
        for (const nc::VarRef ref : nc::allVariables(file->id())) {
            const nc::VarLayout layout = nc::variableLayout(ref);
            VariableInfo var;
            var.name = nc::variablePath(ref);
            var.dimNames = layout.dimNames;
            var.shape = layout.shape;
            var.storageType = nc::typeName(layout.type);
            var.units = nc::textAttribute(ref, "units");
            var.longName = nc::textAttribute(ref, "long_name");
            info.variables.push_back(std::move(var));
        }
        return info;
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"out of memory listing %1"_s.arg(path));
    }
}

Result<NdArray> readVariable(const QString &path, const QString &variable, std::int64_t firstStart, std::int64_t firstCount)
{
    NdArray array;
    nc::CfRules rules;
    try {
        const std::lock_guard lock(netcdfMutex());
        Result<OpenVariable> opened = openNumericVariable(path, variable);
        if (!opened)
            return opened.status();
        const nc::VarRef ref = opened->ref;
        const nc::VarLayout &layout = opened->layout;

        Shape shape = layout.shape;
        std::vector<std::size_t> start(shape.size(), 0);
        std::vector<std::size_t> count(shape.begin(), shape.end());
        if (shape.empty()) {
            if (firstStart != 0 || (firstCount != -1 && firstCount != 1))
                return makeError(ErrorCode::InvalidArgument,
                                 u"%1: variable %2 is a scalar; it has no rows to select"_s.arg(path, variable));
        } else {
            const std::int64_t rows = shape.front();
            const std::int64_t wanted = firstCount == -1 ? rows - firstStart : firstCount;
            if (firstStart < 0 || wanted < 0 || firstStart + wanted > rows) {
                const QString wantedText = firstCount == -1 ? u"to the end"_s : u"%1 entries"_s.arg(firstCount);
                return makeError(ErrorCode::InvalidArgument,
                                 u"%1: variable %2 has %3 entries along %4; cannot read %5 from entry %6"_s.arg(path, variable)
                                     .arg(rows)
                                     .arg(layout.dimNames.front(), wantedText)
                                     .arg(firstStart));
            }
            shape.front() = wanted;
            start.front() = std::size_t(firstStart);
            count.front() = std::size_t(wanted);
        }
        rules = nc::cfRules(ref);
        array = NdArray(shape);
        if (const int status = nc::readStored(ref, layout.type, start, count, array); status != NC_NOERR) {
            return makeError(ErrorCode::Io,
                             u"%1: cannot read variable %2 (netCDF says: %3)"_s.arg(path, variable, nc::errorText(status)));
        }
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"%1: not enough memory to read variable %2"_s.arg(path, variable));
    }
    // Outside the lock: decoding touches no netCDF state, so workers' threads decode in parallel.
    nc::decodeInPlace(array, rules);
    return array;
}

Result<VariableProbe> probeVariable(const QString &path, const QString &variable, bool allAxisValues)
{
    try {
        const std::lock_guard lock(netcdfMutex());
        Result<OpenVariable> opened = openNumericVariable(path, variable);
        if (!opened)
            return opened.status();
        const nc::VarRef ref = opened->ref;
        const nc::VarLayout &layout = opened->layout;
        VariableProbe probe;
        probe.storageType = nc::typeName(layout.type);
        ArrayMeta &meta = probe.meta;
        meta.name = variable;
        meta.shape = layout.shape;
        meta.units = nc::textAttribute(ref, "units");
        meta.longName = nc::textAttribute(ref, "long_name");
        for (std::size_t dim = 0; dim < layout.shape.size(); ++dim) {
            meta.axes.push_back(axisFor(ref.group, layout.dimNames[dim], layout.shape[dim], allAxisValues || dim == 0));
        }
        return probe;
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"out of memory reading %1"_s.arg(path));
    }
}

Result<ArrayMeta> readVariableMeta(const QString &path, const QString &variable)
{
    Result<VariableProbe> probe = probeVariable(path, variable, true);
    if (!probe)
        return probe.status();
    ArrayMeta meta = std::move(probe->meta);
    meta.source = u"%1 var %2"_s.arg(path, variable);
    return meta;
}

} // namespace tessera
