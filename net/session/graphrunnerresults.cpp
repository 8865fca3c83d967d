// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The run's result and how a graph run ends: which tasks make result blocks, the blocks kept as
// they come back or fetched where they are stored, the finish once nothing is outstanding, and the
// release of every block the run made that no array keeps.

#include "net/session/graphrunner.h"

#include "net/protocol/clock.h"
#include "net/protocol/frame.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/protocol/workerclient.h"
#include "net/session/blockdirectory.h"

#include <map>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace tessera {

// Planners list the tasks that make the result in the result's own order, so one walk matching
// keys in turn finds them all; a graph that lists them otherwise is matched through a hashed index
// (a graph may have 100,000 tasks and as many result blocks, and the index cost about 1 us each).
void GraphRunner::markResultTasks()
{
    const std::vector<QString> &keys = m_graph.result.keys;
    std::size_t next = 0;
    for (const Task &task : m_graph.tasks) {
        if (next < keys.size() && task.outputKey == keys[next]) {
            m_isResult[task.id] = true;
            m_resultIndex[task.id] = next++;
        }
    }
    if (next == keys.size())
        return;
    std::fill(m_isResult.begin(), m_isResult.end(), false);
    std::unordered_map<QString, std::size_t, StringHash> resultIndex;
    resultIndex.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        resultIndex[keys[i]] = i;
    for (const Task &task : m_graph.tasks) {
        if (auto it = resultIndex.find(task.outputKey); it != resultIndex.end()) {
            m_isResult[task.id] = true;
            m_resultIndex[task.id] = it->second;
        }
    }
}

void GraphRunner::keepReturnedBlock(const Task &task, const wire::Done &done, const ByteBuffer &payload)
{
    m_stats.longestReturnMicros = std::max(m_stats.longestReturnMicros, epochMicros() - done.endMicros);
    Result<NdArray> block = done.shape
                                ? arrayFromPayload(*done.shape, done.mayHaveNan, payload)
                                : Result<NdArray>(makeError(ErrorCode::Format, QStringLiteral("done: field 'shape' is missing")));
    if (block.isOk() && block->shape() != task.outputShape)
        block = makeError(ErrorCode::Format,
                          QStringLiteral("task %1 came back with shape %2, not %3")
                              .arg(task.outputKey, shapeToString(block->shape()), shapeToString(task.outputShape)));
    if (!block.isOk()) {
        fail(block.status());
        return;
    }
    const std::size_t index = m_resultIndex[task.id];
    m_resultBlocks[index] = std::move(*block);
    m_resultArrived[index] = true;
}

// Result blocks that are blocks of an existing array were not computed: fetch them.
void GraphRunner::gatherStoredResults()
{
    m_gathering = true;
    for (std::size_t i = 0; i < m_graph.result.keys.size(); ++i) {
        if (!m_resultArrived[i])
            gather(i);
    }
}

void GraphRunner::gather(std::size_t index)
{
    if (stopping())
        return;
    const QString &key = m_graph.result.keys[index];
    int worker = m_graph.result.workers[index];
    if (const BlockDirectory::Entry *entry = m_directory ? m_directory->find(key) : nullptr) {
        if (entry->state == BlockDirectory::State::Rebuilding) {
            m_blockedGathers[key].push_back(index);
            return;
        }
        if (entry->state == BlockDirectory::State::Damaged) {
            fail(entry->damage);
            return;
        }
        worker = entry->worker;
    }
    ++m_outstanding;
    const qint64 askedAt = epochMicros();
    send(worker, wire::Get{0, key}.toCbor(), {},
         [this, index, askedAt, worker](const Frame &reply) { onGathered(index, reply, askedAt, worker); });
}

