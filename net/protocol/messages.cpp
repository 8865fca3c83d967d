// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/messages.h"

#include "net/protocol/cborfields.h"
#include "net/protocol/frame.h"
#include "net/protocol/hostport.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

const std::array<std::pair<ErrorCode, const char *>, 12> errorKeys{{
    {ErrorCode::Ok, "ok"},
    {ErrorCode::InvalidArgument, "invalid"},
    {ErrorCode::NotFound, "notfound"},
    {ErrorCode::Io, "io"},
    {ErrorCode::Format, "format"},
    {ErrorCode::ShapeMismatch, "shape"},
    {ErrorCode::Syntax, "syntax"},
    {ErrorCode::Network, "network"},
    {ErrorCode::Auth, "auth"},
    {ErrorCode::Memory, "memory"},
    {ErrorCode::Cancelled, "cancelled"},
    {ErrorCode::Internal, "internal"},
}};

std::optional<ErrorCode> errorCodeFromKey(const QString &key)
{
    if (key == u"version"_s) // the handshake's refusal of another protocol version
        return ErrorCode::InvalidArgument;
    for (const auto &[code, candidate] : errorKeys) {
        if (key == QLatin1StringView(candidate))
            return code;
    }
    return std::nullopt;
}

constexpr qint64 maxCount = qint64(1) << 62;
constexpr qint64 maxInt = std::numeric_limits<int>::max();

} // namespace

QCborArray shapeToCbor(const Shape &shape)
{
    QCborArray array;
    for (std::int64_t extent : shape)
        array.append(qint64(extent));
    return array;
}

QCborArray regionToCbor(const Region &region)
{
    QCborArray array;
    for (const AxisSlice &slice : region)
        array.append(QCborArray{qint64(slice.start), qint64(slice.count), qint64(slice.step), slice.drop});
    return array;
}

QString errorCodeKey(ErrorCode code)
{
    for (const auto &[candidate, key] : errorKeys) {
        if (candidate == code)
            return QString::fromLatin1(key);
    }
    return u"internal"_s;
}

namespace wire {

Result<Envelope> Envelope::fromCbor(const WireMap &map)
{
    CborFields fields(map, u"frame header"_s);
    Envelope envelope;
    envelope.type = fields.text("type", MaxNameLength);
    envelope.id = fields.integer("id", 0, std::numeric_limits<qint64>::max(), 0);
    return fields.finish(envelope);
}

qint64 Envelope::idOf(const WireMap &map)
{
    const WireValue id = map.value(field::Id);
    return id.isInteger() && id.toInteger() >= 0 ? id.toInteger() : 0;
}

QCborMap Hello::toCbor() const
{
    return QCborMap{{field::Type, msg::Hello}, {u"version"_s, version}, {u"nonce"_s, nonce},
                    {u"name"_s, name},         {u"threads"_s, threads}, {u"memoryLimit"_s, qint64(memoryLimitBytes)},
                    {u"listen"_s, listen},     {u"host"_s, host}};
}

Result<Hello> Hello::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Hello);
    Hello hello;
    fields.head(msg::Hello, false);
    hello.version = fields.integer("version", 0, 0xffff);
    hello.nonce = fields.bytes("nonce", 64);
    hello.name = fields.text("name", MaxNameLength);
    hello.threads = int(fields.integer("threads", 1, 4096));
    hello.memoryLimitBytes = fields.integer("memoryLimit", 0, maxCount);
    hello.listen = fields.text("listen", MaxPathLength, QString());
    hello.host = fields.text("host", MaxNameLength, QString());
    if (fields.isOk() && !hello.listen.isEmpty() && !parseHostPort(hello.listen).isOk())
        fields.fail("listen", u"is not HOST:PORT"_s);
    return fields.finish(hello);
}

QCborMap Auth::toCbor() const
{
    return QCborMap{{field::Type, msg::Auth}, {u"version"_s, version}, {u"mac"_s, mac}, {u"role"_s, role}};
}

Result<Auth> Auth::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Auth);
    Auth auth;
    fields.head(msg::Auth, false);
    auth.version = fields.integer("version", 0, 0xffff);
    auth.mac = fields.bytes("mac", 64);
    auth.role = fields.text("role", MaxNameLength);
    if (fields.isOk() && auth.role != u"client"_s && auth.role != u"peer"_s)
        fields.fail("role", u"is '%1'; it must be 'client' or 'peer'"_s.arg(auth.role));
    return fields.finish(auth);
}

QCborMap Error::toCbor() const
{
    QCborMap map{{field::Type, msg::Error},
                 {field::Id, id},
                 {field::Code, errorCodeKey(status.code())},
                 {field::Message, status.message()}};
    if (!peer.isEmpty())
        map[u"peer"_s] = peer;
    return map;
}

