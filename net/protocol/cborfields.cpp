// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/cborfields.h"

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera::wire {

namespace {

QString kindName(const WireValue &value)
{
    switch (value.type()) {
    case QCborValue::Integer: return u"an integer"_s;
    case QCborValue::Double: return u"a number"_s;
    case QCborValue::String: return u"text"_s;
    case QCborValue::ByteArray: return u"bytes"_s;
    case QCborValue::Array: return u"a list"_s;
    case QCborValue::Map: return u"a map"_s;
    case QCborValue::True:
    case QCborValue::False: return u"a boolean"_s;
    case QCborValue::Null: return u"null"_s;
    default: return u"a CBOR value of another kind"_s;
    }
}

} // namespace

CborFields::CborFields(WireMap map, QString message, qsizetype item)
    : m_map(std::move(map))
    , m_message(std::move(message))
    , m_item(item)
{
}

bool CborFields::has(const char *key) const
{
    return m_map.contains(QLatin1StringView(key));
}

void CborFields::fail(const char *key, const QString &problem)
{
    if (!m_status.isOk())
        return;
    const QString message = m_item < 0 ? m_message : u"%1 %2"_s.arg(m_message).arg(m_item);
    m_status = makeError(ErrorCode::Format, u"%1: field '%2' %3"_s.arg(message, QLatin1StringView(key), problem));
}

const WireValue *CborFields::value(const char *key, bool required)
{
    if (!m_status.isOk())
        return nullptr;
    m_found = m_map.value(QLatin1StringView(key));
    if (m_found.isUndefined()) {
        if (required)
            fail(key, u"is missing"_s);
        return nullptr;
    }
    return &m_found;
}

QString CborFields::text(const char *key, qsizetype maxLength, std::optional<QString> fallback)
{
    const WireValue *found = value(key, !fallback);
    if (!found)
        return fallback.value_or(QString());
    if (!found->isString()) {
        fail(key, u"must be text, not %1"_s.arg(kindName(*found)));
        return {};
    }
    QString result = found->toString();
    if (result.size() > maxLength) {
        fail(key, u"is %1 characters long; at most %2 are allowed"_s.arg(result.size()).arg(maxLength));
        return {};
    }
    return result;
}

qint64 CborFields::integer(const char *key, qint64 min, qint64 max, std::optional<qint64> fallback)
{
    const WireValue *found = value(key, !fallback);
    if (!found)
        return fallback.value_or(0);
    if (!found->isInteger()) {
        fail(key, u"must be an integer, not %1"_s.arg(kindName(*found)));
        return fallback.value_or(0);
    }
    const qint64 result = found->toInteger();
    if (result < min || result > max) {
        fail(key, u"is %1; it must be from %2 to %3"_s.arg(result).arg(min).arg(max));
        return fallback.value_or(0);
    }
    return result;
}

bool CborFields::boolean(const char *key, std::optional<bool> fallback)
{
    const WireValue *found = value(key, !fallback);
    if (!found)
        return fallback.value_or(false);
    if (!found->isBool()) {
        fail(key, u"must be a boolean, not %1"_s.arg(kindName(*found)));
        return fallback.value_or(false);
    }
    return found->toBool();
}

double CborFields::number(const char *key, std::optional<double> fallback)
{
    const WireValue *found = value(key, !fallback);
    if (!found)
        return fallback.value_or(0);
    if (found->isInteger())
        return double(found->toInteger());
    if (!found->isDouble()) {
        fail(key, u"must be a number, not %1"_s.arg(kindName(*found)));
        return fallback.value_or(0);
    }
    return found->toDouble();
}

QByteArray CborFields::bytes(const char *key, qsizetype maxLength)
{
    const WireValue *found = value(key, true);
    if (!found)
        return {};
    if (!found->isByteArray()) {
        fail(key, u"must be bytes, not %1"_s.arg(kindName(*found)));
        return {};
    }
    QByteArray result = found->toByteArray();
    if (result.size() > maxLength) {
        fail(key, u"holds %1 bytes; at most %2 are allowed"_s.arg(result.size()).arg(maxLength));
        return {};
    }
    return result;
}

WireList CborFields::array(const char *key, qsizetype maxItems, bool optional)
{
    const WireValue *found = value(key, !optional);
    if (!found)
        return {};
    if (!found->isArray()) {
        fail(key, u"must be a list, not %1"_s.arg(kindName(*found)));
        return {};
    }
    WireList result = found->toArray();
    if (result.size() > maxItems) {
        fail(key, u"has %1 items; at most %2 are allowed"_s.arg(result.size()).arg(maxItems));
        return {};
    }
    return result;
}

WireMap CborFields::map(const char *key)
{
    const WireValue *found = value(key, true);
    if (!found)
        return {};
    if (!found->isMap()) {
        fail(key, u"must be a map, not %1"_s.arg(kindName(*found)));
        return {};
    }
    return found->toMap();
}

Shape CborFields::shape(const char *key)
{
    const WireValue *found = value(key, true);
    if (!found)
        return {};
    Result<Shape> parsed = shapeFromCborChecked(*found);
    if (!parsed.isOk()) {
        fail(key, parsed.status().message());
        return {};
    }
    return *parsed;
}

Region CborFields::region(const char *key)
{
    const WireValue *found = value(key, false);
    if (!found)
        return {};
    Result<Region> parsed = regionFromCborChecked(*found);
    if (!parsed.isOk()) {
        fail(key, parsed.status().message());
        return {};
    }
    return *parsed;
}

qint64 CborFields::head(const QString &type, bool idRequired)
{
    // Compared where it lies: every frame's type is checked, and decoding it would allocate.
    if (const WireValue *found = value("type", true); found && !found->isText(type)) {
        const QString other = text("type", MaxNameLength);
        if (isOk())
            fail("type", u"is '%1', not '%2'"_s.arg(other, type));
    }
    return integer("id", 0, std::numeric_limits<qint64>::max(), idRequired ? std::nullopt : std::optional<qint64>(0));
}

QString CborFields::key(const char *name)
{
    const QString result = text(name, MaxKeyLength);
    if (isOk() && result.isEmpty())
        fail(name, u"is empty"_s);
    return result;
}

Result<Shape> shapeFromCborChecked(const WireValue &value)
{
    if (!value.isArray())
        return makeError(ErrorCode::Format, u"must be a list of extents, not %1"_s.arg(kindName(value)));
    const WireList array = value.toArray();
    if (array.size() > MaxRank)
        return makeError(ErrorCode::Format, u"has %1 dimensions; at most %2 are allowed"_s.arg(array.size()).arg(MaxRank));
    Shape shape;
    for (const WireValue &extent : array) {
        if (!extent.isInteger() || extent.toInteger() < 0)
            return makeError(ErrorCode::Format, u"must hold non-negative integer extents"_s);
        shape.push_back(extent.toInteger());
    }
    if (!checkedByteSize(shape))
        return makeError(ErrorCode::Format,
                         u"describes %1, more than a block may hold (%2 bytes)"_s.arg(shapeToString(shape)).arg(MaxBlockBytes));
    return shape;
}

Result<Region> regionFromCborChecked(const WireValue &value)
{
    if (!value.isArray())
        return makeError(ErrorCode::Format, u"must be a list of slices, not %1"_s.arg(kindName(value)));
    const WireList array = value.toArray();
    if (array.size() > MaxRank)
        return makeError(ErrorCode::Format, u"has %1 axes; at most %2 are allowed"_s.arg(array.size()).arg(MaxRank));
    Region region;
    for (const WireValue &item : array) {
        const WireList slice = item.toArray();
        if (!item.isArray() || slice.size() != 4 || !slice.at(0).isInteger() || !slice.at(1).isInteger()
            || !slice.at(2).isInteger() || !slice.at(3).isBool())
            return makeError(ErrorCode::Format, u"must hold [start, count, step, drop] slices of three integers and a boolean"_s);
        region.push_back({slice.at(0).toInteger(), slice.at(1).toInteger(), slice.at(2).toInteger(), slice.at(3).toBool()});
    }
    return region;
}

} // namespace tessera::wire
