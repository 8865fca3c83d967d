// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/models/workspacemodel.h"
#include "ui/style/viewstyle.h"

#include "core/bytesize.h"
#include "net/session/clustersession.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

namespace tessera::ui {

WorkspaceModel::WorkspaceModel(ClusterSession *session, QObject *parent)
    : QAbstractTableModel(parent)
    , m_session(session)
{
    connect(m_session, &ClusterSession::arraysChanged, this, &WorkspaceModel::reload);
    // Block counts per worker change as a load proceeds.
    connect(m_session, &ClusterSession::workersChanged, this, [this] {
        if (!m_names.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, NB_COLUMNS - 1));
    });
    reload();
}

int WorkspaceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int WorkspaceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NB_COLUMNS;
}

QString WorkspaceModel::arrayNameAt(int row) const
{
    if ((row < 0) || (row >= int(m_names.size())))
        return {};
    return m_names[std::size_t(row)];
}

int WorkspaceModel::rowOf(const QString &name) const
{
    const auto it = std::find(m_names.begin(), m_names.end(), name);
    return (it == m_names.end()) ? -1 : int(it - m_names.begin());
}

QVariant WorkspaceModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    // Asked each time rather than cached: the session owns the truth, and lookups are cheap.
    const ArrayInfo *info = m_session->array(arrayNameAt(index.row()));
    if (!info)
        return {};

    if (role == Qt::TextAlignmentRole) {
        if ((index.column() == SIZE) || (index.column() == BLOCKS))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }

    // A damaged array says so on its whole row, and why in the tooltip.
    if (role == Qt::ForegroundRole && !info->damage.isEmpty())
        return viewstyle::damagedColor();
    if (role == Qt::ToolTipRole && !info->damage.isEmpty())
        return viewstyle::wrappedToolTip(info->damage);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case DTYPE:
            if (!info->storageType.isEmpty() && (info->storageType != u"float64"))
                return tr("Stored as %1 in the files, decoded to float64 in memory").arg(info->storageType);
            return {};
        case CHUNK_SHAPE: return info->layout.chunks.describe();
        case SOURCE: return info->meta.source;
        default: return {};
        }
    }

    if (role != Qt::DisplayRole)
        return {};

    switch (index.column()) {
    case NAME: {
        const QString name = info->meta.name.isEmpty() ? arrayNameAt(index.row()) : info->meta.name;
        return info->damage.isEmpty() ? name : tr("%1 (damaged)").arg(name);
    }
    case SHAPE: return shapeToString(info->meta.shape);
    case DTYPE: return QStringLiteral("float64");
    case SIZE: return formatBytes(info->meta.byteSize());
    case CHUNK_SHAPE:
        if (info->layout.chunks.blockCount() == 0)
            return {};
        // Block (0, 0, ...) is the largest: chunks only get shorter at the end of an axis.
        return shapeToString(info->layout.chunks.blockShape(BlockIndex(std::size_t(info->layout.chunks.rank()), 0)));
    case BLOCKS: return qlonglong(info->layout.chunks.blockCount());
    case SOURCE: return info->meta.source;
    default: return {};
    }
}

QVariant WorkspaceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if ((orientation != Qt::Horizontal) || (role != Qt::DisplayRole))
        return {};

    switch (section) {
    case NAME: return tr("Name");
    case SHAPE: return tr("Shape");
    case DTYPE: return tr("Type");
    case SIZE: return tr("Size");
    case CHUNK_SHAPE: return tr("Chunk shape");
    case BLOCKS: return tr("Blocks");
    case SOURCE: return tr("Source");
    default: return {};
    }
}

void WorkspaceModel::reload()
{
    beginResetModel();
    m_names = m_session->arrayNames();
    endResetModel();
}

} // namespace tessera::ui
