// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The planner's working state, shared by planner.cpp (index, elementwise, driver) and
// plannerreduce.cpp (reductions). Not part of the core's interface: use planExpression().

#include "core/plan/planner.h"

#include <QHash>

#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace tessera::planning {

// Where output block `outIndex` of an elementwise node reads operand `in`, whose axis k lies
// along output axis positions[k]: the operand's block index, the region inside it, and the shape
// to read it as when its axes do not line up at the end (named broadcasting).
struct OperandBlock
{
    BlockIndex index;
    Region region;
    Shape view;
};
// With `pinned` (operand axis, position), that axis reads the one position given instead.
OperandBlock operandBlock(const BlockLayout &in, const std::vector<int> &positions, const Chunks &outChunks,
                          const BlockIndex &outIndex, std::optional<std::pair<int, std::int64_t>> pinned = std::nullopt);

// Placed blocks of one expression node.
struct NodeBlocks
{
    BlockLayout layout;
};

class Planner
{
public:
    explicit Planner(const PlannerContext &context)
        : m_context(context)
        , m_loads(context.threadsPerWorker.size(), 0)
    {
    }

    Result<NodeBlocks> plan(const Expr &expr);
    // Plans the statement's root, whose value goes to the client unless the context keeps it.
    Result<NodeBlocks> planResult(const Expr &expr);
    Result<NodeBlocks> planConstant(const NdArray &value);
    TaskGraph takeGraph(const BlockLayout &result);

private:
    Result<NodeBlocks> planIndex(const Expr &expr);
    Result<NodeBlocks> planUnary(const Expr &expr);
    Result<NodeBlocks> planElementwise(const Expr &expr);
    Result<NodeBlocks> planReduce(const Expr &expr);
    // planneranalyses.cpp
    Result<NodeBlocks> planAnalysis(const Expr &expr);
    NodeBlocks planRechunk(const BlockLayout &in, const Chunks &out);
    NodeBlocks planEof(const BlockLayout &whole, const AnalysisSpec &spec);
    Chunks wholeAlong(const Chunks &chunks, int axis) const;
    static Chunks requestedChunks(const Chunks &chunks, const std::vector<std::int64_t> &blockExtents);
    // plannergroups.cpp
    Result<NodeBlocks> planGroupReduce(const Expr &expr);
    Result<NodeBlocks> planGroupBinary(const Expr &expr);
    struct Reduction; // plannerreduce.cpp
    // Partial tasks over `byWorker`'s inputs (each a block or a region of one), split across a
    // worker's threads when it has few output blocks to work on; by worker, the partials made.
    // A lone partial finalizes itself unless `mayFinalize` is false.
    std::map<int, std::vector<int>> addPartials(Reduction &reduction, const BlockIndex &outIndex,
                                                std::map<int, std::vector<TaskInput>> byWorker,
                                                const std::vector<int> &groupsOnWorker, bool mayFinalize = true);
    int addCombines(Reduction &reduction, const BlockIndex &outIndex, const std::map<int, std::vector<int>> &partialsByWorker);
    struct Scatter; // plannerreduce.cpp
    std::optional<Scatter> chooseScatter(const Expr &expr, const Reduction &reduction, const BlockLayout &in) const;
    // The reduce-scatter of one output block: returns the root of each piece, in piece order.
    std::vector<int> addScatteredCombines(Reduction &reduction, const Scatter &scatter, const BlockIndex &outIndex,
                                          const std::map<int, std::vector<int>> &partialsByWorker);
    // Combines `states` in a tree of `fanIn` (combineTree), on `worker` or placed when -1; the root
    // finalizes when `rootFinalizes`. Returns the root.
    int addCombineTree(Reduction &reduction, const BlockIndex &outIndex, std::vector<int> states, int fanIn, bool rootFinalizes,
                       int worker = -1);
    TaskInput stateInput(int taskId) const;

    QString newNodePrefix() { return m_context.keyPrefix + QStringLiteral(".n") + QString::number(m_nodeCount++); }
    TaskInput inputFor(const BlockLayout &layout, std::int64_t flat, Region region = {}, Shape view = {}) const;
    // Places and appends `task`; returns its id.
    int addTask(Task task, int forcedWorker = -1);
    // Room for `count` more tasks, each making one block of `layout`.
    void reserveTasks(std::int64_t count, BlockLayout &layout);

    const PlannerContext &m_context;
    std::vector<std::int64_t> m_loads;
    std::vector<Task> m_tasks;
    QHash<QString, int> m_producer;  // key -> task id
    std::vector<QString> m_returned; // TaskGraph::returnedKeys
    const Expr *m_returnedRoot = nullptr;
    int m_nodeCount = 0;
};

// What every task of one reduction shares, and how its tasks are named.
struct Planner::Reduction
{
    ReduceOp op = ReduceOp::Sum;
    int ddof = 0;
    std::vector<int> axes;
    Chunks outChunks;
    int components = 1;
    QString prefix;
    int stateCount = 0;

    Task makeTask(TaskKind kind, const BlockIndex &outIndex, bool finalize)
    {
        return makeTask(kind, outChunks, outIndex, finalize);
    }

    // A task for block `outIndex` of `chunks`, which may be finer than outChunks.
    Task makeTask(TaskKind kind, const Chunks &chunks, const BlockIndex &outIndex, bool finalize)
    {
        Task task;
        task.kind = kind;
        task.reduceOp = op;
        task.axes = axes;
        task.ddof = ddof;
        task.finalize = finalize;
        task.outputShape = chunks.blockShape(outIndex);
        if (finalize) {
            task.outputKey = blockKey(prefix, outIndex);
        } else {
            task.outputKey = prefix + QStringLiteral(".s") + QString::number(stateCount++) + QLatin1Char(':')
                             + blockKey(QString(), outIndex).mid(1);
            task.outputShape.insert(task.outputShape.begin(), components);
        }
        return task;
    }
};

} // namespace tessera::planning
