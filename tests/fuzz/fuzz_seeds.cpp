// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// fuzz_seeds TARGET DIR: writes the seed corpus of one fuzz target into DIR, from the kinds of
// messages, tasks and files the round-trip and reader tests use.

#include "core/io/netcdfwriter.h"
#include "core/io/sampledata.h"
#include "core/io/zarrwriter.h"
#include "core/zarr/zarrchunk.h"
#include "net/protocol/frame.h"
#include "net/protocol/handshake.h"
#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

std::vector<QCborMap> sampleMessages()
{
    Task reduce;
    reduce.kind = TaskKind::Partial;
    reduce.reduceOp = ReduceOp::Mean;
    reduce.axes = {0};
    reduce.outputKey = u"s.op2.n1.s0:0"_s;
    reduce.outputShape = {2, 3};
    reduce.inputs = {TaskInput{u"x:0.0"_s, {}, 48, 0},
                     TaskInput{u"x:1.0"_s, {AxisSlice{0, 2, 1, false}, AxisSlice{0, 3, 1, false}}, 48, 1}};
    reduce.worker = 0;
    wire::TaskRequest task = wire::TaskRequest::forTask(reduce, {u"127.0.0.1:7070"_s, u"127.0.0.1:7071"_s});
    task.id = 3;
    task.operation = u"s.op2"_s;
    return {
        wire::Hello{ProtocolVersion, QByteArray(32, '\x01'), u"w1"_s, 2, 1 << 30, u"127.0.0.1:7070"_s}.toCbor(),
        wire::Auth{ProtocolVersion, authCode("fuzzing-token", QByteArray(32, '\x2a')), u"client"_s}.toCbor(),
        wire::Error{2, Status(ErrorCode::NotFound, u"worker w1 has no block x:0"_s)}.toCbor(),
        wire::Error{2, Status(ErrorCode::Network, u"cannot fetch block x:0 from peer"_s), u"127.0.0.1:7071"_s}.toCbor(),
        QCborMap{{field::Type, msg::Ping}, {field::Id, 11}},
        wire::StatusReply{4, u"w1"_s, 2, 1 << 30, 1 << 20, 3, 0, u"127.0.0.1:7070"_s}.toCbor(),
        wire::Put{5, u"x:0.0"_s, {2, 3}, false}.toCbor(),
        wire::Get{6, u"x:0.0"_s, {AxisSlice{1, 1, 1, true}, AxisSlice{2, 1, -1, false}}}.toCbor(),
        wire::Block{6, {3}, true}.toCbor(),
        wire::Block{6, {2, 2048}, false, {0x4056800000000000}}.toCbor(),
        wire::Load{7, u"x:1.0"_s, LoadSource{u"/data/day.nc"_s, u"t2m"_s, 0, 4}, {4, 7, 12}}.toCbor(),
        task.toCbor(),
        wire::Done{3, 1, 2, 3, 4, 0, 48, 48, Shape{2, 3}, false}.toCbor(),
        wire::Release{8, {u"x:0.0"_s}, u"s.op2"_s}.toCbor(),
        wire::Ok{9, 48}.toCbor(),
        wire::BlocksReply{10, {{u"x:0.0"_s, 48}}}.toCbor(),
    };
}

