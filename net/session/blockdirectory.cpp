// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/blockdirectory.h"

#include <algorithm>

namespace tessera {

bool BlockDirectory::addUse(const QString &key, const Use &use, int worker, std::int64_t bytes)
{
    // One probe for both the lookup and the insertion: operator[] adds a missing key.
    const qsizetype before = m_entries.size();
    Entry &entry = m_entries[key];
    const bool added = m_entries.size() != before;
    if (added) {
        entry.worker = worker;
        entry.bytes = bytes;
    }
    entry.uses.push_back(use);
    return added;
}

std::optional<int> BlockDirectory::removeUse(const QString &key, const Use &use)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return std::nullopt;
    auto &uses = it->uses;
    if (const auto found = std::find(uses.begin(), uses.end(), use); found != uses.end())
        uses.erase(found);
    if (!uses.empty())
        return std::nullopt;
    const int worker = it->worker;
    setState(*it, State::Ready);
    m_entries.erase(it);
    return worker;
}

const BlockDirectory::Entry *BlockDirectory::find(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? nullptr : &it.value();
}

int BlockDirectory::workerOf(const QString &key) const
{
    const Entry *entry = find(key);
    return entry ? entry->worker : -1;
}

bool BlockDirectory::isPending(const QString &key) const
{
    const Entry *entry = find(key);
    return entry && entry->state == State::Rebuilding;
}

std::vector<QString> BlockDirectory::keysOn(int worker) const
{
    std::vector<QString> keys;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->worker == worker && it->state == State::Ready)
            keys.push_back(it.key());
    }
    return keys;
}

void BlockDirectory::markRebuilding(const QString &key, int worker)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->worker = worker;
    setState(*it, State::Rebuilding);
}

void BlockDirectory::markReady(const QString &key, int worker)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->worker = worker;
    setState(*it, State::Ready);
    Q_EMIT blockReady(key, worker);
}

void BlockDirectory::markDamaged(const QString &key, const Status &why)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    setState(*it, State::Damaged);
    it->damage = why;
    Q_EMIT blockDamaged(key, why);
}

void BlockDirectory::clear()
{
    m_entries.clear();
    m_notReady = 0;
}

void BlockDirectory::setState(Entry &entry, State state)
{
    m_notReady += std::size_t(state != State::Ready) - std::size_t(entry.state != State::Ready);
    entry.state = state;
}

} // namespace tessera
