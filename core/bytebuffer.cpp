// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/bytebuffer.h"

#include "core/blockallocator.h"

namespace tessera {

ByteBuffer ByteBuffer::allocate(std::int64_t size)
{
    ByteBuffer buffer;
    if (size <= 0)
        return buffer;
    const auto bytes = std::size_t(size);
    auto *raw = static_cast<char *>(blockallocator::allocate(bytes));
    buffer.m_data = std::shared_ptr<char[]>(raw, [bytes](char *pointer) { blockallocator::release(pointer, bytes); });
    buffer.m_size = size;
    return buffer;
}

} // namespace tessera
