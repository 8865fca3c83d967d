// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/filestack.h"

#include "core/cftime.h"
#include "core/io/dataset_p.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

// Names files as briefly as is still unambiguous: the file name when it sits beside the first.
QString shortName(const QString &file, const QString &firstFile)
{
    const QFileInfo info(file);
    if (info.absolutePath() == QFileInfo(firstFile).absolutePath())
        return info.fileName();
    return file;
}

} // namespace

Result<FileStack> planFileStack(const QStringList &files, const QString &variable)
{
    if (files.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"no files to read variable %1 from"_s.arg(variable));

    const QString &firstFile = files.front();
    Result<VariableProbe> first = probeDatasetVariable(firstFile, variable, true);
    if (!first)
        return first.status();
    const Shape firstShape = first->meta.shape;
    if (firstShape.empty()) {
        return makeError(
            ErrorCode::ShapeMismatch,
            u"%1: variable %2 is a scalar; files stack along a variable's first dimension"_s.arg(firstFile, variable));
    }

    FileStack stack;
    stack.files = files;
    stack.variable = variable;
    stack.storageType = first->storageType;
    stack.meta = std::move(first->meta);
    stack.firstExtents.reserve(std::size_t(files.size()));
    stack.firstExtents.push_back(firstShape.front());
    stack.firstChunks.push_back(first->firstChunk);
    Axis &firstAxis = stack.meta.axes.front();
    bool allHaveCoordinates = firstAxis.hasCoordinates();
    std::int64_t totalRows = firstShape.front();

    for (qsizetype index = 1; index < files.size(); ++index) {
        const QString &file = files.at(index);
        const Result<VariableProbe> probe = probeDatasetVariable(file, variable, false);
        if (!probe)
            return probe.status();
        const Shape &shape = probe->meta.shape;
        const bool sameTrailing = shape.size() == stack.meta.shape.size() && !shape.empty()
                                  && std::equal(shape.begin() + 1, shape.end(), stack.meta.shape.begin() + 1);
        if (!sameTrailing) {
            return makeError(ErrorCode::ShapeMismatch,
                             u"%1: variable %2 has shape %3 but %4 has %5; only the first dimension may differ"_s.arg(
                                 shortName(file, firstFile), variable, shapeToString(shape), shortName(firstFile, firstFile),
                                 shapeToString(firstShape)));
        }
        if (probe->storageType != first->storageType) {
            return makeError(ErrorCode::Format, u"%1: variable %2 is stored as %3 but %4 stores it as %5; every file must use "
                                                "the same type"_s.arg(shortName(file, firstFile), variable, probe->storageType,
                                                                      shortName(firstFile, firstFile), first->storageType));
        }
        stack.firstExtents.push_back(shape.front());
        stack.firstChunks.push_back(probe->firstChunk);
        totalRows += shape.front();

        const Axis &axis = probe->meta.axes.front();
        if (!allHaveCoordinates || !axis.hasCoordinates()) {
            allHaveCoordinates = false;
            continue;
        }
        UnitConversion conversion;
        if (axis.units != firstAxis.units) {
            // Files written with their own reference date ("days since 2014-02-01") still
            // line up once expressed in the first file's units.
            const auto converted = timeUnitConversion(axis.units, firstAxis.units, firstAxis.calendar);
            if (!converted) {
                allHaveCoordinates = false;
                continue;
            }
            conversion = *converted;
        }
        for (double value : axis.values)
            firstAxis.values.push_back(value * conversion.factor + conversion.shift);
    }

    if (!allHaveCoordinates)
        firstAxis.values.clear();
    stack.meta.shape.front() = totalRows;
    if (files.size() == 1) {
        stack.meta.source = u"1 file: %1 var %2"_s.arg(firstFile, variable);
    } else {
        stack.meta.source = u"%1 files: %2/... var %3"_s.arg(files.size()).arg(QFileInfo(firstFile).absolutePath(), variable);
    }
    return stack;
}

} // namespace tessera
