// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The methods that are xarray's words for what the plain nodes already do: each call is checked
// against its receiver's dimensions and coordinates and replaced by the nodes that compute it.
//   x.sel(time='2014-06'), x.isel(time=0)      -> Index (checkselection.cpp)
//   x.where(cond), x.clip(lo, hi)              -> Where, Binary (minimum/maximum)
//   x.count(), x.any(), x.all()                -> Reduce over masks
//   x.weighted(w).mean(dim=...)                -> sum(x * w) / sum(notnull(x) * w)
//   x.groupby('time.month').mean()             -> GroupReduce
//   x.resample(time='1D').mean()               -> GroupReduce
//   x.groupby('time.month') - clim             -> GroupBinary
//   x.latitude                                 -> Constant
#include "core/expr/checker_p.h"
#include "core/expr/coordinates.h"

#include <QStringList>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::checking {

ExprPtr node(Expr::Kind kind, int column)
{
    auto made = std::make_unique<Expr>();
    made->kind = kind;
    made->column = column;
    return made;
}

ExprPtr number(double value, int column)
{
    ExprPtr made = node(Expr::Kind::Number, column);
    made->number = value;
    return made;
}

ExprPtr unary(UnaryOp op, ExprPtr operand, int column)
{
    ExprPtr made = node(Expr::Kind::Unary, column);
    made->unaryOp = op;
    made->operands.push_back(std::move(operand));
    return made;
}

ExprPtr binary(BinaryOp op, ExprPtr left, ExprPtr right, int column)
{
    ExprPtr made = node(Expr::Kind::Binary, column);
    made->binaryOp = op;
    made->operands.push_back(std::move(left));
    made->operands.push_back(std::move(right));
    return made;
}

std::optional<double> numberOf(const CallArgument &argument)
{
    if (argument.kind != CallArgument::Kind::Expression || !argument.expr)
        return std::nullopt;
    const Expr &expr = *argument.expr;
    if (expr.kind == Expr::Kind::Number)
        return expr.number;
    if (expr.kind == Expr::Kind::Unary && expr.unaryOp == UnaryOp::Negate && expr.operands[0]->kind == Expr::Kind::Number)
        return -expr.operands[0]->number;
    return std::nullopt;
}

std::optional<std::int64_t> integerOf(const CallArgument &argument)
{
    const std::optional<double> value = numberOf(argument);
    if (!value || std::floor(*value) != *value || std::abs(*value) > 9e15)
        return std::nullopt;
    return std::int64_t(*value);
}

Status located(const Status &status, int column)
{
    return status.isOk() ? status : checkError(status.code(), column, status.message());
}

const CallArgument *keywordArgument(const CallSpec &call, const QString &keyword)
{
    for (const CallArgument &argument : call.arguments) {
        if (argument.keyword == keyword)
            return &argument;
    }
    return nullptr;
}

