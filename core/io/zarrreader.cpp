// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/zarrreader.h"

#include "core/zarr/boxruns.h"
#include "core/zarr/zarrchunk.h"
#include "core/zarr/zarrmetadata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <cmath>
#include <limits>
#include <new>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

using zarr::ArrayMetadata;

QString rootArrayName(const QString &store)
{
    QString name = QFileInfo(QDir::cleanPath(store)).fileName();
    if (name.endsWith(u".zarr"_s, Qt::CaseInsensitive))
        name.chop(5);
    return name;
}

// xarray's CF decoding of a Zarr variable.
struct CfDecoding
{
    std::vector<double> masked; // values that become NaN
    double scale = 1.0;
    double offset = 0.0;
    bool scaled = false;
};

void addMasked(CfDecoding &cf, const QJsonValue &value)
{
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            addMasked(cf, item);
    } else if (value.isDouble()) {
        cf.masked.push_back(value.toDouble());
    }
    // "NaN" (or any text) masks nothing that is not NaN already.
}

CfDecoding cfDecoding(const ArrayMetadata &array)
{
    CfDecoding cf;
    // xarray's use_zarr_fill_value_as_mask: true for v2, false for v3 (where _FillValue is an attribute).
    if (array.format == 2 && !array.fillIsNull)
        cf.masked.push_back(array.fillAsDouble());
    addMasked(cf, array.attributes.value(u"_FillValue"_s));
    addMasked(cf, array.attributes.value(u"missing_value"_s));
    std::erase_if(cf.masked, [](double value) { return std::isnan(value); });
    const QJsonValue scale = array.attributes.value(u"scale_factor"_s);
    const QJsonValue offset = array.attributes.value(u"add_offset"_s);
    cf.scale = scale.isArray() ? scale.toArray().first().toDouble(1.0) : scale.toDouble(1.0);
    cf.offset = offset.isArray() ? offset.toArray().first().toDouble(0.0) : offset.toDouble(0.0);
    cf.scaled = cf.scale != 1.0 || cf.offset != 0.0;
    return cf;
}

// Decodes values in place; returns whether any value is NaN afterwards.
bool applyCf(const CfDecoding &cf, double *values, std::int64_t count)
{
    bool nan = false;
    if (cf.masked.empty() && !cf.scaled) { // the common case, a plain scan the compiler vectorizes
        for (std::int64_t i = 0; i < count; ++i)
            nan |= values[i] != values[i];
        return nan;
    }
    for (std::int64_t i = 0; i < count; ++i) {
        double value = values[i];
        for (const double masked : cf.masked) {
            if (value == masked)
                value = std::numeric_limits<double>::quiet_NaN();
        }
        if (cf.scaled)
            value = value * cf.scale + cf.offset;
        nan |= value != value;
        values[i] = value;
    }
    return nan;
}

double decodedFill(const ArrayMetadata &array, const CfDecoding &cf)
{
    if (array.fillIsNull)
        return array.dtype.kind == zarr::ScalarKind::Float ? std::numeric_limits<double>::quiet_NaN() : 0.0;
    double value = array.fillAsDouble();
    applyCf(cf, &value, 1);
    return value;
}

// Decodes the chunk's file into `elements`; false when there is no file, which the spec says is
// a chunk of fill values.
Result<bool> readChunk(const ArrayMetadata &array, const std::vector<std::int64_t> &chunk, char *elements)
{
    const QString path = QDir(array.folder).filePath(array.chunkKey(chunk));
    QFile file(path);
    if (!file.exists())
        return false;
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"%1: cannot open (%2)"_s.arg(path, file.errorString()));
    // Codecs can grow data a little; much larger than the chunk is not a chunk of this array.
    const qint64 limit = 2 * array.chunkBytes() + (1 << 20);
    if (file.size() > limit)
        return makeError(ErrorCode::Format, u"%1: %2 bytes is more than a chunk of %3 %4 can be"_s.arg(path)
                                                .arg(file.size())
                                                .arg(shapeToString(array.chunkShape), array.dtype.name()));
    ByteBuffer stored = ByteBuffer::allocate(file.size());
    if (file.read(stored.data(), stored.size()) != stored.size())
        return makeError(ErrorCode::Io, u"%1: cannot read (%2)"_s.arg(path, file.errorString()));
    const Status decoded = zarr::decodeChunkInto(array, stored.view(), elements);
    if (!decoded)
        return decoded.withContext(path);
    return true;
}

