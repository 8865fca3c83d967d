// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"
#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/status.h"
#include "core/stringhash.h"
#include "net/session/operation.h"

#include <QCborMap>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tessera {

class BlockDirectory;
class WorkerClient;
struct Frame;
namespace wire {
struct Done;
}

// Runs one placed task graph (a load's Load tasks, a statement's slices, kernels and reductions,
// or the rebuild of lost blocks) on the session's workers. It dispatches each task once its
// dependencies are done and the blocks it reads from outside the graph are in memory (the
// directory says which are being rebuilt), gathers task records and, when asked, the result's
// blocks, reports progress, stops on cancel() or the first error, and releases what the graph
// made and nobody keeps: temporaries, the blocks workers fetched from peers, and everything when
// the run fails. When a worker is lost (workerLost()), only the tasks whose work died with it
// run again, on the others. Lives as long as its operation.
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
        // A failed task fails only the tasks that need it, and the rest run on (rebuilds, where
        // one unreadable file must not stop the others); failedTasks() says which and why.
        bool keepGoing = false;
        bool rebuild = false; // every task remakes a lost block: records say so
        // How long a task that lost its worker or a peer waits to hear that the worker is lost
        // (then it runs again elsewhere) before its error stands.
        int verdictMillis = 7000;
        // Per worker, how many bytes its tasks in flight may fetch from peers at once (a
        // rechunk streams through this window); empty: no bound. A task larger than the window
        // runs alone.
        std::vector<std::int64_t> transferWindowBytes{};
    };

    struct Stats
    {
        std::vector<TaskRecord> records;
        std::int64_t peerBytes = 0;        // fetched between workers
        qint64 longestFetchWaitMicros = 0; // a task waiting for its inputs from peers
        qint64 longestReturnMicros = 0;    // a result block on its way to the client
        qint64 gatherMicros = 0;           // result blocks fetched after the tasks
        int rerunTasks = 0;                // run again after a worker was lost
    };

    // clients[i] is the connection to worker i, which serves its blocks to peers at addresses[i].
    // `directory` (may be null) knows where the blocks of the session's arrays are now.
    GraphRunner(TaskGraph graph, Settings settings, std::vector<QPointer<WorkerClient>> clients, QStringList addresses,
                const BlockDirectory *directory = nullptr, QObject *parent = nullptr);
    ~GraphRunner() override;

    void start();
    void cancel();
    // Ends the run with `status`, as a task's error would (the session's word when no worker is left).
    void abandon(const Status &status);
    // Worker `worker` is gone: its tasks, and the outputs it held that are still needed, are
    // placed on the other workers and run again.
    void workerLost(int worker);

    // The graph as it ran: tasks and result blocks on the workers they finally ran on.
    const TaskGraph &graph() const { return m_graph; }
    const Stats &stats() const { return m_stats; }
    // What each task did, moved out (a graph may have 100,000 tasks); once, after the finish.
    std::vector<TaskRecord> takeRecords() { return std::exchange(m_stats.records, {}); }
    // The graph's tasks, moved out for the lineage; once, after a successful finish, when no task
    // is waited for and none is read again (graph().result stays).
    std::vector<Task> takeTasks() { return std::exchange(m_graph.tasks, {}); }
    const Settings &settings() const { return m_settings; }
    // Whether the task makes a block of the result (not a temporary).
    bool makesResult(int taskId) const { return m_isResult[std::size_t(taskId)]; }
    // makesResult() of every task, by id.
    const std::vector<bool> &resultTasks() const { return m_isResult; }
    // The gathered result, in the result layout's flat order; once, after a successful finish.
    std::vector<NdArray> takeResultBlocks();
    // The graph's returnedKeys as they came back, by key; once, after a successful finish.
    std::map<QString, NdArray> takeReturnedBlocks() { return std::exchange(m_returnedBlocks, {}); }
    // With keepGoing: the tasks that failed or could not run, and why.
    const std::map<int, Status> &failedTasks() const { return m_failedTasks; }

    // Frees blocks on the workers that hold them (owners[i] holds keys[i]); with an operation id,
    // every worker also drops the blocks it fetched from peers for that operation.
    static void releaseBlocks(const std::vector<QPointer<WorkerClient>> &clients, const std::vector<QString> &keys,
                              const std::vector<int> &owners, const QString &operationId = {});

Q_SIGNALS:
    // A task was sent to its worker (or its head read started).
    void taskSent(int taskId);
    // A task's output is in its worker's memory (or on its way back); done of total tasks.
    void taskFinished(int taskId, int done, int total);
    // Once, when nothing is in flight any more and what was to be released has been.
    void finished(const tessera::Status &status);

