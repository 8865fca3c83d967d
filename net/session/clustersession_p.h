// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/plan/lineage.h"
#include "core/plan/loadplan.h"
#include "core/plan/planner.h"
#include "core/zarr/zarrmetadata.h"
#include "net/protocol/workerclient.h"
#include "net/session/blockdirectory.h"
#include "net/session/clustersession.h"
#include "net/session/graphrunner.h"
#include "net/session/workerlauncher.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>
#include <QTcpServer>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace tessera {

// When an operation started, for its report.
struct OperationClock
{
    QElapsedTimer wall;
    qint64 originMicros = 0;            // epoch microseconds: task times are reported from here
    std::int64_t clientBytesBefore = 0; // payload bytes the session had moved before it

    double elapsedSeconds() const { return double(wall.nsecsElapsed()) / 1e9; }
};

// A statement ready to run: its plan, and where its value goes.
struct PreparedStatement
{
    Plan plan;
    ArrayMeta meta;      // of the value, named after the target
    QString target;      // the array it is stored as; empty when only gathered
    bool gather = false; // the value comes back to the client
    // An EOF's modes come back beside its patterns: the spec says along what.
    std::shared_ptr<const AnalysisSpec> eof;
    QString dataName;                     // the analysed array's long name, for the companions' names
    std::shared_ptr<const SaveSpec> save; // a save(...) statement: the value goes to a Zarr store
};

// ClusterSession's state, shared by the files that implement connecting, loading and evaluating.
class ClusterSession::Private
{
public:
    explicit Private(ClusterSession *q);

    struct Worker
    {
        QPointer<WorkerClient> client;
        WorkerInfo info;
    };

    // Operations run one at a time, in the order they were asked for.
    Operation *enqueue(Operation::Kind kind, const QString &description, std::function<void(Operation *)> start);
    void startNext();
    void operationDone(Operation *operation, Status status);

    void startConnect(Operation *operation, const QStringList &addresses);
    void addWorker(WorkerClient *client);
    WorkerClient *newClient();
    void applyStatusReply(int index, const Frame &reply, double latencyMillis);

    // sessionload.cpp
    void startLoad(Operation *operation, const LoadRequest &request);
    void finishLoad(Operation *operation, const LoadRequest &request, const FileStack &stack, GraphRunner &runner,
                    const OperationClock &clock);

    // sessionevaluate.cpp
    void startEvaluate(Operation *operation, const QString &statement);
    Result<PreparedStatement> prepareStatement(const QString &text, const QString &operationId);
    Status checkNotDamaged(const Expr &expr) const;
    // sessionsave.cpp
    void startSave(Operation *operation, PreparedStatement statement, const OperationClock &clock, const QString &operationId);
    void finishSave(Operation *operation, const QString &store, const zarr::ArrayMetadata &array, const ArrayMeta &meta,
                    GraphRunner &runner, const OperationClock &clock);

    // A graph's run in its operation's report: wall, compute and transfer times, bytes, tasks;
    // `peerBytesByPair` is peerTraffic() of its graph.
    void recordRun(OperationReport &report, GraphRunner &runner, const OperationClock &clock,
                   std::vector<std::vector<std::int64_t>> peerBytesByPair) const;
    void finishEvaluation(Operation *operation, const PreparedStatement &statement, GraphRunner &runner,
                          const OperationClock &clock);

    // Runs `graph` for `operation` with progress (counted in `progressUnit`) and cancel;
    // `onSuccess` finishes the operation. For a load, `loadingArray` names the array whose
    // blocks are reported with blockStored() as they arrive.
    void runGraph(Operation *operation, TaskGraph graph, GraphRunner::Settings settings,
                  std::function<void(GraphRunner &runner)> onSuccess, const QString &progressUnit,
                  const QString &loadingArray = {});
    GraphRunner *makeRunner(TaskGraph graph, GraphRunner::Settings settings, QObject *parent);

    // sessionrecovery.cpp
    void onWorkerLost(int index, const QString &message);
    std::vector<RebuildTarget> placeLostBlocks(int lostWorker, std::vector<std::pair<QString, Status>> &unplaced);
    void retarget(const QString &key, int worker);
    void startRecovery(std::vector<RebuildTarget> targets, const QString &lostName);
    std::vector<std::pair<QString, Status>> unreadableTargets(const TaskGraph &graph) const;
    void recoveryTaskFinished(GraphRunner &runner, int taskId);
    void finishRecovery(Operation *operation, GraphRunner &runner, const Status &status);
    void damage(const std::vector<std::pair<QString, Status>> &keys);
    void loseEverything(const Status &why);

    // sessionrebalance.cpp
    void startRebalance(Operation *operation);
    void finishRebalance(Operation *operation, const OperationClock &clock, const GraphRunner &runner, std::int64_t movedBytes);
    OperationClock startClock() const;

    // Registers `info` under its name, releasing the blocks of an array it replaces, and keeps
    // the lineage of what is in memory.
    void registerArray(ArrayInfo info);
    // Takes a finished run's tasks into the lineage, the blocks of its result kept in memory.
    void recordLineage(GraphRunner &runner);
    void releaseKeys(const std::vector<QString> &keys, const std::vector<int> &workers);
    // Releases every array's blocks and forgets the arrays (session end, disconnect).
    void releaseAllArrays();
    // Drops `name`'s uses of its blocks and sends release for keys no array holds any more.
    void forgetArray(const QString &name, const BlockLayout &layout);
    void trimLineage();
    // The session's own count of a worker's bytes, between status replies.
    void adjustUsedBytes(int worker, std::int64_t bytes);

    std::vector<QPointer<WorkerClient>> clients() const;
    QStringList workerAddresses() const;
    std::vector<int> threadsPerWorker() const;
    // Workers that can take blocks, with their free memory.
    std::vector<WorkerCapacity> capacities() const;
    std::int64_t clientPayloadBytes() const;
    // Unique across sessions too: several workbenches may share the same workers.
    QString nextOperationId() { return QStringLiteral("%1.op%2").arg(m_sessionTag).arg(m_nextOperation++); }
    QString nextResultName();

    ClusterSession *q;
    QByteArray token;
    std::vector<Worker> workers;
    std::map<QString, ArrayInfo> arrays;
    BlockDirectory directory;
    Lineage lineage;
    std::vector<QPointer<GraphRunner>> runners; // running now, told when a worker is lost
    std::vector<QPointer<Operation>> recoveries;
    std::map<QString, std::pair<qint64, QDateTime>> fileStamps; // size and time of each file loaded
    int heartbeatMillis = WorkerClient::DefaultHeartbeatMillis;
    TlsSettings tls;
    QTcpServer *listener = nullptr;
    int expectedDialIns = 0;
    QPointer<Operation> listenOperation;
    QPointer<WorkerLauncher> launcher; // of the workers now dialing in or connected (sessionlaunch.cpp)
    Status launchFailure;              // why the launcher gave up, for the listening operation

    std::deque<std::pair<QPointer<Operation>, std::function<void(Operation *)>>> queue;
    QPointer<Operation> running;

private:
    QString m_sessionTag;
    int m_nextOperation = 1;
    int m_nextResult = 1;
};

} // namespace tessera
