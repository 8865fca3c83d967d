// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QAnyStringView>
#include <QByteArray>
#include <QByteArrayView>
#include <QCborMap>
#include <QCborValue>
#include <QLatin1StringView>
#include <QString>
#include <QVarLengthArray>

#include <optional>

namespace tessera {

class WireList;
class WireMap;

// A received frame header read where it lies. WireMap::fromCbor() checks the whole CBOR item
// once, as untrusted bytes, when the frame arrives; fields are then decoded from those bytes
// only when asked for. Decoding every header into a QCborMap and looking its fields up there
// was half of a worker's instructions on a graph of small tasks.
//
// The protocol's subset of CBOR is accepted: integers, floats, text, byte strings, arrays and
// maps of definite length with text keys, false, true and null. Tags, indefinite lengths,
// undefined, other simple values and keys of other kinds are refused as unsupported. Values
// share the header's bytes (an implicitly shared QByteArray), so each stays valid on its own.

// One value: its accessors read like QCborValue's. A missing value is Undefined.
class WireValue
{
public:
    WireValue() = default;

    QCborValue::Type type() const;
    bool isUndefined() const { return m_at < 0; }
    bool isInteger() const { return type() == QCborValue::Integer; }
    bool isDouble() const { return type() == QCborValue::Double; }
    bool isString() const { return type() == QCborValue::String; }
    bool isByteArray() const { return type() == QCborValue::ByteArray; }
    bool isArray() const { return type() == QCborValue::Array; }
    bool isMap() const { return type() == QCborValue::Map; }
    bool isBool() const { return type() == QCborValue::False || type() == QCborValue::True; }
    bool isNull() const { return type() == QCborValue::Null; }

    // As QCborValue's: an integer reads as a double and the other way round (a double past
    // qint64's range gives the fallback); any other kind gives the fallback.
    qint64 toInteger(qint64 fallback = 0) const;
    double toDouble(double fallback = 0) const;
    bool toBool(bool fallback = false) const;
    QString toString() const;
    QByteArray toByteArray() const;
    // Text compared without decoding it: the message type of every frame is checked so.
    bool isText(QAnyStringView text) const;
    WireList toArray() const;
    WireMap toMap() const;
    // Decoded by this reader, not by Qt's (tests compare the two).
    QCborValue toCborValue() const;

private:
    friend class WireList;
    friend class WireMap;
    WireValue(QByteArray bytes, qsizetype at);
    // The bytes of a text or byte string (major type `major`); none for any other value.
    std::optional<QByteArrayView> stringBytes(unsigned major) const;

    QByteArray m_bytes;
    qsizetype m_at = -1; // where the value's head starts; -1 when undefined
};

class WireList
{
public:
    WireList() = default;

    qsizetype size() const { return m_items.size(); }
    WireValue at(qsizetype i) const { return {m_bytes, m_items[i]}; }

    class const_iterator
    {
    public:
        WireValue operator*() const { return m_list->at(m_index); }
        const_iterator &operator++()
        {
            ++m_index;
            return *this;
        }
        bool operator==(const const_iterator &) const = default;

    private:
        friend class WireList;
        const_iterator(const WireList *list, qsizetype index)
            : m_list(list)
            , m_index(index)
        {
        }
        const WireList *m_list;
        qsizetype m_index;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

private:
    friend class WireValue;
    WireList(QByteArray bytes, qsizetype at);

    QByteArray m_bytes;
    QVarLengthArray<qsizetype, 8> m_items;
};

class WireMap
{
public:
    WireMap() = default;
    // A map built here (a test's, or a message not sent as bytes), encoded so that it is read
    // the same way as a received one.
    WireMap(const QCborMap &map); // NOLINT(google-explicit-constructor): received and built read alike

    // Checks `bytes` as one CBOR map and nothing after it. The error names the problem and the
    // byte it is at; ErrorCode::Format for broken CBOR, ErrorCode::InvalidArgument for CBOR this
    // protocol does not use.
    static Result<WireMap> fromCbor(QByteArray bytes);

    qsizetype size() const { return m_entries.size(); }
    bool isEmpty() const { return m_entries.isEmpty(); }
    bool contains(QLatin1StringView key) const { return !value(key).isUndefined(); }
    // The first entry with this text key; Undefined when there is none.
    WireValue value(QLatin1StringView key) const;
    WireValue value(const QString &key) const;
    // Entry `i`: its key and value, in the order they were written.
    WireValue keyAt(qsizetype i) const { return {m_bytes, m_entries[i].key}; }
    WireValue valueAt(qsizetype i) const { return {m_bytes, m_entries[i].value}; }
    // Decoded by this reader into a QCborMap, for tests and logs: each insert searches the map.
    QCborMap toMap() const;
    // The map's own CBOR bytes.
    QByteArray toCbor() const;

private:
    friend class WireValue;
    WireMap(QByteArray bytes, qsizetype at);
    // Offsets into m_bytes, which fromCbor() limits to 2 GiB.
    struct Entry
    {
        qint32 key;     // the key's head
        qint32 keyText; // its UTF-8 bytes
        qint32 keySize;
        qint32 value; // the value's head
    };
    void index(qsizetype at);
    // Indexes the entry whose key's head is at `key`; returns where its value starts.
    qsizetype addEntry(qsizetype key);

    QByteArray m_bytes;
    qsizetype m_at = -1;
    qsizetype m_end = -1;
    QVarLengthArray<Entry, 16> m_entries;
};

} // namespace tessera
