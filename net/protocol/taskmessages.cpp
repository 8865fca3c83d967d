// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/taskmessages.h"

#include "net/protocol/cborfields.h"
#include "net/protocol/hostport.h"

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::wire {

namespace {

constexpr qint64 maxMicros = qint64(1) << 62;
constexpr qint64 maxCount = qint64(1) << 62;
constexpr int maxInputs = 1 << 16;
constexpr int maxValues = 1 << 24; // polyfit's x: one per step along the fitted axis

// Tasks are written straight to CBOR, not built as a QCborMap first: a task's request was a
// fifth of the client's time on a graph of 110,000 small tasks, most of it allocating the map's
// values. The bytes are the same as a QCborMap of the same fields, in the same order.
void writeShape(CborBytes &writer, const Shape &shape)
{
    writer.startArray(quint64(shape.size()));
    for (std::int64_t extent : shape)
        writer.append(qint64(extent));
    writer.endArray();
}

void writeAxes(CborBytes &writer, const std::vector<int> &axes)
{
    writer.append("axes"_L1);
    writer.startArray(quint64(axes.size()));
    for (int axis : axes)
        writer.append(axis);
    writer.endArray();
}

void writeRegion(CborBytes &writer, const Region &region)
{
    writer.startArray(quint64(region.size()));
    for (const AxisSlice &slice : region) {
        writer.startArray(4);
        writer.append(qint64(slice.start));
        writer.append(qint64(slice.count));
        writer.append(qint64(slice.step));
        writer.append(slice.drop);
        writer.endArray();
    }
    writer.endArray();
}

void writeInputs(CborBytes &writer, const Task &task, const std::vector<QString> &sources)
{
    writer.append("inputs"_L1);
    writer.startArray(quint64(task.inputs.size()));
    for (std::size_t i = 0; i < task.inputs.size(); ++i) {
        const TaskInput &input = task.inputs[i];
        const bool from = i < sources.size() && !sources[i].isEmpty();
        writer.startMap(2 + quint64(!input.region.empty()) + quint64(!input.view.empty()) + quint64(from));
        writer.append("key"_L1);
        writer.append(input.key);
        if (!input.region.empty()) {
            writer.append("region"_L1);
            writeRegion(writer, input.region);
        }
        writer.append("bytes"_L1);
        writer.append(qint64(input.bytes));
        if (!input.view.empty()) {
            writer.append("view"_L1);
            writeShape(writer, input.view);
        }
        if (from) {
            writer.append("from"_L1);
            writer.append(sources[i]);
        }
        writer.endMap();
    }
    writer.endArray();
}

// The fields only some kinds have, after id, kind, out and shape. A CBOR map declares its entry
// count first, so this must match writeKindFields field for field (endMap() checks it).
quint64 kindFieldCount(const Task &task)
{
    switch (task.kind) {
    case TaskKind::Unary:
    case TaskKind::Select:
    case TaskKind::Rechunk: return 1;
    case TaskKind::Binary: return task.constant ? 3 : 1;
    case TaskKind::Partial:
    case TaskKind::Combine: return 4;
    case TaskKind::Quantile:
    case TaskKind::Polyfit:
    case TaskKind::Gram:
    case TaskKind::Eigen:
    case TaskKind::Project:
    case TaskKind::Store: return 3;
    case TaskKind::Load:
    case TaskKind::Slice: return 0;
    }
    return 0;
}

void writeKindFields(CborBytes &writer, const Task &task)
{
    switch (task.kind) {
    case TaskKind::Unary:
        writer.append("unary"_L1);
        writer.append(int(task.unaryOp));
        break;
    case TaskKind::Binary:
        writer.append("binary"_L1);
        writer.append(int(task.binaryOp));
        if (task.constant) {
            writer.append("constant"_L1);
            writer.append(*task.constant);
            writer.append("constantLeft"_L1);
            writer.append(task.constantOnLeft);
        }
        break;
    case TaskKind::Partial:
    case TaskKind::Combine:
        writer.append("reduce"_L1);
        writer.append(int(task.reduceOp));
        writeAxes(writer, task.axes);
        writer.append("ddof"_L1);
        writer.append(task.ddof);
        writer.append("finalize"_L1);
        writer.append(task.finalize);
        break;
    case TaskKind::Select:
        writer.append("constants"_L1);
        writer.startArray(quint64(task.operandConstants.size()));
        for (const std::optional<double> &constant : task.operandConstants) {
            if (constant)
                writer.append(*constant);
            else
                writer.append(nullptr);
        }
        writer.endArray();
        break;
    case TaskKind::Rechunk:
        writer.append("grid"_L1);
        writeShape(writer, task.pieceGrid);
        break;
    case TaskKind::Quantile:
    case TaskKind::Polyfit:
    case TaskKind::Gram:
    case TaskKind::Eigen:
    case TaskKind::Project:
        writeAxes(writer, task.axes);
        writer.append("values"_L1);
        writer.startArray(quint64(task.values.size()));
        for (double value : task.values)
            writer.append(value);
        writer.endArray();
        writer.append("order"_L1);
        writer.append(task.order);
        break;
    case TaskKind::Store:
        writer.append("folder"_L1);
        writer.append(task.store.folder);
        writer.append("metadata"_L1);
        writer.startMap(quint64(task.store.metadata.size()));
        for (const auto &[name, bytes] : task.store.metadata) {
            writer.append(name);
            writer.append(bytes);
        }
        writer.endMap();
        writer.append("origin"_L1);
        writeShape(writer, task.store.origin);
        break;
    case TaskKind::Load:
    case TaskKind::Slice: break;
    }
}

void writeTask(CborBytes &writer, const Task &task, const std::vector<QString> &sources)
{
    writer.startMap(5 + kindFieldCount(task));
    writer.append("id"_L1);
    writer.append(task.id);
    writer.append("kind"_L1);
    writer.append(int(task.kind));
    writer.append("out"_L1);
    writer.append(task.outputKey);
    writer.append("shape"_L1);
    writeShape(writer, task.outputShape);
    writeKindFields(writer, task);
    writeInputs(writer, task, sources);
    [[maybe_unused]] const bool complete = writer.endMap();
    Q_ASSERT(complete);
}

// A message written straight to CBOR, as the map Qt reads from those bytes: toCbor() of the
// messages that are written so, with one encoder for both forms.
template <typename Write>
QCborMap readBack(const Write &write)
{
    QByteArray bytes;
    CborBytes writer(bytes);
    write(writer);
    return QCborValue::fromCbor(bytes).toMap();
}

void readAxes(CborFields &fields, Task &task)
{
    for (const WireValue &axis : fields.array("axes", MaxRank, true)) {
        if (!axis.isInteger() || axis.toInteger() < 0 || axis.toInteger() >= MaxRank
            || (!task.axes.empty() && axis.toInteger() <= task.axes.back())) {
            fields.fail("axes", u"must be increasing axis numbers from 0 to %1"_s.arg(MaxRank - 1));
            return;
        }
        task.axes.push_back(int(axis.toInteger()));
    }
}

// Quantiles, polyfit's x (one per step of a block: bounded like a block's extent), EOF modes.
void readAnalysis(CborFields &fields, Task &task)
{
    readAxes(fields, task);
    for (const WireValue &value : fields.array("values", maxValues, true)) {
        if (!value.isDouble() && !value.isInteger()) {
            fields.fail("values", u"must hold numbers"_s);
            return;
        }
        task.values.push_back(value.toDouble());
    }
    task.order = int(fields.integer("order", 0, maxValues, 0));
}

// A Zarr array's folder, its metadata files (a few, of a few megabytes at most: the worker
// parses them as the untrusted JSON they are) and the block's origin.
void readStoreTarget(CborFields &fields, Task &task)
{
    constexpr qsizetype maxMetadataFiles = 4;
    constexpr qsizetype maxMetadataBytes = 4 << 20;
    task.store.folder = fields.text("folder", MaxPathLength);
    const WireMap metadata = fields.map("metadata");
    task.store.origin = fields.shape("origin");
    if (!fields.isOk())
        return;
    if (metadata.size() > maxMetadataFiles) {
        fields.fail("metadata", u"names %1 files; an array has at most %2"_s.arg(metadata.size()).arg(maxMetadataFiles));
        return;
    }
    for (qsizetype i = 0; i < metadata.size(); ++i) {
        const WireValue json = metadata.valueAt(i);
        if (!json.isByteArray() || json.toByteArray().size() > maxMetadataBytes) {
            fields.fail("metadata", u"must map file names to JSON of at most %1 bytes"_s.arg(maxMetadataBytes));
            return;
        }
        task.store.metadata.emplace_back(metadata.keyAt(i).toString(), json.toByteArray());
    }
}

// The kernel's parameters, each in range for its kind; a binary task with a constant has one
// input, without one two.
void readKernel(CborFields &fields, Task &task)
{
    switch (task.kind) {
    case TaskKind::Unary: task.unaryOp = UnaryOp(fields.integer("unary", 0, int(UnaryOp::Not))); break;
    case TaskKind::Binary:
        task.binaryOp = BinaryOp(fields.integer("binary", 0, int(BinaryOp::Maximum)));
        if (fields.has("constant")) {
            task.constant = fields.number("constant");
            task.constantOnLeft = fields.boolean("constantLeft", false);
        }
        break;
    case TaskKind::Partial:
    case TaskKind::Combine: {
        task.reduceOp = ReduceOp(fields.integer("reduce", 0, int(ReduceOp::Var)));
        readAxes(fields, task);
        task.ddof = int(fields.integer("ddof", 0, 1 << 30, 0));
        task.finalize = fields.boolean("finalize", false);
        break;
    }
    case TaskKind::Select: {
        const WireList constants = fields.array("constants", 3);
        for (const WireValue &constant : constants) {
            if (!constant.isNull() && !constant.isDouble() && !constant.isInteger()) {
                fields.fail("constants", u"must hold numbers or nulls"_s);
                break;
            }
            task.operandConstants.push_back(constant.isNull() ? std::nullopt : std::optional<double>(constant.toDouble()));
        }
        if (fields.isOk() && constants.size() != 3)
            fields.fail("constants", u"must have an entry for each of condition, a and b"_s);
        break;
    }
    case TaskKind::Rechunk: task.pieceGrid = fields.shape("grid"); break;
    case TaskKind::Quantile:
    case TaskKind::Polyfit:
    case TaskKind::Gram:
    case TaskKind::Eigen:
    case TaskKind::Project: readAnalysis(fields, task); break;
    case TaskKind::Store: readStoreTarget(fields, task); break;
    case TaskKind::Load:
    case TaskKind::Slice: break;
    }
}

void readInputs(CborFields &fields, Task &task, std::vector<QString> &sources)
{
    const WireList inputs = fields.array("inputs", maxInputs);
    for (qsizetype i = 0; i < inputs.size() && fields.isOk(); ++i) {
        const WireValue item = inputs.at(i);
        if (!item.isMap()) {
            fields.fail("inputs", u"must hold maps"_s);
            return;
        }
        CborFields entry(item.toMap(), u"task input"_s, i);
        TaskInput input;
        input.key = entry.key();
        input.region = entry.region("region");
        input.bytes = entry.integer("bytes", 0, maxCount, 0);
        if (entry.has("view"))
            input.view = entry.shape("view");
        const QString from = entry.text("from", MaxPathLength, QString());
        if (entry.isOk() && !from.isEmpty() && !parseHostPort(from).isOk())
            entry.fail("from", u"is not HOST:PORT"_s);
        if (!entry.isOk()) {
            fields.fail("inputs", entry.status().message());
            return;
        }
        task.inputs.push_back(std::move(input));
        sources.push_back(from);
    }
}

void checkInputCount(CborFields &fields, const Task &task)
{
    const std::size_t count = task.inputs.size();
    std::size_t expected = 0; // 0: one or more
    if (task.kind == TaskKind::Slice || task.kind == TaskKind::Unary || task.kind == TaskKind::Quantile
        || task.kind == TaskKind::Polyfit || task.kind == TaskKind::Gram || task.kind == TaskKind::Eigen
        || task.kind == TaskKind::Store)
        expected = 1;
    else if (task.kind == TaskKind::Project)
        expected = 2;
    else if (task.kind == TaskKind::Rechunk)
        expected = std::size_t(std::max<std::int64_t>(1, elementCount(task.pieceGrid)));
    else if (task.kind == TaskKind::Binary)
        expected = task.constant ? 1 : 2;
    else if (task.kind == TaskKind::Select)
        expected = std::size_t(std::count(task.operandConstants.begin(), task.operandConstants.end(), std::nullopt));
    if ((expected == 0 && count == 0) || (expected > 0 && count != expected)) {
        fields.fail("inputs", u"has %1 entries; a %2 task takes %3"_s.arg(count).arg(
                                  taskKindName(task.kind), expected ? QString::number(expected) : u"one or more"_s));
    }
}

Result<std::pair<Task, std::vector<QString>>> taskFromCbor(const WireMap &map)
{
    CborFields fields(map, u"task"_s);
    Task task;
    std::vector<QString> sources;
    task.id = int(fields.integer("id", 0, std::numeric_limits<int>::max()));
    task.kind = TaskKind(fields.integer("kind", int(TaskKind::Slice), int(TaskKind::Store)));
    task.outputKey = fields.key("out");
    task.outputShape = fields.shape("shape");
    if (fields.isOk())
        readKernel(fields, task);
    if (fields.isOk())
        readInputs(fields, task, sources);
    if (fields.isOk())
        checkInputCount(fields, task);
    if (!fields.isOk())
        return fields.status();
    return std::pair{std::move(task), std::move(sources)};
}

} // namespace

TaskRequest TaskRequest::forTask(const Task &task, const QStringList &workerAddresses)
{
    TaskRequest request;
    request.task = task;
    for (const TaskInput &input : task.inputs) {
        const bool remote = input.worker != task.worker && input.worker >= 0 && input.worker < workerAddresses.size();
        request.sources.push_back(remote ? workerAddresses[input.worker] : QString());
    }
    return request;
}

void TaskRequest::write(CborBytes &writer, qint64 requestId) const
{
    writer.startMap(6);
    writer.append(field::Type);
    writer.append(msg::Task);
    writer.append(field::Id);
    writer.append(requestId);
    writer.append("op"_L1);
    writer.append(operation);
    writer.append("task"_L1);
    writeTask(writer, task, sources);
    writer.append("store"_L1);
    writer.append(store);
    writer.append("return"_L1);
    writer.append(returnOutput);
    writer.endMap();
}

QCborMap TaskRequest::toCbor() const
{
    return readBack([this](CborBytes &writer) { write(writer, id); });
}

Result<TaskRequest> TaskRequest::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Task);
    TaskRequest request;
    request.id = fields.head(msg::Task);
    request.operation = fields.text("op", MaxNameLength, QString());
    const WireMap task = fields.map("task");
    request.store = fields.boolean("store", true);
    request.returnOutput = fields.boolean("return", false);
    if (!fields.isOk())
        return fields.status();
    Result<std::pair<Task, std::vector<QString>>> parsed = taskFromCbor(task);
    if (!parsed.isOk())
        return parsed.status();
    request.task = std::move(parsed->first);
    request.sources = std::move(parsed->second);
    return request;
}