// A float64 chunk whose every element lands in the output, in one contiguous run, is decoded
// straight into it.
bool decodesInPlace(const ArrayMetadata &array, const Shape &extent, const Shape &fromOrigin, const Shape &outShape)
{
    if (array.dtype.kind != zarr::ScalarKind::Float || array.dtype.size != 8)
        return false;
    for (std::size_t axis = 0; axis < extent.size(); ++axis) {
        if (fromOrigin[axis] != 0 || extent[axis] != array.chunkShape[axis] || (axis > 0 && extent[axis] != outShape[axis]))
            return false;
    }
    return true;
}

// Calls visit(chunkIndex) for every chunk that holds rows [firstStart, firstStart + count).
template <typename Visit>
Status forEachChunk(const ArrayMetadata &array, std::int64_t firstStart, std::int64_t count, Visit &&visit)
{
    const std::size_t rank = array.shape.size();
    if (rank == 0)
        return visit(std::vector<std::int64_t>{});
    std::vector<std::int64_t> first(rank, 0), last(rank);
    for (std::size_t axis = 0; axis < rank; ++axis) {
        if (array.shape[axis] == 0 || count == 0)
            return Status::ok();
        last[axis] = (array.shape[axis] - 1) / array.chunkShape[axis];
    }
    first[0] = firstStart / array.chunkShape[0];
    last[0] = (firstStart + count - 1) / array.chunkShape[0];
    std::vector<std::int64_t> index = first;
    while (true) {
        TESSERA_RETURN_IF_ERROR(visit(index));
        std::size_t axis = rank;
        while (axis-- > 0) {
            if (++index[axis] <= last[axis])
                break;
            index[axis] = first[axis];
            if (axis == 0)
                return Status::ok();
        }
    }
}

// Where one chunk's elements go: the box of `extent` at `fromOrigin` in the chunk lands at
// `toOrigin` in the rows read.
struct ChunkBox
{
    Shape extent;
    Shape fromOrigin;
    Shape toOrigin;
};

ChunkBox boxOf(const ArrayMetadata &array, const std::vector<std::int64_t> &chunk, std::int64_t firstStart, std::int64_t count)
{
    const std::size_t rank = array.shape.size();
    ChunkBox box{Shape(rank), Shape(rank, 0), Shape(rank)};
    for (std::size_t axis = 0; axis < rank; ++axis) {
        const std::int64_t origin = chunk[axis] * array.chunkShape[axis];
        box.extent[axis] = std::min(array.chunkShape[axis], array.shape[axis] - origin);
        box.toOrigin[axis] = origin;
    }
    if (rank > 0) {
        const std::int64_t begin = std::max(box.toOrigin[0], firstStart);
        const std::int64_t end = std::min(box.toOrigin[0] + box.extent[0], firstStart + count);
        box.fromOrigin[0] = begin - box.toOrigin[0];
        box.extent[0] = end - begin;
        box.toOrigin[0] = begin - firstStart;
    }
    return box;
}

// Reads rows of one array into float64, chunk by chunk, decoded as xarray decodes.
class RowReader
{
public:
    RowReader(const ArrayMetadata &array, std::int64_t firstStart, std::int64_t count)
        : m_array(array)
        , m_firstStart(firstStart)
        , m_count(count)
        , m_out(rowsShape(array, count))
        , m_cf(cfDecoding(array))
        , m_fill(decodedFill(array, m_cf))
    {
    }

    Result<NdArray> read()
    {
        TESSERA_RETURN_IF_ERROR(forEachChunk(m_array, m_firstStart, m_count, [this](const std::vector<std::int64_t> &chunk) {
            const ChunkBox box = boxOf(m_array, chunk, m_firstStart, m_count);
            return decodesInPlace(m_array, box.extent, box.fromOrigin, m_out.shape()) ? readInPlace(chunk, box)
                                                                                      : readThroughScratch(chunk, box);
        }));
        m_out.setMayHaveNan(m_anyNan);
        return std::move(m_out);
    }

private:
    static Shape rowsShape(const ArrayMetadata &array, std::int64_t count)
    {
        Shape shape = array.shape;
        if (!shape.empty())
            shape[0] = count;
        return shape;
    }

    void fillWithFill(double *target, std::int64_t count)
    {
        std::fill(target, target + count, m_fill);
        m_anyNan |= std::isnan(m_fill);
    }

