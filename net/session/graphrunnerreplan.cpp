// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// What a graph runner does when a worker is lost in the middle of a run: the tasks whose work
// died with it (sent or still to send there, or done there with an output still needed) go to
// the other workers and run again; everything else stands.

#include "net/session/graphrunner.h"

#include "core/plan/placement.h"
#include "net/protocol/workerclient.h"
#include "net/session/blockdirectory.h"

#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

void GraphRunner::workerLost(int worker)
{
    if (!m_lostWorkers.insert(worker).second)
        return;
    if (worker >= 0 && worker < int(m_clients.size())) {
        m_clients[std::size_t(worker)] = nullptr;
        m_loads[std::size_t(worker)] = std::numeric_limits<std::int64_t>::max() / 2;
    }
    if (m_done || stopping())
        return;
    const std::set<int> again = tasksToRunAgain(worker);
    for (int taskId : again) {
        if (m_state[taskId] == State::Done)
            --m_finishedTasks;
        ++m_attempt[taskId]; // a reply still on its way from the lost worker is moot
        m_state[taskId] = State::Waiting;
        m_rerun[taskId] = true;
        m_awaitingVerdict.erase(taskId);
        if (m_isResult[taskId])
            m_resultArrived[m_resultIndex[taskId]] = false;
    }
    for (int taskId : again) // in id order, which is dependency order: producers are placed first
        placeAgain(taskId);
    std::vector<int> suspects;
    for (const auto &[taskId, suspended] : m_awaitingVerdict) {
        if (suspended.suspect == worker)
            suspects.push_back(taskId);
    }
    for (int taskId : suspects)
        m_awaitingVerdict.erase(taskId);
    for (std::size_t taskId = 0; taskId < m_state.size(); ++taskId) {
        if (m_state[taskId] == State::Waiting)
            m_waitingFor[taskId] = unfinishedDependencies(int(taskId));
    }
    std::vector<int> ready;
    for (int taskId : again) {
        if (m_waitingFor[taskId] == 0)
            ready.push_back(taskId);
    }
    for (int taskId : suspects)
        requeue(taskId);
    dispatchReady(ready);
    finishIfIdle();
}

// Tasks placed on the lost worker and not done, tasks done there whose output is still needed,
// and, for each of those, the producers of its inputs that are done there too.
std::set<int> GraphRunner::tasksToRunAgain(int lostWorker) const
{
    std::set<int> again;
    std::vector<int> stack;
    for (const Task &task : m_graph.tasks) {
        if (task.worker != lostWorker || m_state[task.id] == State::Failed)
            continue;
        if (m_state[task.id] != State::Done || stillNeeded(task.id)) {
            again.insert(task.id);
            stack.push_back(task.id);
        }
    }
    while (!stack.empty()) {
        const int taskId = stack.back();
        stack.pop_back();
        for (int producer : m_graph.tasks[taskId].dependsOn) {
            if (m_state[producer] == State::Done && m_graph.tasks[producer].worker == lostWorker && again.insert(producer).second)
                stack.push_back(producer);
        }
    }
    return again;
}

bool GraphRunner::stillNeeded(int taskId) const
{
    if (m_isResult[taskId] && (m_settings.storeResult || !m_resultArrived[m_resultIndex[taskId]]))
        return true;
    for (int dependent : m_dependents[taskId]) {
        if (m_state[dependent] == State::Waiting || m_state[dependent] == State::Sent)
            return true;
    }
    return false;
}

// On the live worker holding most of the task's input bytes, as the planner would have.
void GraphRunner::placeAgain(int taskId)
{
    if (m_lostWorkers.size() >= m_clients.size()) {
        taskFailed(taskId, makeError(ErrorCode::Network, u"every worker is lost; connect to workers and load the data again"_s));
        return;
    }
    Task &task = m_graph.tasks[taskId];
    refreshInputWorkers(task);
    std::vector<InputLocation> locations;
    std::int64_t bytes = checkedByteSize(task.outputShape).value_or(0);
    for (const TaskInput &input : task.inputs) {
        locations.push_back({m_lostWorkers.count(input.worker) ? -1 : input.worker, input.bytes});
        bytes += input.bytes;
    }
    task.worker = placeTask(locations, m_loads);
    m_loads[std::size_t(task.worker)] += std::max<std::int64_t>(bytes, 1);
    if (m_isResult[taskId])
        m_graph.result.workers[m_resultIndex[taskId]] = task.worker;
}

// A task whose error was a lost peer or worker: back to waiting, and out again once what it
// reads is in memory.
void GraphRunner::requeue(int taskId)
{
    m_state[taskId] = State::Waiting;
    m_rerun[taskId] = true;
    if (m_lostWorkers.count(m_graph.tasks[taskId].worker))
        placeAgain(taskId);
    m_waitingFor[taskId] = unfinishedDependencies(taskId);
    if (m_waitingFor[taskId] == 0)
        dispatchReady({taskId});
}

int GraphRunner::unfinishedDependencies(int taskId) const
{
    int unfinished = 0;
    for (int producer : m_graph.tasks[taskId].dependsOn)
        unfinished += m_state[producer] != State::Done ? 1 : 0;
    return unfinished;
}

} // namespace tessera
