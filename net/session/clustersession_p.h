// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/plan/loadplan.h"
#include "core/plan/planner.h"
#include "net/protocol/workerclient.h"
#include "net/session/clustersession.h"
#include "net/session/graphrunner.h"

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

    // sessionload.cpp
    void startLoad(Operation *operation, const LoadRequest &request);
    void finishLoad(Operation *operation, const LoadRequest &request, const FileStack &stack, const GraphRunner &runner,
                    const OperationClock &clock);

    // sessionevaluate.cpp
    void startEvaluate(Operation *operation, const QString &statement);
    Result<PreparedStatement> prepareStatement(const QString &text, const QString &operationId);
    Status checkInputsReachable(const TaskGraph &graph) const;
    void finishEvaluation(Operation *operation, const PreparedStatement &statement, GraphRunner &runner,
                          const OperationClock &clock);

    // Runs `graph` for `operation` with progress (counted in `progressUnit`) and cancel;
    // `onSuccess` finishes the operation. For a load, `loadingArray` names the array whose
    // blocks are reported with blockStored() as they arrive.
    void runGraph(Operation *operation, TaskGraph graph, GraphRunner::Settings settings,
                  std::function<void(GraphRunner &runner)> onSuccess, const QString &progressUnit,
                  const QString &loadingArray = {});
    OperationClock startClock() const;

    // Registers `info` under its name, releasing the blocks of an array it replaces.
    void registerArray(ArrayInfo info);
    void releaseKeys(const std::vector<QString> &keys, const std::vector<int> &workers);
    // Releases every array's blocks and forgets the arrays (session end, disconnect).
    void releaseAllArrays();
    // Sends release for keys no array references any more.
    void releaseUnreferenced(const BlockLayout &layout);
    bool isReferenced(const QString &key) const;
    // The session's own count of a worker's bytes, between status replies.
    void adjustUsedBytes(const BlockLayout &layout, std::size_t block, int sign);

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
    QTcpServer *listener = nullptr;
    int expectedDialIns = 0;
    QPointer<Operation> listenOperation;

    std::deque<std::pair<QPointer<Operation>, std::function<void(Operation *)>>> queue;
    QPointer<Operation> running;

private:
    QString m_sessionTag;
    int m_nextOperation = 1;
    int m_nextResult = 1;
};

} // namespace tessera
