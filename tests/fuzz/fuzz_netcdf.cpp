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
#include <unistd.h>

using namespace tessera;

namespace {

// Large variables are what a worker's memory limit refuses; here they only slow the search.
constexpr std::int64_t maxReadBytes = std::int64_t(1) << 20;

QString scratchFile()
{
    static const QString path = QDir::tempPath() + QStringLiteral("/tessera-fuzz-%1.nc").arg(::getpid());
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
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
