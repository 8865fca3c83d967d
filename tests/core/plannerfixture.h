// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Test support for tst_planner and tst_planexecution: block layouts built by hand, expressions
// parsed and checked against them, and the facts of a planned graph that hold for every plan.

#include "core/expr/checker.h"
#include "core/expr/expression.h"
#include "core/expr/parser.h"
#include "core/plan/placement.h"
#include "core/plan/planner.h"

#include <QStringList>

#include <algorithm>
#include <map>
#include <set>

namespace fixture {

using namespace tessera;
using namespace Qt::StringLiterals;

// The named arrays and the cluster a plan is made for.
struct Workspace
{
    std::map<QString, BlockLayout> layouts;
    std::vector<int> threadsPerWorker{1, 1};
    int combineFanIn = 4;
    std::int64_t scatterMinStateBytes = PlannerContext{}.scatterMinStateBytes;

    PlannerContext context() const
    {
        PlannerContext context;
        context.layoutOf = [this](const QString &name) -> const BlockLayout * {
            const auto found = layouts.find(name);
            return found == layouts.end() ? nullptr : &found->second;
        };
        context.threadsPerWorker = threadsPerWorker;
        context.keyPrefix = u"op1"_s;
        context.combineFanIn = combineFanIn;
        context.scatterMinStateBytes = scatterMinStateBytes;
        return context;
    }
    int workerCount() const { return int(threadsPerWorker.size()); }
};

inline BlockLayout makeLayout(const QString &name, const Chunks &chunks, const std::vector<int> &workers)
{
    BlockLayout layout;
    layout.chunks = chunks;
    for (std::int64_t flat = 0; flat < chunks.blockCount(); ++flat)
        layout.keys.push_back(blockKey(name, chunks.unflatten(flat)));
    layout.workers = workers;
    return layout;
}

// Blocks in flat order to workers in contiguous runs, as the scatter wizard places them.
inline BlockLayout contiguousLayout(const QString &name, const Chunks &chunks, int workerCount)
{
    std::vector<std::int64_t> bytes;
    for (std::int64_t flat = 0; flat < chunks.blockCount(); ++flat)
        bytes.push_back(elementCount(chunks.blockShape(chunks.unflatten(flat))) * 8);
    return makeLayout(name, chunks, assignContiguous(bytes, workerCount));
}

// Parses, checks and plans `text`; the checked statement stays with the caller.
inline Result<Plan> planText(const QString &text, const Workspace &workspace, Statement &statement)
{
    Result<Statement> parsed = parseStatement(text);
    if (!parsed)
        return parsed.status();
    statement = std::move(parsed).value();
    const auto lookup = [&](const QString &name) -> std::optional<Shape> {
        const auto found = workspace.layouts.find(name);
        return found == workspace.layouts.end() ? std::nullopt : std::optional<Shape>(found->second.chunks.shape());
    };
    TESSERA_RETURN_IF_ERROR(checkExpression(*statement.expr, lookup));
    PlannerContext context = workspace.context();
    context.keepResult = !statement.target.isEmpty() || statement.save; // as the session plans it
    return planExpression(*statement.expr, context);
}

// "partial:2 combine:1", kinds in declaration order, absent kinds left out; "none" for no tasks.
inline QString kindCounts(const TaskGraph &graph)
{
    QStringList parts;
    for (TaskKind kind :
         {TaskKind::Load, TaskKind::Slice, TaskKind::Unary, TaskKind::Binary, TaskKind::Partial, TaskKind::Combine}) {
        const auto count =
            std::count_if(graph.tasks.begin(), graph.tasks.end(), [kind](const Task &task) { return task.kind == kind; });
        if (count > 0)
            parts << taskKindName(kind) + u':' + QString::number(count);
    }
    return parts.isEmpty() ? u"none"_s : parts.join(u' ');
}

// Bytes a task reads from another worker than its own.
inline std::int64_t bytesMoved(const Task &task)
{
    std::int64_t moved = 0;
    for (const TaskInput &input : task.inputs)
        moved += input.worker != task.worker ? input.bytes : 0;
    return moved;
}

inline std::int64_t bytesMoved(const TaskGraph &graph)
{
    std::int64_t moved = 0;
    for (const Task &task : graph.tasks)
        moved += bytesMoved(task);
    return moved;
}

inline QString regionText(const Region &region)
{
    if (region.empty())
        return u"whole"_s;
    QStringList axes;
    for (const AxisSlice &slice : region)
        axes << (slice.drop ? u"[%1]"_s.arg(slice.start) : u"%1+%2*%3"_s.arg(slice.start).arg(slice.count).arg(slice.step));
    return axes.join(u',');
}

// What every plan must satisfy, checked from the graph and the named layouts alone; returns the
// first violation, or an empty string.
inline QString graphProblem(const TaskGraph &graph, const Workspace &workspace)
{
    struct Source
    {
        int task = -1; // -1: a block of a named array
        Shape shape;
        int worker = -1;
    };
    std::map<QString, Source> sources;
    for (const auto &[name, layout] : workspace.layouts) {
        for (std::int64_t flat = 0; flat < layout.chunks.blockCount(); ++flat)
            sources[layout.keys[flat]] = {-1, layout.chunks.blockShape(layout.chunks.unflatten(flat)), layout.workers[flat]};
    }
    std::set<QString> produced;
    for (std::size_t id = 0; id < graph.tasks.size(); ++id) {
        const Task &task = graph.tasks[id];
        const QString where = u"task %1 (%2 -> %3): "_s.arg(id).arg(taskKindName(task.kind), task.outputKey);
        if (task.id != int(id))
            return where + u"id %1 is not its index"_s.arg(task.id);
        if (task.worker < 0 || task.worker >= workspace.workerCount())
            return where + u"worker %1 does not exist"_s.arg(task.worker);
        if ((task.kind == TaskKind::Partial || task.kind == TaskKind::Combine) && task.inputs.size() > std::size_t(MaxTaskInputs))
            return where + u"%1 inputs, more than a task request may name (%2)"_s.arg(task.inputs.size()).arg(MaxTaskInputs);
        std::vector<int> producers;
        for (const TaskInput &input : task.inputs) {
            const auto source = sources.find(input.key);
            if (source == sources.end())
                return where + u"input %1 exists nowhere before it"_s.arg(input.key);
            if (source->second.task >= 0)
                producers.push_back(source->second.task);
            if (input.worker != source->second.worker)
                return where
                       + u"input %1 said to be on worker %2, is on %3"_s.arg(input.key)
                             .arg(input.worker)
                             .arg(source->second.worker);
            const Shape &shape = source->second.shape;
            if (!input.region.empty() && input.region.size() != shape.size())
                return where + u"region %1 does not fit %2"_s.arg(regionText(input.region), shapeToString(shape));
            for (std::size_t axis = 0; axis < input.region.size(); ++axis) {
                const AxisSlice &slice = input.region[axis];
                const std::int64_t last = slice.start + (slice.count - 1) * slice.step;
                if (slice.count > 0 && (slice.start < 0 || slice.start >= shape[axis] || last < 0 || last >= shape[axis]))
                    return where + u"region %1 leaves block %2"_s.arg(regionText(input.region), shapeToString(shape));
            }
            const Shape read = input.region.empty() ? shape : regionShape(input.region);
            if (input.bytes != elementCount(read) * 8)
                return where + u"input %1 counted as %2 bytes"_s.arg(input.key).arg(input.bytes);
        }
        std::sort(producers.begin(), producers.end());
        producers.erase(std::unique(producers.begin(), producers.end()), producers.end());
        if (task.dependsOn != producers)
            return where + u"dependsOn does not name the producers of its inputs"_s;
        if (sources.count(task.outputKey))
            return where + u"output key is not unique"_s;
        sources[task.outputKey] = {int(id), task.outputShape, task.worker};
        produced.insert(task.outputKey);
    }

    const BlockLayout &result = graph.result;
    if (std::int64_t(result.keys.size()) != result.chunks.blockCount() || result.workers.size() != result.keys.size())
        return u"result has %1 keys for %2 blocks"_s.arg(result.keys.size()).arg(result.chunks.blockCount());
    std::set<QString> inResult;
    for (std::size_t flat = 0; flat < result.keys.size(); ++flat) {
        const auto source = sources.find(result.keys[flat]);
        if (source == sources.end())
            return u"result block %1 is produced nowhere"_s.arg(result.keys[flat]);
        if (source->second.worker != result.workers[flat])
            return u"result block %1 is not where the result says"_s.arg(result.keys[flat]);
        if (source->second.shape != result.chunks.blockShape(result.chunks.unflatten(std::int64_t(flat))))
            return u"result block %1 has shape %2"_s.arg(result.keys[flat], shapeToString(source->second.shape));
        inResult.insert(result.keys[flat]);
    }
    std::vector<QString> temporary;
    for (const Task &task : graph.tasks) {
        if (!inResult.count(task.outputKey))
            temporary.push_back(task.outputKey);
        // Combines merge unfinished states; everything else reads finished values.
        for (int producer : task.dependsOn) {
            const Task &input = graph.tasks[std::size_t(producer)];
            const bool readsState = (input.kind == TaskKind::Partial || input.kind == TaskKind::Combine) && !input.finalize;
            if (readsState != (task.kind == TaskKind::Combine))
                return u"%1 %2 reads %3, finalize=%4"_s.arg(taskKindName(task.kind), task.outputKey, input.outputKey)
                    .arg(int(input.finalize));
        }
        const bool isState = (task.kind == TaskKind::Partial || task.kind == TaskKind::Combine) && !task.finalize;
        if (isState && inResult.count(task.outputKey))
            return u"unfinished state %1 is in the result"_s.arg(task.outputKey);
    }
    std::vector<QString> temporaryKeys = graph.temporaryKeys;
    std::sort(temporary.begin(), temporary.end());
    std::sort(temporaryKeys.begin(), temporaryKeys.end());
    if (temporary != temporaryKeys)
        return u"temporaryKeys are not the outputs outside the result"_s;
    return QString();
}

} // namespace fixture
