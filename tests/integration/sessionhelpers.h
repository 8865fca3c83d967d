// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Driving a ClusterSession from an integration test: statements and loads run to completion with
// a deadline, the workers' memory as they report it, and the sanity of an operation's report.

#include "processes.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"

#include <QObject>
#include <QStringList>
#include <QTest>

#include <memory>
#include <vector>

namespace integration {

struct Evaluated
{
    tessera::Status status;
    tessera::EvaluationResult result;
    tessera::OperationReport report;
};

// Sample files of `days` days on a 5-degree grid (4 x 37 x 72 per day): for tests about where data
// goes and what is computed, not about its size.
inline tessera::Result<QStringList> writeSmallSample(const QString &directory, int days)
{
    tessera::SampleDataOptions options;
    options.days = days;
    options.gridDegrees = 5;
    return tessera::writeSampleData(directory, options);
}

inline Evaluated evaluate(tessera::ClusterSession &session, const QString &statement)
{
    tessera::Operation *operation = session.evaluate(statement);
    Evaluated evaluated{finishWithin(operation), operation->result(), operation->report()};
    operation->deleteLater();
    return evaluated;
}

inline tessera::Status load(tessera::ClusterSession &session, const QString &name, const QStringList &files,
                            const QString &variable = QStringLiteral("t2m"), tessera::LoadMode mode = tessera::LoadMode::Workers,
                            int blocksPerFile = 1, int timeoutMillis = 30000)
{
    tessera::LoadRequest request;
    request.name = name;
    request.files = files;
    request.variable = variable;
    request.mode = mode;
    request.blocksPerFile = blocksPerFile;
    tessera::Operation *operation = session.load(request);
    const tessera::Status status = finishWithin(operation, timeoutMillis);
    operation->deleteLater();
    return status;
}

// Asks every connected worker for its memory use and waits for all its answers. Requests on one
// connection are answered in order, so releases sent before are counted.
inline std::vector<std::int64_t> memoryUsed(tessera::ClusterSession &session)
{
    auto answered = std::make_shared<bool>(false); // outlives a wait that times out
    session.refreshWorkerStatus([answered] { *answered = true; });
    (void)QTest::qWaitFor([&] { return *answered; }, 10000);
    std::vector<std::int64_t> used;
    for (const tessera::WorkerInfo &worker : session.workers())
        used.push_back(worker.memoryUsedBytes);
    return used;
}

// What does not add up in a report: phases that exceed the wall time, tasks outside the operation's
// time span or on workers that do not exist, a task count that differs from the records.
inline QString inconsistencies(const tessera::OperationReport &report, int workers)
{
    QStringList problems;
    const double phases = report.planSeconds + report.computeSeconds + report.transferSeconds;
    if (report.wallSeconds <= 0 || report.planSeconds < 0 || report.computeSeconds < 0 || report.transferSeconds < 0
        || phases > report.wallSeconds * 1.001 + 1e-6) {
        problems << QStringLiteral("wall %1 s, plan %2 s, compute %3 s, transfer %4 s")
                        .arg(report.wallSeconds)
                        .arg(report.planSeconds)
                        .arg(report.computeSeconds)
                        .arg(report.transferSeconds);
    }
    if (report.taskCount != int(report.tasks.size()))
        problems << QStringLiteral("%1 tasks counted, %2 recorded").arg(report.taskCount).arg(report.tasks.size());
    const auto wallMicros = std::int64_t(report.wallSeconds * 1e6) + 1000; // clocks read a moment apart
    for (const tessera::TaskRecord &task : report.tasks) {
        if (task.worker < 0 || task.worker >= workers || task.startMicros < 0 || task.endMicros < task.startMicros
            || task.endMicros > wallMicros || task.outputBytes < 0 || task.fetchedBytes < 0) {
            problems << QStringLiteral("%1 task %2 on worker %3 from %4 to %5 us")
                            .arg(tessera::taskKindName(task.kind))
                            .arg(task.taskId)
                            .arg(task.worker)
                            .arg(task.startMicros)
                            .arg(task.endMicros);
        }
    }
    return problems.join(QStringLiteral("; "));
}

} // namespace integration
