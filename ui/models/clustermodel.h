// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"

#include <QAbstractTableModel>
#include <QStyledItemDelegate>

#include <vector>

class QTimer;

namespace tessera::ui {

// One row per worker of the session, refreshed on ClusterSession::workersChanged. While the
// session is connected it asks the workers for their status every two seconds, so memory,
// blocks held and latency stay current without the user doing anything.
class ClusterModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NAME,
        HOST,
        ADDRESS,
        THREADS,
        MEMORY,
        BLOCKS,
        STATUS,
        LATENCY,

        NB_COLUMNS
    };

    // For the MEMORY column: used/limit as a fraction in [0, 1] (-1 when the limit is unknown).
    static constexpr int MemoryFractionRole = Qt::UserRole + 1;

    explicit ClusterModel(tessera::ClusterSession *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const tessera::WorkerInfo *workerAt(int row) const;

private:
    void reload();
    QVariant displayData(const tessera::WorkerInfo &worker, int column) const;

    tessera::ClusterSession *m_session = nullptr;
    std::vector<tessera::WorkerInfo> m_workers;
    QTimer *m_refreshTimer = nullptr;
};

// Draws the MEMORY column as a bar (used of limit) with the text on it, turning red near the
// limit so a worker about to refuse blocks stands out.
class ClusterMemoryDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace tessera::ui
