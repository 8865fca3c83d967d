// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/zarr/zarrjson.h"

#include <QFile>
#include <QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera::zarr {

Result<QJsonObject> parseJsonObject(const QByteArray &bytes, const QString &file)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorCode::Format,
                         u"%1: not valid JSON at byte %2 (%3)"_s.arg(file).arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return makeError(ErrorCode::Format, u"%1: holds JSON but not an object"_s.arg(file));
    return document.object();
}

Result<QJsonObject> readJsonObject(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound, u"%1: cannot open (%2)"_s.arg(file, in.errorString()));
    if (in.size() > maxMetadataBytes)
        return makeError(ErrorCode::Format, u"%1: %2 bytes is too large for Zarr metadata"_s.arg(file).arg(in.size()));
    return parseJsonObject(in.readAll(), file);
}

Result<Shape> readExtents(const QJsonValue &json, const QString &what, std::int64_t smallest)
{
    if (!json.isArray())
        return makeError(ErrorCode::Format, u"%1 is missing or not a list of integers"_s.arg(what));
    Shape shape;
    for (const QJsonValue &value : json.toArray()) {
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < double(smallest) || number != std::floor(number) || number > 9.0e15)
            return makeError(
                ErrorCode::Format,
                u"%1 holds %2, not an integer of at least %3"_s.arg(what, value.toVariant().toString()).arg(smallest));
        shape.push_back(std::int64_t(number));
    }
    return shape;
}

QJsonArray extentsJson(const Shape &shape)
{
    QJsonArray json;
    for (const std::int64_t extent : shape)
        json.append(qint64(extent));
    return json;
}

} // namespace tessera::zarr
