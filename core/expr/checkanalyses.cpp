// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The analyses that need one whole dimension in a block, checked into Analysis nodes:
//   x.rechunk(time=-1, latitude=16), x.rechunk((360, 8, 1440))  blocks of another shape
//   x.median(dim='time'), x.quantile([0.1, 0.9], dim='time')   order statistics along time
//   x.polyfit(dim='time', deg=1)                                coefficients along 'degree'
//   eof(x, k=3, dim='time', weights=w)                          patterns along 'mode'
#include "core/expr/checker_p.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace tessera::checking {

namespace {

Status invalid(int column, const QString &message)
{
    return checkError(ErrorCode::InvalidArgument, column, message);
}

// Dask's spelling of a block extent: -1 or None for the whole dimension, else a positive size.
Result<std::int64_t> extentArgument(const CallArgument &argument, std::int64_t extent)
{
    if (argument.kind == CallArgument::Kind::None)
        return extent;
    const std::optional<std::int64_t> value = integerOf(argument);
    if (!value || *value == 0 || *value < -1)
        return invalid(argument.column, u"a block extent is a positive integer, or -1 (or None) for the whole dimension"_s);
    return *value == -1 ? extent : std::min(*value, std::max<std::int64_t>(extent, 1));
}

Status rechunkArguments(const Expr &receiver, const CallSpec &call, AnalysisSpec &spec)
{
    const std::size_t rank = receiver.shape.size();
    spec.blockExtents.assign(rank, 0);
    for (const CallArgument &argument : call.arguments) {
        if (!argument.keyword.isEmpty()) {
            Result<int> axis = dimensionIndex(receiver, argument.keyword, argument.column);
            TESSERA_RETURN_IF_ERROR(axis);
            Result<std::int64_t> extent = extentArgument(argument, receiver.shape[std::size_t(*axis)]);
            TESSERA_RETURN_IF_ERROR(extent);
            spec.blockExtents[std::size_t(*axis)] = *extent;
            continue;
        }
        if (argument.kind != CallArgument::Kind::Tuple || argument.items.size() != rank)
            return invalid(argument.column, u"rechunk() takes dimension=extent pairs, as in rechunk(time=-1, latitude=16), or "
                                            "a block shape of %1 extents"_s.arg(rank));
        for (std::size_t axis = 0; axis < rank; ++axis) {
            Result<std::int64_t> extent = extentArgument(argument.items[axis], receiver.shape[axis]);
            TESSERA_RETURN_IF_ERROR(extent);
            spec.blockExtents[axis] = *extent;
        }
    }
    if (call.arguments.empty())
        return invalid(call.column, u"rechunk() needs the new block shape, as in rechunk(time=-1, latitude=16)"_s);
    return Status::ok();
}

// The one dimension an analysis runs along: dim='time', a name as the first argument, or axis=.
Result<int> analysisAxis(const Expr &receiver, const CallSpec &call, const std::vector<const CallArgument *> &positional)
{
    const CallArgument *dim = keywordArgument(call, u"dim"_s);
    if (!dim)
        dim = keywordArgument(call, u"axis"_s);
    if (!dim && !positional.empty() && positional.front()->kind == CallArgument::Kind::Text)
        dim = positional.front();
    if (!dim)
        return invalid(call.column, u"%1() runs along one dimension: name it, as in dim='%2'"_s.arg(
                                        call.method, receiver.dimensions.empty() ? u"time"_s : receiver.dimensions.front().name));
    if (dim->kind == CallArgument::Kind::Text)
        return dimensionIndex(receiver, dim->text, dim->column);
    if (const std::optional<std::int64_t> axis = integerOf(*dim)) {
        const auto rank = std::int64_t(receiver.shape.size());
        if (*axis < -rank || *axis >= rank)
            return invalid(dim->column, u"axis %1 is out of bounds for an array of %2 dimensions"_s.arg(*axis).arg(rank));
        return int(*axis < 0 ? *axis + rank : *axis);
    }
    return invalid(dim->column, u"%1() runs along one dimension, as in dim='time'; not a tuple of them"_s.arg(call.method));
}

std::vector<const CallArgument *> positionalArguments(const CallSpec &call)
{
    std::vector<const CallArgument *> positional;
    for (const CallArgument &argument : call.arguments) {
        if (argument.keyword.isEmpty())
            positional.push_back(&argument);
    }
    return positional;
}

Status onlyKeywords(const CallSpec &call, const QStringList &allowed)
{
    for (const CallArgument &argument : call.arguments) {
        if (!argument.keyword.isEmpty() && !allowed.contains(argument.keyword))
            return invalid(argument.column, u"%1() takes %2, not %3"_s.arg(call.method, allowed.join(u", "_s), argument.keyword));
    }
    return Status::ok();
}

Result<std::vector<double>> quantileArgument(const CallArgument &argument)
{
    std::vector<double> values;
    const bool list = argument.kind == CallArgument::Kind::Tuple;
    std::vector<const CallArgument *> items;
    if (list) {
        for (const CallArgument &item : argument.items)
            items.push_back(&item);
    } else {
        items.push_back(&argument);
    }
    for (const CallArgument *item : items) {
        const std::optional<double> q = numberOf(*item);
        if (!q || !(*q >= 0 && *q <= 1))
            return invalid(item->column, u"a quantile is a number from 0 to 1, as in quantile(0.9, dim='time')"_s);
        values.push_back(*q);
    }
    if (values.empty())
        return invalid(argument.column, u"quantile() needs at least one quantile"_s);
    return values;
}

// The receiver's shape without `axis`, with an axis of `leading` in front when it is not 0.
Shape restShape(const Shape &shape, int axis, std::int64_t leading)
{
    Shape rest;
    if (leading > 0)
        rest.push_back(leading);
    for (int i = 0; i < int(shape.size()); ++i) {
        if (i != axis)
            rest.push_back(shape[std::size_t(i)]);
    }
    return rest;
}

// The receiver's dimensions without `axis`, with `leading` in front when it has a name.
std::vector<Axis> restOf(const Expr &receiver, int axis, const Axis *leading)
{
    std::vector<Axis> axes;
    if (leading)
        axes.push_back(*leading);
    for (int i = 0; i < int(receiver.dimensions.size()); ++i) {
        if (i != axis)
            axes.push_back(receiver.dimensions[std::size_t(i)]);
    }
    return axes;
}

Axis countingAxis(const QString &name, const std::vector<double> &values)
{
    Axis axis;
    axis.name = name;
    axis.values = values;
    return axis;
}

Status checkQuantile(Expr &expr, AnalysisSpec &spec)
{
    const Expr &receiver = *expr.operands[0];
    const CallSpec &call = *expr.call;
    const bool median = call.method == u"median";
    TESSERA_RETURN_IF_ERROR(
        onlyKeywords(call, median ? QStringList{u"dim"_s, u"axis"_s} : QStringList{u"q"_s, u"dim"_s, u"axis"_s}));
    std::vector<const CallArgument *> positional = positionalArguments(call);
    if (median) {
        spec.quantiles = {0.5};
    } else {
        const CallArgument *q = keywordArgument(call, u"q"_s);
        if (!q && !positional.empty() && positional.front()->kind != CallArgument::Kind::Text) {
            q = positional.front();
            positional.erase(positional.begin());
        }
        if (!q)
            return invalid(call.column,
                           u"quantile() needs q, as in quantile(0.9, dim='time') or quantile([0.1, 0.9], dim='time')"_s);
        Result<std::vector<double>> values = quantileArgument(*q);
        TESSERA_RETURN_IF_ERROR(values);
        spec.quantiles = *values;
        spec.quantileAxis = q->kind == CallArgument::Kind::Tuple;
    }
    Result<int> axis = analysisAxis(receiver, call, positional);
    TESSERA_RETURN_IF_ERROR(axis);
    spec.axis = *axis;
    const Axis quantileAxis = countingAxis(u"quantile"_s, spec.quantiles);
    expr.dimensions = restOf(receiver, spec.axis, spec.quantileAxis ? &quantileAxis : nullptr);
    expr.shape = restShape(receiver.shape, spec.axis, spec.quantileAxis ? std::int64_t(spec.quantiles.size()) : 0);
    expr.units = receiver.units;
    expr.label = median ? u"Median"_s : u"Quantiles"_s;
    return Status::ok();
}

Status checkPolyfit(Expr &expr, AnalysisSpec &spec)
{
    const Expr &receiver = *expr.operands[0];
    const CallSpec &call = *expr.call;
    TESSERA_RETURN_IF_ERROR(onlyKeywords(call, {u"dim"_s, u"axis"_s, u"deg"_s}));
    std::vector<const CallArgument *> positional = positionalArguments(call);
    const CallArgument *degree = keywordArgument(call, u"deg"_s);
    if (!degree && positional.size() >= 2)
        degree = positional[1];
    const std::optional<std::int64_t> deg = degree ? integerOf(*degree) : std::nullopt;
    if (!deg || *deg < 0 || *deg > 32)
        return invalid(degree ? degree->column : call.column,
                       u"polyfit() needs a degree from 0 to 32, as in polyfit(dim='time', deg=1)"_s);
    Result<int> axis = analysisAxis(receiver, call, positional);
    TESSERA_RETURN_IF_ERROR(axis);
    spec.axis = *axis;
    spec.degree = int(*deg);
    const Axis &along = receiver.dimensions[std::size_t(spec.axis)];
    const std::int64_t steps = receiver.shape[std::size_t(spec.axis)];
    if (steps <= spec.degree)
        return invalid(
            call.column,
            u"a polynomial of degree %1 needs more than %1 steps; '%2' has %3"_s.arg(spec.degree).arg(along.name).arg(steps));
    // x is the coordinate in its own units (hours since 1900 for ERA time), or the index.
    for (std::int64_t step = 0; step < steps; ++step)
        spec.x.push_back(along.hasCoordinates() ? along.values[std::size_t(step)] : double(step));
    std::vector<double> degrees;
    for (int power = spec.degree; power >= 0; --power)
        degrees.push_back(power);
    const Axis degreeAxis = countingAxis(u"degree"_s, degrees);
    expr.dimensions = restOf(receiver, spec.axis, &degreeAxis);
    expr.shape = restShape(receiver.shape, spec.axis, spec.degree + 1);
    expr.units.clear(); // each degree has its own
    const QString xUnits = along.hasCoordinates() && !along.units.isEmpty() ? along.units : u"steps of %1"_s.arg(along.name);
    expr.label = u"Polynomial coefficients (x in %1)"_s.arg(xUnits);
    return Status::ok();
}

Status checkEof(Expr &expr, AnalysisSpec &spec, const MetaLookup &lookup)
{
    const CallSpec &call = *expr.call;
    TESSERA_RETURN_IF_ERROR(onlyKeywords(call, {u"k"_s, u"dim"_s, u"axis"_s, u"weights"_s}));
    std::vector<const CallArgument *> positional = positionalArguments(call);
    if (!positional.empty())
        return invalid(positional.front()->column, u"eof() takes the array, then k=, dim= and weights= by name"_s);
    const Expr &data = *expr.operands[0];
    if (!keywordArgument(call, u"dim"_s) && !keywordArgument(call, u"axis"_s))
        return invalid(call.column, u"eof() needs the dimension the patterns vary along, as in eof(x, k=3, dim='%1')"_s.arg(
                                        data.dimensions.empty() ? u"time"_s : data.dimensions.front().name));
    Result<int> axis = analysisAxis(data, call, positional);
    TESSERA_RETURN_IF_ERROR(axis);
    spec.axis = *axis;
    const std::int64_t steps = data.shape[std::size_t(spec.axis)];
    const CallArgument *k = keywordArgument(call, u"k"_s);
    const std::optional<std::int64_t> modes = k ? integerOf(*k) : std::optional<std::int64_t>(1);
    if (!modes || *modes < 1 || *modes > steps)
        return invalid(k ? k->column : call.column, u"k is how many patterns, from 1 to the %1 steps of '%2'"_s.arg(steps).arg(
                                                        data.dimensions[std::size_t(spec.axis)].name));
    spec.modes = int(*modes);
    spec.stepAxis = std::make_shared<const Axis>(data.dimensions[std::size_t(spec.axis)]);
    const QString along = data.dimensions[std::size_t(spec.axis)].name;
    CallArgument *weights = const_cast<CallArgument *>(keywordArgument(call, u"weights"_s));
    if (weights) {
        if (weights->kind != CallArgument::Kind::Expression || !weights->expr)
            return invalid(weights->column, u"weights= takes an array, as in weights=sqrt(cos(radians(x.latitude)))"_s);
        TESSERA_RETURN_IF_ERROR(check(*weights->expr, lookup));
        for (const Axis &axisOfWeights : weights->expr->dimensions) {
            if (axisOfWeights.name == along)
                return invalid(weights->column, u"the weights vary along '%1', the dimension of the patterns' time series; "
                                                "weights are over space, as sqrt(cos(radians(x.latitude)))"_s.arg(along));
        }
        const Shape dataShape = data.shape;
        ExprPtr weighted = binary(BinaryOp::Multiply, std::move(expr.operands[0]), std::move(weights->expr), weights->column);
        const Status lined = check(*weighted, lookup);
        expr.operands[0] = std::move(weighted);
        TESSERA_RETURN_IF_ERROR(lined);
        if (expr.operands[0]->shape != dataShape)
            return invalid(weights->column, u"the weights add dimensions the data has not, or cut it (shape %1 becomes %2); "
                                            "weights lie along the data's own dimensions"_s.arg(
                                                shapeToString(dataShape), shapeToString(expr.operands[0]->shape)));
    }
    std::vector<double> numbers;
    for (int mode = 1; mode <= spec.modes; ++mode)
        numbers.push_back(mode);
    const Axis modeAxis = countingAxis(u"mode"_s, numbers);
    expr.dimensions = restOf(*expr.operands[0], spec.axis, &modeAxis);
    expr.shape = restShape(expr.operands[0]->shape, spec.axis, spec.modes);
    expr.units.clear(); // unit-length patterns
    expr.label = u"EOF patterns"_s;
    return Status::ok();
}

} // namespace

