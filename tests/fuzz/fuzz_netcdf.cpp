// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A file of arbitrary bytes opened as NetCDF, as a worker or the workbench would: inspected, its
// variables probed and read. Every outcome must be a value or an error, never a crash.

#include "core/io/filestack.h"
#include "core/io/netcdfreader.h"

#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unistd.h>

using namespace tessera;

namespace {

// Large variables are what a worker's memory limit refuses; here they only slow the search.
constexpr std::int64_t maxReadBytes = std::int64_t(1) << 20;

// HDF5 (NetCDF-4) files are left to the regular tests: libhdf5 can loop for minutes on a damaged
// one (tests/fuzz/findings/netcdf-endless-open.nc; again in a CI run of 2026-12-06, in
// H5HG_read under nc_inq_var), a hang in a library Tessera does not own, which the workbench
// contains by reading files off its GUI thread. Left in, the fuzzer's timeout finds it at random
// and fails the run. HDF5 puts its signature at offset 0, 512, 1024, 2048, ...
bool isHdf5(const std::uint8_t *data, std::size_t size)
{
    static constexpr char signature[] = "\x89HDF\r\n\x1a\n";
    for (std::size_t offset = 0; offset + 8 <= size; offset = offset == 0 ? 512 : offset * 2) {
        if (std::memcmp(data + offset, signature, 8) == 0)
            return true;
    }
    return false;
}

QString scratchFile()
{
    static const QString path = QDir::tempPath() + QStringLiteral("/tessera-fuzz-%1.nc").arg(::getpid());
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (isHdf5(data, size))
        return 0;
    const QString path = scratchFile();
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    const Result<FileInfo> info = inspectNetcdf(path);
    if (!info.isOk())
        return 0;
    int tried = 0;
    for (const VariableInfo &variable : info->variables) {
        if (++tried > 4)
            break;
        const std::optional<std::int64_t> bytes = checkedByteSize(variable.shape);
        (void)readVariableMeta(path, variable.name);
        (void)planFileStack({path}, variable.name);
        if (bytes && *bytes <= maxReadBytes) {
            (void)readVariable(path, variable.name);
            if (!variable.shape.empty() && variable.shape.front() > 1)
                (void)readVariable(path, variable.name, 1, 1);
        }
    }
    return 0;
}
