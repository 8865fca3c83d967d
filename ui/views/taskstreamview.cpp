// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/taskstreamview.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"
#include "ui/views/ganttplottable.h"

#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

// Row order: by worker, then thread; the workbench (worker -1) last.
using RowKey = std::pair<int, int>;

int rowSortWorker(int worker)
{
    return worker < 0 ? std::numeric_limits<int>::max() : worker;
}

constexpr tessera::TaskKind familyKinds[] = {
    tessera::TaskKind::Load,
    tessera::TaskKind::Partial, // stands for slice, unary, binary and partial: "compute"
    tessera::TaskKind::Combine,
};
constexpr std::size_t RebuildLayer = std::size(familyKinds);

} // namespace

TaskStreamView::TaskStreamView(QWidget *parent)
    : QWidget(parent)
{
    m_title = viewstyle::makeTitleLabel(this);

    m_plot = new QCustomPlot(this);
    viewstyle::applyPlotStyle(m_plot);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Zooming into time is what a user needs; rows stay put.
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->xAxis->setLabel(tr("Time since the operation started (ms)"));
    m_plot->yAxis->setRangeReversed(true);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->yAxis->setTickLength(0, 0);
    m_plot->yAxis->setSubTicks(false);
    viewstyle::placeLegendAbove(m_plot);
    m_plot->setMinimumHeight(160);

    for (const tessera::TaskKind kind : familyKinds) {
        auto *layer = new GanttPlottable(m_plot->xAxis, m_plot->yAxis);
        layer->setName(viewstyle::taskKindFamily(kind));
        layer->setBrush(viewstyle::taskKindColor(kind));
        m_kindLayers.push_back(layer);
    }
    // Work done again because a worker was lost, whatever its kind: the cost of the loss.
    auto *rebuild = new GanttPlottable(m_plot->xAxis, m_plot->yAxis);
    rebuild->setName(tr("rebuild (a worker was lost)"));
    rebuild->setBrush(viewstyle::rebuildColor());
    m_kindLayers.push_back(rebuild);
    // TaskRecord says how many bytes a task fetched but not when, so the fetch is shown as a
    // hatch over the task that waited for it rather than as a separate segment.
    m_fetchLayer = new GanttPlottable(m_plot->xAxis, m_plot->yAxis);
    m_fetchLayer->setName(tr("fetched inputs from a peer"));
    m_fetchLayer->setBrush(QBrush(viewstyle::transferColor(), Qt::BDiagPattern));
    m_fetchLayer->setHatched(true);

    m_readout = new QLabel(this);
    m_readout->setTextFormat(Qt::PlainText);
    m_readout->setObjectName(u"taskReadout"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_readout);

    connect(m_plot, &QCustomPlot::mouseMove, this, &TaskStreamView::onHover);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) {
        m_plot->rescaleAxes();
        m_plot->xAxis->setRangeLower(0);
        m_plot->replot();
    });
    clear();
}

void TaskStreamView::clear()
{
    showReport({}, {});
    m_title->setText(tr("No operation yet: run one to see its tasks"));
}

void TaskStreamView::showReport(const tessera::OperationReport &report, const std::vector<tessera::WorkerInfo> &workers)
{
    m_report = report;
    m_workers = workers;
    m_drawWhenShown = !m_onScreen;
    if (m_onScreen)
        draw();
}

void TaskStreamView::setOnScreen(bool onScreen)
{
    m_onScreen = onScreen;
    if (onScreen && std::exchange(m_drawWhenShown, false))
        draw();
}