namespace {

bool namesDimensions(const CallArgument &argument)
{
    return argument.kind == CallArgument::Kind::Text
           || (argument.kind == CallArgument::Kind::Tuple && !argument.items.empty()
               && argument.items.front().kind == CallArgument::Kind::Text);
}

Status dimArgument(const CallArgument &argument, Expr &reduce)
{
    if (argument.kind == CallArgument::Kind::Text) {
        reduce.reduceDims.push_back(argument.text);
        return Status::ok();
    }
    for (const CallArgument &item : argument.items) {
        if (argument.kind != CallArgument::Kind::Tuple || item.kind != CallArgument::Kind::Text)
            return checkError(ErrorCode::InvalidArgument, argument.column,
                              u"dim takes names, as in dim=('latitude', 'longitude')"_s);
        reduce.reduceDims.push_back(item.text);
    }
    return Status::ok();
}

Status axisArgument(const CallArgument &argument, Expr &reduce)
{
    if (argument.kind == CallArgument::Kind::None) {
        reduce.axes.reset();
        return Status::ok();
    }
    std::vector<int> axes;
    if (argument.kind == CallArgument::Kind::Tuple) {
        for (const CallArgument &item : argument.items) {
            const std::optional<std::int64_t> axis = integerOf(item);
            if (!axis)
                return checkError(ErrorCode::InvalidArgument, item.column, u"axis takes integers"_s);
            axes.push_back(int(*axis));
        }
    } else {
        const std::optional<std::int64_t> axis = integerOf(argument);
        if (!axis)
            return checkError(ErrorCode::InvalidArgument, argument.column, u"axis takes an integer or a tuple of them"_s);
        axes.push_back(int(*axis));
    }
    reduce.axes = std::move(axes);
    return Status::ok();
}

// axis= or dim= of count(), any(), all(), as a reduction takes them.
Status reductionArguments(const CallSpec &call, Expr &reduce)
{
    for (const CallArgument &argument : call.arguments) {
        const QString keyword = !argument.keyword.isEmpty() ? argument.keyword : namesDimensions(argument) ? u"dim"_s : u"axis"_s;
        if (keyword == u"dim")
            TESSERA_RETURN_IF_ERROR(dimArgument(argument, reduce));
        else if (keyword == u"axis")
            TESSERA_RETURN_IF_ERROR(axisArgument(argument, reduce));
        else
            return checkError(ErrorCode::InvalidArgument, argument.column,
                              u"unknown keyword '%1' for %2(); keywords are axis, dim"_s.arg(keyword, call.method));
    }
    return Status::ok();
}

// count: non-NaN values; any/all: as numpy (NaN counts as true).
// x.groupby(g).count() is the group sum of notnull(x); .any() and .all() the group max and min
// of x != 0 (NaN counts as true, as numpy's).
Status rewriteGroupedCount(Expr &expr, ExprPtr grouped, const MetaLookup &lookup)
{
    const CallSpec &call = *expr.call;
    if (!call.arguments.empty())
        return checkError(ErrorCode::InvalidArgument, call.arguments.front().column,
                          u"%1(...).%2() takes no dimensions: it counts each group over the grouped dimension"_s.arg(
                              grouped->call->method, call.method));
    ExprPtr values = std::move(grouped->operands[0]);
    const int column = call.column;
    grouped->operands[0] = call.method == u"count" ? unary(UnaryOp::NotNull, std::move(values), column)
                                                   : binary(BinaryOp::NotEqual, std::move(values), number(0, column), column);
    ExprPtr reduce = node(Expr::Kind::Reduce, column);
    reduce->reduceOp = call.method == u"count" ? ReduceOp::Sum : call.method == u"any" ? ReduceOp::Max : ReduceOp::Min;
    reduce->operands.push_back(std::move(grouped));
    expr = std::move(*reduce);
    return check(expr, lookup);
}

Status rewriteCount(Expr &expr, const MetaLookup &lookup)
{
    const std::shared_ptr<CallSpec> call = expr.call; // kept: expr is replaced below
    const int column = call->column;
    const QString &method = call->method;
    ExprPtr receiver = std::move(expr.operands[0]);
    if (receiver->kind == Expr::Kind::Call && (receiver->call->method == u"groupby" || receiver->call->method == u"resample"))
        return rewriteGroupedCount(expr, std::move(receiver), lookup);
    ExprPtr values;
    if (method == u"count")
        values = unary(UnaryOp::NotNull, std::move(receiver), column);
    else
        values = binary(method == u"any" ? BinaryOp::NotEqual : BinaryOp::Equal, std::move(receiver), number(0, column), column);
    ExprPtr sum = node(Expr::Kind::Reduce, column);
    sum->reduceOp = ReduceOp::Sum;
    sum->operands.push_back(std::move(values));
    TESSERA_RETURN_IF_ERROR(reductionArguments(*call, *sum));
    if (method == u"count")
        expr = std::move(*sum);
    else
        expr =
            std::move(*binary(method == u"any" ? BinaryOp::Greater : BinaryOp::Equal, std::move(sum), number(0, column), column));
    return check(expr, lookup);
}

Status rewriteWhere(Expr &expr, const MetaLookup &lookup)
{
    const CallSpec &call = *expr.call;
    std::vector<ExprPtr> values;
    for (CallArgument &argument : expr.call->arguments) {
        if (argument.kind != CallArgument::Kind::Expression
            || (!argument.keyword.isEmpty() && argument.keyword != u"cond" && argument.keyword != u"other"))
            return checkError(ErrorCode::InvalidArgument, argument.column,
                              u"where() takes a condition and, if wanted, what to put elsewhere: x.where(x > 273) or "
                              "x.where(x > 273, 0)"_s);
        values.push_back(std::move(argument.expr));
    }
    if (values.empty() || values.size() > 2)
        return checkError(ErrorCode::InvalidArgument, call.column, u"where() takes a condition, as in x.where(x > 273)"_s);
    ExprPtr made = node(Expr::Kind::Where, call.column);
    made->operands.push_back(std::move(values[0]));
    made->operands.push_back(std::move(expr.operands[0]));
    made->operands.push_back(values.size() > 1 ? std::move(values[1])
                                               : number(std::numeric_limits<double>::quiet_NaN(), call.column));
    expr = std::move(*made);
    return check(expr, lookup);
}

Status rewriteClip(Expr &expr, const MetaLookup &lookup)
{
    const CallSpec &call = *expr.call;
    ExprPtr lower;
    ExprPtr upper;
    std::size_t positional = 0;
    for (CallArgument &argument : expr.call->arguments) {
        const bool isLower = argument.keyword == u"min" || (argument.keyword.isEmpty() && positional == 0);
        positional += argument.keyword.isEmpty() ? 1 : 0;
        if (argument.kind == CallArgument::Kind::None)
            continue;
        if (argument.kind != CallArgument::Kind::Expression || positional > 2)
            return checkError(ErrorCode::InvalidArgument, argument.column,
                              u"clip() takes a lower and an upper bound: x.clip(250, 300)"_s);
        (isLower ? lower : upper) = std::move(argument.expr);
    }
    ExprPtr clipped = std::move(expr.operands[0]);
    if (lower)
        clipped = binary(BinaryOp::Maximum, std::move(clipped), std::move(lower), call.column);
    if (upper)
        clipped = binary(BinaryOp::Minimum, std::move(clipped), std::move(upper), call.column);
    expr = std::move(*clipped);
    return check(expr, lookup);
}

// The groups of a groupby('time.month') or resample(time='1D') call on its checked receiver.
Result<GroupSpec> groupsOf(const Expr &receiver, const CallSpec &call)
{
    GroupSpec spec;
    spec.column = call.column;
    if (call.method == u"groupby") {
        if (call.arguments.size() != 1 || call.arguments[0].kind != CallArgument::Kind::Text)
            return checkError(ErrorCode::InvalidArgument, call.column, u"groupby() takes a group like 'time.month'"_s);
        const QString written = call.arguments[0].text;
        spec.dimension = written.section(u'.', 0, 0);
        spec.part = written.section(u'.', 1);
        if (spec.part.isEmpty())
            return checkError(
                ErrorCode::InvalidArgument, call.arguments[0].column,
                u"group by a part of a time, as in '%1.month' ('%1.season', '%1.dayofyear', '%1.hour')"_s.arg(written));
    } else {
        if (call.arguments.size() != 1 || call.arguments[0].keyword.isEmpty()
            || call.arguments[0].kind != CallArgument::Kind::Text)
            return checkError(ErrorCode::InvalidArgument, call.column,
                              u"resample() takes a dimension and a frequency: resample(time='1D')"_s);
        spec.dimension = call.arguments[0].keyword;
        spec.frequency = call.arguments[0].text;
    }
    Result<int> axis = dimensionIndex(receiver, spec.dimension, call.arguments[0].column);
    TESSERA_RETURN_IF_ERROR(axis);
    spec.axis = *axis;
    const Axis &time = receiver.dimensions[std::size_t(spec.axis)];
    Result<Grouping> grouping = spec.part.isEmpty() ? resampleBins(time, spec.frequency) : groupByPart(time, spec.part);
    TESSERA_RETURN_IF_ERROR(located(grouping.status(), call.arguments[0].column));
    spec.groupAxis = grouping->groupAxis;
    spec.runs = grouping->runs;
    std::vector<PositionRun> all;
    for (const auto &runs : grouping->runs)
        all.insert(all.end(), runs.begin(), runs.end());
    std::sort(all.begin(), all.end());
    for (const PositionRun &run : all)
        spec.runGroups.push_back({run.first, run.second, grouping->groupOfPosition[std::size_t(run.first)]});
    return spec;
}

// x.weighted(w).sum(dim) = sum(x * w); .mean(dim) = sum(x * w) / sum(notnull(x) * w), so NaN
// values of x drop out of the weights, as in xarray.
Status rewriteWeighted(Expr &expr, const MetaLookup &lookup)
{
    Expr &call = *expr.operands[0];
    const int column = expr.column;
    if (call.call->arguments.size() != 1 || call.call->arguments[0].kind != CallArgument::Kind::Expression)
        return checkError(ErrorCode::InvalidArgument, call.column, u"weighted() takes the weights, as in x.weighted(w)"_s);
    if (expr.reduceOp != ReduceOp::Sum && expr.reduceOp != ReduceOp::Mean)
        return checkError(ErrorCode::InvalidArgument, column, u"weighted(...) is followed by .mean(dim=...) or .sum(dim=...)"_s);
    ExprPtr data = std::move(call.operands[0]);
    ExprPtr weights = std::move(call.call->arguments[0].expr);
    TESSERA_RETURN_IF_ERROR(check(*data, lookup));
    TESSERA_RETURN_IF_ERROR(check(*weights, lookup));
    for (const QString &name : weights->dimensionNames()) {
        if (!dimensionIndex(*data, name, column).isOk())
            return checkError(ErrorCode::ShapeMismatch, weights->column,
                              u"the weights have dimension '%1', which the data (dimensions %2) has not; weights must lie along "
                              "the data's dimensions, as cos(radians(x.latitude)) does"_s.arg(name, dimensionList(*data)));
    }
    const auto sumOf = [&](ExprPtr values) {
        ExprPtr sum = node(Expr::Kind::Reduce, column);
        sum->reduceOp = ReduceOp::Sum;
        sum->axes = expr.axes;
        sum->reduceDims = expr.reduceDims;
        sum->operands.push_back(std::move(values));
        return sum;
    };
    const QString units = data->units;
    const bool mean = expr.reduceOp == ReduceOp::Mean;
    ExprPtr weightedSum = sumOf(binary(BinaryOp::Multiply, cloneExpr(*data), cloneExpr(*weights), column));
    if (!mean) {
        expr = std::move(*weightedSum);
    } else {
        ExprPtr weightSum =
            sumOf(binary(BinaryOp::Multiply, unary(UnaryOp::NotNull, std::move(data), column), std::move(weights), column));
        expr = std::move(*binary(BinaryOp::Divide, std::move(weightedSum), std::move(weightSum), column));
    }
    TESSERA_RETURN_IF_ERROR(check(expr, lookup));
    if (mean) // a weighted mean is in the data's units
        expr.units = units;
    expr.label = mean ? u"Weighted mean"_s : u"Weighted sum"_s;
    return Status::ok();
}

} // namespace