    Status readInPlace(const std::vector<std::int64_t> &chunk, const ChunkBox &box)
    {
        std::int64_t offset = 0;
        const std::vector<std::int64_t> strides = rowMajorStrides(m_out.shape());
        for (std::size_t axis = 0; axis < box.toOrigin.size(); ++axis)
            offset += box.toOrigin[axis] * strides[axis];
        double *target = m_out.data() + offset;
        const std::int64_t count = elementCount(box.extent);
        Result<bool> found = readChunk(m_array, chunk, reinterpret_cast<char *>(target));
        TESSERA_RETURN_IF_ERROR(found);
        if (*found)
            m_anyNan |= applyCf(m_cf, target, count);
        else
            fillWithFill(target, count);
        return Status::ok();
    }

    Status readThroughScratch(const std::vector<std::int64_t> &chunk, const ChunkBox &box)
    {
        if (m_elements.isEmpty())
            m_elements = ByteBuffer::allocate(m_array.chunkBytes());
        Result<bool> found = readChunk(m_array, chunk, m_elements.data());
        TESSERA_RETURN_IF_ERROR(found);
        const int size = m_array.dtype.size;
        zarr::forEachRun(box.extent, m_array.chunkShape, box.fromOrigin, m_out.shape(), box.toOrigin,
                         [&](std::int64_t from, std::int64_t to, std::int64_t length) {
            double *target = m_out.data() + to;
            if (!*found) {
                fillWithFill(target, length);
                return;
            }
            zarr::toDoubles(reinterpret_cast<const std::byte *>(m_elements.data()) + from * size, std::size_t(length),
                            m_array.dtype, target);
            m_anyNan |= applyCf(m_cf, target, length);
        });
        return Status::ok();
    }

    const ArrayMetadata &m_array;
    std::int64_t m_firstStart;
    std::int64_t m_count;
    NdArray m_out;
    CfDecoding m_cf;
    double m_fill;
    bool m_anyNan = false;
    ByteBuffer m_elements; // a chunk that does not decode in place goes here first
};

Result<NdArray> readRows(const ArrayMetadata &array, std::int64_t firstStart, std::int64_t count)
{
    return RowReader(array, firstStart, count).read();
}

Result<ArrayMetadata> openArray(const QString &store, const QString &variable)
{
    if (zarr::nodeKind(store) == zarr::NodeKind::Array) {
        if (!variable.isEmpty() && variable != rootArrayName(store))
            return makeError(ErrorCode::NotFound, u"%1: the store is one array, %2; it has no variable %3"_s.arg(
                                                      store, rootArrayName(store), variable));
        return zarr::readArrayMetadata(store);
    }
    const QString folder = QDir(store).filePath(variable);
    // A folder that lost its metadata file is named as such, not as a variable that is not there.
    if (!variable.isEmpty() && !variable.contains(u".."_s) && QFileInfo(folder).isDir()
        && zarr::nodeKind(folder) == zarr::NodeKind::None)
        return zarr::readArrayMetadata(folder);
    if (variable.isEmpty() || variable.contains(u".."_s) || zarr::nodeKind(folder) != zarr::NodeKind::Array) {
        Result<FileInfo> info = inspectZarr(store);
        QStringList names;
        if (info) {
            for (const VariableInfo &var : info->variables)
                names << var.name;
        }
        return makeError(ErrorCode::NotFound, u"%1: no array %2 in this Zarr store; it has %3"_s.arg(
                                                  store, variable, names.isEmpty() ? u"none"_s : names.join(u", "_s)));
    }
    return zarr::readArrayMetadata(folder);
}

// A store that is one array has no siblings to hold coordinates: only a group's arrays get them.
Axis axisFor(const QString &store, const ArrayMetadata &array, std::size_t dim, bool withValues)
{
    Axis axis;
    axis.name = dim < array.dimensionNames.size() && !array.dimensionNames[dim].isEmpty() ? array.dimensionNames[dim]
                                                                                          : u"dim_%1"_s.arg(dim);
    const QString folder = QDir(QFileInfo(array.folder).path()).filePath(axis.name);
    if (dim >= array.dimensionNames.size() || QDir::cleanPath(array.folder) == QDir::cleanPath(store)
        || QDir::cleanPath(folder) == QDir::cleanPath(array.folder) || zarr::nodeKind(folder) != zarr::NodeKind::Array)
        return axis;
    const Result<ArrayMetadata> coordinate = zarr::readArrayMetadata(folder);
    if (!coordinate || coordinate->shape != Shape{array.shape[dim]})
        return axis;
    axis.units = coordinate->attributes.value(u"units"_s).toString();
    axis.longName = coordinate->attributes.value(u"long_name"_s).toString();
    axis.calendar = coordinate->attributes.value(u"calendar"_s).toString();
    if (withValues && array.shape[dim] <= maxCoordinateValues) {
        const Result<NdArray> values = readRows(*coordinate, 0, array.shape[dim]);
        if (values)
            axis.values.assign(values->data(), values->data() + values->size());
    }
    return axis;
}

