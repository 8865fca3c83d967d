// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/region.h"
#include "core/status.h"

#include <QCborArray>
#include <QCborMap>
#include <QString>
#include <QStringList>

#include <vector>

namespace tessera {

// Message types: the "type" field of every frame header. Append-only; see docs/PROTOCOL.md.
namespace msg {
inline const QString Hello = QStringLiteral("hello");
inline const QString Auth = QStringLiteral("auth");
inline const QString Welcome = QStringLiteral("welcome");
inline const QString Error = QStringLiteral("error");
inline const QString Ok = QStringLiteral("ok");
inline const QString Status = QStringLiteral("status"); // -> ok {name, threads, memoryLimit, memoryUsed, blocks}
inline const QString Put = QStringLiteral("put");       // {key, shape, nan} + payload -> ok
inline const QString Get = QStringLiteral("get");       // {key, region?} -> block {shape, nan} + payload
inline const QString Block = QStringLiteral("block");
inline const QString Load = QStringLiteral("load"); // {key, path, variable, start, count} -> done
inline const QString Task = QStringLiteral("task"); // {op, task, inputs, store, return} -> done (+ payload)
inline const QString Done = QStringLiteral("done");
inline const QString Release = QStringLiteral("release"); // {keys, op?} -> ok {freed}
inline const QString Blocks = QStringLiteral("blocks");   // -> ok {keys: [[key, bytes]...]}
inline const QString Shutdown = QStringLiteral("shutdown");
} // namespace msg

// Field names used in several messages.
namespace field {
inline const QString Type = QStringLiteral("type");
inline const QString Id = QStringLiteral("id");
inline const QString Code = QStringLiteral("code");
inline const QString Message = QStringLiteral("message");
} // namespace field

QCborArray shapeToCbor(const Shape &shape);
Shape shapeFromCbor(const QCborArray &array);
QCborArray regionToCbor(const Region &region);
Region regionFromCbor(const QCborArray &array);

// A task as a worker receives it: the kernel and its parameters, and for each input the block
// key, the region read and the address of the peer holding it ("" when the worker has it).
// workerAddresses[i] is where worker i serves its blocks to peers.
QCborMap taskToCbor(const Task &task, const QStringList &workerAddresses);
struct WireTask
{
    tessera::Task task;
    std::vector<QString> sources; // per input: peer address, or empty when local
};
WireTask taskFromCbor(const QCborMap &map);

// The array in a "block" or "put" frame: {shape, nan} and payload; refuses a payload whose size
// does not match the shape.
Result<NdArray> blockFromFrame(const QCborMap &header, const ByteBuffer &payload);
QCborMap blockHeader(const NdArray &block);

// Typed errors travel as {type: "error", code, message}.
QCborMap errorReply(qint64 id, const tessera::Status &status);
tessera::Status statusFromErrorReply(const QCborMap &header);
QString errorCodeKey(ErrorCode code);
ErrorCode errorCodeFromKey(const QString &key);

} // namespace tessera
