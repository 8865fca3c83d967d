// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/chunks.h"
#include "core/ndarray.h"
#include "core/status.h"
#include "core/zarr/zarrmetadata.h"

#include <QString>

#include <optional>

namespace tessera {

// How save(x, 'PATH.zarr', ...) writes an array. A store is a group holding the array and its
// coordinate arrays, with xarray's conventions, so xarray.open_zarr names the dimensions.
struct ZarrSaveOptions
{
    // 2 unless asked: every xarray opens v2 (zarr-python 2 and 3 alike); v3 needs zarr-python 3
    // (2025), which Debian 12's xarray does not have. Sharding needs v3.
    int format = 2;
    QString codec = QStringLiteral("zstd"); // "none", or a name zarr::codecNamed knows
    QString dtype = QStringLiteral("float64");
    // Integer dtypes store round((value - addOffset) / scaleFactor), NaN as the fill value, as
    // xarray packs; both must be given then.
    std::optional<double> scaleFactor;
    std::optional<double> addOffset;
    Shape chunks;          // empty: the largest chunks that each lie inside one block (at most ~64 MB)
    Shape shards;          // v3: one file per shard of this shape, holding `chunks`-shaped chunks
    bool checksum = false; // v3: a crc32c after each chunk
    QString variable;      // the array's name in the store
};

// The array as the store will hold it, checked against its blocks: every chunk (or shard) file
// lies inside one block, so that each worker writes its own files and no two write the same one.
// Errors name the option and the fix.
Result<zarr::ArrayMetadata> planZarrArray(const QString &store, const ArrayMeta &meta, const Chunks &blocks,
                                          const ZarrSaveOptions &options);

// Makes the store's folder; a path that exists is refused (nothing is overwritten).
Status beginZarrStore(const QString &store);

struct WrittenChunks
{
    std::int64_t bytes = 0;
    std::int64_t files = 0;
};

// A worker's part: writes the chunk files of `block`, whose first element sits at `origin` in
// the array. Each file is written whole under a temporary name and then renamed.
Result<WrittenChunks> writeZarrBlock(const zarr::ArrayMetadata &array, const Shape &origin, const NdArray &block);

// The client's last step, once every block is written: the coordinate arrays, the array's
// metadata, and the group's last of all, so that a store missing any chunk never looks complete.
Status finishZarrStore(const QString &store, const zarr::ArrayMetadata &array, const ArrayMeta &meta);

// A failed or cancelled save: the folder goes. It never held the group's metadata.
void abandonZarrStore(const QString &store);

} // namespace tessera
