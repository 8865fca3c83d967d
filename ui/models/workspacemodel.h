// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace tessera {
class ClusterSession;
}

namespace tessera::ui {

// One row per distributed array of the session, refreshed on ClusterSession::arraysChanged.
class WorkspaceModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NAME,
        SHAPE,
        DTYPE,
        SIZE,
        CHUNK_SHAPE,
        BLOCKS,
        SOURCE,

        NB_COLUMNS
    };

    explicit WorkspaceModel(tessera::ClusterSession *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QString arrayNameAt(int row) const;
    // The row of the named array, or -1.
    int rowOf(const QString &name) const;

private:
    void reload();

    tessera::ClusterSession *m_session = nullptr;
    std::vector<QString> m_names; // sorted as the session lists them
};

} // namespace tessera::ui