QCborMap Done::toCbor() const
{
    return readBack([this](CborBytes &writer) { write(writer); });
}

void Done::write(CborBytes &writer) const
{
    writer.startMap(8 + quint64(readyMicros != 0) + quint64(fetchedBytes != 0) + quint64(shape.has_value()));
    writer.append(field::Type);
    writer.append(msg::Done);
    writer.append(field::Id);
    writer.append(id);
    writer.append("received"_L1);
    writer.append(receivedMicros);
    writer.append("start"_L1);
    writer.append(startMicros);
    writer.append("end"_L1);
    writer.append(endMicros);
    writer.append("thread"_L1);
    writer.append(thread);
    writer.append("bytes"_L1);
    writer.append(qint64(outputBytes));
    writer.append("nan"_L1);
    writer.append(mayHaveNan);
    if (readyMicros) {
        writer.append("ready"_L1);
        writer.append(readyMicros);
    }
    if (fetchedBytes) {
        writer.append("fetched"_L1);
        writer.append(qint64(fetchedBytes));
    }
    if (shape) {
        writer.append("shape"_L1);
        writeShape(writer, *shape);
    }
    writer.endMap();
}

Result<Done> Done::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Done);
    Done done;
    done.id = fields.head(msg::Done);
    done.receivedMicros = fields.integer("received", 0, maxMicros, 0);
    done.readyMicros = fields.integer("ready", 0, maxMicros, 0);
    done.startMicros = fields.integer("start", 0, maxMicros);
    done.endMicros = fields.integer("end", 0, maxMicros);
    done.thread = int(fields.integer("thread", 0, std::numeric_limits<int>::max(), 0));
    done.fetchedBytes = fields.integer("fetched", 0, maxCount, 0);
    done.outputBytes = fields.integer("bytes", 0, maxCount, 0);
    if (fields.has("shape"))
        done.shape = fields.shape("shape");
    done.mayHaveNan = fields.boolean("nan", true);
    return fields.finish(done);
}

