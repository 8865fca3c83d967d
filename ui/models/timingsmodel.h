// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/operation.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

namespace tessera::ui {

// The timing history: one row per operation of each run, in the order they ran. Display roles
// are formatted for reading; Qt::UserRole gives the raw number (seconds, bytes) for sorting
// and export.
class TimingsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RunColumn,
        OperationColumn,
        WallColumn,
        PlanColumn,
        ComputeColumn,
        TransferColumn,
        TasksColumn,
        ClientBytesColumn,
        PeerBytesColumn,
        NB_COLUMNS
    };

    struct Row
    {
        QString run;
        tessera::OperationReport report; // without its task records: the history stays small
    };

    explicit TimingsModel(QObject *parent = nullptr);

    void addReport(const tessera::OperationReport &report, const QString &run);
    void clear();

    const std::vector<Row> &rows() const { return m_rows; }
    // Run labels in the order they first appeared.
    QStringList runs() const;
    // Operation texts in the order they first ran, across all runs.
    QStringList operations() const;
    // The row of `operation` in `run` (its latest, when it ran twice), or nullptr.
    const Row *find(const QString &run, const QString &operation) const;

    // RFC 4180 CSV of every row with raw numbers, header first.
    QString toCsv() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "332 MB fetched between workers", then a line per pair of workers that exchanged bytes.
    static QString peerTrafficText(const tessera::OperationReport &report);

private:
    std::vector<Row> m_rows;
    // Kept as rows arrive: the timings view asks for each operation of each run after every
    // statement, and a search of the rows each time grew with the session (63 ms a statement at
    // 400 rows).
    QStringList m_runs;
    QStringList m_operations;
    QHash<QString, QHash<QString, std::size_t>> m_latest; // run -> operation -> row
};

} // namespace tessera::ui
