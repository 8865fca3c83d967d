// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The planner's working state, shared by planner.cpp (index, elementwise, driver) and
// plannerreduce.cpp (reductions). Not part of the core's interface: use planExpression().

#include "core/plan/planner.h"

#include <map>

namespace tessera::planning {

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
    TaskGraph takeGraph(const BlockLayout &result);

private:
    Result<NodeBlocks> planIndex(const Expr &expr);
    Result<NodeBlocks> planUnary(const Expr &expr);
    Result<NodeBlocks> planBinary(const Expr &expr);
    Result<NodeBlocks> planReduce(const Expr &expr);
    struct Reduction; // plannerreduce.cpp
    std::map<int, std::vector<int>> addPartials(Reduction &reduction, const BlockLayout &in, const BlockIndex &outIndex,
                                                const std::map<int, std::vector<std::int64_t>> &byWorker,
                                                const std::vector<int> &groupsOnWorker);
    int addCombines(Reduction &reduction, const BlockIndex &outIndex, const std::map<int, std::vector<int>> &partialsByWorker);
    TaskInput stateInput(int taskId) const;

    QString newNodePrefix() { return m_context.keyPrefix + QStringLiteral(".n") + QString::number(m_nodeCount++); }
    TaskInput inputFor(const BlockLayout &layout, std::int64_t flat, Region region = {}) const;
    // Places and appends `task`; returns its id.
    int addTask(Task task, int forcedWorker = -1);

    const PlannerContext &m_context;
    std::vector<std::int64_t> m_loads;
    std::vector<Task> m_tasks;
    std::map<QString, int> m_producer; // key -> task id
    int m_nodeCount = 0;
};

} // namespace tessera::planning
