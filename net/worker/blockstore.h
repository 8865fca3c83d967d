// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/status.h"

#include <QString>

#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace tessera {

// A worker's blocks, under a memory limit. Space is reserved before a block is computed or
// received, so a request that would exceed the limit is refused with a clear error instead of
// the process running out of memory. Thread-safe.
class BlockStore
{
public:
    BlockStore(QString workerName, std::int64_t limitBytes);

    // Sets aside `bytes` for `what` (a block key), or explains why not.
    Status reserve(std::int64_t bytes, const QString &what);
    void unreserve(std::int64_t bytes);
    // Stores a block whose space was reserved; a block replacing another frees the old one.
    void insertReserved(const QString &key, NdArray block, std::int64_t reservedBytes);
    Status insert(const QString &key, NdArray block);

    std::optional<NdArray> find(const QString &key) const;
    bool contains(const QString &key) const;
    // Returns the bytes freed.
    std::int64_t remove(const std::vector<QString> &keys);

    std::int64_t usedBytes() const;
    // The most that was held (blocks and reservations) since the last call; starts again from now.
    std::int64_t takePeakBytes();
    std::int64_t limitBytes() const { return m_limitBytes; }
    int blockCount() const;
    // Bytes of the largest array held here (blocks grouped by the key's prefix before ':'): about
    // what the next statement's result will need on this worker.
    std::int64_t largestArrayBytes() const;
    std::vector<std::pair<QString, std::int64_t>> list() const;

private:
    QString m_workerName;
    std::int64_t m_limitBytes;
    mutable std::mutex m_mutex;
    std::map<QString, NdArray> m_blocks;
    std::int64_t m_storedBytes = 0;
    std::int64_t m_reservedBytes = 0;
    std::int64_t m_peakBytes = 0;
};

} // namespace tessera