void Release::write(CborBytes &writer, qint64 requestId, std::span<const QString> keys, const QString &operation)
{
    writer.startMap(operation.isEmpty() ? 3 : 4);
    writer.append(field::Type);
    writer.append(msg::Release);
    writer.append(field::Id);
    writer.append(requestId);
    writer.append("keys"_L1);
    writer.startArray(keys.size());
    for (const QString &key : keys)
        writer.append(key);
    writer.endArray();
    if (!operation.isEmpty()) {
        writer.append("op"_L1);
        writer.append(operation);
    }
    writer.endMap();
}

QCborMap Release::toCbor() const
{
    return readBack([this](CborBytes &writer) { write(writer, id, keys, operation); });
}

Result<Release> Release::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Release);
    Release release;
    release.id = fields.head(msg::Release);
    for (const WireValue &key : fields.array("keys", MaxListLength, true)) {
        QString text = key.toString();
        if (!key.isString() || text.size() > MaxKeyLength) {
            fields.fail("keys", u"must hold block keys (text of at most %1 characters)"_s.arg(MaxKeyLength));
            break;
        }
        release.keys.push_back(std::move(text));
    }
    release.operation = fields.text("op", MaxNameLength, QString());
    return fields.finish(release);
}

QCborMap Measure::toCbor() const
{
    return QCborMap{{field::Type, msg::Measure}, {field::Id, id}, {u"bytes"_s, qint64(bytes)}};
}

