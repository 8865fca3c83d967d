// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/clustersession_p.h"

#include "core/io/filestack.h"
#include "core/plan/loadplan.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace tessera {

namespace {

bool isIdentifier(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return pattern.match(name).hasMatch();
}

} // namespace

void ClusterSession::Private::startLoad(Operation *operation, const LoadRequest &request)
{
    const OperationClock clock = startClock();
    if (!isIdentifier(request.name)) {
        operationDone(operation,
                      makeError(ErrorCode::InvalidArgument, QStringLiteral("'%1' cannot name an array; use letters, digits "
                                                                           "and _ , starting with a letter")
                                                                .arg(request.name)));
        return;
    }
    const std::vector<WorkerCapacity> room = capacities();
    if (room.empty()) {
        operationDone(operation, makeError(ErrorCode::Network, QStringLiteral("not connected to any worker; connect to a cluster "
                                                                              "or start a local one first")));
        return;
    }
    Result<FileStack> stack = planFileStack(request.files, request.variable);
    if (!stack.isOk()) {
        operationDone(operation, stack.status());
        return;
    }
    const QString operationId = nextOperationId();
    const LoadLayout layout{request.name, request.name + QLatin1Char('@') + operationId, request.distribution,
                            request.blocksPerFile, request.mode == LoadMode::Head};
    Result<TaskGraph> graph = planLoad(*stack, layout, room);
    if (!graph.isOk()) {
        operationDone(operation, graph.status());
        return;
    }
    GraphRunner::Settings settings;
    settings.operationId = operationId;
    settings.originMicros = clock.originMicros;
    runGraph(
        operation, std::move(*graph), settings,
        [this, operation, request, stack = std::move(*stack), clock](GraphRunner &runner) {
        finishLoad(operation, request, stack, runner, clock);
        },
        QStringLiteral("blocks"), request.name);
}

void ClusterSession::Private::finishLoad(Operation *operation, const LoadRequest &request, const FileStack &stack,
                                         GraphRunner &runner, const OperationClock &clock)
{
    const int taskCount = int(runner.graph().tasks.size());
    recordLineage(runner);
    for (const QString &path : stack.files) {
        const QFileInfo file(path);
        fileStamps[path] = {file.size(), file.lastModified()};
    }
    ArrayInfo info;
    info.meta = stack.meta;
    info.meta.name = request.name;
    info.layout = runner.graph().result;
    info.storageType = stack.storageType;
    registerArray(std::move(info));

    OperationReport &report = operation->mutableReport();
    report.wallSeconds = clock.elapsedSeconds();
    const bool clientMoved = request.mode == LoadMode::Head;
    report.transferSeconds = clientMoved ? report.wallSeconds : 0;
    report.computeSeconds = clientMoved ? 0 : report.wallSeconds;
    report.taskCount = taskCount;
    report.clientBytes = clientPayloadBytes() - clock.clientBytesBefore;
    report.tasks = runner.takeRecords();
    operationDone(operation, Status::ok());
}

} // namespace tessera
