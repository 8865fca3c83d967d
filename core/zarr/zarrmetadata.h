// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/status.h"
#include "core/zarr/zarrcodecchain.h"
#include "core/zarr/zarrdtype.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <vector>

namespace tessera::zarr {

// One array of a store: what zarr.json (v3) or .zarray with .zattrs (v2) says.
struct ArrayMetadata
{
    QString folder;       // the array's folder
    QString metadataFile; // its zarr.json or .zarray, named in messages
    int format = 3;
    Shape shape;
    Shape chunkShape;
    DataType dtype;
    ScalarBytes fill{};       // in the machine's byte order
    bool fillIsNull = false;  // v2's "fill_value": null
    bool v2ChunkKeys = false; // "0.1.2" rather than v3's "c/0/1/2"
    QChar separator = u'/';
    CodecChain codecs;
    std::vector<QString> dimensionNames; // empty when the store names none
    QJsonObject attributes;

    // The chunk's file, relative to the array's folder.
    QString chunkKey(const std::vector<std::int64_t> &chunkIndex) const;
    std::int64_t chunkBytes() const { return elementCount(chunkShape) * dtype.size; }
    double fillAsDouble() const;
};

enum class NodeKind {
    None,
    Array,
    Group,
};

// What a folder holds: a v3 zarr.json (array or group), a v2 .zarray or .zgroup, or neither.
NodeKind nodeKind(const QString &folder);

// Reads and checks the array's metadata; errors name the file and what is wrong with it.
Result<ArrayMetadata> readArrayMetadata(const QString &folder);

// Metadata files by name (".zarray", ".zattrs", "zarr.json") and their JSON.
using MetadataFiles = std::vector<std::pair<QString, QByteArray>>;

// The metadata files of `array` (format 2: .zarray and .zattrs; 3: zarr.json).
MetadataFiles arrayMetadataFiles(const ArrayMetadata &array);
// A group's metadata file(s) with `attributes`.
MetadataFiles groupMetadataFiles(int format, const QJsonObject &attributes);
// The array `files` describe, checked as readArrayMetadata checks what it reads (a worker gets
// the metadata of the array it writes this way, before the files exist).
Result<ArrayMetadata> parseArrayMetadata(const QString &folder, const MetadataFiles &files);

} // namespace tessera::zarr
