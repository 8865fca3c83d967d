// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/timingsview.h"

#include "core/bytesize.h"
#include "ui/models/timingsmodel.h"
#include "ui/style/viewstyle.h"

#include <QFile>
#include <QFileDialog>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

struct Phase
{
    const char *name;
    QColor color;
    double (*seconds)(const tessera::OperationReport &);
};

// Whatever wall time plan, compute and transfer do not account for (waiting on workers,
// scheduling) is drawn on top, so every bar is as tall as the operation's wall time.
double unaccountedSeconds(const tessera::OperationReport &r)
{
    return std::max(0.0, r.wallSeconds - r.planSeconds - r.computeSeconds - r.transferSeconds);
}

const std::array<Phase, 4> &phases()
{
    static const std::array<Phase, 4> list = {{
        {QT_TRANSLATE_NOOP("TimingsView", "plan"), viewstyle::planColor(),
         [](const tessera::OperationReport &r) {
        return r.planSeconds;
         }},
        {QT_TRANSLATE_NOOP("TimingsView", "compute"), viewstyle::computeColor(),
         [](const tessera::OperationReport &r) {
        return r.computeSeconds;
         }},
                                              {QT_TRANSLATE_NOOP("TimingsView", "transfer"), viewstyle::transferColor(),
                                               [](const tessera::OperationReport &r) {
        return r.transferSeconds;
                                               }},
                                      {QT_TRANSLATE_NOOP("TimingsView", "other"), viewstyle::otherColor(), &unaccountedSeconds},
                                      }};
    return list;
}

QString elided(const QString &text, int maxChars)
{
    return text.size() <= maxChars ? text : text.left(maxChars - 1) + u'…';
}

} // namespace

TimingsView::TimingsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new TimingsModel(this))
{
    m_chart = new QCustomPlot(this);
    viewstyle::applyPlotStyle(m_chart);
    m_chart->yAxis->setLabel(tr("Wall time (s)"));
    m_chart->xAxis->grid()->setVisible(false);
    m_chart->xAxis->setTickLength(0, 4);
    m_chart->yAxis->setPadding(6);
    m_runNote = new QCPTextElement(m_chart);
    m_runNote->setTextFlags(Qt::AlignRight | Qt::AlignVCenter);
    m_runNote->setTextColor(QColor(0x55, 0x55, 0x55));
    m_runNote->setFont(m_chart->legend->font());
    viewstyle::placeLegendAbove(m_chart, m_runNote);
    m_runGroup = new QCPBarsGroup(m_chart);
    m_chart->setMinimumHeight(220);

    m_runList = new QListWidget(this);
    m_runList->setToolTip(tr("Runs drawn side by side in the chart"));
    m_runList->setMaximumWidth(160);
    auto *runLabel = new QLabel(tr("Compare runs"), this);
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);
    auto *clearButton = new QPushButton(tr("Clear history"), this);
    auto *side = new QVBoxLayout;
    side->addWidget(runLabel);
    side->addWidget(m_runList, 1);
    side->addWidget(exportButton);
    side->addWidget(clearButton);

    auto *chartPane = new QWidget(this);
    auto *chartLayout = new QHBoxLayout(chartPane);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_chart, 1);
    chartLayout->addLayout(side);

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(TimingsModel::OperationColumn, QHeaderView::Stretch);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chartPane);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_runList, &QListWidget::itemChanged, this, &TimingsView::onRunItemChanged);
    connect(m_chart, &QCustomPlot::mouseMove, this, &TimingsView::onChartHover);
    connect(exportButton, &QPushButton::clicked, this, &TimingsView::exportWithDialog);
    connect(clearButton, &QPushButton::clicked, this, &TimingsView::clearHistory);
    rebuildChart();
}

