// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Internal to core: a thin RAII handle and lookups over the netCDF-C API, shared by the reader
// and the file stack. The C API is used here rather than netcdf-cxx4 because it reports errors
// as codes (netcdf-cxx4 throws) and reads hyperslabs straight into a caller's buffer.
// Every function here expects the caller to hold netcdfMutex().

#include "core/arraymeta.h"
#include "core/status.h"

#include <ncException.h>
#include <netcdf.h>

#include <QString>

#include <optional>
#include <vector>

namespace tessera::nc {

// netCDF-C switches HDF5's error printing off only in the thread that first used it; HDF5 keeps
// that setting per thread, so netCDF 4.9.0's probes for optional attributes would print pages of
// "HDF5-DIAG" from every other thread. Called before netCDF work in each thread (cheap after the
// first call).
void quietHdf5ForThisThread();

// nc_strerror(status) as a QString.
QString errorText(int status);
// What a netcdf-cxx4 exception says, without the source file and line it appends.
QString exceptionText(const netCDF::exceptions::NcException &error);

// An open netCDF file, read-only; closed by the destructor (under the caller's lock).
class File
{
public:
    // NotFound "no such file: PATH", Format "PATH is not a NetCDF file (netCDF says: ...)", Io.
    static Result<File> open(const QString &path);

    File(File &&other) noexcept;
    File &operator=(File &&other) noexcept;
    File(const File &) = delete;
    File &operator=(const File &) = delete;
    ~File();

    int id() const { return m_id; }
    const QString &path() const { return m_path; }
    // "NetCDF-3 classic", "NetCDF-3 64-bit offset", "NetCDF-4", ...
    QString formatName() const;

private:
    File(int id, QString path);

    int m_id = -1;
    QString m_path;
};

// A variable: the group it lives in and its id there.
struct VarRef
{
    int group = -1;
    int var = -1;
};

// "t2m", "group/sub/var".
QString variablePath(VarRef ref);
// Every variable of the file, groups walked depth-first, in definition order.
std::vector<VarRef> allVariables(int rootGroup);
// `name` is a path like "group/var" (a leading '/' is allowed). NotFound lists what the file has.
Result<VarRef> findVariable(const File &file, const QString &name);

struct VarLayout
{
    nc_type type = NC_NAT;
    std::vector<QString> dimNames;
    Shape shape;
};
VarLayout variableLayout(VarRef ref);

// "int16", "float32", ...; "char", "string", "user-defined" for the rest.
QString typeName(nc_type type);
bool isNumericType(nc_type type);
// An attribute of text type, empty when absent or of another type.
QString textAttribute(VarRef ref, const char *name);

// The coordinate variable for a dimension: a 1-d variable named after the dimension, over that
// dimension, found in `group` or the nearest parent group that has one.
std::optional<VarRef> coordinateVariable(int group, const QString &dimName, std::int64_t extent);

} // namespace tessera::nc
