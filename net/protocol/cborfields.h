// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/region.h"
#include "core/status.h"
#include "net/protocol/wiremap.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace tessera::wire {

// Bounds on what one message may carry; a field past them is an error, not a truncation.
inline constexpr qsizetype MaxKeyLength = 512;      // a block key
inline constexpr qsizetype MaxNameLength = 256;     // worker names, operation ids, roles
inline constexpr qsizetype MaxPathLength = 4096;    // file paths and addresses
inline constexpr qsizetype MaxTextLength = 16384;   // error messages
inline constexpr qsizetype MaxListLength = 1 << 20; // keys in one release, inputs of one task

// Reads the fields of one received message, each checked for type and range before it is used.
// The first problem is kept, naming the message and the field ("get: field 'key' ..."); a
// reader that failed answers with defaults, so callers check status() once at the end.
class CborFields
{
public:
    // `item` >= 0 numbers the message among its siblings ("task input 2: ..."); the name is
    // put together only when a field fails.
    CborFields(WireMap map, QString message, qsizetype item = -1);

    bool has(const char *key) const;
    QString text(const char *key, qsizetype maxLength, std::optional<QString> fallback = std::nullopt);
    qint64 integer(const char *key, qint64 min, qint64 max, std::optional<qint64> fallback = std::nullopt);
    bool boolean(const char *key, std::optional<bool> fallback = std::nullopt);
    // An integer or a floating-point value.
    double number(const char *key, std::optional<double> fallback = std::nullopt);
    QByteArray bytes(const char *key, qsizetype maxLength);
    // A list; absent is an empty one when `optional`, else an error.
    WireList array(const char *key, qsizetype maxItems, bool optional = false);
    WireMap map(const char *key);
    Shape shape(const char *key);
    Region region(const char *key); // absent: the whole block (an empty region)
    // The type field, which must be `type`, and the id (0 when absent and not required).
    qint64 head(const QString &type, bool idRequired = true);
    // A block key: non-empty text of at most MaxKeyLength.
    QString key(const char *name = "key");

    template <typename T>
    Result<T> finish(T value) const
    {
        if (!m_status.isOk())
            return m_status;
        return value;
    }

    // For checks that span fields; keeps only the first problem.
    void fail(const char *key, const QString &problem);
    const Status &status() const { return m_status; }
    bool isOk() const { return m_status.isOk(); }

private:
    const WireValue *value(const char *key, bool required);

    WireMap m_map;
    QString m_message;
    qsizetype m_item;
    Status m_status;
    WireValue m_found;
};

// The same checks for values inside a message: a shape, a region as CBOR arrays.
Result<Shape> shapeFromCborChecked(const WireValue &value);
Result<Region> regionFromCborChecked(const WireValue &value);

} // namespace tessera::wire