void TimingsView::addReport(const tessera::OperationReport &report, const QString &runLabel)
{
    const QStringList runsBefore = m_model->runs();
    m_model->addReport(report, runLabel);
    if (!runsBefore.contains(runLabel)) {
        // A new run is compared with the one before it, the question a user re-running an
        // experiment asks first.
        m_selectedRuns.clear();
        if (!runsBefore.isEmpty())
            m_selectedRuns << runsBefore.last();
        m_selectedRuns << runLabel;
    }
    syncRunList();
    rebuildChart();
    fitColumnsTo(m_model->rowCount() - 1);
    m_table->scrollToBottom();
}

// Widens the columns the new row needs wider. Fitting them to every row measured the whole
// history after each statement: 45 of the 63 ms one more report took at 400 rows.
void TimingsView::fitColumnsTo(int row)
{
    if (row == 0) {
        m_table->resizeColumnsToContents(); // the headers too
        m_table->horizontalHeader()->setSectionResizeMode(TimingsModel::OperationColumn, QHeaderView::Stretch);
        return;
    }
    for (int column = 0; column < TimingsModel::NB_COLUMNS; ++column) {
        if (column == TimingsModel::OperationColumn)
            continue; // it stretches
        const int wanted = m_table->sizeHintForIndex(m_model->index(row, column)).width() + (m_table->showGrid() ? 1 : 0);
        if (wanted > m_table->columnWidth(column))
            m_table->setColumnWidth(column, wanted);
    }
}

void TimingsView::clearHistory()
{
    m_model->clear();
    m_selectedRuns.clear();
    syncRunList();
    rebuildChart();
}

QString TimingsView::toCsv() const
{
    return m_model->toCsv();
}

bool TimingsView::exportCsv(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const QByteArray bytes = toCsv().toUtf8();
    return file.write(bytes) == bytes.size() && file.flush();
}

int TimingsView::rowCount() const
{
    return m_model->rowCount();
}

void TimingsView::setSelectedRuns(const QStringList &runs)
{
    m_selectedRuns.clear();
    for (const QString &run : m_model->runs()) {
        if (runs.contains(run))
            m_selectedRuns << run;
    }
    syncRunList();
    rebuildChart();
}

void TimingsView::syncRunList()
{
    const QSignalBlocker blocker(m_runList);
    m_runList->clear();
    for (const QString &run : m_model->runs()) {
        auto *item = new QListWidgetItem(run, m_runList);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(m_selectedRuns.contains(run) ? Qt::Checked : Qt::Unchecked);
    }
}

void TimingsView::onRunItemChanged(QListWidgetItem *)
{
    m_selectedRuns.clear();
    for (int i = 0; i < m_runList->count(); ++i) {
        if (m_runList->item(i)->checkState() == Qt::Checked)
            m_selectedRuns << m_runList->item(i)->text();
    }
    rebuildChart();
}