Result<Measure> Measure::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Measure);
    Measure measure;
    measure.id = fields.head(msg::Measure);
    measure.bytes = fields.integer("bytes", MinBytes, MaxBytes);
    return fields.finish(measure);
}

QCborMap Ok::toCbor() const
{
    QCborMap map{{field::Type, msg::Ok}, {field::Id, id}};
    if (freedBytes)
        map[u"freed"_s] = qint64(freedBytes);
    if (readBytesPerSecond > 0)
        map[u"read"_s] = readBytesPerSecond;
    if (writeBytesPerSecond > 0)
        map[u"write"_s] = writeBytesPerSecond;
    return map;
}

Result<Ok> Ok::fromCbor(const WireMap &map)
{
    CborFields fields(map, msg::Ok);
    Ok ok;
    ok.id = fields.head(msg::Ok);
    ok.freedBytes = fields.integer("freed", 0, maxCount, 0);
    ok.readBytesPerSecond = fields.number("read", 0.0);
    ok.writeBytesPerSecond = fields.number("write", 0.0);
    // A rate is finite and not negative; NaN fails both comparisons.
    if (!(ok.readBytesPerSecond >= 0 && ok.readBytesPerSecond < 1e15))
        fields.fail("read", u"must be a rate in bytes per second"_s);
    if (!(ok.writeBytesPerSecond >= 0 && ok.writeBytesPerSecond < 1e15))
        fields.fail("write", u"must be a rate in bytes per second"_s);
    return fields.finish(ok);
}

QCborMap BlocksReply::toCbor() const
{
    QCborArray keys;
    for (const auto &[key, bytes] : blocks)
        keys.append(QCborArray{key, qint64(bytes)});
    return QCborMap{{field::Type, msg::Ok}, {field::Id, id}, {u"keys"_s, keys}};
}

Result<BlocksReply> BlocksReply::fromCbor(const WireMap &map)
{
    CborFields fields(map, u"blocks reply"_s);
    BlocksReply reply;
    reply.id = fields.head(msg::Ok);
    for (const WireValue &entry : fields.array("keys", MaxListLength)) {
        const WireList pair = entry.toArray();
        if (!entry.isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isInteger()
            || pair.at(1).toInteger() < 0) {
            fields.fail("keys", u"must hold [key, bytes] pairs"_s);
            break;
        }
        reply.blocks.emplace_back(pair.at(0).toString(), pair.at(1).toInteger());
    }
    return fields.finish(reply);
}

} // namespace tessera::wire
