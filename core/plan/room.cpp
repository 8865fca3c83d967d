// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/plan/room.h"

#include "core/bytesize.h"
#include "core/stringhash.h"

#include <unordered_set>

using namespace Qt::StringLiterals;

namespace tessera {

std::map<int, std::int64_t> plannedBytesPerWorker(const TaskGraph &graph, bool storeResult)
{
    // Results that stay are counted like any block: the set is needed only for results that leave.
    std::unordered_set<QString, StringHash> resultKeys;
    if (!storeResult) {
        resultKeys.reserve(graph.result.keys.size());
        resultKeys.insert(graph.result.keys.begin(), graph.result.keys.end());
    }
    std::map<int, std::int64_t> planned;
    std::unordered_set<QString, StringHash> fetched; // "<worker>|<key>|<region>"
    for (const Task &task : graph.tasks) {
        if (storeResult || !resultKeys.count(task.outputKey))
            planned[task.worker] += checkedByteSize(task.outputShape).value_or(0);
        for (const TaskInput &input : task.inputs) {
            if (input.worker < 0 || input.worker == task.worker)
                continue;
            QString region;
            for (const AxisSlice &slice : input.region)
                region += u"%1,%2,%3,%4;"_s.arg(slice.start).arg(slice.count).arg(slice.step).arg(slice.drop);
            if (fetched.insert(QString::number(task.worker) + u'|' + input.key + u'|' + region).second)
                planned[task.worker] += input.bytes;
        }
    }
    return planned;
}

Status checkRoom(const std::map<int, std::int64_t> &plannedBytes, const std::vector<WorkerCapacity> &workers, const QString &what,
                 const QString &fixes)
{
    for (const WorkerCapacity &worker : workers) {
        const auto planned = plannedBytes.find(worker.worker);
        if (planned == plannedBytes.end() || planned->second <= worker.freeBytes)
            continue;
        return makeError(ErrorCode::Memory,
                         u"%1 needs %2 on worker %3, which has %4 free of %5; %6"_s.arg(
                             what, formatBytes(planned->second), worker.name,
                             formatBytes(std::max<std::int64_t>(worker.freeBytes, 0)), formatBytes(worker.limitBytes), fixes));
    }
    return Status::ok();
}

} // namespace tessera