void TaskStreamView::draw()
{
    const tessera::OperationReport &report = m_report;
    const std::vector<tessera::WorkerInfo> &workers = m_workers;
    std::map<RowKey, int> rowOf; // (sort worker, thread) -> row
    for (const tessera::WorkerInfo &worker : workers) {
        for (int thread = 0; thread < std::max(worker.threads, 1); ++thread)
            rowOf[{rowSortWorker(worker.index), thread}] = 0;
    }
    for (const tessera::TaskRecord &task : report.tasks)
        rowOf[{rowSortWorker(task.worker), task.thread}] = 0;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    int row = 0;
    for (auto &[key, index] : rowOf) {
        index = row;
        const int worker = key.first == std::numeric_limits<int>::max() ? -1 : key.first;
        ticker->addTick(row,
                        worker < 0 ? tr("workbench") : tr("%1 · %2").arg(workerName(worker), threadName(worker, key.second)));
        ++row;
    }

    std::vector<std::vector<GanttPlottable::Bar>> kindBars(m_kindLayers.size());
    std::vector<GanttPlottable::Bar> fetchBars;
    double endMillis = report.wallSeconds * 1000;
    for (int i = 0; i < int(report.tasks.size()); ++i) {
        const tessera::TaskRecord &task = report.tasks[std::size_t(i)];
        const GanttPlottable::Bar bar{double(task.startMicros) / 1000, double(task.endMicros) / 1000,
                                      rowOf[{rowSortWorker(task.worker), task.thread}], i};
        const std::size_t family = task.rebuild                              ? RebuildLayer
                                   : task.kind == tessera::TaskKind::Load    ? 0
                                   : task.kind == tessera::TaskKind::Combine ? 2
                                                                             : 1;
        kindBars[family].push_back(bar);
        if (task.fetchedBytes > 0)
            fetchBars.push_back(bar);
        endMillis = std::max(endMillis, bar.end);
    }
    for (std::size_t k = 0; k < m_kindLayers.size(); ++k) {
        m_kindLayers[k]->setBars(std::move(kindBars[k]));
        // The legend lists only kinds this operation has.
        if (m_kindLayers[k]->bars().empty())
            m_kindLayers[k]->removeFromLegend();
        else
            m_kindLayers[k]->addToLegend();
    }
    if (fetchBars.empty())
        m_fetchLayer->removeFromLegend();
    else
        m_fetchLayer->addToLegend();
    m_fetchLayer->setBars(std::move(fetchBars));

    m_plot->yAxis->setTicker(ticker);
    m_plot->yAxis->setRange(-0.6, std::max(row, 1) - 0.4);
    m_plot->xAxis->setRange(0, endMillis > 0 ? endMillis * 1.02 : 1);
    m_plot->legend->setVisible(!report.tasks.empty());

    m_title->setText(tr("%1 — %2, wall %3")
                         .arg(report.text, viewstyle::countText(std::int64_t(report.tasks.size()), tr("task"), tr("tasks")),
                              viewstyle::formatSeconds(report.wallSeconds)));
    m_readout->setText(report.tasks.empty() ? QString()
                                            : tr("Hover a task to see it; drag or wheel to zoom time, double-click to see all."));
    m_plot->replot();
}

int TaskStreamView::drawnTaskCount() const
{
    int count = 0;
    for (const GanttPlottable *layer : m_kindLayers)
        count += layer->drawnCount();
    return count;
}

const tessera::TaskRecord *TaskStreamView::taskAt(const QPointF &plotPosition) const
{
    for (const GanttPlottable *layer : m_kindLayers) {
        const int id = layer->barAt(plotPosition);
        if (id >= 0 && id < int(m_report.tasks.size()))
            return &m_report.tasks[std::size_t(id)];
    }
    return nullptr;
}

const tessera::WorkerInfo *TaskStreamView::workerInfo(int worker) const
{
    for (const tessera::WorkerInfo &info : m_workers) {
        if (info.index == worker)
            return &info;
    }
    return nullptr;
}

QString TaskStreamView::workerName(int worker) const
{
    const tessera::WorkerInfo *info = workerInfo(worker);
    return info && !info->name.isEmpty() ? info->name : tr("worker %1").arg(worker);
}

// Workers number their kernel threads 0 .. threads - 1 and the thread serving their sockets,
// which runs the smallest tasks itself, one past them.
QString TaskStreamView::threadName(int worker, int thread) const
{
    const tessera::WorkerInfo *info = workerInfo(worker);
    return info && info->threads > 0 && thread == info->threads ? tr("socket thread") : tr("thread %1").arg(thread);
}

QString TaskStreamView::describeTask(const tessera::TaskRecord &task) const
{
    const double startMillis = double(task.startMicros) / 1000;
    const double endMillis = double(task.endMicros) / 1000;
    QString text =
        tr("%1 %2 · %3 %4 · %5–%6 ms (%7) · output %8")
            .arg(task.rebuild ? tr("rebuild (%1)").arg(tessera::taskKindName(task.kind)) : tessera::taskKindName(task.kind),
                 task.outputKey, task.worker < 0 ? tr("workbench") : workerName(task.worker),
                 threadName(task.worker, task.thread))
            .arg(QString::number(startMillis, 'f', 2), QString::number(endMillis, 'f', 2),
                 viewstyle::formatSeconds((endMillis - startMillis) / 1000), formatBytes(task.outputBytes));
    if (task.fetchedBytes > 0)
        text += tr(" · fetched %1 from peers").arg(formatBytes(task.fetchedBytes));
    return text;
}

void TaskStreamView::onHover(QMouseEvent *event)
{
    const tessera::TaskRecord *task = taskAt(event->position());
    if (!task) {
        QToolTip::hideText();
        return;
    }
    const QString text = describeTask(*task);
    m_readout->setText(text);
    QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

} // namespace tessera::ui
