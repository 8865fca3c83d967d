// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/framesocket.h"
#include "net/worker/blockstore.h"
#include "net/worker/workerservice.h"

#include "core/plan/taskgraph.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace tessera {

class PeerClient;

// Runs a worker's data requests: put/get blocks, load file slabs, run tasks, release blocks.
// Inputs held by peers are fetched straight from them (once per operation, then reused);
// kernels run on a thread pool of the worker's size; results are stored under the output key
// (its space reserved before the work starts) and/or returned to the requester.
class TaskExecutor : public QObject
{
    Q_OBJECT

public:
    using ReplyFunction = std::function<void(const QCborMap &header, QByteArrayView payload)>;

    TaskExecutor(BlockStore &store, const WorkerOptions &options, QObject *parent = nullptr);
    ~TaskExecutor() override;

    void handle(const QString &type, qint64 id, const Frame &frame, const ReplyFunction &reply);
    int activeTasks() const { return m_activeTasks; }

private:
    struct Job;

    void handleGet(const wire::Get &get, const ReplyFunction &reply);
    void handlePut(const wire::Put &put, const ByteBuffer &payload, const ReplyFunction &reply);
    void handleLoad(const wire::Load &load, const ReplyFunction &reply);
    void handleTask(wire::TaskRequest request, const ReplyFunction &reply);
    void handleRelease(const wire::Release &release, const ReplyFunction &reply);

    void resolveInput(const std::shared_ptr<Job> &job, std::size_t index, const QString &source);
    void inputFailed(const std::shared_ptr<Job> &job, const Status &status);
    void startJob(const std::shared_ptr<Job> &job);
    void finishJob(const std::shared_ptr<Job> &job, Result<NdArray> output, qint64 startMicros, qint64 endMicros, int thread);

    BlockStore &m_store;
    QString m_workerName;
    QThreadPool m_pool;
    PeerClient *m_peers = nullptr;
    int m_activeTasks = 0;
    QTimer m_trimTimer; // returns pooled buffers to the system once the worker has been idle a moment
    // Blocks fetched from peers, per operation, dropped when the operation's temporaries are released.
    std::map<QString, std::set<QString>> m_replicasByOperation;
    std::map<QString, std::vector<std::function<void(const Status &)>>> m_inflightFetches;
};

} // namespace tessera
