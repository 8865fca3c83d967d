// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/status.h"

#include <QObject>
#include <QString>

#include <vector>

namespace tessera {

// One task as it ran, for the timing table and the task stream view. Times are microseconds from
// the start of the operation on the client's clock (workers' clocks are mapped onto it).
struct TaskRecord
{
    int taskId = 0;
    TaskKind kind = TaskKind::Slice;
    int worker = -1;
    int thread = 0;
    std::int64_t startMicros = 0;
    std::int64_t endMicros = 0;
    std::int64_t fetchedBytes = 0; // inputs fetched from peer workers
    std::int64_t outputBytes = 0;
    QString outputKey;
    bool rebuild = false; // remade a block a lost worker held
};

// What one operation cost and why: the figures the timings keep of every statement.
struct OperationFigures
{
    QString text; // the statement, or "load t2m from 90 files"
    double wallSeconds = 0;
    double planSeconds = 0;     // parse, check, plan, place (client)
    double computeSeconds = 0;  // execution minus the transfers below
    double transferSeconds = 0; // client<->worker payloads and worker<->worker fetches on the critical path
    int taskCount = 0;
    std::int64_t clientBytes = 0;                           // payload bytes between the client and workers, both ways
    std::int64_t peerBytes = 0;                             // payload bytes between workers
    std::vector<std::vector<std::int64_t>> peerBytesByPair; // [from][to] worker, as planned (see peerTraffic)
};

// ... and every task it ran, which the task stream draws: 110,960 records on the many-tasks bench.
struct OperationReport : OperationFigures
{
    std::vector<TaskRecord> tasks;
};

// A copy of the figures alone, without copying the tasks.
inline OperationReport withoutTasks(const OperationReport &report)
{
    OperationReport copy;
    static_cast<OperationFigures &>(copy) = report;
    return copy;
}

// The value of an evaluated statement: gathered to the client when small, otherwise left on the
// workers as the named array `arrayName`.
struct EvaluationResult
{
    ArrayMeta meta; // shape, surviving axes with coordinates, units
    bool gathered = false;
    NdArray value;     // when gathered
    QString arrayName; // when stored on the workers (assignment or a large result)
    // Small arrays that come with the value, on the client: an EOF's principal components
    // ("pcs", mode x time) and the fraction of variance of each mode ("variance_fraction").
    struct Companion
    {
        ArrayMeta meta; // meta.name says which
        NdArray value;
    };
    std::vector<Companion> companions;
    // save(...): where the value went and what it took, in one line.
    QString saved;
};

// One asynchronous piece of work of a ClusterSession (or of a LocalCluster starting its
// workers). finished() fires exactly once, after which status(), report() and result() are
// final. Who deletes it is said where it is made (ClusterSession, LocalCluster::start).
class Operation : public QObject
{
    Q_OBJECT

public:
    enum class Kind { StartWorkers, Connect, Load, Evaluate, Recover, Rebalance };

    Operation(Kind kind, QString description, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    const QString &description() const { return m_description; }
    bool isFinished() const { return m_finished; }
    const Status &status() const { return m_status; }
    const OperationReport &report() const { return m_report; }
    const EvaluationResult &result() const { return m_result; }

    // Asks the session to stop; finished() then comes with ErrorCode::Cancelled and nothing
    // half-done is left behind (a cancelled load keeps no blocks).
    void cancel();
    bool isCancelRequested() const { return m_cancelRequested; }

    // For the session that runs this operation.
    OperationReport &mutableReport() { return m_report; }
    EvaluationResult &mutableResult() { return m_result; }
    void reportProgress(std::int64_t done, std::int64_t total, const QString &what);
    void finish(Status status);

Q_SIGNALS:
    // Work done of total (tasks, files or bytes, as `what` says), as it happens.
    void progress(qint64 done, qint64 total, const QString &what);
    void cancelRequested();
    void finished();

private:
    Kind m_kind;
    QString m_description;
    bool m_finished = false;
    bool m_cancelRequested = false;
    Status m_status;
    OperationReport m_report;
    EvaluationResult m_result;
};

// Runs a local event loop until `operation` has finished; returns its status. For the CLI and tests.
Status waitForOperation(Operation *operation);

} // namespace tessera
