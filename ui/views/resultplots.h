// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ui/views/plotlabels.h"

#include "core/arraymeta.h"
#include "core/ndarray.h"

#include <QString>

#include <qcustomplot.h>

#include <array>
#include <optional>

namespace tessera::ui {

// How ResultView lays arrays on a QCustomPlot: heatmaps on their coordinates with north up,
// lines on coordinates or dates, and the labels of both.
namespace resultplots {

struct GradientChoice
{
    QCPColorGradient::GradientPreset preset;
    const char *name; // translated in the "ResultView" context
};
extern const std::array<GradientChoice, 12> gradientChoices;

// The preset, with missing values (_FillValue cells) in light grey rather than the lowest colour.
QCPColorGradient makeGradient(QCPColorGradient::GradientPreset preset);

QString dateText(double epochSeconds);                           // "2014-01-02 06:00" (UTC)
QString coordinateText(const tessera::Axis &axis, double value); // "latitude 45°N"

// The array's metadata with its length-1 dimensions dropped, so a (1, 144) result plots as a
// line and a (4, 1, 73, 144) result as a stack of maps.
tessera::ArrayMeta squeezed(const tessera::ArrayMeta &meta, const tessera::Shape &shape);

// Significant digits an axis's tick labels need to tell ticks `range.size() / tickCount` apart
// (at least 6): 270.0108 to 270.0112 needs 8, not the 6 that print "270.011" on every tick.
int tickPrecision(const QCPRange &range, int tickCount);
// Keeps `axis`'s tick precision fitted to its range as it is zoomed and dragged.
void fitTickPrecision(QCPAxis *axis);

struct Placed
{
    QCPRange homeKeyRange; // the whole result, to return to after zooming
    QCPRange homeValueRange;
    plotlabels::ValueStats values; // of a heatmap's cells
};

// A colour map of `values` (rows x columns, row-major, on the last two axes of `meta`) on the
// plot's x/y axes at the axes' coordinates; axes labelled and ranged to whole cells.
QCPColorMap *addHeatmap(QCustomPlot *plot, const double *values, const tessera::ArrayMeta &meta, Placed &placed);
// Refills a map made by addHeatmap with another map of the same shape (the next of a stack);
// returns the new cells' statistics.
plotlabels::ValueStats setHeatmapValues(QCPColorMap *map, const double *values, const tessera::ArrayMeta &meta);

// A line of 1-D `values` over meta.axes[0]; `timeUnits` is set when that axis is CF time and
// the x axis then shows dates.
QCPGraph *addLine(QCustomPlot *plot, const tessera::NdArray &values, const tessera::ArrayMeta &meta,
                  std::optional<tessera::CfTimeUnits> &timeUnits, Placed &placed);

} // namespace resultplots

} // namespace tessera::ui
