// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QVarLengthArray>

#include <cstdint>
#include <optional>
#include <vector>

namespace tessera {

// Where each block of the session's arrays is, and whether it is there: a block that was on a
// lost worker is Rebuilding (on the worker it is being made again on) until its new copy is
// stored, or Damaged when it cannot be made again. A block may belong to several arrays (`y = x`
// shares x's blocks); it is kept while any of them holds it. Graph runners ask here where an
// input lives and wait here for blocks being rebuilt.
class BlockDirectory : public QObject
{
    Q_OBJECT

public:
    enum class State { Ready, Rebuilding, Damaged };

    // One place a block is used: block `flat` of array `array`.
    struct Use
    {
        QString array;
        std::int64_t flat = 0;
        bool operator==(const Use &) const = default;
    };
    using Uses = QVarLengthArray<Use, 1>; // nearly always one: no allocation of its own

    struct Entry
    {
        int worker = -1;
        std::int64_t bytes = 0;
        State state = State::Ready;
        Status damage; // why, when Damaged
        Uses uses;
    };

    using QObject::QObject;

    // Adds a use of `key`; true when the key is new to the directory.
    bool addUse(const QString &key, const Use &use, int worker, std::int64_t bytes);
    // Removes a use. When it was the key's last, the block can be freed: returns the worker that
    // held it.
    std::optional<int> removeUse(const QString &key, const Use &use);

    const Entry *find(const QString &key) const;
    bool contains(const QString &key) const { return m_entries.contains(key); }
    // The worker holding (or rebuilding) `key`, or -1 when the directory does not know it.
    int workerOf(const QString &key) const;
    bool isPending(const QString &key) const;
    // Keys held by `worker` that are Ready.
    std::vector<QString> keysOn(int worker) const;
    std::size_t size() const { return m_entries.size(); }
    // No block is being rebuilt or lost for good: a view of 100,000 blocks then needs no lookup each.
    bool allReady() const { return m_notReady == 0; }
    template <typename Visit>
    void forEach(Visit visit) const
    {
        for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
            visit(it.key(), it.value());
    }

    void markRebuilding(const QString &key, int worker);
    void markReady(const QString &key, int worker);
    void markDamaged(const QString &key, const Status &why);
    void clear();

Q_SIGNALS:
    // A block being rebuilt is in memory again, on `worker`.
    void blockReady(const QString &key, int worker);
    void blockDamaged(const QString &key, const tessera::Status &why);

private:
    void setState(Entry &entry, State state);

    QHash<QString, Entry> m_entries;
    std::size_t m_notReady = 0; // entries Rebuilding or Damaged
};

} // namespace tessera
