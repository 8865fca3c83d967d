// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/messages.h"

#include <array>

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

} // namespace

QCborArray shapeToCbor(const Shape &shape)
{
    QCborArray array;
    for (std::int64_t extent : shape)
        array.append(qint64(extent));
    return array;
}

Shape shapeFromCbor(const QCborArray &array)
{
    Shape shape;
    for (const QCborValue &value : array)
        shape.push_back(value.toInteger());
    return shape;
}

QCborArray regionToCbor(const Region &region)
{
    QCborArray array;
    for (const AxisSlice &slice : region)
        array.append(QCborArray{qint64(slice.start), qint64(slice.count), qint64(slice.step), slice.drop});
    return array;
}

Region regionFromCbor(const QCborArray &array)
{
    Region region;
    for (const QCborValue &value : array) {
        const QCborArray slice = value.toArray();
        region.push_back({slice.at(0).toInteger(), slice.at(1).toInteger(), slice.at(2).toInteger(1), slice.at(3).toBool()});
    }
    return region;
}

QCborMap taskToCbor(const Task &task, const QStringList &workerAddresses)
{
    QCborMap map;
    map[QStringLiteral("id")] = task.id;
    map[QStringLiteral("kind")] = int(task.kind);
    map[QStringLiteral("out")] = task.outputKey;
    map[QStringLiteral("shape")] = shapeToCbor(task.outputShape);
    switch (task.kind) {
    case TaskKind::Unary: map[QStringLiteral("unary")] = int(task.unaryOp); break;
    case TaskKind::Binary:
        map[QStringLiteral("binary")] = int(task.binaryOp);
        if (task.constant) {
            map[QStringLiteral("constant")] = *task.constant;
            map[QStringLiteral("constantLeft")] = task.constantOnLeft;
        }
        break;
    case TaskKind::Partial:
    case TaskKind::Combine: {
        map[QStringLiteral("reduce")] = int(task.reduceOp);
        QCborArray axes;
        for (int axis : task.axes)
            axes.append(axis);
        map[QStringLiteral("axes")] = axes;
        map[QStringLiteral("ddof")] = task.ddof;
        map[QStringLiteral("finalize")] = task.finalize;
        break;
    }
    case TaskKind::Load:
    case TaskKind::Slice: break;
    }
    QCborArray inputs;
    for (const TaskInput &input : task.inputs) {
        QCborMap entry;
        entry[QStringLiteral("key")] = input.key;
        if (!input.region.empty())
            entry[QStringLiteral("region")] = regionToCbor(input.region);
        entry[QStringLiteral("bytes")] = qint64(input.bytes);
        if (input.worker != task.worker && input.worker >= 0 && input.worker < workerAddresses.size())
            entry[QStringLiteral("from")] = workerAddresses[input.worker];
        inputs.append(entry);
    }
    map[QStringLiteral("inputs")] = inputs;
    return map;
}

WireTask taskFromCbor(const QCborMap &map)
{
    WireTask wire;
    Task &task = wire.task;
    task.id = int(map.value(QStringLiteral("id")).toInteger());
    task.kind = TaskKind(map.value(QStringLiteral("kind")).toInteger());
    task.outputKey = map.value(QStringLiteral("out")).toString();
    task.outputShape = shapeFromCbor(map.value(QStringLiteral("shape")).toArray());
    task.unaryOp = UnaryOp(map.value(QStringLiteral("unary")).toInteger());
    task.binaryOp = BinaryOp(map.value(QStringLiteral("binary")).toInteger());
    if (map.contains(QStringLiteral("constant"))) {
        task.constant = map.value(QStringLiteral("constant")).toDouble();
        task.constantOnLeft = map.value(QStringLiteral("constantLeft")).toBool();
    }
    task.reduceOp = ReduceOp(map.value(QStringLiteral("reduce")).toInteger());
    for (const QCborValue &axis : map.value(QStringLiteral("axes")).toArray())
        task.axes.push_back(int(axis.toInteger()));
    task.ddof = int(map.value(QStringLiteral("ddof")).toInteger());
    task.finalize = map.value(QStringLiteral("finalize")).toBool();
    for (const QCborValue &value : map.value(QStringLiteral("inputs")).toArray()) {
        const QCborMap entry = value.toMap();
        TaskInput input;
        input.key = entry.value(QStringLiteral("key")).toString();
        input.region = regionFromCbor(entry.value(QStringLiteral("region")).toArray());
        input.bytes = entry.value(QStringLiteral("bytes")).toInteger();
        task.inputs.push_back(std::move(input));
        wire.sources.push_back(entry.value(QStringLiteral("from")).toString());
    }
    return wire;
}

Result<NdArray> blockFromFrame(const QCborMap &header, const ByteBuffer &payload)
{
    const Shape shape = shapeFromCbor(header.value(QStringLiteral("shape")).toArray());
    for (std::int64_t extent : shape) {
        if (extent < 0)
            return makeError(ErrorCode::Format, QStringLiteral("block shape %1 has a negative extent").arg(shapeToString(shape)));
    }
    if (elementCount(shape) * std::int64_t(sizeof(double)) != payload.size()) {
        return makeError(ErrorCode::Format, QStringLiteral("block of shape %1 needs %2 bytes but %3 arrived")
                                                .arg(shapeToString(shape))
                                                .arg(elementCount(shape) * std::int64_t(sizeof(double)))
                                                .arg(payload.size()));
    }
    NdArray block = payload.isEmpty() ? NdArray(shape) : NdArray::fromBuffer(shape, payload);
    block.setMayHaveNan(header.value(QStringLiteral("nan")).toBool(true));
    return block;
}

QCborMap blockHeader(const NdArray &block)
{
    return QCborMap{{QStringLiteral("shape"), shapeToCbor(block.shape())}, {QStringLiteral("nan"), block.mayHaveNan()}};
}

QString errorCodeKey(ErrorCode code)
{
    for (const auto &[candidate, key] : errorKeys) {
        if (candidate == code)
            return QString::fromLatin1(key);
    }
    return QStringLiteral("internal");
}

ErrorCode errorCodeFromKey(const QString &key)
{
    for (const auto &[code, candidate] : errorKeys) {
        if (key == QLatin1String(candidate))
            return code;
    }
    return ErrorCode::Internal;
}

QCborMap errorReply(qint64 id, const Status &status)
{
    return QCborMap{{field::Type, msg::Error},
                    {field::Id, id},
                    {field::Code, errorCodeKey(status.code())},
                    {field::Message, status.message()}};
}

Status statusFromErrorReply(const QCborMap &header)
{
    return Status(errorCodeFromKey(header.value(field::Code).toString()), header.value(field::Message).toString());
}

} // namespace tessera
