// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QtGlobal>

#include <cstddef>
#include <deque>
#include <utility>

namespace tessera {

// What waits for each reply of one connection, by request id. Ids only grow and most replies
// come in the order their requests went, so the handlers sit in a deque from the oldest id still
// unanswered: a graph runner has 100,000 requests in flight at once, and a tree of them cost a
// node and a walk per request. Every request gets exactly one reply (docs/PROTOCOL.md); while one
// stays unanswered, the slots after it stay too, one empty handler each.
template <typename Handler>
class PendingReplies
{
public:
    // `id` is larger than every id added before.
    void add(qint64 id, Handler handler)
    {
        Q_ASSERT(m_handlers.empty() || id >= m_first + qint64(m_handlers.size()));
        if (m_handlers.empty())
            m_first = id;
        while (m_first + qint64(m_handlers.size()) < id)
            m_handlers.emplace_back(); // ids that never waited (a request refused before it went)
        m_handlers.push_back(std::move(handler));
        ++m_count;
    }

    // The handler of `id`, taken out; an empty one when nothing waits for it.
    Handler take(qint64 id)
    {
        if (id < m_first || id - m_first >= qint64(m_handlers.size()))
            return {};
        Handler handler = std::exchange(m_handlers[std::size_t(id - m_first)], Handler());
        if (handler)
            --m_count;
        while (!m_handlers.empty() && !m_handlers.front()) {
            m_handlers.pop_front();
            ++m_first;
        }
        return handler;
    }

    std::size_t size() const { return m_count; }

    // Every waiting handler with its id, oldest first, taken out before the first is called.
    template <typename Visit>
    void drain(Visit visit)
    {
        std::deque<Handler> handlers = std::exchange(m_handlers, {});
        const qint64 first = m_first;
        m_count = 0;
        for (std::size_t i = 0; i < handlers.size(); ++i) {
            if (handlers[i])
                visit(first + qint64(i), handlers[i]);
        }
    }

private:
    qint64 m_first = 0; // the id of m_handlers.front()
    std::deque<Handler> m_handlers;
    std::size_t m_count = 0;
};

} // namespace tessera
