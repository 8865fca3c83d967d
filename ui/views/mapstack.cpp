// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/mapstack.h"

#include "ui/views/plotlabels.h"
#include "ui/views/resultplots.h"

#include <QStringList>

#include <cmath>
#include <numbers>

using namespace Qt::StringLiterals;

namespace tessera::ui::mapstack {

std::int64_t mapCount(const tessera::ArrayMeta &meta)
{
    std::int64_t count = 1;
    for (std::size_t axis = 0; axis + 2 < meta.shape.size(); ++axis)
        count *= meta.shape[axis];
    return count;
}

std::int64_t mapSize(const tessera::ArrayMeta &meta)
{
    const std::size_t rank = meta.shape.size();
    return rank < 2 ? 0 : meta.shape[rank - 2] * meta.shape[rank - 1];
}

bool rowsAreLatitudes(const tessera::ArrayMeta &meta)
{
    const std::size_t rank = meta.shape.size();
    if (rank < 2 || meta.axes.size() != rank)
        return false;
    const tessera::Axis &rows = meta.axes[rank - 2];
    return rows.values.size() == std::size_t(meta.shape[rank - 2]) && rows.isLatitude();
}

std::vector<double> mapMeans(const double *values, const tessera::ArrayMeta &meta)
{
    const std::size_t rank = meta.shape.size();
    const std::int64_t rows = meta.shape[rank - 2];
    const std::int64_t columns = meta.shape[rank - 1];
    std::vector<double> rowWeights(std::size_t(rows), 1.0);
    if (rowsAreLatitudes(meta)) {
        for (std::int64_t row = 0; row < rows; ++row)
            rowWeights[std::size_t(row)] = std::cos(meta.axes[rank - 2].values[std::size_t(row)] * std::numbers::pi / 180.0);
    }
    std::vector<double> means;
    const std::int64_t maps = mapCount(meta);
    for (std::int64_t map = 0; map < maps; ++map) {
        const double *cells = values + map * rows * columns;
        double sum = 0;
        double weights = 0;
        for (std::int64_t row = 0; row < rows; ++row) {
            for (std::int64_t column = 0; column < columns; ++column) {
                const double value = cells[row * columns + column];
                if (std::isfinite(value)) {
                    sum += value * rowWeights[std::size_t(row)];
                    weights += rowWeights[std::size_t(row)];
                }
            }
        }
        means.push_back(weights > 0 ? sum / weights : std::nan(""));
    }
    return means;
}

namespace {

QString positionText(const tessera::Axis &axis, std::int64_t position)
{
    if (position < std::int64_t(axis.labels.size()))
        return axis.name + u' ' + axis.labels[std::size_t(position)];
    if (position >= std::int64_t(axis.values.size()))
        return axis.name + u' ' + QString::number(position);
    const double value = axis.values[std::size_t(position)];
    if (const auto units = plotlabels::dateUnits(axis))
        return axis.name + u' ' + resultplots::dateText(units->toEpochSeconds(value));
    return resultplots::coordinateText(axis, value);
}

} // namespace

QString mapName(const tessera::ArrayMeta &meta, std::int64_t index)
{
    QStringList parts;
    for (int axis = int(meta.shape.size()) - 3; axis >= 0; --axis) {
        const std::int64_t extent = meta.shape[std::size_t(axis)];
        parts.prepend(positionText(meta.axes[std::size_t(axis)], index % extent));
        index /= extent;
    }
    return parts.join(u", "_s);
}

} // namespace tessera::ui::mapstack
