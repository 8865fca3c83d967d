// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/taskgraph.h"

#include <set>
#include <tuple>

namespace tessera {

QString taskKindName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Load: return QStringLiteral("load");
    case TaskKind::Slice: return QStringLiteral("slice");
    case TaskKind::Unary: return QStringLiteral("unary");
    case TaskKind::Binary: return QStringLiteral("binary");
    case TaskKind::Partial: return QStringLiteral("partial");
    case TaskKind::Combine: return QStringLiteral("combine");
    case TaskKind::Select: return QStringLiteral("select");
    case TaskKind::Rechunk: return QStringLiteral("rechunk");
    case TaskKind::Quantile: return QStringLiteral("quantile");
    case TaskKind::Polyfit: return QStringLiteral("polyfit");
    case TaskKind::Gram: return QStringLiteral("gram");
    case TaskKind::Eigen: return QStringLiteral("eigen");
    case TaskKind::Project: return QStringLiteral("project");
    case TaskKind::Store: return QStringLiteral("store");
    }
    return QStringLiteral("task");
}

std::int64_t BlockLayout::blockBytes(std::int64_t flat) const
{
    return chunks.blockElementCount(flat) * std::int64_t(sizeof(double));
}

std::vector<std::vector<std::int64_t>> peerTraffic(const TaskGraph &graph, int workerCount)
{
    std::vector<std::vector<std::int64_t>> traffic(std::size_t(workerCount),
                                                   std::vector<std::int64_t>(std::size_t(workerCount), 0));
    std::set<std::tuple<QString, QString, int>> fetched; // key, region, reader
    for (const Task &task : graph.tasks) {
        for (const TaskInput &input : task.inputs) {
            if (input.worker == task.worker || input.worker < 0 || input.worker >= workerCount || task.worker < 0
                || task.worker >= workerCount)
                continue;
            if (task.kind != TaskKind::Rechunk) {
                QString region;
                for (const AxisSlice &slice : input.region)
                    region +=
                        QStringLiteral("%1,%2,%3,%4;").arg(slice.start).arg(slice.count).arg(slice.step).arg(int(slice.drop));
                if (!fetched.insert({input.key, region, task.worker}).second)
                    continue;
            }
            traffic[std::size_t(input.worker)][std::size_t(task.worker)] += input.bytes;
        }
    }
    return traffic;
}

} // namespace tessera