Result<Error> Error::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Error);
    Error error;
    error.id = fields.head(msg::Error, false);
    const QString code = fields.text("code", MaxNameLength);
    const QString message = fields.text("message", MaxTextLength);
    error.peer = fields.text("peer", MaxPathLength, QString());
    const std::optional<ErrorCode> known = fields.isOk() ? errorCodeFromKey(code) : std::nullopt;
    if (fields.isOk() && (!known || *known == ErrorCode::Ok))
        fields.fail("code", u"is '%1', not an error code this build knows"_s.arg(code));
    if (fields.isOk() && message.trimmed().isEmpty()) // the user would be told nothing
        fields.fail("message", u"is empty; an error must say what went wrong"_s);
    if (fields.isOk())
        error.status = Status(*known, message);
    return fields.finish(error);
}

QCborMap StatusReply::toCbor() const
{
    return QCborMap{{field::Type, msg::Ok},
                    {field::Id, id},
                    {u"name"_s, name},
                    {u"threads"_s, threads},
                    {u"memoryLimit"_s, qint64(memoryLimitBytes)},
                    {u"memoryUsed"_s, qint64(memoryUsedBytes)},
                    {u"memoryPeak"_s, qint64(memoryPeakBytes)},
                    {u"memoryReserve"_s, qint64(memoryReserveBytes)},
                    {u"blocks"_s, blocks},
                    {u"busy"_s, busy},
                    {u"listen"_s, listen}};
}

Result<StatusReply> StatusReply::fromCbor(const WireMap &map)
{
    CborFields fields(map, u"status reply"_s);
    StatusReply reply;
    reply.id = fields.head(msg::Ok);
    reply.name = fields.text("name", MaxNameLength);
    reply.threads = int(fields.integer("threads", 1, 4096));
    reply.memoryLimitBytes = fields.integer("memoryLimit", 0, maxCount);
    reply.memoryUsedBytes = fields.integer("memoryUsed", 0, maxCount);
    reply.memoryPeakBytes = fields.integer("memoryPeak", 0, maxCount, 0);
    reply.memoryReserveBytes = fields.integer("memoryReserve", 0, maxCount, 0);
    reply.blocks = int(fields.integer("blocks", 0, maxInt));
    reply.busy = int(fields.integer("busy", 0, maxInt));
    reply.listen = fields.text("listen", MaxPathLength, QString());
    return fields.finish(reply);
}

QCborMap Put::toCbor() const
{
    return QCborMap{
        {field::Type, msg::Put}, {field::Id, id}, {u"key"_s, key}, {u"shape"_s, shapeToCbor(shape)}, {u"nan"_s, mayHaveNan}};
}

Result<Put> Put::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Put);
    Put put;
    put.id = fields.head(msg::Put);
    put.key = fields.key();
    put.shape = fields.shape("shape");
    put.mayHaveNan = fields.boolean("nan", true);
    return fields.finish(put);
}

QCborMap Get::toCbor() const
{
    QCborMap map{{field::Type, msg::Get}, {field::Id, id}, {u"key"_s, key}};
    if (!region.empty())
        map[u"region"_s] = regionToCbor(region);
    return map;
}

Result<Get> Get::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Get);
    Get get;
    get.id = fields.head(msg::Get);
    get.key = fields.key();
    get.region = fields.region("region");
    return fields.finish(get);
}

QCborMap Block::toCbor() const
{
    QCborMap map{{field::Type, msg::Block}, {field::Id, id}, {u"shape"_s, shapeToCbor(shape)}, {u"nan"_s, mayHaveNan}};
    if (!uniformPlanes.empty()) {
        QCborArray planes;
        for (quint64 bits : uniformPlanes)
            planes.append(qint64(bits));
        map.insert(u"planes"_s, planes);
    }
    return map;
}

Result<Block> Block::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Block);
    Block block;
    block.id = fields.head(msg::Block);
    block.shape = fields.shape("shape");
    block.mayHaveNan = fields.boolean("nan", true);
    const WireList planes = fields.array("planes", MaxUniformPlanes, true);
    for (const WireValue &bits : planes) {
        if (!bits.isInteger()) {
            fields.fail("planes", u"must hold the bits of doubles as integers"_s);
            break;
        }
        block.uniformPlanes.push_back(quint64(bits.toInteger()));
    }
    // At most half the planes: the block a receiver makes is then at most twice the payload,
    // which the frame limits bound.
    if (fields.isOk() && planes.size() > 0 && (block.shape.empty() || 2 * qint64(planes.size()) > block.shape.front()))
        fields.fail("planes", u"names more uniform planes than half the block's"_s);
    return fields.finish(block);
}

QCborMap Load::toCbor() const
{
    return QCborMap{{field::Type, msg::Load},
                    {field::Id, id},
                    {u"key"_s, key},
                    {u"path"_s, source.path},
                    {u"variable"_s, source.variable},
                    {u"start"_s, qint64(source.start)},
                    {u"count"_s, qint64(source.count)},
                    {u"shape"_s, shapeToCbor(shape)}};
}