bool isAnalysis(const QString &method)
{
    return method == u"rechunk" || method == u"median" || method == u"quantile" || method == u"polyfit" || method == u"eof";
}

// The receiver (operand 0) is checked; the call's arguments are read against it.
Status rewriteAnalysis(Expr &expr, const MetaLookup &lookup)
{
    const QString text = expr.toString();
    const QString &method = expr.call->method;
    auto spec = std::make_shared<AnalysisSpec>();
    const Expr &receiver = *expr.operands[0];
    Status checked = Status::ok();
    if (method == u"rechunk") {
        spec->kind = AnalysisSpec::Kind::Rechunk;
        checked = rechunkArguments(receiver, *expr.call, *spec);
        expr.shape = receiver.shape;
        expr.dimensions = receiver.dimensions;
        expr.units = receiver.units;
    } else if (method == u"median" || method == u"quantile") {
        spec->kind = AnalysisSpec::Kind::Quantile;
        checked = checkQuantile(expr, *spec);
    } else if (method == u"polyfit") {
        spec->kind = AnalysisSpec::Kind::Polyfit;
        checked = checkPolyfit(expr, *spec);
    } else {
        spec->kind = AnalysisSpec::Kind::Eof;
        checked = checkEof(expr, *spec, lookup);
    }
    TESSERA_RETURN_IF_ERROR(checked);
    expr.kind = Expr::Kind::Analysis;
    expr.name = text;
    expr.analysis = std::move(spec);
    expr.call.reset();
    return Status::ok();
}

} // namespace tessera::checking