Status rewriteCall(Expr &expr, const MetaLookup &lookup)
{
    const QString method = expr.call->method;
    if (expr.operands.size() != 1 || !expr.operands[0])
        return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
    if (method == u"weighted" || method == u"groupby" || method == u"resample")
        return checkError(ErrorCode::InvalidArgument, expr.column,
                          method == u"groupby" ? u"groupby(...) is followed by a reduction, as in .mean(), or combined with an "
                                                 "array of its groups, as in x.groupby('time.month') - clim"_s
                                               : u"%1(...) is followed by a reduction, as in .mean()"_s.arg(method));
    const Expr &receiver = *expr.operands[0];
    const bool grouped =
        receiver.kind == Expr::Kind::Call && (receiver.call->method == u"groupby" || receiver.call->method == u"resample");
    if (grouped && isAnalysis(method))
        return checkError(ErrorCode::InvalidArgument, expr.column,
                          u"%1() works on the array, not on its groups; use the groups' reductions (mean, sum, min, max, std, "
                          "var, count) or %1() on the array"_s.arg(method));
    if (grouped)
        return rewriteCount(expr, lookup); // x.groupby(...).count(): the groups are checked there
    TESSERA_RETURN_IF_ERROR(check(*expr.operands[0], lookup));
    if (isAnalysis(method))
        return rewriteAnalysis(expr, lookup);
    if (method == u"sel" || method == u"isel")
        return rewriteSelection(expr, method == u"sel");
    if (method == u"where")
        return rewriteWhere(expr, lookup);
    if (method == u"clip")
        return rewriteClip(expr, lookup);
    return rewriteCount(expr, lookup);
}

