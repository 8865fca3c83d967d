// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// save(EXPR, 'PATH.zarr', ...): the value is computed into blocks on the workers as for any
// statement, then each worker writes its own blocks' chunks into the store at once (Store
// tasks, one per block, on the block's worker), and the client writes the metadata last.

#include "net/session/clustersession_p.h"

#include "core/bytesize.h"
#include "core/io/zarrwriter.h"
#include "core/kernels/slice.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <map>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

const QStringList saveKeywords{u"format"_s,   u"codec"_s,        u"dtype"_s,      u"chunks"_s, u"shards"_s,
                               u"checksum"_s, u"scale_factor"_s, u"add_offset"_s, u"name"_s};

std::optional<double> literalNumber(const CallArgument &argument)
{
    if (argument.kind != CallArgument::Kind::Expression || !argument.expr)
        return std::nullopt;
    const Expr &expr = *argument.expr;
    if (expr.kind == Expr::Kind::Number)
        return expr.number;
    if (expr.kind == Expr::Kind::Unary && expr.unaryOp == UnaryOp::Negate && expr.operands.size() == 1
        && expr.operands[0]->kind == Expr::Kind::Number)
        return -expr.operands[0]->number;
    return std::nullopt;
}

Status badOption(const CallArgument &argument, const QString &wanted)
{
    return makeError(ErrorCode::InvalidArgument,
                     u"column %1: save()'s %2 takes %3"_s.arg(argument.column).arg(argument.keyword, wanted));
}

Result<Shape> extentsOption(const CallArgument &argument)
{
    Shape extents;
    for (const CallArgument &item : argument.items) {
        const std::optional<double> value = literalNumber(item);
        if (!value || *value < 1 || *value != std::floor(*value))
            return badOption(argument, u"a tuple of positive integers, as in %1=(4, 721, 1440)"_s.arg(argument.keyword));
        extents.push_back(std::int64_t(*value));
    }
    if (argument.kind != CallArgument::Kind::Tuple)
        return badOption(argument, u"a tuple of positive integers, as in %1=(4, 721, 1440)"_s.arg(argument.keyword));
    return extents;
}

Status readOption(const CallArgument &argument, ZarrSaveOptions &options)
{
    const QString &key = argument.keyword;
    const bool text = argument.kind == CallArgument::Kind::Text;
    const std::optional<double> number = literalNumber(argument);
    if (key == u"format"_s) {
        const QString value = text ? argument.text : number ? QString::number(*number) : QString();
        if (value != u"v2"_s && value != u"v3"_s && value != u"2"_s && value != u"3"_s)
            return badOption(argument, u"'v2' or 'v3'"_s);
        options.format = value.right(1).toInt();
    } else if (key == u"codec"_s || key == u"dtype"_s || key == u"name"_s) {
        if (!text)
            return badOption(argument, u"text in quotes, as in %1='%2'"_s.arg(key, key == u"codec"_s   ? u"zstd"_s
                                                                                   : key == u"dtype"_s ? u"float32"_s
                                                                                                       : u"t2m"_s));
        (key == u"codec"_s ? options.codec : key == u"dtype"_s ? options.dtype : options.variable) = argument.text;
    } else if (key == u"chunks"_s || key == u"shards"_s) {
        Result<Shape> extents = extentsOption(argument);
        TESSERA_RETURN_IF_ERROR(extents);
        (key == u"chunks"_s ? options.chunks : options.shards) = *extents;
    } else if (key == u"checksum"_s) {
        const bool named =
            argument.kind == CallArgument::Kind::Expression && argument.expr && argument.expr->kind == Expr::Kind::Name;
        if (!named || (argument.expr->name != u"True"_s && argument.expr->name != u"False"_s))
            return badOption(argument, u"True or False"_s);
        options.checksum = argument.expr->name == u"True"_s;
    } else if (key == u"scale_factor"_s || key == u"add_offset"_s) {
        if (!number)
            return badOption(argument, u"a number"_s);
        (key == u"scale_factor"_s ? options.scaleFactor : options.addOffset) = *number;
    } else {
        return makeError(
            ErrorCode::InvalidArgument,
            u"column %1: save() has no option %2; it takes %3"_s.arg(argument.column).arg(key, saveKeywords.join(u", "_s)));
    }
    return Status::ok();
}

Result<ZarrSaveOptions> saveOptions(const SaveSpec &spec, const QString &valueName)
{
    ZarrSaveOptions options;
    options.variable = valueName.isEmpty() ? u"data"_s : valueName;
    for (const CallArgument &argument : spec.options)
        TESSERA_RETURN_IF_ERROR(readOption(argument, options));
    return options;
}

QString storePath(const QString &written)
{
    const QString expanded = written.startsWith(u"~/"_s) ? QDir::homePath() + written.mid(1) : written;
    return QDir::cleanPath(QFileInfo(expanded).absoluteFilePath());
}

