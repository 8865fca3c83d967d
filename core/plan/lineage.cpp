// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/lineage.h"

#include "core/plan/placement.h"

#include <algorithm>
#include <limits>
#include <map>

using namespace Qt::StringLiterals;

namespace tessera {

// A task is kept while its block is in memory or a kept task reads it. That is reachability from
// the blocks in memory, kept up by counting readers: the lineage is a graph without cycles, so a
// task nobody needs any more is found from the keys whose last reason to stay went, without the
// pass over every block in memory after every statement that this was (330,000 keys on the
// many-tasks bench).
void Lineage::record(std::vector<Task> tasks, const std::vector<bool> &inMemory)
{
    Run *run = m_runs.emplace_back(std::make_unique<Run>()).get();
    run->tasks = std::move(tasks);
    m_entries.reserve(m_entries.size() + qsizetype(run->tasks.size()));
    for (std::uint32_t i = 0; i < run->tasks.size(); ++i) {
        Task &task = run->tasks[i];
        task.dependsOn = {};                      // ids of one run mean nothing later
        Entry &entry = m_entries[task.outputKey]; // one probe, whether the key is new or not
        if (entry.run)
            dropReaders(taskOf(entry)); // made again: the old task's inputs lose a reader
        point(entry, run, i);
        entry.inMemory = i < inMemory.size() && inMemory[i];
        if (!entry.inMemory)
            m_unsettled.push_back(task.outputKey);
    }
    for (const Task &task : run->tasks)
        addReaders(task); // once every key of the run is in, whatever order its tasks came in
}

void Lineage::release(const QString &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->inMemory = false;
    forgetIfUnneeded(it); // most blocks nothing reads: forgotten now, with the lookup made
}

void Lineage::settle()
{
    while (!m_unsettled.empty()) {
        const QString key = std::move(m_unsettled.back());
        m_unsettled.pop_back();
        if (const auto it = m_entries.find(key); it != m_entries.end())
            forgetIfUnneeded(it);
    }
    std::erase_if(m_runs, [](const std::unique_ptr<Run> &run) { return run->entries == 0; });
}

void Lineage::clear()
{
    m_entries.clear();
    m_runs.clear();
    m_unsettled.clear();
}

void Lineage::forgetIfUnneeded(QHash<QString, Entry>::iterator it)
{
    if (it->inMemory || it->readers > 0)
        return;
    const Entry gone = *it;
    m_entries.erase(it);
    dropReaders(taskOf(gone));
    --gone.run->entries;
}

void Lineage::point(Entry &entry, Run *run, std::uint32_t task)
{
    if (entry.run)
        --entry.run->entries;
    entry.run = run;
    entry.task = task;
    ++run->entries;
}

void Lineage::addReaders(const Task &task)
{
    for (const TaskInput &input : task.inputs) {
        if (const auto it = m_entries.find(input.key); it != m_entries.end())
            ++it->readers;
    }
}

// Each input that loses its last reader may be one no block needs now.
void Lineage::dropReaders(const Task &task)
{
    for (const TaskInput &input : task.inputs) {
        const auto it = m_entries.find(input.key);
        if (it == m_entries.end() || it->readers == 0)
            continue;
        if (--it->readers == 0)
            m_unsettled.push_back(input.key);
    }
}

const Task *Lineage::producer(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? nullptr : &taskOf(*it);
}

namespace {

// Builds the rebuild graph depth first, so every task comes after the tasks it reads.
class RebuildPlanner
{
public:
    RebuildPlanner(const Lineage &lineage, const RebuildRequest &request)
        : m_lineage(lineage)
        , m_request(request)
        , m_loads(std::size_t(request.workerCount), 0)
    {
        for (int worker = 0; worker < request.workerCount; ++worker) {
            if (!isUsable(worker))
                m_loads[std::size_t(worker)] = std::numeric_limits<std::int64_t>::max() / 2;
        }
        for (const RebuildTarget &target : request.targets)
            m_targets[target.key] = target.worker;
    }