Result<Load> Load::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Load);
    Load load;
    load.id = fields.head(msg::Load);
    load.key = fields.key();
    load.source.path = fields.text("path", MaxPathLength);
    load.source.variable = fields.text("variable", MaxPathLength);
    load.source.start = fields.integer("start", 0, maxCount);
    load.source.count = fields.integer("count", -1, maxCount, -1);
    load.shape = fields.shape("shape");
    if (fields.isOk() && (load.source.path.isEmpty() || load.source.variable.isEmpty()))
        fields.fail(load.source.path.isEmpty() ? "path" : "variable", u"is empty"_s);
    return fields.finish(load);
}

} // namespace wire

Result<NdArray> arrayFromPayload(const Shape &shape, bool mayHaveNan, const ByteBuffer &payload)
{
    const std::optional<std::int64_t> bytes = checkedByteSize(shape);
    if (!bytes)
        return makeError(ErrorCode::Format, u"block shape %1 is not a shape Tessera accepts"_s.arg(shapeToString(shape)));
    if (*bytes != payload.size()) {
        return makeError(
            ErrorCode::Format,
            u"block of shape %1 needs %2 bytes but %3 arrived"_s.arg(shapeToString(shape)).arg(*bytes).arg(payload.size()));
    }
    NdArray block = payload.isEmpty() ? NdArray(shape) : NdArray::fromBuffer(shape, payload);
    block.setMayHaveNan(mayHaveNan);
    return block;
}

bool isErrorReply(const WireMap &header)
{
    return header.value(field::Type).isText(msg::Error);
}

namespace {

// Smaller planes (8 kB) cross even a slow link in less than a round trip: not worth a look.
constexpr std::int64_t MinUniformPlaneElements = 1024;

bool isUniform(const double *values, std::int64_t count)
{
    return std::all_of(values + 1, values + count, [first = values](const double &value) {
        return std::memcmp(&value, first, sizeof(double)) == 0; // bits: NaN and -0.0 as they are
    });
}

// Fills the uniform planes and copies the payload behind them, after checking its size.
Result<NdArray> arrayWithUniformPlanes(const wire::Block &block, const ByteBuffer &payload)
{
    const std::optional<std::int64_t> bytes = checkedByteSize(block.shape);
    if (!bytes)
        return makeError(ErrorCode::Format, u"block shape %1 is not a shape Tessera accepts"_s.arg(shapeToString(block.shape)));
    const std::int64_t planeElements = block.shape.front() == 0 ? 0 : *bytes / 8 / block.shape.front();
    const std::int64_t uniformElements = planeElements * std::int64_t(block.uniformPlanes.size());
    if (payload.size() != *bytes - uniformElements * 8) {
        return makeError(ErrorCode::Format, u"block of shape %1 with %2 uniform planes needs %3 bytes but %4 arrived"_s
                                                .arg(shapeToString(block.shape))
                                                .arg(block.uniformPlanes.size())
                                                .arg(*bytes - uniformElements * 8)
                                                .arg(payload.size()));
    }
    NdArray array(block.shape);
    double *out = array.data();
    for (quint64 bits : block.uniformPlanes) {
        const auto value = std::bit_cast<double>(bits);
        out = std::fill_n(out, planeElements, value);
    }
    if (!payload.isEmpty()) // a block with an empty axis has no bytes, and no buffer to copy from
        std::memcpy(out, payload.data(), std::size_t(payload.size()));
    array.setMayHaveNan(block.mayHaveNan);
    return array;
}

} // namespace

BlockReply blockReply(qint64 id, const NdArray &value)
{
    wire::Block header{id, value.shape(), value.mayHaveNan()};
    const std::int64_t planeElements = value.rank() == 0 || value.shape().front() == 0 ? 0 : value.size() / value.shape().front();
    const double *data = value.data();
    std::int64_t planes = 0;
    if (planeElements >= MinUniformPlaneElements) {
        const std::int64_t most = std::min<std::int64_t>(wire::MaxUniformPlanes, value.shape().front() / 2);
        while (planes < most && isUniform(data + planes * planeElements, planeElements))
            header.uniformPlanes.push_back(std::bit_cast<quint64>(data[planes++ * planeElements]));
    }
    const std::int64_t skipped = planes * planeElements * 8;
    return {header.toCbor(), QByteArrayView(value.bytes() + skipped, value.byteSize() - skipped)};
}

Result<NdArray> blockFromReply(const WireMap &header, const ByteBuffer &payload)
{
    if (isErrorReply(header))
        return statusFromErrorReply(header);
    const Result<wire::Block> block = wire::Block::fromCbor(header);
    if (!block.isOk())
        return block.status();
    if (!block->uniformPlanes.empty())
        return arrayWithUniformPlanes(*block, payload);
    return arrayFromPayload(block->shape, block->mayHaveNan, payload);
}

QCborMap errorReply(qint64 id, const Status &status, const QString &unreachablePeer)
{
    return wire::Error{id, status, unreachablePeer}.toCbor();
}

QString unreachablePeerOf(const WireMap &header)
{
    const Result<wire::Error> error = wire::Error::fromCbor(header);
    return error.isOk() ? error->peer : QString();
}

Status statusFromErrorReply(const WireMap &header)
{
    const Result<wire::Error> error = wire::Error::fromCbor(header);
    return error.isOk() ? error->status : error.status();
}

} // namespace tessera
