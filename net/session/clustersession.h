// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/tls.h"
#include "net/session/operation.h"

#include "core/arraymeta.h"
#include "core/chunks.h"
#include "core/plan/loadplan.h"
#include "core/plan/taskgraph.h"

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace tessera {

class WorkerLauncher;

class BlockDirectory;
class LocalCluster;
struct LocalClusterOptions;
class WorkerClient;

enum class WorkerState { Connecting, Connected, Busy, Lost };
QString workerStateName(WorkerState state);

struct WorkerInfo
{
    int index = 0;
    QString name;
    QString address; // host:port the worker listens on (peers fetch from there)
    QString host;    // the machine's name as the worker knows it
    int threads = 0;
    std::int64_t memoryLimitBytes = 0;
    std::int64_t memoryUsedBytes = 0;
    std::int64_t memoryPeakBytes = 0;    // the most the worker held since its previous status
    std::int64_t memoryReserveBytes = 0; // free memory it keeps faulted in for the next results
    int blockCount = 0;
    WorkerState state = WorkerState::Connecting;
    double latencyMillis = 0; // last round trip of a status request
    QString error;            // why it was lost
};

// What a worker's memory sustains with all its threads, asked of every worker at once (see
// measureMemory): the bandwidth a memory-bound step can use, cores shared among workers included.
struct MemoryMeasurement
{
    double readBytesPerSecond = 0;
    double writeBytesPerSecond = 0;
    std::int64_t probeBytes = 0; // the buffer each worker measured
};

// A link between this program and one worker as the protocol sees it (see measureLink).
struct LinkMeasurement
{
    double sendBytesPerSecond = 0;    // to the worker
    double receiveBytesPerSecond = 0; // from it
    double roundTripSeconds = 0;      // the fastest of a few status requests
    std::int64_t probeBytes = 0;      // the block timed each way: at most half the worker's free memory
};

// A distributed array in the session's workspace.
struct ArrayInfo
{
    ArrayMeta meta;
    BlockLayout layout;  // chunks, block keys and the worker holding each block
    QString storageType; // of the source files ("int16"), or "float64"
    // Set when blocks of it were lost with a worker and cannot be made again (their file is gone,
    // or the survivors have no room): which blocks, why, and the fix. The array can only be
    // dropped or loaded again; everything else keeps working.
    QString damage;
};

enum class LoadMode {
    Head,    // the client reads every file and sends its blocks (works without shared storage)
    Workers, // each worker reads its own files from a path all of them see (parallel IO)
};

struct LoadRequest
{
    QString name = QStringLiteral("x");
    QStringList files; // stacked along the first dimension in this order
    QString variable;
    LoadMode mode = LoadMode::Workers;
    Distribution distribution = Distribution::Contiguous;
    int blocksPerFile = 1; // split each file along its first dimension
};

// The workbench's view of a cluster: workers, the arrays in their memory, and operations on them.
// The GUI and tessera-cli both drive this; neither touches sockets. Every operation is
// asynchronous and returns an Operation that reports progress and finishes exactly once.
//
// Who deletes an Operation: the caller, once it has finished (delete it, or deleteLater() from a
// slot of its finished() signal), as with QNetworkReply. With setAutoDeleteOperations(true) the
// session does it instead, deleteLater() right after finished() and operationFinished() have
// been emitted, so read what you need in those slots or hold a QPointer. Operations still alive
// when the session goes are deleted with it.
class ClusterSession : public QObject
{
    Q_OBJECT

public:
    explicit ClusterSession(QObject *parent = nullptr);
    ~ClusterSession() override;

    // Connects to workers listening at "host:port" addresses, with the shared token (may be
    // empty for loopback workers started without one).
    Operation *connectToWorkers(const QStringList &addresses, const QByteArray &token);
    // Starts `cluster`'s workers (stopping any it ran before) and connects to them; the operation
    // finishes when they are connected. The cluster must outlive the session's use of it.
    Operation *connectToLocalCluster(LocalCluster *cluster, const LocalClusterOptions &options);
    // Starts one more worker of `cluster` (see LocalCluster::addWorker) and connects to it; it
    // joins the running session and takes part in later work (rebalance() gives it blocks).
    Operation *addLocalWorker(LocalCluster *cluster);
    // Listens for workers started with --connect; the operation finishes when `expected` have
    // dialed in and passed the handshake. Returns the address to give them via listenAddress().
    Operation *listenForWorkers(const QHostAddress &address, quint16 port, const QByteArray &token, int expected);
    QString listenAddress() const;
    // Listens for the workers `launcher` starts elsewhere (a Slurm job, ssh sessions), launches
    // it with listenAddress(), and finishes when all have dialed in, or with the launcher's own
    // error (the launcher then stops what it started). The session keeps the launcher until
    // disconnectAll() or its end, which stop it: a Slurm job is cancelled with the session.
    Operation *launchWorkers(std::unique_ptr<WorkerLauncher> launcher, const QHostAddress &address, quint16 port);
    // Stops what the launcher started (scancel, the ssh sessions), e.g. on Ctrl-C.
    void stopLaunchedWorkers();

    // Times a scratch block of `bytes` sent to worker `worker` and read back, and a few status
    // round trips, then drops the block: the benchmark's limits for a cluster it did not start.
    // The block is at most half the worker's free memory. Run it while no statement runs.
    void measureLink(int worker, std::int64_t bytes, std::function<void(Result<LinkMeasurement>)> done);
    // Asks every connected worker at once to time its memory over a buffer of at most `bytes`
    // (and half its free memory); `done` gets one answer per worker, in worker order.
    void measureMemory(std::int64_t bytes, std::function<void(std::vector<Result<MemoryMeasurement>>)> done);
    // Drops all connections and forgets the arrays (the workers keep running).
    void disconnectAll();

    Operation *load(const LoadRequest &request);
    // A statement: `expr` or `name = expr`. Results up to resultLimitBytes() come back to the
    // client; larger ones stay on the workers under a new name (r1, r2, ...).
    Operation *evaluate(const QString &statement);
    // Frees the array's blocks on the workers.
    Status removeArray(const QString &name);
    // Spreads the arrays' blocks over the live workers so each holds about the same bytes,
    // moving as few as it can (workers fetch them from each other). For workers that joined.
    Operation *rebalance();
    // Asks worker `index` to exit. Its blocks are rebuilt on the others, as for any lost worker.
    Status stopWorker(int index);

    // Connections made afterwards use TLS and check the workers' certificates (see TlsSettings);
    // workers that dial in must then present one.
    void setTls(const TlsSettings &settings);

    // A worker that shows no sign of life for this long is lost (a closed connection is lost at
    // once); its blocks are rebuilt on the others. Applies to connections made afterwards too.
    // Default 5 s.
    void setHeartbeatTimeout(int millis);
    int heartbeatTimeout() const;

    std::int64_t resultLimitBytes() const { return m_resultLimitBytes; }
    void setResultLimitBytes(std::int64_t bytes) { m_resultLimitBytes = bytes; }
    // The share of each worker's memory limit that blocks fetched from peers may take at once
    // (a rechunk streams through it); 0.1 unless set.
    double transferBufferFraction() const { return m_transferBufferFraction; }
    void setTransferBufferFraction(double fraction) { m_transferBufferFraction = fraction; }

    // See the class comment. Off by default.
    bool autoDeleteOperations() const { return m_autoDeleteOperations; }
    void setAutoDeleteOperations(bool autoDelete) { m_autoDeleteOperations = autoDelete; }

    std::vector<WorkerInfo> workers() const;
    std::vector<QString> arrayNames() const;
    const ArrayInfo *array(const QString &name) const; // nullptr when there is none
    bool isConnected() const;
    bool isBusy() const;
    // True while blocks of lost workers are being made again.
    bool isRecovering() const;
    // Where each block of the arrays is, and which are being rebuilt or are damaged.
    const BlockDirectory &blocks() const;

    // Asks every worker for its memory use, block count and round-trip time; workersChanged()
    // follows as the answers arrive.
    void refreshWorkerStatus();
    // The same, then `answered` once every worker asked has answered or its connection failed.
    // Answers to earlier requests may arrive first; these answers count only this request's.
    void refreshWorkerStatus(std::function<void()> answered);

Q_SIGNALS:
    void workersChanged();
    void arraysChanged();
    // During a load, each time a block is in a worker's memory (live block map).
    void blockStored(const QString &array, qint64 flatIndex, int worker);
    void operationStarted(tessera::Operation *operation);
    void operationFinished(tessera::Operation *operation);
    // A worker connection failed, closed or fell silent: the message names the worker and why.
    // Its blocks are being rebuilt (recoveryStarted) or the arrays holding them are damaged.
    void workerLost(int worker, const QString &message);
    // Making the blocks of a lost worker again runs as its own operation, beside any other;
    // operationStarted() also reports it, so progress shows like any operation's.
    void recoveryStarted(tessera::Operation *operation);
    // A task of any operation was sent to `worker`; it reads blocks held by `inputWorkers`.
    void taskSent(tessera::TaskKind kind, int worker, const QList<int> &inputWorkers);

private:
    class Private;
    std::unique_ptr<Private> d;
    std::int64_t m_resultLimitBytes = std::int64_t(64) << 20;
    double m_transferBufferFraction = 0.1;
    bool m_autoDeleteOperations = false;
};

} // namespace tessera
