// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"
#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/status.h"
#include "net/session/operation.h"

#include <QCborMap>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>

#include <deque>
#include <functional>
#include <vector>

namespace tessera {

class WorkerClient;
struct Frame;
namespace wire {
struct Done;
}

// Runs one placed task graph (a load's Load tasks, or a statement's slices, kernels and
// reductions) on the session's workers. It dispatches each task once its dependencies are done,
// gathers task records and, when asked, the result's blocks, reports progress, stops on cancel()
// or the first error, and releases what the graph made and nobody keeps: temporaries, the blocks
// workers fetched from peers, and everything when the run fails. Lives as long as its operation.
class GraphRunner : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QString operationId;       // workers group the blocks they fetch from peers under it
        qint64 originMicros = 0;   // task times are reported from here (epoch microseconds)
        bool storeResult = true;   // the result's blocks stay on the workers
        bool gatherResult = false; // the result's blocks come back to the client
        bool headReads = false;    // Load tasks: the client reads each slab and sends the block
    };

    struct Stats
    {
        std::vector<TaskRecord> records;
        std::int64_t peerBytes = 0;        // fetched between workers
        qint64 longestFetchWaitMicros = 0; // a task waiting for its inputs from peers
        qint64 longestReturnMicros = 0;    // a result block on its way to the client
        qint64 gatherMicros = 0;           // result blocks fetched after the tasks
    };

    // clients[i] is the connection to worker i, which serves its blocks to peers at addresses[i].
    GraphRunner(TaskGraph graph, Settings settings, std::vector<QPointer<WorkerClient>> clients, QStringList addresses,
                QObject *parent = nullptr);
    ~GraphRunner() override;

    void start();
    void cancel();

    const TaskGraph &graph() const { return m_graph; }
    const Stats &stats() const { return m_stats; }
    // The gathered result, in the result layout's flat order; once, after a successful finish.
    std::vector<NdArray> takeResultBlocks();

    // Frees blocks on the workers that hold them (owners[i] holds keys[i]); with an operation id,
    // every worker also drops the blocks it fetched from peers for that operation.
    static void releaseBlocks(const std::vector<QPointer<WorkerClient>> &clients, const std::vector<QString> &keys,
                              const std::vector<int> &owners, const QString &operationId = {});

Q_SIGNALS:
    // A task's output is in its worker's memory (or on its way back); done of total tasks.
    void taskFinished(int taskId, int done, int total);
    // Once, when nothing is in flight any more and what was to be released has been.
    void finished(const tessera::Status &status);

private:
    void dispatchReady(const std::vector<int> &ready);
    void pumpHeadReads();
    void sendTask(const Task &task);
    void sendWorkerLoad(const Task &task);
    void startHeadRead(const Task &task);
    void putBlock(const Task &task, Result<NdArray> block, qint64 clientStartMicros);
    void onReply(int taskId, const Frame &reply, qint64 clientStartMicros);
    void keepReturnedBlock(const Task &task, const wire::Done &done, const ByteBuffer &payload);
    void gatherStoredResults();
    void onGathered(std::size_t index, const Frame &reply, qint64 askedMicros);
    // To worker `worker`, or an error reply when it is gone.
    void send(int worker, const QCborMap &header, QByteArrayView payload, std::function<void(const Frame &)> handler);
    void fail(const Status &status);
    void finishIfIdle();
    void releaseAfterRun(bool failed);
    bool stopping() const { return !m_failure.isOk() || m_cancelled; }

    TaskGraph m_graph;
    Settings m_settings;
    std::vector<QPointer<WorkerClient>> m_clients;
    QStringList m_addresses;
    std::vector<int> m_waitingFor;              // per task: unfinished dependencies
    std::vector<std::vector<int>> m_dependents; // per task: tasks waiting for it
    std::vector<bool> m_isResult;               // per task: its output is a block of the result
    std::vector<std::size_t> m_resultIndex;     // per task: flat index in the result, when it is one
    std::vector<NdArray> m_resultBlocks;
    std::vector<bool> m_resultArrived;
    std::deque<int> m_headQueue; // Load tasks waiting for a head read slot
    int m_headInFlight = 0;
    int m_outstanding = 0;
    int m_finishedTasks = 0;
    bool m_gathering = false;
    bool m_cancelled = false;
    bool m_done = false;
    Status m_failure;
    Stats m_stats;
    QThreadPool m_readers; // head reads; waited for before this object goes
};

} // namespace tessera
