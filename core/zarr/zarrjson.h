// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/status.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace tessera::zarr {

// Metadata files are small; a larger one is not metadata (and would cost memory to parse).
inline constexpr qint64 maxMetadataBytes = 64 << 20;

// `bytes` as a JSON object; errors name `file` and the byte where the JSON breaks.
Result<QJsonObject> parseJsonObject(const QByteArray &bytes, const QString &file);
// The file's JSON object, refused beyond maxMetadataBytes.
Result<QJsonObject> readJsonObject(const QString &file);
// A list of integers of at least `smallest` ("shape", "chunks"); errors name `what`.
Result<Shape> readExtents(const QJsonValue &json, const QString &what, std::int64_t smallest);
QJsonArray extentsJson(const Shape &shape);

} // namespace tessera::zarr
