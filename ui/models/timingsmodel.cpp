// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/models/timingsmodel.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

} // namespace

TimingsModel::TimingsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TimingsModel::addReport(const tessera::OperationReport &report, const QString &run)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back(Row{run, withoutTasks(report)});
    if (!m_latest.contains(run))
        m_runs << run;
    QHash<QString, std::size_t> &operations = m_latest[run];
    if (!operations.contains(report.text) && !m_operations.contains(report.text))
        m_operations << report.text;
    operations[report.text] = m_rows.size() - 1;
    endInsertRows();
}

void TimingsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_runs.clear();
    m_operations.clear();
    m_latest.clear();
    endResetModel();
}

QStringList TimingsModel::runs() const
{
    return m_runs;
}

QStringList TimingsModel::operations() const
{
    return m_operations;
}

const TimingsModel::Row *TimingsModel::find(const QString &run, const QString &operation) const
{
    const auto operations = m_latest.constFind(run);
    if (operations == m_latest.cend())
        return nullptr;
    const auto row = operations->constFind(operation);
    return row == operations->cend() ? nullptr : &m_rows[*row];
}

QString TimingsModel::toCsv() const
{
    QString csv = u"run,operation,wall_s,plan_s,compute_s,transfer_s,tasks,client_bytes,peer_bytes\n"_s;
    for (const Row &row : m_rows) {
        const tessera::OperationReport &r = row.report;
        const QStringList fields = {
            csvField(row.run),
            csvField(r.text),
            QString::number(r.wallSeconds, 'g', 9),
            QString::number(r.planSeconds, 'g', 9),
            QString::number(r.computeSeconds, 'g', 9),
            QString::number(r.transferSeconds, 'g', 9),
            QString::number(r.taskCount),
            QString::number(r.clientBytes),
            QString::number(r.peerBytes),
        };
        csv += fields.join(u',') + u'\n';
    }
    return csv;
}

int TimingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TimingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NB_COLUMNS;
}

// The bytes fetched, and the planned traffic between each pair of workers: who sent whom what.
QString TimingsModel::peerTrafficText(const tessera::OperationReport &report)
{
    QStringList lines{tr("%1 bytes fetched between workers").arg(report.peerBytes)};
    const auto &pairs = report.peerBytesByPair;
    for (std::size_t from = 0; from < pairs.size(); ++from) {
        for (std::size_t to = 0; to < pairs[from].size(); ++to) {
            if (pairs[from][to] > 0)
                lines << tr("w%1 \u2192 w%2: %3").arg(from + 1).arg(to + 1).arg(formatBytes(pairs[from][to]));
        }
    }
    return lines.join(u'\n');
}

QVariant TimingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    const tessera::OperationReport &r = row.report;
    const auto column = Column(index.column());

    if (role == Qt::TextAlignmentRole) {
        const bool text = column == RunColumn || column == OperationColumn;
        return int((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole) {
        if (column == ClientBytesColumn)
            return tr("%1 bytes between the workbench and the workers").arg(r.clientBytes);
        if (column == PeerBytesColumn)
            return peerTrafficText(r);
        if (column == OperationColumn)
            return r.text;
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool raw = role == Qt::UserRole;
    const auto seconds = [raw](double value) -> QVariant {
        return raw ? QVariant(value) : QVariant(QString::number(value, 'f', 3));
    };
    const auto bytes = [raw](std::int64_t value) -> QVariant {
        return raw ? QVariant(qint64(value)) : QVariant(formatBytes(value));
    };
    switch (column) {
    case RunColumn: return row.run;
    case OperationColumn: return r.text;
    case WallColumn: return seconds(r.wallSeconds);
    case PlanColumn: return seconds(r.planSeconds);
    case ComputeColumn: return seconds(r.computeSeconds);
    case TransferColumn: return seconds(r.transferSeconds);
    case TasksColumn: return r.taskCount;
    case ClientBytesColumn: return bytes(r.clientBytes);
    case PeerBytesColumn: return bytes(r.peerBytes);
    case NB_COLUMNS: break;
    }
    return {};
}

QVariant TimingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case RunColumn: return tr("Run");
    case OperationColumn: return tr("Operation");
    case WallColumn: return tr("Wall s");
    case PlanColumn: return tr("Plan s");
    case ComputeColumn: return tr("Compute s");
    case TransferColumn: return tr("Transfer s");
    case TasksColumn: return tr("Tasks");
    case ClientBytesColumn: return tr("Client bytes");
    case PeerBytesColumn: return tr("Peer bytes");
    case NB_COLUMNS: break;
    }
    return {};
}

} // namespace tessera::ui
