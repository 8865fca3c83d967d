// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/bytebuffer.h"
#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/region.h"
#include "core/status.h"
#include "net/protocol/wiremap.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborArray>
#include <QCborMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace tessera {

// Message types: the "type" field of every frame header. Append-only; see docs/PROTOCOL.md.
namespace msg {
inline const QString Hello = QStringLiteral("hello");
inline const QString Auth = QStringLiteral("auth");
inline const QString Welcome = QStringLiteral("welcome");
inline const QString Error = QStringLiteral("error");
inline const QString Ok = QStringLiteral("ok");
inline const QString Status = QStringLiteral("status");
inline const QString Put = QStringLiteral("put");
inline const QString Get = QStringLiteral("get");
inline const QString Block = QStringLiteral("block");
inline const QString Load = QStringLiteral("load");
inline const QString Task = QStringLiteral("task");
inline const QString Done = QStringLiteral("done");
inline const QString Release = QStringLiteral("release");
inline const QString Blocks = QStringLiteral("blocks");
inline const QString Shutdown = QStringLiteral("shutdown");
inline const QString Ping = QStringLiteral("ping");
inline const QString Measure = QStringLiteral("measure");
} // namespace msg

// Field names used in several messages.
namespace field {
inline const QString Type = QStringLiteral("type");
inline const QString Id = QStringLiteral("id");
inline const QString Code = QStringLiteral("code");
inline const QString Message = QStringLiteral("message");
} // namespace field

QCborArray shapeToCbor(const Shape &shape);
QCborArray regionToCbor(const Region &region);
QString errorCodeKey(ErrorCode code);

// One struct per message. toCbor() writes its wire form; fromCbor() checks every field (types,
// ranges, lengths, shapes whose byte size is computed without overflow, enum values, fields that
// must be there) and returns ErrorCode::Format naming the message and the field. Nothing from a
// frame is used before it has passed fromCbor(). Fields as in docs/PROTOCOL.md. Members start
// empty ({}), so a short aggregate initializer such as Get{id, key} sets every field.
namespace wire {

// What every frame header starts with: its type, and the request id (0 in the handshake).
struct Envelope
{
    QString type{};
    qint64 id = 0;
    static Result<Envelope> fromCbor(const WireMap &map);
    // The id alone, so that a header whose type is broken is still answered as its request;
    // 0 when the id itself cannot be read.
    static qint64 idOf(const WireMap &map);
};

struct Hello
{
    qint64 version = 0;
    QByteArray nonce{};
    QString name{};
    int threads = 1;
    std::int64_t memoryLimitBytes = 0;
    QString listen{};
    QString host{}; // the machine's name, so a user sees which workers share one
    QCborMap toCbor() const;
    static Result<Hello> fromCbor(const WireMap &map);
    bool operator==(const Hello &) const = default;
};

struct Auth
{
    qint64 version = 0;
    QByteArray mac{};
    QString role{}; // "client" or "peer"
    QCborMap toCbor() const;
    static Result<Auth> fromCbor(const WireMap &map);
    bool operator==(const Auth &) const = default;
};

// A typed error reply: {type: "error", id, code, message}, and `peer` when the request failed
// because the worker could not reach that peer.
struct Error
{
    qint64 id = 0;
    Status status{};
    QString peer{};
    QCborMap toCbor() const;
    static Result<Error> fromCbor(const WireMap &map);
    bool operator==(const Error &) const = default;
};

struct StatusReply
{
    qint64 id = 0;
    QString name{};
    int threads = 1;
    std::int64_t memoryLimitBytes = 0;
    std::int64_t memoryUsedBytes = 0;
    int blocks = 0;
    int busy = 0;
    QString listen{};
    std::int64_t memoryPeakBytes = 0;    // the most held since the worker's previous status reply
    std::int64_t memoryReserveBytes = 0; // faulted-in free memory kept for the next results
    QCborMap toCbor() const;
    static Result<StatusReply> fromCbor(const WireMap &map);
    bool operator==(const StatusReply &) const = default;
};

// put, with the block as payload.
struct Put
{
    qint64 id = 0;
    QString key{};
    Shape shape{};
    bool mayHaveNan = true;
    QCborMap toCbor() const;
    static Result<Put> fromCbor(const WireMap &map);
    bool operator==(const Put &) const = default;
};

struct Get
{
    qint64 id = 0;
    QString key{};
    Region region{}; // empty: the whole block
    QCborMap toCbor() const;
    static Result<Get> fromCbor(const WireMap &map);
    bool operator==(const Get &) const = default;
};

// The reply to get: the block (or its region) as payload.
// The most leading planes a block reply may send as one value each: states have at most 3 planes.
inline constexpr int MaxUniformPlanes = 4;

struct Block
{
    qint64 id = 0;
    Shape shape{};
    bool mayHaveNan = true;
    // Leading planes (along the first axis) that hold one value throughout, as that value's bits;
    // they are not in the payload. At most half the planes. A reduction's state of NaN-free input
    // has a uniform count plane.
    std::vector<quint64> uniformPlanes{};
    QCborMap toCbor() const;
    static Result<Block> fromCbor(const WireMap &map);
    bool operator==(const Block &) const = default;
};

struct Load
{
    qint64 id = 0;
    QString key{};
    LoadSource source{};
    Shape shape{}; // what the slab must be
    QCborMap toCbor() const;
    static Result<Load> fromCbor(const WireMap &map);
    bool operator==(const Load &) const = default;
};

} // namespace wire

// The array of a put or block frame, once the header passed fromCbor(): refuses a payload whose
// size does not match the shape.
Result<NdArray> arrayFromPayload(const Shape &shape, bool mayHaveNan, const ByteBuffer &payload);

// A get's answer: the header, and the bytes to send (a view into `value`), leaving out leading
// planes of one value when they are large enough to be worth the scan.
struct BlockReply
{
    QCborMap header;
    QByteArrayView payload;
};
BlockReply blockReply(qint64 id, const NdArray &value);
// A block reply or an error reply, read and checked: the block, or the error it carries.
Result<NdArray> blockFromReply(const WireMap &header, const ByteBuffer &payload);
// An error reply's status; a reply that is not a valid error becomes a Format error.
tessera::Status statusFromErrorReply(const WireMap &header);
QCborMap errorReply(qint64 id, const tessera::Status &status, const QString &unreachablePeer = {});
// The peer an error reply says could not be reached ("host:port"), or empty.
QString unreachablePeerOf(const WireMap &header);
bool isErrorReply(const WireMap &header);

} // namespace tessera