Status rewriteGroupedReduce(Expr &expr, const MetaLookup &lookup)
{
    Expr &call = *expr.operands[0];
    const QString method = call.call->method;
    if (method == u"weighted")
        return rewriteWeighted(expr, lookup);
    if (method != u"groupby" && method != u"resample") {
        TESSERA_RETURN_IF_ERROR(check(call, lookup)); // sel(...).mean(): the call first
        return check(expr, lookup);
    }
    if (expr.axes || !expr.reduceDims.empty())
        return checkError(ErrorCode::InvalidArgument, expr.column,
                          u"%1(...).%2() takes no dimensions: it reduces each group over the grouped dimension; "
                          u"reduce the others first, as in x.mean(('latitude', 'longitude')).%1(...).%2()"_s.arg(
                              method, reduceOpName(expr.reduceOp)));
    Expr &receiver = *call.operands[0];
    TESSERA_RETURN_IF_ERROR(check(receiver, lookup));
    Result<GroupSpec> groups = groupsOf(receiver, *call.call);
    TESSERA_RETURN_IF_ERROR(groups);
    ExprPtr grouped = node(Expr::Kind::GroupReduce, expr.column);
    grouped->reduceOp = expr.reduceOp;
    grouped->ddof = expr.ddof;
    grouped->group = std::move(*groups);
    grouped->shape = receiver.shape;
    grouped->shape[std::size_t(grouped->group.axis)] = std::int64_t(grouped->group.groupAxis.values.size());
    grouped->dimensions = receiver.dimensions;
    grouped->dimensions[std::size_t(grouped->group.axis)] = grouped->group.groupAxis;
    grouped->units =
        expr.reduceOp == ReduceOp::Var && !receiver.units.isEmpty() ? u"(%1)^2"_s.arg(receiver.units) : receiver.units;
    grouped->operands.push_back(std::move(call.operands[0]));
    expr = std::move(*grouped);
    return Status::ok();
}