void GraphRunner::onGathered(std::size_t index, const Frame &reply, qint64 askedMicros, int askedWorker)
{
    --m_outstanding;
    m_stats.gatherMicros = std::max(m_stats.gatherMicros, epochMicros() - askedMicros);
    const QString &key = m_graph.result.keys[index];
    // The worker asked was lost meanwhile: ask again where the block is being (or was) rebuilt.
    if (isErrorReply(reply.header) && m_directory && !stopping() && m_directory->contains(key)
        && (m_directory->isPending(key) || m_directory->workerOf(key) != askedWorker)) {
        gather(index);
        finishIfIdle();
        return;
    }
    Result<NdArray> block = blockFromReply(reply.header, reply.payload);
    if (block.isOk() && block->shape() != m_graph.result.chunks.blockShape(m_graph.result.chunks.unflatten(std::int64_t(index))))
        block = makeError(ErrorCode::Format,
                          QStringLiteral("block %1 came back with shape %2").arg(key, shapeToString(block->shape())));
    if (block.isOk()) {
        m_resultBlocks[index] = std::move(*block);
        m_resultArrived[index] = true;
    } else {
        fail(block.status());
    }
    finishIfIdle();
}

void GraphRunner::finishIfIdle()
{
    if (m_done || m_outstanding > 0)
        return;
    const bool failed = stopping();
    const int settled = m_finishedTasks + int(m_failedTasks.size());
    if (!failed && settled < int(m_graph.tasks.size()))
        return;
    if (!failed && m_settings.gatherResult && !m_gathering) {
        gatherStoredResults();
        if (m_outstanding > 0 || !m_blockedGathers.empty())
            return;
    }
    if (!failed && !m_blockedGathers.empty())
        return;
    m_done = true;
    m_verdictTimer.stop();
    releaseAfterRun(failed);
    if (failed)
        m_resultBlocks.clear();
    Q_EMIT finished(m_failure.isOk() && m_cancelled ? makeError(ErrorCode::Cancelled, u"cancelled; nothing it made was kept"_s)
                                                    : m_failure);
}

void GraphRunner::releaseAfterRun(bool failed)
{
    std::vector<QString> keys;
    std::vector<int> owners;
    bool computed = false;
    for (const Task &task : m_graph.tasks) {
        computed = computed || task.kind != TaskKind::Load;
        if (failed || !m_isResult[task.id] || m_state[task.id] == State::Failed) {
            keys.push_back(task.outputKey);
            owners.push_back(task.worker);
        }
    }
    releaseBlocks(m_clients, keys, owners, computed ? m_settings.operationId : QString());
}

void GraphRunner::releaseBlocks(const std::vector<QPointer<WorkerClient>> &clients, const std::vector<QString> &keys,
                                const std::vector<int> &owners, const QString &operationId)
{
    std::vector<std::vector<QString>> byWorker(clients.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (owners[i] >= 0 && std::size_t(owners[i]) < clients.size())
            byWorker[std::size_t(owners[i])].push_back(keys[i]);
    }
    // Keys go in batches well under the 1 MiB frame header limit: an array of 110,960 blocks
    // released in one request (2.8 MB) made both workers close their connections.
    constexpr qsizetype batchBytes = 256 << 10;
    for (std::size_t worker = 0; worker < clients.size(); ++worker) {
        WorkerClient *client = clients[worker];
        const std::vector<QString> &held = byWorker[worker];
        if (!client || client->state() != WorkerClient::State::Ready || (held.empty() && operationId.isEmpty()))
            continue;
        std::size_t begin = 0;
        do {
            std::size_t end = begin;
            for (qsizetype bytes = 0; end < held.size() && bytes <= batchBytes; ++end)
                bytes += held[end].size() + 4;
            const std::span<const QString> batch(held.data() + begin, end - begin);
            const QString operation = end == held.size() ? operationId : QString(); // with the last batch
            client->request([&](CborBytes &writer, qint64 id) { wire::Release::write(writer, id, batch, operation); }, {},
                            [](const Frame &) {});
            begin = end;
        } while (begin < held.size());
    }
}

} // namespace tessera
