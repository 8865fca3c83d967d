// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/plan/taskgraph.h"

#include <QColor>
#include <QString>

#include <cstdint>

class QCPLayoutElement;
class QLabel;
class QWidget;
class QCustomPlot;

namespace tessera::ui {

// Colours, number formats and plot styling shared by the result, timing, block-map and
// task-stream views, so a worker or a phase looks the same wherever it appears.
namespace viewstyle {

// A fixed qualitative palette (Tableau 10); past ten workers the hues repeat darker, so
// neighbouring indices still differ.
QColor workerColor(int worker);
// The four families a user tells apart in the task stream: load, compute (slice, unary,
// binary, partial), combine, and transfer (fetches from peers).
QColor taskKindColor(tessera::TaskKind kind);
QString taskKindFamily(tessera::TaskKind kind);
QColor transferColor();
// Tasks run again because a worker was lost, and blocks lost for good.
QColor rebuildColor();
QColor damagedColor();
// What went wrong and can be fixed: a failed statement in the console, messages under a field.
QColor errorColor();
QString errorStyleSheet(); // for such a message's QLabel

// Phases of an operation in the timing chart.
QColor planColor();
QColor computeColor();
QColor otherColor();

// "12.3 ms", "4.56 s", "2 min 3 s": three significant digits, the unit a reader expects.
QString formatSeconds(double seconds);

// "1 block", "23 blocks": without a translation loaded, tr()'s %n would print "block(s)".
QString countText(std::int64_t count, const QString &singular, const QString &plural);

// A message as a tooltip in lines of at most 80 columns (longer words stay whole): Qt shows
// plain text on one line, however long, and a lost worker's message with its launcher's reason
// ran past the screen's edge.
QString wrappedToolTip(const QString &text);

// The bold, plain-text title line above each view's content.
QLabel *makeTitleLabel(QWidget *parent);

// Fonts, margins and interactions every Tessera plot shares.
void applyPlotStyle(QCustomPlot *plot);
// Moves the plot's legend into a row above the axis rect, its entries side by side, where it
// never hides data; `beside` (owned by the plot's layout from then on) fills the rest of the row.
void placeLegendAbove(QCustomPlot *plot, QCPLayoutElement *beside = nullptr);

} // namespace viewstyle

} // namespace tessera::ui