Status rewriteGroupedBinary(Expr &expr, const MetaLookup &lookup)
{
    Expr &call = *expr.operands[0];
    Expr &receiver = *call.operands[0];
    Expr &other = *expr.operands[1];
    TESSERA_RETURN_IF_ERROR(check(receiver, lookup));
    TESSERA_RETURN_IF_ERROR(check(other, lookup));
    Result<GroupSpec> groups = groupsOf(receiver, *call.call);
    TESSERA_RETURN_IF_ERROR(groups);
    const QString groupName = groups->groupAxis.name;
    Result<int> otherGroupAxis = dimensionIndex(other, groupName, other.column);
    if (!otherGroupAxis.isOk())
        return checkError(
            ErrorCode::ShapeMismatch, other.column,
            u"x.groupby('%1.%2') is combined with an array along '%2', as made by x.groupby('%1.%2').mean(); this one "
            "has dimensions %3"_s.arg(groups->dimension, groupName, dimensionList(other)));
    // Each group of x, found among the other side's coordinate values.
    const Axis &labels = other.dimensions[std::size_t(*otherGroupAxis)];
    std::vector<std::int64_t> positionOfGroup;
    for (std::size_t group = 0; group < groups->groupAxis.values.size(); ++group) {
        const double label = groups->groupAxis.values[group];
        const auto found = std::find(labels.values.begin(), labels.values.end(), label);
        if (found == labels.values.end())
            return checkError(ErrorCode::ShapeMismatch, other.column,
                              u"%1 %2 of x has no entry in the other array's '%1' coordinate"_s.arg(groupName).arg(label));
        positionOfGroup.push_back(found - labels.values.begin());
    }
    for (auto &run : groups->runGroups)
        run[2] = positionOfGroup[std::size_t(run[2])];
    // The other side's axes along x's, its group axis along the grouped one.
    std::vector<int> otherAxes;
    int after = -1;
    for (std::size_t axis = 0; axis < other.dimensions.size(); ++axis) {
        int position = int(axis) == *otherGroupAxis ? groups->axis : -1;
        if (position < 0) {
            Result<int> found = dimensionIndex(receiver, other.dimensions[axis].name, other.column);
            TESSERA_RETURN_IF_ERROR(found);
            position = *found;
        }
        if (position <= after)
            return checkError(ErrorCode::ShapeMismatch, other.column,
                              u"the dimensions of the other array must come in x's order"_s);
        after = position;
        const std::int64_t extent = int(axis) == *otherGroupAxis ? 1 : other.shape[axis];
        if (extent != 1 && extent != receiver.shape[std::size_t(position)])
            return checkError(ErrorCode::ShapeMismatch, other.column,
                              u"dimension '%1' has %2 values in x and %3 in the other array"_s.arg(other.dimensions[axis].name)
                                  .arg(receiver.shape[std::size_t(position)])
                                  .arg(extent));
        otherAxes.push_back(position);
    }
    ExprPtr grouped = node(Expr::Kind::GroupBinary, expr.column);
    grouped->binaryOp = expr.binaryOp;
    grouped->group = std::move(*groups);
    grouped->shape = receiver.shape;
    grouped->dimensions = receiver.dimensions;
    grouped->operandAxes = {std::vector<int>(), otherAxes};
    for (int axis = 0; axis < int(receiver.shape.size()); ++axis)
        grouped->operandAxes[0].push_back(axis);
    const bool keepsQuantity = expr.binaryOp == BinaryOp::Add || expr.binaryOp == BinaryOp::Subtract;
    grouped->units = keepsQuantity && receiver.units == other.units ? receiver.units : QString();
    grouped->operands.push_back(std::move(call.operands[0]));
    grouped->operands.push_back(std::move(expr.operands[1]));
    expr = std::move(*grouped);
    return Status::ok();
}

