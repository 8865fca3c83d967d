// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/blockstore.h"

#include "core/bytesize.h"

#include <algorithm>
#include <utility>

namespace tessera {

BlockStore::BlockStore(QString workerName, std::int64_t limitBytes)
    : m_workerName(std::move(workerName))
    , m_limitBytes(limitBytes)
{
}

Status BlockStore::reserve(std::int64_t bytes, const QString &what)
{
    std::lock_guard lock(m_mutex);
    const std::int64_t held = m_storedBytes + m_reservedBytes;
    if (held + bytes > m_limitBytes) {
        return makeError(ErrorCode::Memory,
                         QStringLiteral("worker %1 is at its memory limit: it holds %2 of %3 and %4 needs %5 more; "
                                        "free arrays, add workers or start the worker with a larger --memory-limit")
                             .arg(m_workerName, formatBytes(held), formatBytes(m_limitBytes), what, formatBytes(bytes)));
    }
    m_reservedBytes += bytes;
    m_peakBytes = std::max(m_peakBytes, m_storedBytes + m_reservedBytes);
    return Status::ok();
}

void BlockStore::unreserve(std::int64_t bytes)
{
    std::lock_guard lock(m_mutex);
    m_reservedBytes -= bytes;
}

void BlockStore::insertReserved(const QString &key, NdArray block, std::int64_t reservedBytes)
{
    std::lock_guard lock(m_mutex);
    m_reservedBytes -= reservedBytes;
    if (auto it = m_blocks.find(key); it != m_blocks.end()) {
        m_storedBytes -= it->second.byteSize();
        m_blocks.erase(it);
    }
    m_storedBytes += block.byteSize();
    m_peakBytes = std::max(m_peakBytes, m_storedBytes + m_reservedBytes);
    m_blocks.emplace(key, std::move(block));
}

Status BlockStore::insert(const QString &key, NdArray block)
{
    const std::int64_t bytes = block.byteSize();
    TESSERA_RETURN_IF_ERROR(reserve(bytes, key));
    insertReserved(key, std::move(block), bytes);
    return Status::ok();
}

std::optional<NdArray> BlockStore::find(const QString &key) const
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_blocks.find(key); it != m_blocks.end())
        return it->second;
    return std::nullopt;
}

bool BlockStore::contains(const QString &key) const
{
    std::lock_guard lock(m_mutex);
    return m_blocks.count(key) != 0;
}

std::int64_t BlockStore::remove(const std::vector<QString> &keys)
{
    std::lock_guard lock(m_mutex);
    std::int64_t freed = 0;
    for (const QString &key : keys) {
        if (auto it = m_blocks.find(key); it != m_blocks.end()) {
            freed += it->second.byteSize();
            m_blocks.erase(it);
        }
    }
    m_storedBytes -= freed;
    return freed;
}

std::int64_t BlockStore::takePeakBytes()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_peakBytes, m_storedBytes + m_reservedBytes);
}

std::int64_t BlockStore::usedBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_storedBytes + m_reservedBytes;
}

std::int64_t BlockStore::largestArrayBytes() const
{
    std::lock_guard lock(m_mutex);
    std::int64_t largest = 0;
    QStringView array;
    std::int64_t bytes = 0;
    // Keys sort by array, so each array's blocks are consecutive.
    for (const auto &[key, block] : m_blocks) {
        const QStringView prefix = QStringView(key).left(key.indexOf(QLatin1Char(':')));
        if (prefix != array) {
            array = prefix;
            bytes = 0;
        }
        bytes += block.byteSize();
        largest = std::max(largest, bytes);
    }
    return largest;
}

int BlockStore::blockCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_blocks.size());
}

std::vector<std::pair<QString, std::int64_t>> BlockStore::list() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::pair<QString, std::int64_t>> result;
    for (const auto &[key, block] : m_blocks)
        result.emplace_back(key, block.byteSize());
    return result;
}

} // namespace tessera
