// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/netcdfwriter.h"

#include "core/io/ncfile_p.h"
#include "core/io/netcdfreader.h"

#include <netcdf.h>
#include <netcdf>

#include <QFile>
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

Status writeArray(const QString &path, const ArrayMeta &meta, const NdArray &array)
{
    if (array.isNull())
        return makeError(ErrorCode::InvalidArgument, u"%1: there is no array to write"_s.arg(path));
    const Shape &shape = array.shape();
    const bool axesFit = meta.axes.size() == shape.size();
    const std::string varName = netcdfName(meta.name, u"result"_s);

    // Dimension names must be unique in a group; an outer product may name two axes alike.
    std::vector<std::string> dimNames;
    QSet<QString> taken;
    for (std::size_t dim = 0; dim < shape.size(); ++dim) {
        const QString fallback = u"dim_%1"_s.arg(dim);
        QString name = QString::fromStdString(netcdfName(axesFit ? meta.axes[dim].name : fallback, fallback));
        for (int suffix = 1; taken.contains(name); ++suffix)
            name = QString::fromStdString(netcdfName(axesFit ? meta.axes[dim].name : fallback, fallback)) + u"_%1"_s.arg(suffix);
        taken.insert(name);
        dimNames.push_back(name.toStdString());
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
            std::vector<netCDF::NcDim> dims;
            for (std::size_t dim = 0; dim < shape.size(); ++dim)
                dims.push_back(file.addDim(dimNames[dim], std::size_t(shape[dim])));
            for (std::size_t dim = 0; dim < shape.size() && axesFit; ++dim) {
                const Axis &axis = meta.axes[dim];
                if (std::int64_t(axis.values.size()) != shape[dim] || dimNames[dim] == varName)
                    continue;
                if (axis.labels.size() == axis.values.size()) { // seasons: "DJF", "MAM", ... as xarray writes them
                    const netCDF::NcVar coordinate = file.addVar(dimNames[dim], netCDF::ncString, dims[dim]);
                    std::vector<std::string> text;
                    for (const QString &label : axis.labels)
                        text.push_back(label.toStdString());
                    std::vector<const char *> pointers;
                    for (const std::string &label : text)
                        pointers.push_back(label.c_str());
                    coordinate.putVar(pointers.data());
                    continue;
                }
                const netCDF::NcVar coordinate = file.addVar(dimNames[dim], netCDF::ncDouble, dims[dim]);
                putTextAttribute(coordinate, "units", axis.units);
                putTextAttribute(coordinate, "long_name", axis.longName);
                putTextAttribute(coordinate, "calendar", axis.calendar);
                coordinate.putVar(axis.values.data());
            }
            const netCDF::NcVar var = file.addVar(varName, netCDF::ncDouble, dims);
            var.setFill(true, std::numeric_limits<double>::quiet_NaN());
            putTextAttribute(var, "units", meta.units);
            putTextAttribute(var, "long_name", meta.longName);
            putTextAttribute(var, "source", meta.source);
            file.putAtt("history", "written by Tessera");
            if (array.size() > 0)
                var.putVar(array.data());
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
