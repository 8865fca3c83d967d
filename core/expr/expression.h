// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"
#include "core/ndarray.h"
#include "core/ops.h"
#include "core/status.h"

#include <QString>
#include <QStringView>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace tessera {

// One item inside x[...]. After checking (checkExpression), Integer holds a non-negative index and
// Slice holds numpy's slice.indices() result: start, stop, step resolved for the axis length,
// with count elements; Ellipsis is expanded away.
struct IndexItem
{
    enum class Kind { Integer, Slice, Ellipsis };
    Kind kind = Kind::Integer;
    std::int64_t index = 0;            // Integer
    std::optional<std::int64_t> start; // Slice, as written (nullopt when omitted)
    std::optional<std::int64_t> stop;
    std::optional<std::int64_t> step;
    std::int64_t count = 0; // Slice, after checking
    int column = 0;         // 1-based column of the item in the text
    // Set by checkExpression. A resolved stop of -1 (negative step run to the start) would mean
    // "last element" if read as written, so toString and a second check must know which it is.
    bool resolved = false;
};

// Groups of one dimension, for x.groupby('time.month') and x.resample(time='1MS'): written, and
// after checking the runs of the grouped axis each group holds.
struct GroupSpec
{
    QString dimension; // "time"
    QString part;      // groupby: "month", "season", "dayofyear", "hour", "year", "day"
    QString frequency; // resample: "1D", "6h", "1MS", "1YS"
    int column = 0;
    int axis = -1;  // checked: the grouped axis of the operand
    Axis groupAxis; // checked: the groups' dimension ("month" with 1..12, or "time")
    // checked, GroupReduce: per group (in groupAxis order), the runs [begin, end) it holds;
    // GroupBinary: one entry per run of the operand's axis, {begin, end, group of the other side}.
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> runs;
    std::vector<std::array<std::int64_t, 3>> runGroups;
};

// A whole-dimension analysis, checked: x.rechunk(...), x.median(dim), x.quantile(q, dim),
// x.polyfit(dim, deg), eof(x, k, dim, weights).
struct AnalysisSpec
{
    enum class Kind { Rechunk, Quantile, Polyfit, Eof };
    Kind kind = Kind::Rechunk;
    int axis = -1;                          // the dimension it needs whole (not Rechunk)
    std::vector<std::int64_t> blockExtents; // Rechunk: per axis, the block extent; 0 keeps the axis's chunks
    std::vector<double> quantiles;          // Quantile
    bool quantileAxis = false;              // Quantile: a list was given, so the result has a quantile axis
    int degree = 0;                         // Polyfit
    std::vector<double> x;                  // Polyfit: the coordinate of each step
    int modes = 0;                          // Eof
    std::shared_ptr<const Axis> stepAxis;   // Eof: the dimension's axis, for the principal components
};

// Expression tree. Nodes own their operands; the checker fills `shape` and `dimensions` and
// normalises axes and index items in place, so the planner sees only resolved, in-range values.
// Forms that exist only as text (sel, isel, weighted, count, any, all) are rewritten by the
// checker into the kinds below.
struct Expr
{
    enum class Kind {
        Number,
        Name,
        Unary,
        Binary,
        Reduce,
        Index,
        Where,       // where(condition, a, b): three operands
        Coordinate,  // x.latitude: `name` is the coordinate, operand 0 the array; checked into a Constant
        Constant,    // an array known on the client (coordinates, and what is computed from them)
        Call,        // a method not yet resolved (sel, isel, weighted(...).mean, groupby, ...): see `call`
        GroupReduce, // x.groupby('time.month').mean(): operand 0 reduced per group
        GroupBinary, // x.groupby('time.month') - clim: operand 1 taken at each element's group
        Analysis,    // rechunk, median, quantile, polyfit, eof: see `analysis`; `name` is its text
    };

    Kind kind = Kind::Number;
    int column = 0; // 1-based column where the node starts, for error messages

    double number = 0; // Number
    QString name;      // Name; Coordinate: the coordinate; Constant: the text it came from
    UnaryOp unaryOp = UnaryOp::Negate;
    BinaryOp binaryOp = BinaryOp::Add;
    ReduceOp reduceOp = ReduceOp::Sum;
    // Reduce: nullopt is axis=None (all axes). After checking: sorted, unique, non-negative.
    std::optional<std::vector<int>> axes;
    std::vector<QString> reduceDims;              // Reduce: dim=..., resolved into axes by the checker
    int ddof = 0;                                 // Reduce std/var
    std::vector<IndexItem> indices;               // Index
    std::vector<std::unique_ptr<Expr>> operands;  // Unary: 1, Binary: 2, Reduce: 1, Index: 1, Where: 3, ...
    std::shared_ptr<const NdArray> value;         // Constant
    GroupSpec group;                              // GroupReduce, GroupBinary
    std::shared_ptr<struct CallSpec> call;        // Call
    std::shared_ptr<const AnalysisSpec> analysis; // Analysis

    Shape shape;                  // filled by checkExpression
    std::vector<Axis> dimensions; // filled by checkExpression: name and coordinates of each axis
    QString units;                // filled by checkExpression, where the units survive
    // What the checker made this node from, when its own kind would misname the value: a
    // weighted mean is a sum over a sum, and is called "Weighted mean of" the data's name.
    QString label;
    // Binary, Where, GroupBinary (filled by checkExpression): for each operand, the axis of the
    // result each of its axes lies along; operands broadcast by dimension name, as in xarray.
    std::vector<std::vector<int>> operandAxes;

    std::vector<QString> dimensionNames() const;
    // Round-trips to an equivalent expression text, e.g. "(x - x.mean())".
    QString toString() const;
};

// A deep copy (a subtree used twice by a rewrite, or kept while the original is changed).
std::unique_ptr<Expr> cloneExpr(const Expr &expr);

// A method as written, before the checker knows what it means for its receiver: name, keyword
// and positional arguments.
struct CallArgument
{
    enum class Kind { Expression, Text, Tuple, Slice, None };
    Kind kind = Kind::Expression;
    QString keyword; // empty: positional
    int column = 0;
    std::unique_ptr<Expr> expr;      // Expression
    QString text;                    // Text
    std::vector<CallArgument> items; // Tuple; Slice: start, stop, step (None where omitted)
};

struct CallSpec
{
    QString method; // "sel", "isel", "weighted", "groupby", "resample", "where", "count", "any", "all"
    int column = 0;
    std::vector<CallArgument> arguments;
};

// save(EXPR, 'PATH.zarr', format='v3', codec='zstd', ...): the statement writes EXPR's value to a
// Zarr store; the keyword arguments are kept as written for the session to read.
struct SaveSpec
{
    QString path;
    int pathColumn = 0;
    std::vector<CallArgument> options;
};

// `name = expr` assigns a new distributed array; a bare expression has an empty target.
struct Statement
{
    QString target;
    int targetColumn = 0;
    std::unique_ptr<Expr> expr;
    QString text;
    std::shared_ptr<SaveSpec> save; // set: a save(...) statement, whose value is `expr`
};

} // namespace tessera