    // The id of the task that makes `key` again.
    Result<int> make(const QString &key)
    {
        if (const auto done = m_made.find(key); done != m_made.end())
            return done->second;
        const Task *original = m_lineage.producer(key);
        if (!original)
            return makeError(ErrorCode::NotFound, u"block %1 has no record of how it was made"_s.arg(key));
        Task task = *original;
        for (TaskInput &input : task.inputs) {
            const int holder = m_targets.count(input.key) ? -1 : m_request.locate(input.key);
            if (holder >= 0 && isUsable(holder)) {
                input.worker = holder;
                continue;
            }
            Result<int> made = make(input.key);
            TESSERA_RETURN_IF_ERROR(made);
            const Task &producer = m_graph.tasks[std::size_t(*made)];
            input.key = producer.outputKey;
            input.worker = producer.worker;
            task.dependsOn.push_back(*made);
        }
        std::sort(task.dependsOn.begin(), task.dependsOn.end());
        task.dependsOn.erase(std::unique(task.dependsOn.begin(), task.dependsOn.end()), task.dependsOn.end());
        if (const auto target = m_targets.find(key); target != m_targets.end()) {
            task.worker = target->second;
        } else {
            task.outputKey = renamed(key);
            task.worker = place(task);
        }
        task.id = int(m_graph.tasks.size());
        m_made[key] = task.id;
        m_graph.tasks.push_back(std::move(task));
        return m_graph.tasks.back().id;
    }

    TaskGraph takeGraph()
    {
        std::vector<std::int64_t> strip(m_request.targets.size(), 1);
        m_graph.result.chunks = Chunks({strip});
        for (const RebuildTarget &target : m_request.targets) {
            m_graph.result.keys.push_back(target.key);
            m_graph.result.workers.push_back(m_graph.tasks[std::size_t(m_made.at(target.key))].worker);
        }
        for (const Task &task : m_graph.tasks) {
            if (!m_targets.count(task.outputKey))
                m_graph.temporaryKeys.push_back(task.outputKey);
        }
        return std::move(m_graph);
    }

private:
    bool isUsable(int worker) const
    {
        return worker >= 0 && worker < int(m_request.usable.size()) && m_request.usable[std::size_t(worker)];
    }

    // "<prefix>.t3:0.1" for an old temporary "op7.n2.s0:0.1": the block part stays readable.
    QString renamed(const QString &key)
    {
        const qsizetype colon = key.lastIndexOf(u':');
        return m_request.keyPrefix + u".t"_s + QString::number(m_renamed++) + (colon >= 0 ? key.mid(colon) : QString());
    }

    int place(const Task &task)
    {
        std::vector<InputLocation> locations;
        std::int64_t bytes = 0;
        for (const TaskInput &input : task.inputs) {
            locations.push_back({isUsable(input.worker) ? input.worker : -1, input.bytes});
            bytes += input.bytes;
        }
        const int worker = placeTask(locations, m_loads);
        m_loads[std::size_t(worker)] += std::max<std::int64_t>(bytes, 1);
        return worker;
    }

    const Lineage &m_lineage;
    const RebuildRequest &m_request;
    std::vector<std::int64_t> m_loads;
    std::map<QString, int> m_targets; // key -> worker
    std::map<QString, int> m_made;    // old key -> task id
    int m_renamed = 0;
    TaskGraph m_graph;
};

} // namespace

Result<TaskGraph> planRebuild(const Lineage &lineage, const RebuildRequest &request)
{
    if (request.workerCount <= 0
        || std::none_of(request.usable.begin(), request.usable.end(), [](bool usable) { return usable; }))
        return makeError(ErrorCode::Network, u"no worker is left to make the lost blocks again on"_s);
    RebuildPlanner planner(lineage, request);
    for (const RebuildTarget &target : request.targets) {
        Result<int> made = planner.make(target.key);
        TESSERA_RETURN_IF_ERROR(made);
    }
    return planner.takeGraph();
}

} // namespace tessera
