// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/operation.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QCPBars;
class QCPBarsGroup;
class QCPTextElement;
class QCustomPlot;
class QListWidget;
class QListWidgetItem;
class QMouseEvent;
class QTableView;

namespace tessera::ui {

class TimingsModel;

// Why operations took the time they took: a table of every operation of every run, and a bar
// chart of wall time per operation split into plan, compute and transfer (and any time the
// three do not account for). Selected runs stand side by side in each operation's group, so
// two runs of one experiment compare at a glance.
class TimingsView : public QWidget
{
    Q_OBJECT

public:
    explicit TimingsView(QWidget *parent = nullptr);

    // runLabel groups operations of one run ("run 1"); a new label is selected for the chart
    // together with the run before it.
    void addReport(const tessera::OperationReport &report, const QString &runLabel);
    void clearHistory();

    QString toCsv() const;
    bool exportCsv(const QString &fileName);
    int rowCount() const;

    // The runs drawn side by side, in the order they ran.
    QStringList selectedRuns() const { return m_selectedRuns; }
    void setSelectedRuns(const QStringList &runs);

    QCustomPlot *chart() const { return m_chart; }
    TimingsModel *model() const { return m_model; }

private:
    struct BarInfo
    {
        QString run;
        QString phase;
    };

    void syncRunList();
    void rebuildChart();
    void fitColumnsTo(int row);
    void onRunItemChanged(QListWidgetItem *item);
    void onChartHover(QMouseEvent *event);
    void exportWithDialog();

    TimingsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QCustomPlot *m_chart = nullptr;
    QCPTextElement *m_runNote = nullptr; // which run is which bar of a group
    QCPBarsGroup *m_runGroup = nullptr;  // puts the selected runs' stacks side by side
    QListWidget *m_runList = nullptr;
    QStringList m_selectedRuns;
    QHash<const QCPBars *, BarInfo> m_barInfo;
};

} // namespace tessera::ui