private:
    void markResultTasks();
    enum class State { Waiting, Sent, Done, Failed };

    void dispatch(int taskId);
    // The transfer window: whether a task may go now (else it waits for room), and room freed.
    bool takeWindow(const Task &task);
    void releaseWindow(int taskId);
    void dispatchReady(const std::vector<int> &ready);
    bool waitsForBlocks(int taskId);
    int producerOf(const QString &key, int consumer) const;
    void refreshInputWorkers(Task &task) const;
    void pumpHeadReads();
    void sendTask(const Task &task);
    void sendWorkerLoad(const Task &task);
    void startHeadRead(const Task &task);
    void putBlock(int taskId, int attempt, Result<NdArray> block, qint64 clientStartMicros);
    void onReply(int taskId, int attempt, const Frame &reply, qint64 clientStartMicros);
    void taskDone(int taskId, const Frame &reply, qint64 clientStartMicros);
    void keepReturnedBlock(const Task &task, const wire::Done &done, const ByteBuffer &payload);
    void taskFailed(int taskId, const Status &status);
    bool awaitVerdict(int taskId, const Frame &reply);
    void checkVerdicts();
    int unfinishedDependencies(int taskId) const;
    void onBlockReady(const QString &key);
    void onBlockDamaged(const QString &key, const Status &why);

    // graphrunnerreplan.cpp
    std::set<int> tasksToRunAgain(int lostWorker) const;
    bool stillNeeded(int taskId) const;
    void placeAgain(int taskId);
    void requeue(int taskId);

    void gatherStoredResults();
    void gather(std::size_t index);
    void onGathered(std::size_t index, const Frame &reply, qint64 askedMicros, int askedWorker);
    // To worker `worker`, or an error reply when it is gone.
    using ReplyHandler = std::function<void(const Frame &)>;
    WorkerClient *clientOf(int worker) const; // null when not connected
    void send(int worker, const QCborMap &header, QByteArrayView payload, ReplyHandler handler);
    void answerUnreachable(int worker, ReplyHandler handler);
    void fail(const Status &status);
    void finishIfIdle();
    void releaseAfterRun(bool failed);
    bool stopping() const { return !m_failure.isOk() || m_cancelled; }
    int workerOfAddress(const QString &address) const;

    TaskGraph m_graph;
    Settings m_settings;
    std::vector<QPointer<WorkerClient>> m_clients;
    QStringList m_addresses;
    const BlockDirectory *m_directory = nullptr;
    std::set<int> m_lostWorkers;
    std::vector<State> m_state;                 // per task
    std::vector<int> m_attempt;                 // per task: replies of an earlier attempt are stale
    std::vector<bool> m_rerun;                  // per task: run again after a worker was lost
    std::vector<int> m_waitingFor;              // per task: unfinished dependencies
    std::vector<std::vector<int>> m_dependents; // per task: tasks waiting for it
    std::vector<bool> m_isResult;               // per task: its output is a block of the result
    std::vector<std::size_t> m_resultIndex;     // per task: flat index in the result, when it is one
    std::vector<std::int64_t> m_loads;          // per worker: bytes of work placed there
    // Tasks (and result blocks to gather) waiting for a block being rebuilt, by its key.
    std::unordered_map<QString, std::vector<int>, StringHash> m_blockedTasks;
    std::unordered_map<QString, std::vector<std::size_t>, StringHash> m_blockedGathers;
    struct Suspended
    {
        Status status;    // the error, which stands if no verdict comes
        int suspect = -1; // the worker that may be lost
        qint64 deadlineMicros = 0;
    };
    std::map<int, Suspended> m_awaitingVerdict; // by task
    QTimer m_verdictTimer;
    std::vector<bool> m_returnsOutput; // per task: its output is one of returnedKeys
    std::map<QString, NdArray> m_returnedBlocks;
    std::vector<std::int64_t> m_inWindow;                     // per worker: peer bytes of its tasks in flight
    std::map<int, std::pair<int, std::int64_t>> m_windowHeld; // by task: worker and bytes it holds
    std::map<int, std::deque<int>> m_windowQueue;             // by worker: tasks waiting for room
    std::vector<NdArray> m_resultBlocks;
    std::vector<bool> m_resultArrived;
    std::map<int, Status> m_failedTasks;
    std::deque<std::pair<int, int>> m_headQueue; // Load tasks (and their attempt) waiting for a head read slot
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
