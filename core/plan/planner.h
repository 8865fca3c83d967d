// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/expr/expression.h"
#include "core/plan/taskgraph.h"
#include "core/status.h"

#include <functional>
#include <optional>

namespace tessera {

// The most inputs a reduction's partial or combine task takes: a task request names each input
// (about 45 bytes of CBOR), and the protocol refuses a header over 1 MiB, which 55,000 inputs on
// one worker passed (2.5 MB). More blocks than this per worker make several partials and a local
// combine tree.
inline constexpr int MaxTaskInputs = 1024;

struct PlannerContext
{
    // Where the blocks of a named array live; nullptr for an unknown name.
    std::function<const BlockLayout *(const QString &name)> layoutOf;
    std::vector<int> threadsPerWorker; // one entry per worker
    QString keyPrefix;                 // unique per operation: keys are "<prefix>.n<node>:<block>"
    int combineFanIn = 4;              // cross-worker combine tree
    // The result is kept on the workers under a name: an expression that names no array is
    // still planned, as one block the client sends, so later statements can use it.
    bool keepResult = false;
    // A returned reduction whose output block has states on several workers is combined piece
    // by piece on different workers (a reduce-scatter) from this many bytes of state. Below it a
    // state crosses even a 75 MB/s link in under a millisecond, less than the extra tasks cost.
    std::int64_t scatterMinStateBytes = std::int64_t(64) << 10;
};

struct Plan
{
    TaskGraph graph;
    // Set when the expression names no array: its value, computed without any worker.
    std::optional<NdArray> constant;
};

// Turns a checked expression (see checkExpression) into a block task graph, placing each task on
// the worker holding most of its input bytes. Pure: depends only on the expression and context.
//   - index: one slice task per output block; a block selected whole is reused, not copied
//   - elementwise: one task per output block of the operands' common chunk refinement; a constant
//     travels inside the task, a small array operand is fetched by the block's worker
//   - reduction: per worker, partial tasks over its blocks (as many as it has threads when there
//     is little else to do), one combine per worker, then a cross-worker combine tree of bounded
//     fan-in whose root finalizes; an output block whose inputs sit on one worker never moves.
//     A large returned output with fewer blocks than workers holding its inputs is instead split
//     into pieces, each combined from the pieces of every worker's state on its own worker, so
//     that no one link carries every state (see scatterMinStateBytes).
Result<Plan> planExpression(const Expr &expr, const PlannerContext &context);

} // namespace tessera
