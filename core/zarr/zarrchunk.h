// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"
#include "core/status.h"
#include "core/zarr/zarrmetadata.h"

#include <QByteArrayView>

namespace tessera::zarr {

// A chunk's elements as Tessera works with them: C order, the machine's byte order,
// elementCount(chunkShape) * dtype.size bytes.

// A chunk file's bytes to elements at `elements`, through the array's codecs (shards included:
// a missing inner chunk is the fill value). Errors say what is wrong, not which file: callers
// add that.
Status decodeChunkInto(const ArrayMetadata &array, QByteArrayView stored, char *elements);
// Elements to the bytes of a chunk file. In a shard, inner chunks that hold only the fill value
// are left out, as zarr-python leaves them out.
Result<ByteBuffer> encodeChunk(const ArrayMetadata &array, QByteArrayView elements);
// `count` elements of `size` bytes, each the fill value.
void fillElements(char *target, std::int64_t count, const ScalarBytes &fill, int size);

} // namespace tessera::zarr