// The value's blocks each get a Store task on their worker; the graph's result becomes the
// [bytes, files] each wrote, and the value's own blocks are temporaries, released after the run.
TaskGraph withStoreTasks(TaskGraph graph, const zarr::ArrayMetadata &array, const QString &operationId)
{
    const BlockLayout value = graph.result;
    std::map<QString, int> producer;
    for (const Task &task : graph.tasks)
        producer[task.outputKey] = task.id;
    const zarr::MetadataFiles metadata = zarr::arrayMetadataFiles(array);
    BlockLayout written;
    written.chunks = Chunks({std::vector<std::int64_t>(std::size_t(value.chunks.blockCount()), 2)});
    for (std::int64_t flat = 0; flat < value.chunks.blockCount(); ++flat) {
        const auto index = std::size_t(flat);
        Task task;
        task.id = int(graph.tasks.size());
        task.kind = TaskKind::Store;
        task.worker = value.workers[index];
        task.inputs = {TaskInput{value.keys[index], {}, value.blockBytes(flat), value.workers[index]}};
        task.outputKey = blockKey(operationId + u"save"_s, {flat});
        task.outputShape = {2};
        task.store = {array.folder, metadata, value.chunks.blockOffset(value.chunks.unflatten(flat))};
        if (const auto made = producer.find(value.keys[index]); made != producer.end())
            task.dependsOn = {made->second};
        written.keys.push_back(task.outputKey);
        written.workers.push_back(task.worker);
        graph.tasks.push_back(std::move(task));
    }
    graph.result = std::move(written);
    return graph;
}

qint64 filesUnder(const QString &folder)
{
    qint64 count = 0;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

QString codecText(const zarr::ArrayMetadata &array)
{
    const zarr::CodecChain &chain = array.codecs.sharding ? array.codecs.sharding->inner : array.codecs;
    QStringList names;
    for (const zarr::BytesCodec &codec : chain.bytesCodecs)
        names << codec.name();
    const QString codecs = names.isEmpty() ? u"uncompressed"_s : names.join(u", "_s);
    return array.codecs.sharding ? u"shards of %1 chunks, %2"_s.arg(shapeToString(array.codecs.sharding->innerChunk), codecs)
                                 : codecs;
}

} // namespace

void ClusterSession::Private::startSave(Operation *operation, PreparedStatement statement, const OperationClock &clock,
                                        const QString &operationId)
{
    if (statement.plan.constant) {
        operationDone(operation, makeError(ErrorCode::InvalidArgument, u"save() writes an array the workers hold; this value was "
                                                                       "computed on the client from coordinates alone"_s));
        return;
    }
    const QString store = storePath(statement.save->path);
    Result<ZarrSaveOptions> options = saveOptions(*statement.save, statement.meta.name);
    Result<zarr::ArrayMetadata> array = options
                                            ? planZarrArray(store, statement.meta, statement.plan.graph.result.chunks, *options)
                                            : Result<zarr::ArrayMetadata>(options.status());
    if (!array) {
        operationDone(operation, array.status());
        return;
    }
    if (Status begun = beginZarrStore(store); !begun) {
        operationDone(operation, begun);
        return;
    }
    // Whatever ends the save early (a failed write, a lost worker, cancel), the half-written store goes.
    QObject::connect(operation, &Operation::finished, operation, [operation, store] {
        if (!operation->status().isOk())
            abandonZarrStore(store);
    });
    operation->mutableReport().taskCount = int(statement.plan.graph.tasks.size() + statement.plan.graph.result.keys.size());
    GraphRunner::Settings settings;
    settings.operationId = operationId;
    settings.originMicros = clock.originMicros;
    settings.storeResult = false;
    settings.gatherResult = true;
    TaskGraph graph = withStoreTasks(std::move(statement.plan.graph), *array, operationId);
    runGraph(
        operation, std::move(graph), settings,
        [this, operation, store, array = *array, meta = statement.meta, clock](GraphRunner &runner) {
        finishSave(operation, store, array, meta, runner, clock);
        },
        u"blocks"_s);
}

void ClusterSession::Private::finishSave(Operation *operation, const QString &store, const zarr::ArrayMetadata &array,
                                         const ArrayMeta &meta, GraphRunner &runner, const OperationClock &clock)
{
    const NdArray counts = assembleBlocks(runner.graph().result.chunks, runner.takeResultBlocks());
    std::int64_t bytes = 0;
    qint64 files = 0;
    for (std::int64_t i = 0; i + 1 < counts.size(); i += 2) {
        bytes += std::int64_t(counts.at(i));
        files += qint64(counts.at(i + 1));
    }
    // Workers on other hosts write to their own disks unless the path is shared: then this machine
    // sees fewer chunks than they wrote, and must not call the store complete.
    if (const qint64 seen = filesUnder(array.folder); seen < files) {
        operationDone(operation, makeError(ErrorCode::Io, u"the workers wrote %1 chunk files, but %2 holds %3 of them here: the "
                                                          "workers must see %2 at the same path as this machine (a shared "
                                                          "file system); nothing was kept"_s.arg(files)
                                                              .arg(array.folder)
                                                              .arg(seen)));
        return;
    }
    if (Status finished = finishZarrStore(store, array, meta); !finished) {
        operationDone(operation, finished);
        return;
    }
    EvaluationResult &result = operation->mutableResult();
    result.meta = meta;
    result.saved =
        u"%1 saved to %2: Zarr v%3, %4, %5, %6 in %7 file(s), %8 (%9 in memory)"_s.arg(QFileInfo(array.folder).fileName(), store)
            .arg(array.format)
            .arg(array.dtype.name(), codecText(array), shapeToString(array.chunkShape))
            .arg(files)
            .arg(formatBytes(bytes), formatBytes(meta.byteSize()));
    recordRun(operation->mutableReport(), runner, clock, peerTraffic(runner.graph(), int(workers.size())));
    operationDone(operation, Status::ok());
}

} // namespace tessera