// [task, [input shapes]] pairs a worker would accept, and [region, shape] pairs.
std::vector<QCborValue> sampleTasks()
{
    const auto request = [](TaskKind kind, auto configure, std::vector<Shape> shapes, Shape output) {
        Task task;
        task.kind = kind;
        task.outputKey = u"out"_s;
        task.outputShape = output;
        configure(task);
        for (std::size_t i = 0; i < shapes.size(); ++i)
            task.inputs.push_back(TaskInput{u"in%1"_s.arg(i), {}, 8, -1});
        QCborArray shapeList;
        for (const Shape &shape : shapes)
            shapeList.append(shapeToCbor(shape));
        return QCborValue(QCborArray{wire::TaskRequest::forTask(task, {}).toCbor(), shapeList});
    };
    return {
        request(TaskKind::Unary, [](Task &t) { t.unaryOp = UnaryOp::Sqrt; }, {{2, 3}}, {2, 3}),
        request(TaskKind::Binary, [](Task &t) { t.binaryOp = BinaryOp::Divide; }, {{2, 3}, {3}}, {2, 3}),
        request(
            TaskKind::Binary,
            [](Task &t) {
        t.binaryOp = BinaryOp::Subtract;
        t.constant = 2.5;
            },
            {{4}}, {4}),
        request(
            TaskKind::Partial,
            [](Task &t) {
        t.reduceOp = ReduceOp::Std;
        t.axes = {0};
            },
            {{2, 3}, {5, 3}}, {3, 3}),
        request(
            TaskKind::Partial,
            [](Task &t) {
        t.reduceOp = ReduceOp::Sum;
        t.axes = {0, 1};
        t.finalize = true;
            },
            {{2, 3}}, {}),
        request(
            TaskKind::Combine,
            [](Task &t) {
        t.reduceOp = ReduceOp::Mean;
        t.finalize = true;
            },
            {{2, 3}, {2, 3}}, {3}),
        request(TaskKind::Slice, [](Task &t) { t.inputs.clear(); }, {{4, 5}}, {4, 5}),
        QCborValue(QCborArray{regionToCbor({AxisSlice{3, 2, -1, false}, AxisSlice{1, 1, 1, true}}), shapeToCbor({4, 5})}),
        };
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(bytes);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A NetCDF-3 file as ERA-Interim served them, and a NetCDF-4 file of Tessera's result writer.
std::vector<QByteArray> sampleFiles()
{
    QTemporaryDir dir;
    SampleDataOptions options;
    options.days = 1;
    options.gridDegrees = 30;
    const Result<QStringList> days = writeSampleData(dir.path(), options);
    std::vector<QByteArray> files;
    if (days.isOk())
        files.push_back(readFile(days->front()));
    ArrayMeta meta;
    meta.name = u"t2m"_s;
    meta.shape = {2, 3};
    meta.units = u"K"_s;
    meta.axes = {Axis{u"time"_s, {0, 6}, u"hours since 1900-01-01"_s, {}, {}}, Axis{u"lon"_s, {}, {}, {}, {}}};
    if (writeArray(dir.filePath(u"r.nc"_s), meta, NdArray::fromVector({2, 3}, {1, 2, 3, 4, 5, 6})).isOk())
        files.push_back(readFile(dir.filePath(u"r.nc"_s)));
    return files;
}

// Arrays of each format with the codecs, sharding and checksums, and a chunk Tessera wrote for
// each, in fuzz_zarr's input form.
std::vector<QByteArray> sampleZarrChunks()
{
    std::vector<QByteArray> seeds;
    const NdArray values =
        NdArray::fromVector({4, 6}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24});
    const Chunks blocks({{4}, {6}});
    ArrayMeta meta;
    meta.name = u"t"_s;
    meta.shape = {4, 6};
    meta.axes = {Axis{u"y"_s, {}, {}, {}, {}}, Axis{u"x"_s, {}, {}, {}, {}}};
    for (const auto &[format, codec, dtype, shards] :
         std::vector<std::tuple<int, QString, QString, Shape>>{{2, u"zstd"_s, u"float64"_s, {}},
                                                               {2, u"blosc-lz4+bitshuffle"_s, u"float32"_s, {}},
                                                               {2, u"zlib"_s, u"float64"_s, {}},
                                                               {3, u"gzip"_s, u"float64"_s, {}},
                                                               {3, u"none"_s, u"float32"_s, {4, 6}}}) {
        ZarrSaveOptions options;
        options.format = format;
        options.codec = codec;
        options.dtype = dtype;
        options.shards = shards;
        options.chunks = shards.empty() ? Shape{4, 6} : Shape{2, 3};
        options.checksum = format == 3;
        options.variable = u"t"_s;
        const Result<zarr::ArrayMetadata> array = planZarrArray(u"/fuzz"_s, meta, blocks, options);
        if (!array)
            continue;
        QByteArray elements(qsizetype(array->chunkBytes()), Qt::Uninitialized);
        zarr::fromDoubles(values.data(), std::size_t(values.size()), array->dtype, array->fill,
                          reinterpret_cast<std::byte *>(elements.data()));
        const Result<ByteBuffer> chunk = zarr::encodeChunk(*array, elements);
        const QByteArray json = zarr::arrayMetadataFiles(*array).front().second;
        if (!chunk || json.size() > 0xffff)
            continue;
        QByteArray seed;
        seed.append(char(json.size() & 0xff)).append(char(json.size() >> 8)).append(json).append(chunk->view());
        seeds.push_back(seed);
    }
    return seeds;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: fuzz_seeds TARGET DIR\n");
        return 2;
    }
    const QString target = QString::fromLocal8Bit(argv[1]);
    const QDir dir(QString::fromLocal8Bit(argv[2]));
    std::vector<QByteArray> seeds;
    if (target == u"fuzz_messages"_s || target == u"fuzz_wiremap"_s) {
        for (const QCborMap &message : sampleMessages())
            seeds.push_back(message.toCborValue().toCbor());
    } else if (target == u"fuzz_framehead"_s || target == u"fuzz_handshake"_s) {
        for (const QCborMap &message : sampleMessages())
            seeds.push_back(encodeFrameHead(message, 0));
        seeds.push_back(seeds[0] + seeds[1]); // hello, then auth
    } else if (target == u"fuzz_taskinputs"_s) {
        for (const QCborValue &task : sampleTasks())
            seeds.push_back(task.toCbor());
    } else if (target == u"fuzz_netcdf"_s) {
        seeds = sampleFiles();
    } else if (target == u"fuzz_zarr"_s) {
        seeds = sampleZarrChunks();
    } else {
        std::fprintf(stderr, "fuzz_seeds: no seeds for %s\n", argv[1]);
        return 2;
    }
    for (std::size_t i = 0; i < seeds.size(); ++i)
        writeFile(dir.filePath(u"seed-%1"_s.arg(i)), seeds[i]);
    std::printf("%zu seeds for %s\n", seeds.size(), argv[1]);
    return seeds.empty() ? 1 : 0;
}
