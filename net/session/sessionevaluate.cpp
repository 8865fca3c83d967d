// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/clustersession_p.h"

#include "core/expr/checker.h"
#include "core/expr/parser.h"
#include "core/kernels/slice.h"
#include "core/plan/metadata.h"
#include "core/plan/planner.h"
#include "core/plan/room.h"

#include <QStringList>

#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

QString arrayList(const std::map<QString, ArrayInfo> &arrays)
{
    if (arrays.empty())
        return QStringLiteral("no arrays are loaded yet; load files first");
    QStringList names;
    for (const auto &[name, info] : arrays)
        names << name + shapeToString(info.meta.shape);
    return QStringLiteral("arrays are: ") + names.join(QStringLiteral(", "));
}

// From the Eigen task's rows [eigenvalue, trace, eigenvector...]: each mode's principal
// component sqrt(eigenvalue) * eigenvector along the analysed dimension, and its share of the variance.
std::vector<EvaluationResult::Companion> eofCompanions(const AnalysisSpec &spec, const QString &dataName,
                                                       const std::map<QString, NdArray> &returned)
{
    if (returned.size() != 1)
        return {};
    const NdArray &modes = returned.begin()->second;
    const std::int64_t count = modes.shape()[0];
    const std::int64_t steps = modes.shape()[1] - 2;
    Axis modeAxis;
    modeAxis.name = u"mode"_s;
    for (std::int64_t mode = 1; mode <= count; ++mode)
        modeAxis.values.push_back(double(mode));
    EvaluationResult::Companion pcs;
    pcs.meta.name = u"pcs"_s;
    pcs.meta.shape = {count, steps};
    pcs.meta.axes = {modeAxis, *spec.stepAxis};
    pcs.meta.longName = dataName.isEmpty() ? u"Principal components"_s : u"Principal components of "_s + dataName;
    pcs.value = NdArray(pcs.meta.shape);
    EvaluationResult::Companion fractions;
    fractions.meta.name = u"variance_fraction"_s;
    fractions.meta.shape = {count};
    fractions.meta.axes = {modeAxis};
    fractions.meta.longName = u"Fraction of variance explained"_s;
    fractions.value = NdArray(fractions.meta.shape);
    for (std::int64_t mode = 0; mode < count; ++mode) {
        const double *row = modes.data() + mode * (steps + 2);
        const double scale = std::sqrt(std::max(0.0, row[0]));
        for (std::int64_t step = 0; step < steps; ++step)
            pcs.value.data()[mode * steps + step] = scale * row[2 + step];
        fractions.value.data()[mode] = row[1] > 0 ? row[0] / row[1] : 0;
    }
    return {std::move(pcs), std::move(fractions)};
}

} // namespace

void ClusterSession::Private::startEvaluate(Operation *operation, const QString &text)
{
    const OperationClock clock = startClock();
    const QString operationId = nextOperationId();
    Result<PreparedStatement> prepared = prepareStatement(text, operationId);
    if (!prepared.isOk()) {
        operationDone(operation, prepared.status());
        return;
    }
    OperationReport &report = operation->mutableReport();
    report.planSeconds = clock.elapsedSeconds();
    if (prepared->plan.constant && !prepared->save) {
        EvaluationResult &result = operation->mutableResult();
        result.meta = prepared->meta;
        result.gathered = true;
        result.value = *prepared->plan.constant;
        report.wallSeconds = clock.elapsedSeconds();
        operationDone(operation, Status::ok());
        return;
    }
    const QString fixes = QStringLiteral("free arrays you no longer need (the workspace lists them), add workers, start workers "
                                         "with a larger --memory-limit, or work on a smaller selection of the array");
    if (Status room = checkRoom(plannedBytesPerWorker(prepared->plan.graph, !prepared->target.isEmpty() || prepared->save),
                                capacities(), QStringLiteral("'%1'").arg(text.trimmed()), fixes);
        !room.isOk()) {
        operationDone(operation, room);
        return;
    }
    if (prepared->save) {
        startSave(operation, std::move(*prepared), clock, operationId);
        return;
    }
    report.taskCount = int(prepared->plan.graph.tasks.size());
    GraphRunner::Settings settings;
    settings.operationId = operationId;
    settings.originMicros = clock.originMicros;
    settings.storeResult = !prepared->target.isEmpty();
    settings.gatherResult = prepared->gather;
    TaskGraph graph = std::move(prepared->plan.graph);
    runGraph(
        operation, std::move(graph), settings,
        [this, operation, statement = std::move(*prepared), clock](GraphRunner &runner) {
        finishEvaluation(operation, statement, runner, clock);
        },
        QStringLiteral("tasks"));
}

