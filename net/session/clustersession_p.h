#pragma once

#include "net/session/clustersession.h"
#include "net/protocol/workerclient.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpServer>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace tessera {

struct EvaluationState; // sessionevaluate.cpp

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
    void startLoad(Operation *operation, const LoadRequest &request);
    void startEvaluate(Operation *operation, const QString &statement);
    void finalizeEvaluation(Operation *operation, const std::shared_ptr<EvaluationState> &state);

    // Registers `info` under its name, releasing the blocks of an array it replaces.
    void registerArray(ArrayInfo info);
    void releaseKeys(const std::vector<QString> &keys, const std::vector<int> &workers, const QString &operation);
    // Releases every array's blocks and forgets the arrays (session end, disconnect).
    void releaseAllArrays();
    // Sends release for keys no array references any more.
    void releaseUnreferenced(const BlockLayout &layout);
    bool isReferenced(const QString &key) const;

    QStringList workerAddresses() const;
    std::vector<int> threadsPerWorker() const;
    // The first lost worker holding a block of `layout`, or -1.
    int lostWorkerIn(const BlockLayout &layout) const;
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
