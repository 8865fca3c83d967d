// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/chunks.h"
#include "core/ops.h"
#include "core/region.h"

#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace tessera {

enum class TaskKind {
    Load,    // read a file slab into a block (planned by planLoad)
    Slice,   // copy a region of one block
    Unary,   // elementwise on one block
    Binary,  // elementwise on two blocks, or a block and a constant
    Partial, // reduce one or more blocks to a partial state (and finalize when it is alone)
    Combine, // merge partial states (and finalize at the root of the tree)
    Select,  // where(condition, a, b), elementwise over up to three blocks and constants
    // The analyses that need a whole dimension in one block (see core/kernels/analysis.h):
    Rechunk,  // one output block assembled from pieces (regions) of input blocks, in pieceGrid order
    Quantile, // quantiles (`values`) along axes[0] of one block, NaN skipped
    Polyfit,  // least-squares polynomial of degree `order` along axes[0], x = `values`
    Gram,     // the time x time product of one block's anomalies along axes[0]
    Eigen,    // the leading `order` eigenpairs of a summed Gram matrix
    Project,  // one block's anomalies along axes[0] projected on the eigenvectors: EOF patterns
    Store,    // write one block's chunks into a Zarr array (see `store`); makes [bytes, files] written
};
QString taskKindName(TaskKind kind); // "load", "slice", ...

// One input of a task: a block, or a region of it. bytes is what the task reads, so placement
// can weigh inputs by what would have to move.
struct TaskInput
{
    QString key;
    Region region; // empty: the whole block
    std::int64_t bytes = 0;
    int worker = -1; // where the block lives (or will be produced)
    // Read as this shape (same values, extents of 1 added), so it lines up with the other
    // operands by dimension; empty: as the region gives it.
    Shape view{};

    bool operator==(const TaskInput &) const = default;
};

// Where a Load task reads its block: entries [start, start + count) of the first dimension of
// `variable` in the file at `path`.
struct LoadSource
{
    QString path;
    QString variable;
    std::int64_t start = 0;
    std::int64_t count = 0;

    bool operator==(const LoadSource &) const = default;
};

// Where a Store task writes its block: the Zarr array in `folder` (an absolute path), which
// `metadata` describes (its metadata files by name, as the client writes them once every block is
// written), the block's first element at `origin` in the array.
struct StoreTarget
{
    QString folder;
    std::vector<std::pair<QString, QByteArray>> metadata;
    Shape origin;

    bool operator==(const StoreTarget &) const = default;
};

struct Task
{
    int id = 0; // index in TaskGraph::tasks, which is in dependency order
    TaskKind kind = TaskKind::Slice;
    std::vector<TaskInput> inputs;
    QString outputKey;
    Shape outputShape;
    int worker = -1; // chosen by placement

    UnaryOp unaryOp = UnaryOp::Negate;
    BinaryOp binaryOp = BinaryOp::Add;
    // Binary with a constant: which side the constant is on, and its value.
    std::optional<double> constant;
    bool constantOnLeft = false;
    // Select: condition, a, b; the ones that are numbers are here, the others are the inputs in order.
    std::vector<std::optional<double>> operandConstants;
    ReduceOp reduceOp = ReduceOp::Sum;
    std::vector<int> axes; // Partial: reduced axes of the inputs, sorted
    int ddof = 0;
    bool finalize = false; // Partial/Combine: turn the state into the reduction's result
    LoadSource load;       // Load
    StoreTarget store;     // Store
    bool headRead = false; // Load: the client reads the slab and sends the block (a put)
    // Load of a value the client already has (coordinates, constants computed from them): sent
    // as the block instead of a slab read. Implies headRead.
    std::shared_ptr<const NdArray> inlineValue;
    // Rechunk: how many pieces the inputs make along each axis of the output block; the inputs
    // are the pieces in row-major order of that grid.
    Shape pieceGrid;
    // Quantile: the quantiles (0..1); Polyfit: the x of each step along the axis.
    std::vector<double> values;
    // Quantile: whether a list was asked for (the result gets a leading quantile axis);
    // Polyfit: the degree; Eigen, Project: how many modes.
    int order = 0;

    std::vector<int> dependsOn; // ids of tasks producing this task's inputs

    bool operator==(const Task &) const = default;
};

// Where the blocks of a distributed array are: chunk grid, block keys and workers, in the
// chunk grid's flat (row-major) order.
struct BlockLayout
{
    Chunks chunks;
    std::vector<QString> keys;
    std::vector<int> workers;

    std::int64_t blockBytes(std::int64_t flat) const;
};

struct TaskGraph
{
    std::vector<Task> tasks;
    BlockLayout result;                 // blocks of the statement's value
    std::vector<QString> temporaryKeys; // produced by tasks but not part of the result
    // Temporaries the client receives as they are made, beside the result (an EOF's modes).
    std::vector<QString> returnedKeys;
};

// Bytes the graph moves between workers, as [from][to] for `workerCount` workers: each input a
// task reads on another worker, once per (block, region, reader) as workers keep what they
// fetch, except a rechunk's pieces, which are read once each and not kept.
std::vector<std::vector<std::int64_t>> peerTraffic(const TaskGraph &graph, int workerCount);

} // namespace tessera
