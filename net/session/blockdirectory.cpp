// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/blockdirectory.h"

#include <algorithm>

namespace tessera {

bool BlockDirectory::addUse(const QString &key, const Use &use, int worker, std::int64_t bytes)
{
    const auto [it, added] = m_entries.try_emplace(key);
    if (added) {
        it->second.worker = worker;
        it->second.bytes = bytes;
    }
    it->second.uses.push_back(use);
    return added;
}

bool BlockDirectory::removeUse(const QString &key, const Use &use)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return false;
    std::vector<Use> &uses = it->second.uses;
    if (const auto found = std::find(uses.begin(), uses.end(), use); found != uses.end())
        uses.erase(found);
    if (!uses.empty())
        return false;
    setState(it->second, State::Ready);
    m_entries.erase(it);
    return true;
}

const BlockDirectory::Entry *BlockDirectory::find(const QString &key) const
{
    const auto it = m_entries.find(key);
    return it == m_entries.end() ? nullptr : &it->second;
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
    for (const auto &[key, entry] : m_entries) {
        if (entry.worker == worker && entry.state == State::Ready)
            keys.push_back(key);
    }
    return keys;
}

void BlockDirectory::markRebuilding(const QString &key, int worker)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->second.worker = worker;
    setState(it->second, State::Rebuilding);
}

void BlockDirectory::markReady(const QString &key, int worker)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->second.worker = worker;
    setState(it->second, State::Ready);
    Q_EMIT blockReady(key, worker);
}

void BlockDirectory::markDamaged(const QString &key, const Status &why)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    setState(it->second, State::Damaged);
    it->second.damage = why;
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
