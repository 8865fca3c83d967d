// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/framesocket.h"
#include "net/worker/blockstore.h"
#include "net/worker/warmreserve.h"
#include "net/worker/workerservice.h"

#include "core/plan/taskgraph.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"

#include <QObject>
#include <QThreadPool>

#include <atomic>
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
// (its space reserved before the work starts) and/or returned to the requester. Tasks of a few
// kB run on the thread that received them.
class TaskExecutor : public QObject
{
    Q_OBJECT

public:
    // Where a request's answer goes: a message as a map, or written straight to the frame, as a
    // task's Done is (one per task: building its map cost more than the rest of the reply).
    class ReplyFunction
    {
    public:
        using Sender = std::function<void(const HeaderWriter &writeHeader, QByteArrayView payload)>;
        ReplyFunction() = default;
        explicit ReplyFunction(Sender send)
            : m_send(std::move(send))
        {
        }
        void operator()(const HeaderWriter &writeHeader, QByteArrayView payload) const { m_send(writeHeader, payload); }
        void operator()(const QCborMap &header, QByteArrayView payload) const
        {
            m_send([&header](CborBytes &writer) { writer.append(header.toCborValue()); }, payload);
        }

    private:
        Sender m_send;
    };

    TaskExecutor(BlockStore &store, const WorkerOptions &options, QObject *parent = nullptr);
    ~TaskExecutor() override;

    // `owner` is the connection the request came on: what it stores lives as long as the
    // connection (see connectionOpened / connectionClosed).
    void handle(const QString &type, qint64 id, const Frame &frame, const ReplyFunction &reply, quint64 owner);
    void connectionOpened(quint64 owner);
    // Frees every block the connection stored and the peer replicas of its operations; returns
    // the bytes freed. Work of that connection still running is dropped when it finishes.
    std::int64_t connectionClosed(quint64 owner);
    int activeTasks() const { return m_activeTasks; }

private:
    struct Job;
    struct Computed
    {
        Result<NdArray> output = NdArray();
        qint64 startMicros = 0;
        qint64 endMicros = 0;
        int thread = 0;
    };

    void handleGet(const wire::Get &get, const ReplyFunction &reply);
    void handlePut(const wire::Put &put, const ByteBuffer &payload, const ReplyFunction &reply, quint64 owner);
    void handleLoad(const wire::Load &load, const ReplyFunction &reply, quint64 owner);
    void handleTask(wire::TaskRequest request, const ReplyFunction &reply, quint64 owner);
    void handleRelease(const wire::Release &release, const ReplyFunction &reply, quint64 owner);
    void handleMeasure(const wire::Measure &measure, const ReplyFunction &reply); // memoryprobe.cpp
    // Stores a block for `owner`, or drops it (false) when that connection has gone meanwhile.
    bool storeFor(quint64 owner, const QString &key, NdArray block, std::int64_t reservedBytes);

    void resolveInput(const std::shared_ptr<Job> &job, std::size_t index, const QString &source);
    void fetchPiece(const std::shared_ptr<Job> &job, std::size_t index, const QString &source,
                    const std::function<void(NdArray, Region)> &arrived);
    void inputFailed(const std::shared_ptr<Job> &job, const Status &status, const QString &unreachablePeer = {});
    // Runs the kernel here when the task is small, else on the pool.
    void startJob(const std::shared_ptr<Job> &job);
    static Computed compute(Job &job, int thread);
    // The task stream's thread numbers: a pool thread's, and the socket thread's (one past them).
    int poolThreadIndex();
    int socketThreadIndex() const;
    static std::int64_t bytesTouched(const Job &job);
    void taskEnded();
    void finishJob(const std::shared_ptr<Job> &job, Computed computed);

    BlockStore &m_store;
    QString m_workerName;
    QThreadPool m_pool;
    std::atomic<int> m_nextPoolThread{0};
    PeerClient *m_peers = nullptr;
    int m_activeTasks = 0;
    WarmReserve m_reserve;
    // Blocks fetched from peers, per operation, dropped when the operation's temporaries are released.
    std::map<QString, std::set<QString>> m_replicasByOperation;
    std::map<QString, std::vector<std::function<void(const Status &)>>> m_inflightFetches;
    // Per open connection: the blocks it stored, and its operations (whose replicas go with it).
    std::map<quint64, std::set<QString>> m_keysByOwner;
    std::map<quint64, std::set<QString>> m_operationsByOwner;
};

} // namespace tessera
