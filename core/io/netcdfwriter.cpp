// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/netcdfwriter.h"

#include "core/io/ncfile_p.h"
#include "core/io/netcdfreader.h"

#include <netcdf.h>
#include <netcdf>

#include <QFile>
#include <QMap>
#include <QSet>

#include <cstdio>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// netCDF names may not contain '/' or control characters, nor end in a space.
std::string netcdfName(const QString &wanted, const QString &fallback)
{
    QString name = wanted.trimmed();
    for (QChar &c : name) {
        if (c == u'/' || c.category() == QChar::Other_Control)
            c = u'_';
    }
    if (name.isEmpty())
        name = fallback;
    if (name.front().unicode() < 0x80 && !name.front().isLetterOrNumber() && name.front() != u'_')
        name.prepend(u'v');
    return name.toStdString();
}

void putTextAttribute(const netCDF::NcVar &var, const char *name, const QString &value)
{
    if (!value.isEmpty())
        var.putAtt(name, value.toStdString());
}

} // namespace

namespace {

// One file's dimensions: by name and length, each with its coordinate variable written once.
class DimensionTable
{
public:
    explicit DimensionTable(netCDF::NcFile &file)
        : m_file(file)
    {
    }

    // The dimensions of a variable of `shape` along `axes` (which may not fit, then dim_N).
    std::vector<netCDF::NcDim> dimsFor(const Shape &shape, const std::vector<Axis> &axes, const std::string &varName)
    {
        const bool axesFit = axes.size() == shape.size();
        std::vector<netCDF::NcDim> dims;
        QSet<QString> usedHere; // an outer product may name two axes alike
        for (std::size_t dim = 0; dim < shape.size(); ++dim) {
            const QString fallback = u"dim_%1"_s.arg(dim);
            const QString wanted = QString::fromStdString(netcdfName(axesFit ? axes[dim].name : fallback, fallback));
            QString name = wanted;
            for (int suffix = 1; usedHere.contains(name) || (m_lengths.contains(name) && m_lengths[name] != shape[dim]); ++suffix)
                name = wanted + u"_%1"_s.arg(suffix);
            usedHere.insert(name);
            if (!m_lengths.contains(name)) {
                m_lengths[name] = shape[dim];
                m_dims[name] = m_file.addDim(name.toStdString(), std::size_t(shape[dim]));
                if (axesFit && name.toStdString() != varName)
                    addCoordinate(m_dims[name], axes[dim], shape[dim]);
            }
            dims.push_back(m_dims[name]);
        }
        return dims;
    }

private:
    void addCoordinate(const netCDF::NcDim &dim, const Axis &axis, std::int64_t length)
    {
        if (std::int64_t(axis.values.size()) != length)
            return;
        if (axis.labels.size() == axis.values.size()) { // seasons: "DJF", "MAM", ... as xarray writes them
            const netCDF::NcVar coordinate = m_file.addVar(dim.getName(), netCDF::ncString, dim);
            std::vector<std::string> text;
            for (const QString &label : axis.labels)
                text.push_back(label.toStdString());
            std::vector<const char *> pointers;
            for (const std::string &label : text)
                pointers.push_back(label.c_str());
            coordinate.putVar(pointers.data());
            return;
        }
        const netCDF::NcVar coordinate = m_file.addVar(dim.getName(), netCDF::ncDouble, dim);
        putTextAttribute(coordinate, "units", axis.units);
        putTextAttribute(coordinate, "long_name", axis.longName);
        putTextAttribute(coordinate, "calendar", axis.calendar);
        coordinate.putVar(axis.values.data());
    }

    netCDF::NcFile &m_file;
    QMap<QString, std::int64_t> m_lengths;
    QMap<QString, netCDF::NcDim> m_dims;
};

void addArray(netCDF::NcFile &file, DimensionTable &table, const NamedArray &array, const QString &fallbackName)
{
    const std::string varName = netcdfName(array.meta.name, fallbackName);
    const std::vector<netCDF::NcDim> dims = table.dimsFor(array.value.shape(), array.meta.axes, varName);
    const netCDF::NcVar var = file.addVar(varName, netCDF::ncDouble, dims);
    var.setFill(true, std::numeric_limits<double>::quiet_NaN());
    putTextAttribute(var, "units", array.meta.units);
    putTextAttribute(var, "long_name", array.meta.longName);
    putTextAttribute(var, "source", array.meta.source);
    if (array.value.size() > 0)
        var.putVar(array.value.data());
}

} // namespace

Status writeArray(const QString &path, const ArrayMeta &meta, const NdArray &array)
{
    return writeArrays(path, {NamedArray{meta, array}});
}

Status writeArrays(const QString &path, const std::vector<NamedArray> &arrays)
{
    for (const NamedArray &array : arrays) {
        if (array.value.isNull())
            return makeError(ErrorCode::InvalidArgument, u"%1: there is no array to write"_s.arg(path));
    }
    // Written beside the target and renamed over it, so a reader never sees half a file. An
    // NCZarr URL ("file:///x.zarr#mode=zarr,file") is a directory store, written in place.
    const bool isUrl = path.contains(u"://"_s);
    const QByteArray finalName = isUrl ? path.toUtf8() : QFile::encodeName(path);
    const QByteArray partName = isUrl ? finalName : finalName + ".part";
    try {
        const std::lock_guard lock(netcdfMutex());
        nc::quietHdf5ForThisThread();
        {
            netCDF::NcFile file(partName.toStdString(), netCDF::NcFile::replace, netCDF::NcFile::nc4);
            DimensionTable table(file);
            for (std::size_t i = 0; i < arrays.size(); ++i)
                addArray(file, table, arrays[i], i == 0 ? u"result"_s : u"result_%1"_s.arg(i));
            file.putAtt("history", "written by Tessera");
        }
        if (!isUrl && std::rename(partName.constData(), finalName.constData()) != 0) {
            QFile::remove(QFile::decodeName(partName));
            return makeError(ErrorCode::Io, u"cannot write %1: renaming the finished file failed"_s.arg(path));
        }
    } catch (const netCDF::exceptions::NcException &error) {
        if (!isUrl)
            QFile::remove(QFile::decodeName(partName));
        return makeError(ErrorCode::Io, u"cannot write %1 (netCDF says: %2)"_s.arg(path, nc::exceptionText(error)));
    } catch (const std::exception &error) {
        if (!isUrl)
            QFile::remove(QFile::decodeName(partName));
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, QString::fromUtf8(error.what())));
    }
    return Status::ok();
}

} // namespace tessera
