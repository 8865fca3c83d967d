// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace tessera {

// Bytes received from a socket, in a buffer from blockallocator so that a 33 MB block arriving
// reuses pooled, already-faulted memory and can become an NdArray without a copy.
class ByteBuffer
{
public:
    ByteBuffer() = default;
    // Uninitialised; the caller fills all of it.
    static ByteBuffer allocate(std::int64_t size);

    char *data() { return m_data.get(); }
    const char *data() const { return m_data.get(); }
    std::int64_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    QByteArrayView view() const { return QByteArrayView(m_data.get(), m_size); }
    QByteArray toByteArray() const { return QByteArray(m_data.get(), qsizetype(m_size)); }
    // Keeps only the first `size` bytes as the content (a compressor's output, shorter than the
    // bound it was given); the memory itself goes back with the buffer.
    void shrink(std::int64_t size) { m_size = std::min(m_size, std::max<std::int64_t>(0, size)); }
    // Shares ownership of the buffer (for NdArray::fromBuffer).
    const std::shared_ptr<char[]> &storage() const { return m_data; }

private:
    std::shared_ptr<char[]> m_data;
    std::int64_t m_size = 0;
};

} // namespace tessera
