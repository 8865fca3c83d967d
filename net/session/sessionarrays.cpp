// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The session's arrays and the blocks they name: registered when a run stores them, counted
// against their workers, released when no array names them any more, and the lineage kept to
// what the blocks in memory were made from.

#include "net/session/clustersession.h"

#include "net/protocol/workerclient.h"
#include "net/session/clustersession_p.h"
#include "net/session/graphrunner.h"

#include <algorithm>
#include <optional>

namespace tessera {

Status ClusterSession::removeArray(const QString &name)
{
    auto it = d->arrays.find(name);
    if (it == d->arrays.end())
        return makeError(ErrorCode::NotFound, QStringLiteral("no array named '%1'").arg(name));
    const BlockLayout layout = it->second.layout;
    d->arrays.erase(it);
    d->forgetArray(name, layout);
    d->trimLineage();
    Q_EMIT arraysChanged();
    return Status::ok();
}

void ClusterSession::Private::registerArray(ArrayInfo info)
{
    const QString name = info.meta.name;
    std::optional<BlockLayout> replaced;
    if (auto it = arrays.find(name); it != arrays.end())
        replaced = it->second.layout;
    // Count new blocks against their workers, and released ones off them, so plans see what the
    // session placed without asking; a status reply (refreshWorkerStatus) corrects the figures
    // when other sessions share the workers.
    const BlockLayout &layout = info.layout;
    for (std::size_t i = 0; i < layout.keys.size(); ++i) {
        const std::int64_t bytes = layout.blockBytes(std::int64_t(i));
        if (directory.addUse(layout.keys[i], {name, std::int64_t(i)}, layout.workers[i], bytes))
            adjustUsedBytes(layout.workers[i], bytes);
    }
    arrays[name] = std::move(info);
    if (replaced)
        forgetArray(name, *replaced);
    trimLineage();
    Q_EMIT q->arraysChanged();
}

void ClusterSession::Private::recordLineage(GraphRunner &runner)
{
    lineage.record(runner.takeTasks(), runner.resultTasks());
}

void ClusterSession::Private::forgetArray(const QString &name, const BlockLayout &layout)
{
    std::vector<QString> keys;
    std::vector<int> owners;
    for (std::size_t i = 0; i < layout.keys.size(); ++i) {
        const std::optional<int> worker = directory.removeUse(layout.keys[i], {name, std::int64_t(i)});
        if (!worker)
            continue;
        lineage.release(layout.keys[i]);
        keys.push_back(layout.keys[i]);
        owners.push_back(*worker);
        adjustUsedBytes(*worker, -layout.blockBytes(std::int64_t(i)));
    }
    releaseKeys(keys, owners);
}

// The lineage keeps what the blocks in memory were made from, and nothing else: it is told which
// blocks a run kept (recordLineage) and each block the directory frees (forgetArray).
void ClusterSession::Private::trimLineage()
{
    lineage.settle();
}

void ClusterSession::Private::adjustUsedBytes(int worker, std::int64_t bytes)
{
    if (worker < 0 || worker >= int(workers.size()))
        return;
    WorkerInfo &info = workers[std::size_t(worker)].info;
    info.memoryUsedBytes = std::max<std::int64_t>(0, info.memoryUsedBytes + bytes);
}

void ClusterSession::Private::releaseKeys(const std::vector<QString> &keys, const std::vector<int> &owners)
{
    GraphRunner::releaseBlocks(clients(), keys, owners);
}

// The session's blocks die with it: nobody else can name them, so workers that outlive the
// session (remote ones) would otherwise hold them until they are restarted.
void ClusterSession::Private::releaseAllArrays()
{
    std::vector<QString> keys;
    std::vector<int> owners;
    directory.forEach([&](const QString &key, const BlockDirectory::Entry &entry) {
        keys.push_back(key);
        owners.push_back(entry.worker);
    });
    arrays.clear();
    directory.clear();
    lineage.clear();
    releaseKeys(keys, owners);
    for (auto &worker : workers) {
        if (worker.client)
            worker.client->flush();
    }
}

} // namespace tessera
