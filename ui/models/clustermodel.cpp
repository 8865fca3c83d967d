// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/models/clustermodel.h"
#include "core/bytesize.h"
#include "ui/style/viewstyle.h"

#include <QApplication>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionProgressBar>
#include <QTimer>

#include <algorithm>

namespace tessera::ui {

namespace {
constexpr int RefreshIntervalMillis = 2000;
// Above this fraction of its limit a worker starts refusing large blocks.
constexpr double MemoryWarningFraction = 0.9;
} // namespace

ClusterModel::ClusterModel(ClusterSession *session, QObject *parent)
    : QAbstractTableModel(parent)
    , m_session(session)
    , m_refreshTimer(new QTimer(this))
{
    m_refreshTimer->setInterval(RefreshIntervalMillis);
    connect(m_refreshTimer, &QTimer::timeout, m_session, qOverload<>(&ClusterSession::refreshWorkerStatus));
    connect(m_session, &ClusterSession::workersChanged, this, &ClusterModel::reload);
    // Loads and evaluations change what the workers hold: show it now, not at the next tick.
    connect(m_session, &ClusterSession::operationFinished, m_session, qOverload<>(&ClusterSession::refreshWorkerStatus));
    reload();
}

int ClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workers.size());
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NB_COLUMNS;
}

const WorkerInfo *ClusterModel::workerAt(int row) const
{
    if ((row < 0) || (row >= int(m_workers.size())))
        return nullptr;
    return &m_workers[std::size_t(row)];
}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    const WorkerInfo *worker = index.isValid() ? workerAt(index.row()) : nullptr;
    if (!worker)
        return {};

    switch (role) {
    case Qt::DisplayRole: return displayData(*worker, index.column());
    case MemoryFractionRole:
        if (worker->memoryLimitBytes <= 0)
            return -1.0;
        return std::clamp(double(worker->memoryUsedBytes) / double(worker->memoryLimitBytes), 0.0, 1.0);
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case THREADS:
        case BLOCKS:
        case LATENCY: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default: return {};
        }
    case Qt::ForegroundRole:
        if ((index.column() == STATUS) && (worker->state == WorkerState::Lost))
            return QColor(Qt::red);
        if (worker->state == WorkerState::Lost) // what it showed last, greyed: it holds nothing now
            return QColor(Qt::gray);
        return {};
    case Qt::ToolTipRole:
        if (worker->state == WorkerState::Lost && !worker->error.isEmpty())
            return viewstyle::wrappedToolTip(worker->error);
        return {};
    default: return {};
    }
}

QVariant ClusterModel::displayData(const WorkerInfo &worker, int column) const
{
    switch (column) {
    case NAME: return worker.name;
    case HOST: return worker.host;
    case ADDRESS: return worker.address;
    case THREADS: return worker.threads;
    case MEMORY:
        if (worker.memoryLimitBytes <= 0)
            return formatBytes(worker.memoryUsedBytes);
        return tr("%1 of %2").arg(formatBytes(worker.memoryUsedBytes), formatBytes(worker.memoryLimitBytes));
    case BLOCKS: return worker.blockCount;
    case STATUS: return workerStateName(worker.state);
    case LATENCY:
        if (worker.state != WorkerState::Connected && worker.state != WorkerState::Busy)
            return {};
        return tr("%1 ms").arg(worker.latencyMillis, 0, 'f', 1);
    default: return {};
    }
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if ((orientation != Qt::Horizontal) || (role != Qt::DisplayRole))
        return {};

    switch (section) {
    case NAME: return tr("Worker");
    case HOST: return tr("Host");
    case ADDRESS: return tr("Address");
    case THREADS: return tr("Threads");
    case MEMORY: return tr("Memory");
    case BLOCKS: return tr("Blocks");
    case STATUS: return tr("Status");
    case LATENCY: return tr("Latency");
    default: return {};
    }
}

void ClusterModel::reload()
{
    std::vector<WorkerInfo> workers = m_session->workers();
    if (workers.size() == m_workers.size()) {
        // Same workers, new numbers: keep the view's selection and scroll position.
        m_workers = std::move(workers);
        if (!m_workers.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, NB_COLUMNS - 1));
    } else {
        beginResetModel();
        m_workers = std::move(workers);
        endResetModel();
    }

    if (m_session->isConnected()) {
        if (!m_refreshTimer->isActive())
            m_refreshTimer->start();
    } else {
        m_refreshTimer->stop();
    }
}

void ClusterMemoryDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const double fraction = index.data(ClusterModel::MemoryFractionRole).toDouble();
    if (fraction < 0) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }

    QStyleOptionProgressBar bar;
    bar.QStyleOption::operator=(option); // state, palette, font metrics and direction of the cell
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = int(fraction * 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    if (fraction >= MemoryWarningFraction)
        bar.palette.setColor(QPalette::Highlight, QColor(200, 40, 40));

    // The row's background first, so a selected row still reads as selected.
    const QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &option, painter, option.widget);
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

} // namespace tessera::ui
