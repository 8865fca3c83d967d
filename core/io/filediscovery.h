// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QString>
#include <QStringList>

namespace tessera {

// Which files a path names, one rule for the CLI's --files, the scatter wizard's drops and
// experiments:
//   - a file: that file, whatever its name; a Zarr store (a folder with zarr.json, .zarray or
//     .zgroup): that store;
//   - a folder: the NetCDF files in it and in its subfolders (names ending .nc, .nc4, .cdf or
//     .netcdf, any case; hidden files and folders left out), and the Zarr stores;
//   - a glob in the last part ("/data/era/*.nc", "~/x/2014-0[6-8]-*.nc"): the files and Zarr
//     stores it matches, whatever their names (wildcards * ? [...] in the file name only).
// "~" at the start is the home folder. Files come sorted by path, so files named by date stack in
// time order. Nothing found is an error naming the path.
Result<QStringList> discoverFiles(const QString &path);
// Each path's files, in order of the paths, each file once.
Result<QStringList> discoverFiles(const QStringList &paths);

// True for the names a folder's NetCDF files have (see discoverFiles).
bool hasNetcdfName(const QString &fileName);

// The rule above in one sentence, for --help texts and the wizard.
QString fileDiscoveryRule();

} // namespace tessera