void TimingsView::rebuildChart()
{
    m_chart->clearPlottables();
    m_barInfo.clear();
    const QStringList operations = m_model->operations();
    const QStringList runs = m_selectedRuns;
    const int runCount = int(runs.size());

    // One stack (plan, compute, transfer, other) per selected run and operation; stacks of
    // different runs share a QCPBarsGroup, which puts them side by side.
    QCPBarsGroup *group = runCount > 1 ? m_runGroup : nullptr;
    double tallestSeconds = 0;
    for (int r = 0; r < runCount; ++r) {
        const QString &run = runs[r];
        // Older runs are paler; the newest run has the phase colours at full strength.
        const int paleness = 100 + 45 * (runCount - 1 - r);
        QCPBars *below = nullptr;
        for (const Phase &phase : phases()) {
            auto *bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
            const QString phaseName = tr(phase.name);
            bars->setName(phaseName);
            bars->setBrush(phase.color.lighter(paleness));
            bars->setPen(QPen(phase.color.darker(130), 0.8));
            bars->setWidth(0.72 / std::max(runCount, 1));
            bars->setAntialiased(false);
            bool anyTime = false;
            for (int k = 0; k < int(operations.size()); ++k) {
                const TimingsModel::Row *row = m_model->find(run, operations[k]);
                const double seconds = row ? phase.seconds(row->report) : 0;
                anyTime = anyTime || seconds > 0;
                bars->addData(k + 1, seconds);
                if (row && phase.seconds == &unaccountedSeconds)
                    tallestSeconds = std::max(tallestSeconds, row->report.wallSeconds);
            }
            if (below)
                bars->moveAbove(below);
            if (group)
                bars->setBarsGroup(group);
            // The legend names phases once, by the newest run's colours.
            if (r != runCount - 1 || (!anyTime && phase.seconds == &unaccountedSeconds))
                bars->removeFromLegend();
            m_barInfo.insert(bars, {run, phaseName});
            below = bars;
        }
    }

    // Tick labels: the operation, each selected run's wall time (left to right as the bars), and
    // the bytes the newest run moved.
    // Each label gets the width of its slot, so many operations never overlap their neighbours.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const QFontMetrics metrics(m_chart->xAxis->tickLabelFont());
    const int axisPixels = m_chart->axisRect()->width();
    const int slotPixels = axisPixels / std::max<int>(1, int(operations.size()));
    // Before the first layout the axis has no width yet; use the widest labels then.
    const int slotChars = axisPixels > 0 ? std::clamp(slotPixels / std::max(1, metrics.averageCharWidth()) - 3, 6, 22) : 22;
    for (int k = 0; k < int(operations.size()); ++k) {
        QStringList walls;
        for (const QString &run : runs) {
            const TimingsModel::Row *row = m_model->find(run, operations[k]);
            walls << (row ? viewstyle::formatSeconds(row->report.wallSeconds) : u"–"_s);
        }
        QString wallText = walls.join(u" | ");
        if (wallText.size() > slotChars)
            wallText = walls.constLast(); // the newest run; the tooltip has them all
        const TimingsModel::Row *newest = runs.isEmpty() ? nullptr : m_model->find(runs.last(), operations[k]);
        const QString moved =
            newest ? tr("%1 moved").arg(formatBytes(newest->report.clientBytes + newest->report.peerBytes)) : QString();
        ticker->addTick(k + 1, elided(operations[k], slotChars) + u'\n' + wallText + u'\n' + elided(moved, slotChars));
    }
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(0.4, std::max<qsizetype>(operations.size(), 1) + 0.6);
    m_chart->yAxis->setRange(0, tallestSeconds > 0 ? tallestSeconds * 1.06 : 1);
    m_chart->legend->setVisible(!operations.isEmpty() && runCount > 0);
    m_runNote->setText(runCount > 1 ? tr("bars left to right: %1 (paler: older)").arg(runs.join(u", ")) : runs.value(0));
    m_chart->replot();
}

void TimingsView::onChartHover(QMouseEvent *event)
{
    int dataIndex = -1;
    auto *bars = qobject_cast<QCPBars *>(m_chart->plottableAt(event->position(), false, &dataIndex));
    const auto info = bars ? m_barInfo.constFind(bars) : m_barInfo.constEnd();
    const QStringList operations = m_model->operations();
    if (info == m_barInfo.constEnd() || dataIndex < 0 || dataIndex >= int(operations.size())) {
        QToolTip::hideText();
        return;
    }
    const TimingsModel::Row *row = m_model->find(info->run, operations[dataIndex]);
    if (!row)
        return;
    const tessera::OperationReport &r = row->report;
    const QString text =
        tr("%1 — %2\nwall %3: plan %4, compute %5, transfer %6\n%7 tasks; %8 workbench↔workers, %9 between workers")
            .arg(info->run, r.text, viewstyle::formatSeconds(r.wallSeconds), viewstyle::formatSeconds(r.planSeconds),
                 viewstyle::formatSeconds(r.computeSeconds), viewstyle::formatSeconds(r.transferSeconds))
            .arg(r.taskCount)
            .arg(formatBytes(r.clientBytes), formatBytes(r.peerBytes));
    QToolTip::showText(event->globalPosition().toPoint(), text, m_chart);
}

void TimingsView::exportWithDialog()
{
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Export timings"), u"timings.csv"_s, tr("CSV file (*.csv)"));
    if (!fileName.isEmpty() && !exportCsv(fileName))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(fileName));
}

} // namespace tessera::ui