Status resolveCoordinate(Expr &expr, const MetaLookup &lookup)
{
    if (expr.operands.size() != 1 || !expr.operands[0])
        return checkError(ErrorCode::Internal, expr.column, u"malformed expression node"_s);
    TESSERA_RETURN_IF_ERROR(check(*expr.operands[0], lookup));
    const Expr &array = *expr.operands[0];
    Result<int> axis = dimensionIndex(array, expr.name, expr.column);
    if (!axis.isOk())
        return checkError(ErrorCode::InvalidArgument, expr.column,
                          u"'%1' is neither a method nor a coordinate of %2; its coordinates are %3"_s.arg(
                              expr.name, array.toString(), dimensionList(array)));
    Axis coordinate = array.dimensions[std::size_t(*axis)];
    std::vector<double> values = coordinate.values;
    if (values.empty()) { // a dimension without a coordinate variable counts its positions
        for (std::int64_t i = 0; i < array.shape[std::size_t(*axis)]; ++i)
            values.push_back(double(i));
    }
    const QString text = array.toString() + u"."_s + expr.name;
    ExprPtr constant = node(Expr::Kind::Constant, expr.column);
    constant->name = text;
    constant->value = std::make_shared<const NdArray>(NdArray::fromVector({std::int64_t(values.size())}, values));
    constant->shape = {std::int64_t(values.size())};
    constant->units = coordinate.units;
    constant->dimensions = {std::move(coordinate)};
    expr = std::move(*constant);
    return Status::ok();
}

} // namespace tessera::checking