Result<PreparedStatement> ClusterSession::Private::prepareStatement(const QString &text, const QString &operationId)
{
    Result<Statement> statement = parseStatement(text);
    if (!statement.isOk())
        return statement.status();
    Expr &expr = *statement->expr;
    const Status checked = checkExpression(expr, [this](const QString &name) -> const ArrayMeta * {
        auto it = arrays.find(name);
        return it == arrays.end() ? nullptr : &it->second.meta;
    });
    if (!checked.isOk())
        return checked.message().contains(QStringLiteral("no array named"))
                   ? Status(checked.code(), checked.message() + QStringLiteral("; ") + arrayList(arrays))
                   : checked;
    TESSERA_RETURN_IF_ERROR(checkNotDamaged(expr));
    PreparedStatement prepared;
    prepared.meta = deriveMeta(expr, [this](const QString &name) -> const ArrayMeta * {
        auto it = arrays.find(name);
        return it == arrays.end() ? nullptr : &it->second.meta;
    });
    PlannerContext context;
    context.layoutOf = [this](const QString &name) -> const BlockLayout * {
        auto it = arrays.find(name);
        return it == arrays.end() ? nullptr : &it->second.layout;
    };
    context.threadsPerWorker = threadsPerWorker();
    context.keyPrefix = operationId;
    // A saved value stays on the workers, each of which writes its own blocks.
    context.keepResult = !statement->target.isEmpty() || statement->save;
    Result<Plan> plan = planExpression(expr, context);
    TESSERA_RETURN_IF_ERROR(plan);
    prepared.plan = std::move(*plan);

    // A named result stays on the workers: naming it is asking to keep it there. An unnamed one
    // comes back when it is small, and is kept under a new name otherwise.
    prepared.target = statement->target;
    prepared.save = statement->save;
    prepared.gather = prepared.target.isEmpty() && !prepared.save && prepared.meta.byteSize() <= q->resultLimitBytes();
    if (prepared.target.isEmpty() && !prepared.gather && !prepared.save)
        prepared.target = nextResultName();
    prepared.meta.name = prepared.target;
    if (prepared.save && expr.kind == Expr::Kind::Name)
        prepared.meta.name = expr.name; // the saved array's name in the store, unless save() says otherwise
    prepared.meta.source = expr.toString();
    if (expr.kind == Expr::Kind::Analysis && expr.analysis->kind == AnalysisSpec::Kind::Eof) {
        prepared.eof = expr.analysis;
        prepared.dataName = prepared.meta.longName.section(u" of "_s, 1);
    }
    return prepared;
}

// A statement over an array that lost blocks for good says which, why, and what to do.
Status ClusterSession::Private::checkNotDamaged(const Expr &expr) const
{
    if (expr.kind == Expr::Kind::Name) {
        const auto it = arrays.find(expr.name);
        if (it != arrays.end() && !it->second.damage.isEmpty())
            return makeError(ErrorCode::NotFound, QStringLiteral("column %1: %2").arg(expr.column).arg(it->second.damage));
    }
    for (const auto &operand : expr.operands)
        TESSERA_RETURN_IF_ERROR(checkNotDamaged(*operand));
    return Status::ok();
}

void ClusterSession::Private::finishEvaluation(Operation *operation, const PreparedStatement &statement, GraphRunner &runner,
                                               const OperationClock &clock)
{
    EvaluationResult &result = operation->mutableResult();
    result.meta = statement.meta;
    if (statement.gather) {
        result.gathered = true;
        result.value = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    }
    if (statement.eof)
        result.companions = eofCompanions(*statement.eof, statement.dataName, runner.takeReturnedBlocks());
    // Read from the tasks before they move into the lineage.
    std::vector<std::vector<std::int64_t>> traffic = peerTraffic(runner.graph(), int(workers.size()));
    if (!statement.target.isEmpty()) {
        recordLineage(runner);
        result.arrayName = statement.target;
        ArrayInfo info;
        info.meta = statement.meta;
        info.layout = runner.graph().result;
        info.storageType = QStringLiteral("float64");
        registerArray(std::move(info));
    }
    recordRun(operation->mutableReport(), runner, clock, std::move(traffic));
    operationDone(operation, Status::ok());
}

void ClusterSession::Private::recordRun(OperationReport &report, GraphRunner &runner, const OperationClock &clock,
                                        std::vector<std::vector<std::int64_t>> peerBytesByPair) const
{
    const GraphRunner::Stats &stats = runner.stats();
    report.wallSeconds = clock.elapsedSeconds();
    report.transferSeconds = double(stats.longestFetchWaitMicros + stats.longestReturnMicros + stats.gatherMicros) / 1e6;
    report.transferSeconds = std::min(report.transferSeconds, report.wallSeconds - report.planSeconds);
    report.computeSeconds = std::max(0.0, report.wallSeconds - report.planSeconds - report.transferSeconds);
    report.clientBytes = clientPayloadBytes() - clock.clientBytesBefore;
    report.peerBytes = stats.peerBytes;
    report.peerBytesByPair = std::move(peerBytesByPair);
    report.tasks = runner.takeRecords();
}

} // namespace tessera