void listArrays(const QString &store, const QString &folder, FileInfo &info)
{
    const zarr::NodeKind kind = zarr::nodeKind(folder);
    if (kind == zarr::NodeKind::Array) {
        const Result<ArrayMetadata> array = zarr::readArrayMetadata(folder);
        if (!array)
            return;
        VariableInfo var;
        const QString relative = QDir(store).relativeFilePath(folder);
        var.name = relative == u"."_s ? rootArrayName(store) : relative;
        for (std::size_t dim = 0; dim < array->shape.size(); ++dim)
            var.dimNames.push_back(axisFor(store, *array, dim, false).name);
        var.shape = array->shape;
        var.storageType = array->dtype.name();
        var.units = array->attributes.value(u"units"_s).toString();
        var.longName = array->attributes.value(u"long_name"_s).toString();
        info.variables.push_back(std::move(var));
        return;
    }
    if (kind != zarr::NodeKind::Group)
        return;
    const QDir dir(folder);
    for (const QString &child : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        listArrays(store, dir.filePath(child), info);
}

} // namespace

bool isZarrStore(const QString &path)
{
    return QFileInfo(path).isDir() && zarr::nodeKind(path) != zarr::NodeKind::None;
}

Result<FileInfo> inspectZarr(const QString &store)
{
    if (!isZarrStore(store))
        return makeError(ErrorCode::Format, u"%1: not a Zarr store (no zarr.json, .zgroup or .zarray in it)"_s.arg(store));
    FileInfo info;
    info.path = store;
    const QDir dir(store);
    info.format = dir.exists(u"zarr.json"_s) ? u"Zarr v3"_s : u"Zarr v2"_s;
    try {
        listArrays(store, store, info);
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"out of memory listing %1"_s.arg(store));
    }
    return info;
}

Result<NdArray> readZarrVariable(const QString &store, const QString &variable, std::int64_t firstStart, std::int64_t firstCount)
{
    Result<ArrayMetadata> array = openArray(store, variable);
    TESSERA_RETURN_IF_ERROR(array);
    if (array->shape.empty()) {
        if (firstStart != 0 || (firstCount != -1 && firstCount != 1))
            return makeError(ErrorCode::InvalidArgument,
                             u"%1: variable %2 is a scalar; it has no rows to select"_s.arg(store, variable));
        firstCount = 1;
    }
    const std::int64_t rows = array->shape.empty() ? 1 : array->shape.front();
    const std::int64_t wanted = firstCount == -1 ? rows - firstStart : firstCount;
    if (firstStart < 0 || wanted < 0 || firstStart + wanted > rows)
        return makeError(
            ErrorCode::InvalidArgument,
            u"%1: variable %2 has %3 entries along its first dimension; cannot read %4 from entry %5"_s.arg(store, variable)
                .arg(rows)
                .arg(wanted)
                .arg(firstStart));
    try {
        return readRows(*array, firstStart, wanted);
    } catch (const std::bad_alloc &) {
        return makeError(ErrorCode::Memory, u"%1: not enough memory to read variable %2"_s.arg(store, variable));
    }
}

Result<VariableProbe> probeZarrVariable(const QString &store, const QString &variable, bool allAxisValues)
{
    Result<ArrayMetadata> array = openArray(store, variable);
    TESSERA_RETURN_IF_ERROR(array);
    VariableProbe probe;
    probe.storageType = array->dtype.name();
    probe.firstChunk = array->chunkShape.empty() ? 0 : array->chunkShape.front();
    ArrayMeta &meta = probe.meta;
    meta.name = variable;
    meta.shape = array->shape;
    meta.units = array->attributes.value(u"units"_s).toString();
    meta.longName = array->attributes.value(u"long_name"_s).toString();
    for (std::size_t dim = 0; dim < array->shape.size(); ++dim)
        meta.axes.push_back(axisFor(store, *array, dim, allAxisValues || dim == 0));
    return probe;
}

} // namespace tessera
