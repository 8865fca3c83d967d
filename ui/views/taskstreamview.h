// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"
#include "net/session/operation.h"

#include <QString>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace tessera::ui {

class GanttPlottable;

// The last operation's tasks as a Gantt chart: one row per worker thread, time in ms from the
// operation's start, bars coloured by kind (load, compute, combine) with inputs fetched from
// peers hatched on top. Hovering a bar names the task. This is where a user sees why
// `x.mean(axis=0)` costs what it costs: the partials, then the combine tree waiting on fetches.
class TaskStreamView : public QWidget
{
    Q_OBJECT

public:
    explicit TaskStreamView(QWidget *parent = nullptr);

    void showReport(const tessera::OperationReport &report, const std::vector<tessera::WorkerInfo> &workers);
    void clear();

    // Tasks painted by the last replot (all of them unless the user zoomed in).
    int drawnTaskCount() const;
    // The task under a position of the plot widget, or nullptr; and its description.
    const tessera::TaskRecord *taskAt(const QPointF &plotPosition) const;
    QString describeTask(const tessera::TaskRecord &task) const;
    QCustomPlot *plot() const { return m_plot; }

    // False while the view cannot be seen (its dock is a tab behind another): a report that comes
    // meanwhile is drawn once it can: nobody sees it before, and drawing the bars of a statement of
    // 100,000 tasks took tens of milliseconds of the window's time after the statement.
    void setOnScreen(bool onScreen);

private:
    void draw();
    void onHover(QMouseEvent *event);
    const tessera::WorkerInfo *workerInfo(int worker) const; // of the last report's workers; null when unknown
    QString workerName(int worker) const;
    QString threadName(int worker, int thread) const;

    QLabel *m_title = nullptr;
    QCustomPlot *m_plot = nullptr;
    QLabel *m_readout = nullptr;
    std::vector<GanttPlottable *> m_kindLayers; // one per kind family; the fetch overlay is apart
    GanttPlottable *m_fetchLayer = nullptr;
    tessera::OperationReport m_report;
    std::vector<tessera::WorkerInfo> m_workers;
    bool m_onScreen = true;
    bool m_drawWhenShown = false; // a report came while the view could not be seen
};

} // namespace tessera::ui
