// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/plan/taskgraph.h"
#include "core/status.h"

#include <QHash>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace tessera {

// How every block in memory can be made again, without any of its bytes: a loaded block from
// its file slab (read by a worker or by the client), a computed one from the task that made it,
// over its input blocks. Tasks of temporaries (a mean's partials and combines) are kept too, as
// long as a kept block was made from them, so the chain always reaches the files.
class Lineage
{
public:
    // Records the tasks of a run that finished (taken over: a graph runner's, moved out).
    // `inMemory[i]` says task i's block stays in memory (a block of the result kept as an array);
    // the others are gone, and their tasks stay only while a block in memory was made from them.
    void record(std::vector<Task> tasks, const std::vector<bool> &inMemory);
    // The block of `key` has left memory: its task is forgotten unless a block needs it (now, when
    // no recorded task reads the block; otherwise by settle(), once none does).
    void release(const QString &key);
    // Forgets the tasks that no block in memory needs since the last settle(): work in proportion
    // to the tasks recorded and the blocks released meanwhile, not to the whole lineage.
    void settle();
    void clear();

    const Task *producer(const QString &key) const;
    std::size_t size() const { return std::size_t(m_entries.size()); }
    // Recorded runs whose tasks are still held: at most one per statement that left a block in
    // memory, once settled.
    std::size_t runCount() const { return m_runs.size(); }

private:
    // A recorded run's tasks stay together, freed by settle() once no entry names one of them:
    // recording and forgetting 100,000 tasks then moves no task and frees none one by one.
    struct Run
    {
        std::vector<Task> tasks;
        std::size_t entries = 0; // entries naming one of the tasks
    };

    struct Entry
    {
        Run *run = nullptr;
        std::uint32_t task = 0;    // index in run->tasks
        std::uint32_t readers = 0; // recorded tasks that read this key
        bool inMemory = false;
    };

    const Task &taskOf(const Entry &entry) const { return entry.run->tasks[entry.task]; }
    void forgetIfUnneeded(QHash<QString, Entry>::iterator it);
    void point(Entry &entry, Run *run, std::uint32_t task);
    void addReaders(const Task &task);
    void dropReaders(const Task &task);

    std::vector<std::unique_ptr<Run>> m_runs; // settle() frees those no entry names
    QHash<QString, Entry> m_entries;          // by output key
    std::vector<QString> m_unsettled;         // keys whose last reason to stay may have gone
};

// The blocks to make again and the worker each goes to.
struct RebuildTarget
{
    QString key;
    int worker = -1;
};

struct RebuildRequest
{
    std::vector<RebuildTarget> targets;
    // The worker holding a block that is still in memory, or -1 when it must be made again too.
    std::function<int(const QString &key)> locate;
    int workerCount = 0;
    std::vector<bool> usable; // per worker: may take work (false for lost workers)
    QString keyPrefix;        // temporaries made again are renamed "<prefix>.t<n>:..."
};

// A placed graph that makes the targets again, under their own keys on their target workers,
// from the blocks still in memory and, where the chain reaches them, the files. Temporaries it
// needs are made again under new keys, on the worker holding most of their inputs. The targets
// are the graph's result, in the order given. Pure. NotFound names a block with no lineage.
Result<TaskGraph> planRebuild(const Lineage &lineage, const RebuildRequest &request);

} // namespace tessera
