// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/clustersession.h"

#include "net/session/localcluster.h"

#include "net/protocol/clock.h"
#include "net/protocol/dialinserver.h"
#include "net/protocol/hostport.h"
#include "net/protocol/messages.h"
#include "net/session/clustersession_p.h"

#include <QCborArray>
#include <QHostInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>

#include <algorithm>
#include <set>

namespace tessera {

QString workerStateName(WorkerState state)
{
    switch (state) {
    case WorkerState::Connecting: return QStringLiteral("connecting");
    case WorkerState::Connected: return QStringLiteral("connected");
    case WorkerState::Busy: return QStringLiteral("busy");
    case WorkerState::Lost: return QStringLiteral("lost");
    }
    return {};
}

ClusterSession::Private::Private(ClusterSession *session)
    : q(session)
    , m_sessionTag(QString::number(QRandomGenerator::global()->generate64(), 36))
{
}

Operation *ClusterSession::Private::enqueue(Operation::Kind kind, const QString &description,
                                            std::function<void(Operation *)> start)
{
    auto *operation = new Operation(kind, description, q);
    queue.emplace_back(operation, std::move(start));
    QMetaObject::invokeMethod(
        q, [this] { startNext(); }, Qt::QueuedConnection);
    return operation;
}

void ClusterSession::Private::startNext()
{
    while (!running && !queue.empty()) {
        auto [operation, starter] = std::move(queue.front());
        queue.pop_front();
        if (!operation)
            continue;
        if (operation->isCancelRequested()) {
            operation->finish(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled before it started")));
            Q_EMIT q->operationFinished(operation);
            if (q->autoDeleteOperations())
                operation->deleteLater();
            continue;
        }
        running = operation;
        Q_EMIT q->operationStarted(operation);
        starter(operation);
    }
}

void ClusterSession::Private::operationDone(Operation *operation, Status status)
{
    operation->finish(std::move(status));
    if (running == operation)
        running = nullptr;
    Q_EMIT q->operationFinished(operation);
    if (q->autoDeleteOperations())
        operation->deleteLater();
    QMetaObject::invokeMethod(
        q, [this] { startNext(); }, Qt::QueuedConnection);
}

void ClusterSession::Private::addWorker(WorkerClient *client)
{
    Worker worker;
    worker.client = client;
    worker.info.index = int(workers.size());
    worker.info.name = client->workerName();
    worker.info.address = client->address();
    worker.info.threads = client->hello().threads;
    worker.info.host = client->hello().host;
    worker.info.memoryLimitBytes = client->hello().memoryLimitBytes;
    worker.info.state = WorkerState::Connected;
    const int index = worker.info.index;
    QObject::connect(client, &WorkerClient::lost, q, [this, index](const QString &message) { onWorkerLost(index, message); });
    workers.push_back(std::move(worker));
}

WorkerClient *ClusterSession::Private::newClient()
{
    auto *client = new WorkerClient(token, QStringLiteral("client"), q);
    client->setHeartbeatTimeout(heartbeatMillis);
    client->setTls(tls);
    return client;
}

void ClusterSession::Private::startConnect(Operation *operation, const QStringList &addresses)
{
    struct Pending
    {
        std::vector<WorkerClient *> clients;
        int ready = 0;
        bool failed = false;
    };
    auto pending = std::make_shared<Pending>();
    for (const QString &address : addresses) {
        WorkerClient *client = newClient();
        pending->clients.push_back(client);
        QObject::connect(client, &WorkerClient::ready, q, [this, operation, pending] {
            if (pending->failed || ++pending->ready < int(pending->clients.size()))
                return;
            for (WorkerClient *ready : pending->clients)
                addWorker(ready);
            Q_EMIT q->workersChanged();
            q->refreshWorkerStatus();
            operationDone(operation, Status::ok());
        });
        QObject::connect(client, &WorkerClient::failed, q, [this, operation, pending, client](const QString &message) {
            if (pending->failed)
                return;
            pending->failed = true;
            for (WorkerClient *other : pending->clients) {
                other->close();
                other->deleteLater();
            }
            operationDone(operation, makeError(client->failureCode(), message));
        });
        client->connectTo(address);
    }
    if (addresses.isEmpty())
        operationDone(operation, makeError(ErrorCode::InvalidArgument,
                                           QStringLiteral("no worker addresses given; list them as HOST:PORT,HOST:PORT")));
}

ClusterSession::ClusterSession(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
}

ClusterSession::~ClusterSession()
{
    d->releaseAllArrays();
    for (auto &worker : d->workers) {
        if (worker.client)
            worker.client->close();
    }
    stopLaunchedWorkers(); // after the connections: dial-back workers end on their own, then the job goes
}

Operation *ClusterSession::connectToWorkers(const QStringList &addresses, const QByteArray &token)
{
    d->token = token;
    return d->enqueue(Operation::Kind::Connect, QStringLiteral("connect to %1").arg(addresses.join(QStringLiteral(", "))),
                      [this, addresses](Operation *operation) { d->startConnect(operation, addresses); });
}

Operation *ClusterSession::connectToLocalCluster(LocalCluster *cluster, const LocalClusterOptions &options)
{
    d->token.clear(); // local workers listen on loopback without a token
    return d->enqueue(Operation::Kind::Connect, QStringLiteral("start and connect to %1 local workers").arg(options.workers),
                      [this, cluster, options](Operation *operation) {
        Operation *starting = cluster->start(options);
        connect(starting, &Operation::finished, operation, [this, operation, starting, cluster] {
            if (operation->isFinished())
                return;
            if (!starting->status().isOk())
                d->operationDone(operation, starting->status());
            else
                d->startConnect(operation, cluster->addresses());
        });
        connect(operation, &Operation::cancelRequested, starting, &Operation::cancel);
    });
}

Operation *ClusterSession::addLocalWorker(LocalCluster *cluster)
{
    return d->enqueue(Operation::Kind::Connect, QStringLiteral("start and connect to one more local worker"),
                      [this, cluster](Operation *operation) {
        Operation *starting = cluster->addWorker();
        connect(starting, &Operation::finished, operation, [this, operation, starting, cluster] {
            if (operation->isFinished())
                return;
            if (!starting->status().isOk())
                d->operationDone(operation, starting->status());
            else
                d->startConnect(operation, {cluster->addresses().constLast()});
        });
    });
}

Operation *ClusterSession::listenForWorkers(const QHostAddress &address, quint16 port, const QByteArray &token, int expected)
{
    d->token = token;
    delete d->listener;
    d->listener = new DialInServer(d->tls.verifiesPeers(), this);
    d->expectedDialIns = expected;
    const bool listening = d->listener->listen(address, port);
    return d->enqueue(Operation::Kind::Connect, QStringLiteral("wait for %1 workers to dial in").arg(expected),
                      [this, listening, address, port](Operation *operation) {
        if (!listening) {
            d->operationDone(operation, makeError(ErrorCode::Network, QStringLiteral("cannot listen on %1:%2 for workers: %3")
                                                                          .arg(address.toString())
                                                                          .arg(port)
                                                                          .arg(d->listener->errorString())));
            return;
        }
        d->listenOperation = operation;
        auto dialed = std::make_shared<int>(0);
        connect(d->listener, &QTcpServer::pendingConnectionAvailable, this, [this, dialed] {
            while (QTcpSocket *socket = d->listener->nextPendingConnection()) {
                WorkerClient *client = d->newClient();
                connect(client, &WorkerClient::ready, this, [this, client, dialed] {
                    d->addWorker(client);
                    Q_EMIT workersChanged();
                    if (++*dialed == d->expectedDialIns && d->listenOperation) {
                        refreshWorkerStatus();
                        d->operationDone(d->listenOperation, Status::ok());
                    }
                });
                connect(client, &WorkerClient::failed, this, [client](const QString &message) {
                    qWarning("tessera: a worker that dialed in was refused: %s", qPrintable(message));
                    client->deleteLater();
                });
                client->adopt(socket);
            }
        });
        connect(operation, &Operation::cancelRequested, this, [this, operation] {
            d->operationDone(operation, d->launchFailure.isOk()
                                            ? makeError(ErrorCode::Cancelled, QStringLiteral("stopped waiting for workers"))
                                            : d->launchFailure);
        });
    });
}

QString ClusterSession::listenAddress() const
{
    if (!d->listener || !d->listener->isListening())
        return {};
    const QHostAddress address = d->listener->serverAddress();
    // Workers elsewhere cannot dial "0.0.0.0": give them this host's name.
    if (isAnyAddress(address))
        return joinHostPort(QHostInfo::localHostName(), d->listener->serverPort());
    return joinHostPort(address.toString(), d->listener->serverPort());
}

void ClusterSession::disconnectAll()
{
    d->releaseAllArrays();
    stopLaunchedWorkers();
    for (auto &worker : d->workers) {
        if (worker.client) {
            worker.client->close();
            worker.client->deleteLater();
        }
    }
    d->workers.clear();
    Q_EMIT workersChanged();
    Q_EMIT arraysChanged();
}

Operation *ClusterSession::load(const LoadRequest &request)
{
    return d->enqueue(
        Operation::Kind::Load,
        QStringLiteral("load %1 from %2 file(s) as %3").arg(request.variable).arg(request.files.size()).arg(request.name),
        [this, request](Operation *operation) { d->startLoad(operation, request); });
}

Operation *ClusterSession::evaluate(const QString &statement)
{
    // The one command of the console: so the CLI's -e and saved experiments can ask for it too.
    static const QRegularExpression rebalanceCommand(QStringLiteral("^\\s*rebalance\\s*\\(\\s*\\)\\s*$"));
    if (rebalanceCommand.match(statement).hasMatch())
        return rebalance();
    return d->enqueue(Operation::Kind::Evaluate, statement.trimmed(),
                      [this, statement](Operation *operation) { d->startEvaluate(operation, statement); });
}

Operation *ClusterSession::rebalance()
{
    return d->enqueue(Operation::Kind::Rebalance, QStringLiteral("rebalance the blocks over the workers"),
                      [this](Operation *operation) { d->startRebalance(operation); });
}

Status ClusterSession::stopWorker(int index)
{
    if (index < 0 || index >= int(d->workers.size()) || !d->workers[std::size_t(index)].client
        || d->workers[std::size_t(index)].info.state == WorkerState::Lost)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("there is no connected worker %1").arg(index));
    // The worker exits; its connection closing makes it lost, and its blocks are rebuilt.
    d->workers[std::size_t(index)].client->request(QCborMap{{field::Type, msg::Shutdown}}, [](const Frame &) {});
    return Status::ok();
}

void ClusterSession::setTls(const TlsSettings &settings)
{
    d->tls = settings;
}

void ClusterSession::setHeartbeatTimeout(int millis)
{
    d->heartbeatMillis = std::max(0, millis);
    for (auto &worker : d->workers) {
        if (worker.client)
            worker.client->setHeartbeatTimeout(d->heartbeatMillis);
    }
}

int ClusterSession::heartbeatTimeout() const
{
    return d->heartbeatMillis;
}

bool ClusterSession::isRecovering() const
{
    return std::any_of(d->recoveries.begin(), d->recoveries.end(),
                       [](const QPointer<Operation> &operation) { return operation && !operation->isFinished(); });
}

const BlockDirectory &ClusterSession::blocks() const
{
    return d->directory;
}

std::vector<WorkerInfo> ClusterSession::workers() const
{
    std::vector<WorkerInfo> result;
    for (const auto &worker : d->workers)
        result.push_back(worker.info);
    return result;
}

std::vector<QString> ClusterSession::arrayNames() const
{
    std::vector<QString> names;
    for (const auto &[name, info] : d->arrays)
        names.push_back(name);
    return names;
}

const ArrayInfo *ClusterSession::array(const QString &name) const
{
    auto it = d->arrays.find(name);
    return it == d->arrays.end() ? nullptr : &it->second;
}

bool ClusterSession::isConnected() const
{
    for (const auto &worker : d->workers) {
        if (worker.info.state != WorkerState::Lost)
            return true;
    }
    return false;
}

bool ClusterSession::isBusy() const
{
    return d->running != nullptr;
}

void ClusterSession::refreshWorkerStatus()
{
    refreshWorkerStatus({});
}

void ClusterSession::refreshWorkerStatus(std::function<void()> answered)
{
    // Every handler runs once, with the reply or with the error of a closed connection.
    auto outstanding = std::make_shared<int>(0);
    auto answerOne = [outstanding, answered] {
        if (--*outstanding == 0 && answered)
            answered();
    };
    for (auto &worker : d->workers) {
        if (!worker.client || worker.info.state == WorkerState::Lost)
            continue;
        ++*outstanding;
        const int index = worker.info.index;
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        worker.client->request(QCborMap{{field::Type, msg::Status}}, [this, index, timer, answerOne](const Frame &reply) {
            d->applyStatusReply(index, reply, double(timer->nsecsElapsed()) / 1e6);
            answerOne();
        });
    }
    if (*outstanding == 0 && answered)
        answered();
}

void ClusterSession::Private::applyStatusReply(int index, const Frame &reply, double latencyMillis)
{
    const Result<wire::StatusReply> status = wire::StatusReply::fromCbor(reply.header);
    if (index >= int(workers.size()) || !status.isOk())
        return;
    WorkerInfo &info = workers[index].info;
    info.latencyMillis = latencyMillis;
    info.memoryUsedBytes = status->memoryUsedBytes;
    info.memoryPeakBytes = status->memoryPeakBytes;
    info.memoryReserveBytes = status->memoryReserveBytes;
    info.memoryLimitBytes = status->memoryLimitBytes;
    info.blockCount = status->blocks;
    if (info.state != WorkerState::Lost)
        info.state = status->busy > 0 ? WorkerState::Busy : WorkerState::Connected;
    Q_EMIT q->workersChanged();
}

std::vector<QPointer<WorkerClient>> ClusterSession::Private::clients() const
{
    std::vector<QPointer<WorkerClient>> result;
    for (const Worker &worker : workers)
        result.push_back(worker.info.state == WorkerState::Lost ? nullptr : worker.client);
    return result;
}

std::vector<WorkerCapacity> ClusterSession::Private::capacities() const
{
    std::vector<WorkerCapacity> result;
    for (const Worker &worker : workers) {
        const WorkerInfo &info = worker.info;
        if (info.state != WorkerState::Lost)
            result.push_back({info.index, info.name, info.memoryLimitBytes - info.memoryUsedBytes, info.memoryLimitBytes});
    }
    return result;
}

OperationClock ClusterSession::Private::startClock() const
{
    OperationClock clock;
    clock.wall.start();
    clock.originMicros = epochMicros();
    clock.clientBytesBefore = clientPayloadBytes();
    return clock;
}

GraphRunner *ClusterSession::Private::makeRunner(TaskGraph graph, GraphRunner::Settings settings, QObject *parent)
{
    settings.verdictMillis = heartbeatMillis + 2000;
    for (const auto &worker : workers)
        settings.transferWindowBytes.push_back(
            std::max<std::int64_t>(1, std::int64_t(double(worker.info.memoryLimitBytes) * q->transferBufferFraction())));
    auto *runner = new GraphRunner(std::move(graph), std::move(settings), clients(), workerAddresses(), &directory, parent);
    runners.emplace_back(runner);
    std::erase_if(runners, [](const QPointer<GraphRunner> &each) { return !each; });
    QObject::connect(runner, &GraphRunner::taskSent, q, [this, runner](int taskId) {
        const Task &task = runner->graph().tasks[std::size_t(taskId)];
        QList<int> inputWorkers;
        for (const TaskInput &input : task.inputs)
            inputWorkers << input.worker;
        Q_EMIT q->taskSent(task.kind, task.worker, inputWorkers);
    });
    return runner;
}

void ClusterSession::Private::runGraph(Operation *operation, TaskGraph graph, GraphRunner::Settings settings,
                                       std::function<void(GraphRunner &runner)> onSuccess, const QString &progressUnit,
                                       const QString &loadingArray)
{
    GraphRunner *runner = makeRunner(std::move(graph), std::move(settings), operation);
    QObject::connect(runner, &GraphRunner::taskFinished, operation,
                     [this, operation, runner, loadingArray, progressUnit](int taskId, int done, int total) {
        // A load's tasks are its blocks, in flat order: the block map fills as they arrive.
        if (!loadingArray.isEmpty())
            Q_EMIT q->blockStored(loadingArray, qint64(taskId), runner->graph().tasks[taskId].worker);
        operation->reportProgress(done, total, progressUnit);
    });
    QObject::connect(runner, &GraphRunner::finished, operation, [this, operation, runner, onSuccess](const Status &status) {
        if (status.isOk())
            onSuccess(*runner);
        else
            operationDone(operation, status);
    });
    QObject::connect(operation, &Operation::cancelRequested, runner, &GraphRunner::cancel);
    runner->start();
}

QStringList ClusterSession::Private::workerAddresses() const
{
    QStringList addresses;
    for (const auto &worker : workers)
        addresses << worker.info.address;
    return addresses;
}

std::vector<int> ClusterSession::Private::threadsPerWorker() const
{
    std::vector<int> threads;
    for (const auto &worker : workers)
        threads.push_back(worker.info.state == WorkerState::Lost ? 0 : worker.info.threads);
    return threads;
}

std::int64_t ClusterSession::Private::clientPayloadBytes() const
{
    std::int64_t bytes = 0;
    for (const auto &worker : workers) {
        if (worker.client)
            bytes += worker.client->payloadBytesSent() + worker.client->payloadBytesReceived();
    }
    return bytes;
}

QString ClusterSession::Private::nextResultName()
{
    QString name;
    do {
        name = QStringLiteral("r%1").arg(m_nextResult++);
    } while (arrays.count(name));
    return name;
}

} // namespace tessera
