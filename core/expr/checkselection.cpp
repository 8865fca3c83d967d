// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// sel() and isel(): each becomes an Index node with one item per dimension of the receiver.
//   x.sel(time='2014-06'), x.sel(latitude=slice(60, 30)), x.sel(longitude=10.3, method='nearest')
//   x.isel(time=0), x.isel(time=slice(-7, None))

#include "core/expr/checker_p.h"
#include "core/expr/coordinates.h"

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::checking {

namespace {

IndexItem wholeAxis(int column)
{
    IndexItem item;
    item.kind = IndexItem::Kind::Slice;
    item.column = column;
    return item;
}

IndexItem positionItem(std::int64_t position, int column)
{
    IndexItem item;
    item.column = column;
    item.index = position;
    return item;
}

IndexItem runItem(PositionRun run, int column)
{
    IndexItem item = wholeAxis(column);
    item.start = run.first;
    item.stop = run.second;
    return item;
}

bool isTimeAxis(const Axis &axis)
{
    return axis.units.contains(u" since "_s, Qt::CaseInsensitive);
}

// One dimension of sel(): a value, a date, or a slice of them.
Result<IndexItem> selectItem(const Axis &axis, const CallArgument &argument, bool nearest)
{
    const int column = argument.column;
    if (argument.kind == CallArgument::Kind::Slice) {
        if (nearest)
            return checkError(ErrorCode::InvalidArgument, column, u"method='nearest' picks single values, not slices"_s);
        const CallArgument &start = argument.items[0];
        const CallArgument *stop = argument.items.size() > 1 ? &argument.items[1] : nullptr;
        const bool dates = start.kind == CallArgument::Kind::Text || (stop && stop->kind == CallArgument::Kind::Text);
        Result<PositionRun> run = makeError(ErrorCode::Internal, QString());
        if (dates) {
            // Partial dates: from the start of the first to the end of the last, as xarray.
            double begin = -std::numeric_limits<double>::infinity();
            double end = std::numeric_limits<double>::infinity();
            if (start.kind == CallArgument::Kind::Text) {
                Result<std::pair<double, double>> bounds = dateBounds(axis, start.text);
                TESSERA_RETURN_IF_ERROR(located(bounds.status(), start.column));
                begin = bounds->first;
            }
            if (stop && stop->kind == CallArgument::Kind::Text) {
                Result<std::pair<double, double>> bounds = dateBounds(axis, stop->text);
                TESSERA_RETURN_IF_ERROR(located(bounds.status(), stop->column));
                end = bounds->second;
            }
            run = selectRange(axis, begin, std::nextafter(end, begin));
        } else {
            const std::optional<double> low = numberOf(start);
            const std::optional<double> high = stop ? numberOf(*stop) : std::nullopt;
            if ((!low && start.kind != CallArgument::Kind::None) || (stop && !high && stop->kind != CallArgument::Kind::None))
                return checkError(ErrorCode::InvalidArgument, column, u"slice bounds must be numbers, dates in quotes or None"_s);
            run = selectRange(axis, low, high);
        }
        TESSERA_RETURN_IF_ERROR(located(run.status(), column));
        IndexItem item = runItem(*run, column);
        if (argument.items.size() == 3 && argument.items[2].kind != CallArgument::Kind::None) {
            const std::optional<std::int64_t> step = integerOf(argument.items[2]);
            if (!step || *step < 1)
                return checkError(ErrorCode::InvalidArgument, column,
                                  u"the step of a slice by value is a positive number of positions"_s);
            item.step = *step;
        }
        return item;
    }
    if (argument.kind == CallArgument::Kind::Text) {
        if (axis.hasCoordinates() && !isTimeAxis(axis))
            return checkError(ErrorCode::InvalidArgument, column,
                              u"'%1' is not a time axis: select it by a number, as in %1=%2 or %1=slice(%2, %3); text in "
                              "quotes is a date"_s.arg(axis.name)
                                  .arg(axis.values.front())
                                  .arg(axis.values.back()));
        Result<DateSelection> selected = selectDate(axis, argument.text, nearest);
        TESSERA_RETURN_IF_ERROR(located(selected.status(), column));
        return selected->oneStep ? positionItem(selected->run.first, column) : runItem(selected->run, column);
    }
    const std::optional<double> value = numberOf(argument);
    if (!value)
        return checkError(ErrorCode::InvalidArgument, column,
                          u"select %1 by a number, a date in quotes (on a time axis) or slice(low, high)"_s.arg(axis.name));
    if (isTimeAxis(axis) && !nearest)
        return checkError(ErrorCode::InvalidArgument, column,
                          u"'%1' is a time axis: select it by date, as in %1='2014-06-01'"_s.arg(axis.name));
    Result<std::int64_t> position = selectPosition(axis, *value, nearest);
    TESSERA_RETURN_IF_ERROR(located(position.status(), column));
    return positionItem(*position, column);
}

// One dimension of isel(): an index or a slice of positions, negative ones counting from the end.
Result<IndexItem> positionalItem(const CallArgument &argument)
{
    const int column = argument.column;
    if (argument.kind == CallArgument::Kind::Slice) {
        IndexItem item = wholeAxis(column);
        std::optional<std::int64_t> *bounds[3] = {&item.start, &item.stop, &item.step};
        for (std::size_t i = 0; i < argument.items.size(); ++i) {
            if (argument.items[i].kind == CallArgument::Kind::None)
                continue;
            const std::optional<std::int64_t> value = integerOf(argument.items[i]);
            if (!value)
                return checkError(ErrorCode::InvalidArgument, argument.items[i].column,
                                  u"isel takes positions: integers or None"_s);
            *bounds[i] = *value;
        }
        return item;
    }
    const std::optional<std::int64_t> position = integerOf(argument);
    if (!position)
        return checkError(ErrorCode::InvalidArgument, column, u"isel takes positions: an integer or slice(start, stop, step)"_s);
    return positionItem(*position, column);
}

} // namespace

// sel and isel: an Index node with one item per dimension of the receiver.
Status rewriteSelection(Expr &expr, bool byValue)
{
    const Expr &receiver = *expr.operands[0];
    const CallSpec &call = *expr.call;
    std::vector<IndexItem> items;
    for (std::size_t axis = 0; axis < receiver.shape.size(); ++axis)
        items.push_back(wholeAxis(call.column));
    bool nearest = false;
    if (const CallArgument *method = keywordArgument(call, u"method"_s)) {
        if (!byValue || method->kind != CallArgument::Kind::Text || method->text != u"nearest")
            return checkError(ErrorCode::InvalidArgument, method->column, u"method= takes 'nearest', and only in sel()"_s);
        nearest = true;
    }
    for (const CallArgument &argument : call.arguments) {
        if (argument.keyword == u"method")
            continue;
        if (argument.keyword.isEmpty())
            return checkError(ErrorCode::InvalidArgument, argument.column,
                              u"%1() takes dimension=value pairs, as in %1(time=0)"_s.arg(call.method));
        Result<int> axis = dimensionIndex(receiver, argument.keyword, argument.column);
        TESSERA_RETURN_IF_ERROR(axis);
        Result<IndexItem> item =
            byValue ? selectItem(receiver.dimensions[std::size_t(*axis)], argument, nearest) : positionalItem(argument);
        TESSERA_RETURN_IF_ERROR(item);
        items[std::size_t(*axis)] = *item;
    }
    ExprPtr index = node(Expr::Kind::Index, call.column);
    index->operands.push_back(std::move(expr.operands[0]));
    index->indices = std::move(items);
    expr = std::move(*index);
    return checkIndex(expr);
}

} // namespace tessera::checking
