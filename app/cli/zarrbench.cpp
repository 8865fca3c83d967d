// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/zarrbench.h"

#include "core/bytebuffer.h"
#include "core/io/dataset.h"
#include "core/zarr/zarrcodecs.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace tessera::cli {

namespace {

constexpr int probeFiles = 16;
constexpr std::int64_t probeFileBytes = std::int64_t(32) << 20;
constexpr int codecLevel = 3; // codecNamed's zstd, which save() uses by default

struct StorageLimits
{
    double writeBytesPerSecond = 0;
    double readBytesPerSecond = 0;
    double encodeBytesPerSecond = 0; // one thread
    double decodeBytesPerSecond = 0; // one thread
    double compressionRatio = 1;
};

// Best of `tries`: the machine is shared, and the best run is what it can do.
template <typename F>
double bestSeconds(int tries, F &&run)
{
    double best = 1e300;
    for (int i = 0; i < tries; ++i) {
        QElapsedTimer timer;
        timer.start();
        run();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e9);
    }
    return best;
}

// Files of the chunks' size written and read back as save() and a load do (whole files, through
// the page cache, no fsync), in the folder the stores go to.
Result<std::pair<double, double>> measureFiles(const QString &directory)
{
    const QString folder = QDir(directory).filePath(u"tessera-bench-files"_s);
    QDir().mkpath(folder);
    ByteBuffer data = ByteBuffer::allocate(probeFileBytes);
    std::fill(data.data(), data.data() + data.size(), char(0x5a));
    bool ok = true;
    const double write = bestSeconds(2, [&] {
        for (int i = 0; i < probeFiles; ++i) {
            QFile file(QDir(folder).filePath(QString::number(i)));
            ok = ok && file.open(QIODevice::WriteOnly | QIODevice::Truncate)
                 && file.write(data.data(), data.size()) == data.size();
        }
    });
    const double read = bestSeconds(2, [&] {
        for (int i = 0; i < probeFiles; ++i) {
            QFile file(QDir(folder).filePath(QString::number(i)));
            ok = ok && file.open(QIODevice::ReadOnly) && file.read(data.data(), data.size()) == data.size();
        }
    });
    QDir(folder).removeRecursively();
    if (!ok)
        return makeError(ErrorCode::Io, u"cannot write and read files in %1"_s.arg(directory));
    const double bytes = double(probeFiles) * double(probeFileBytes);
    return std::pair{bytes / write, bytes / read};
}

Result<StorageLimits> measureStorage(const QString &directory, const QString &sampleFile, const QString &variable)
{
    Result<std::pair<double, double>> files = measureFiles(directory);
    TESSERA_RETURN_IF_ERROR(files);
    Result<NdArray> sample = readDatasetVariable(sampleFile, variable);
    TESSERA_RETURN_IF_ERROR(sample);
    const QByteArrayView raw(sample->bytes(), sample->byteSize());
    zarr::BytesCodec codec;
    codec.id = zarr::BytesCodec::Id::Zstd;
    codec.level = codecLevel;
    ByteBuffer compressed;
    Status status;
    const double encode = bestSeconds(3, [&] {
        Result<ByteBuffer> encoded = zarr::encodeBytes(codec, raw);
        status = encoded.status();
        if (encoded)
            compressed = std::move(*encoded);
    });
    TESSERA_RETURN_IF_ERROR(status);
    ByteBuffer decoded = ByteBuffer::allocate(raw.size());
    const double decode =
        bestSeconds(3, [&] { status = zarr::decodeBytesInto(codec, compressed.view(), decoded.data(), raw.size()); });
    TESSERA_RETURN_IF_ERROR(status);
    StorageLimits limits;
    limits.writeBytesPerSecond = files->first;
    limits.readBytesPerSecond = files->second;
    limits.encodeBytesPerSecond = double(raw.size()) / encode;
    limits.decodeBytesPerSecond = double(raw.size()) / decode;
    limits.compressionRatio = double(raw.size()) / double(std::max<std::int64_t>(1, compressed.size()));
    std::printf("storage in %s: file write %.2f GB/s, read %.2f GB/s; zstd level %d on one thread: compress %.0f MB/s, "
                "decompress %.0f MB/s, ratio %.2f\n",
                qPrintable(directory), limits.writeBytesPerSecond / 1e9, limits.readBytesPerSecond / 1e9, codecLevel,
                limits.encodeBytesPerSecond / 1e6, limits.decodeBytesPerSecond / 1e6, limits.compressionRatio);
    return limits;
}

} // namespace

Status runZarrSteps(ClusterSession &session, const QString &arrayName, const QString &sampleFile, const QString &variable,
                    const QString &directory, int repeats, double threads, std::vector<BenchRow> &rows)
{
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io, u"cannot make folder %1 for the Zarr steps"_s.arg(directory));
    std::fprintf(stderr, "measuring file and codec speeds in %s...\n", qPrintable(directory));
    Result<StorageLimits> limits = measureStorage(directory, sampleFile, variable);
    TESSERA_RETURN_IF_ERROR(limits);
    const ArrayInfo *array = session.array(arrayName);
    if (!array)
        return makeError(ErrorCode::NotFound, u"no array %1 to save"_s.arg(arrayName));
    const double bytes = double(array->meta.byteSize());
    const double compressed = bytes / limits->compressionRatio;

    const QString store = QDir(directory).filePath(u"tessera-bench.zarr"_s);
    Result<StepRecord> saved = runStep(u"save (Zarr v3, zstd)"_s, repeats, [&] {
        QDir(store).removeRecursively(); // the run before's store: save() never overwrites
        return session.evaluate(u"save(%1, '%2', format='v3', codec='zstd')"_s.arg(arrayName, store));
    });
    TESSERA_RETURN_IF_ERROR(saved);
    // The codec's time and the file's add up: writing into the page cache is a copy on the same
    // cores that compress, and every core is compressing.
    const double encodeSeconds = bytes / (limits->encodeBytesPerSecond * threads);
    const double writeSeconds = compressed / (limits->writeBytesPerSecond * threads);
    rows.push_back({std::move(*saved), encodeSeconds + writeSeconds, u"(zstd compress + file write) / threads"_s, {}});

    LoadRequest request;
    request.name = arrayName + u"_zarr"_s;
    request.files = {store};
    request.variable = arrayName;
    Result<StepRecord> loaded = runStep(u"load the store (workers)"_s, repeats, [&] {
        session.removeArray(request.name);
        return session.load(request);
    });
    session.removeArray(request.name);
    QDir(store).removeRecursively();
    TESSERA_RETURN_IF_ERROR(loaded);
    const double decodeSeconds = bytes / (limits->decodeBytesPerSecond * threads);
    const double readSeconds = compressed / (limits->readBytesPerSecond * threads);
    rows.push_back({std::move(*loaded), decodeSeconds + readSeconds, u"(file read + zstd decompress) / threads"_s, {}});
    return Status::ok();
}

} // namespace tessera::cli
