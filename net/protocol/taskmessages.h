// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/protocol/cborbytes.h"
#include "net/protocol/messages.h"
#include "net/protocol/wiremap.h"

#include "core/plan/taskgraph.h"

#include <QCborMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace tessera::wire {

// The messages that move work: tasks and their replies, releases, block lists. As in
// messages.h, fromCbor() checks every field before anything is used.

// A task as a worker receives it: the kernel and its parameters, and for each input the block
// key, the region read and the address of the peer holding it ("" when the worker has it).
struct TaskRequest
{
    qint64 id = 0;
    QString operation{};
    tessera::Task task{};
    std::vector<QString> sources{}; // per input
    bool store = true;
    bool returnOutput = false;
    // workerAddresses[i] is where worker i serves its blocks to peers.
    static TaskRequest forTask(const tessera::Task &task, const QStringList &workerAddresses);
    // The wire form straight to `writer`, with `requestId` as its id; toCbor() is the same map.
    void write(CborBytes &writer, qint64 requestId) const;
    QCborMap toCbor() const;
    static Result<TaskRequest> fromCbor(const WireMap &map);
    bool operator==(const TaskRequest &) const = default;
};

// The reply to load and task: when the work ran, on which thread, what it moved; with the output
// as payload when the task was asked to return it.
struct Done
{
    qint64 id = 0;
    qint64 receivedMicros = 0;
    qint64 readyMicros = 0; // inputs in place (tasks)
    qint64 startMicros = 0;
    qint64 endMicros = 0;
    int thread = 0;
    std::int64_t fetchedBytes = 0;
    std::int64_t outputBytes = 0;
    std::optional<Shape> shape = std::nullopt; // of the returned output
    bool mayHaveNan = true;
    QCborMap toCbor() const;
    // Written straight to the frame (a worker sends one per task); toCbor() reads these bytes back.
    void write(CborBytes &writer) const;
    static Result<Done> fromCbor(const WireMap &map);
    bool operator==(const Done &) const = default;
};

struct Release
{
    qint64 id = 0;
    std::vector<QString> keys{};
    QString operation{}; // also drop what was fetched from peers for it
    // The wire form of a release of `keys` straight to `writer` (an array's 100,000 keys go in
    // batches, each a slice of one list); toCbor() is the same map.
    static void write(CborBytes &writer, qint64 requestId, std::span<const QString> keys, const QString &operation);
    QCborMap toCbor() const;
    static Result<Release> fromCbor(const WireMap &map);
    bool operator==(const Release &) const = default;
};

// Asks a worker what its memory sustains now, every kernel thread at once (see Ok).
struct Measure
{
    qint64 id = 0;
    std::int64_t bytes = 0; // the buffer, shared among the threads; small ones measure caches
    static constexpr std::int64_t MinBytes = std::int64_t(4) << 10;
    static constexpr std::int64_t MaxBytes = std::int64_t(1) << 30;
    QCborMap toCbor() const;
    static Result<Measure> fromCbor(const WireMap &map);
    bool operator==(const Measure &) const = default;
};

struct Ok
{
    qint64 id = 0;
    std::int64_t freedBytes = 0;
    // A measure's answer: bytes per second all the worker's threads read (and wrote) together.
    double readBytesPerSecond = 0;
    double writeBytesPerSecond = 0;
    QCborMap toCbor() const;
    static Result<Ok> fromCbor(const WireMap &map);
    bool operator==(const Ok &) const = default;
};

struct BlocksReply
{
    qint64 id = 0;
    std::vector<std::pair<QString, std::int64_t>> blocks{};
    QCborMap toCbor() const;
    static Result<BlocksReply> fromCbor(const WireMap &map);
    bool operator==(const BlocksReply &) const = default;
};

} // namespace tessera::wire
