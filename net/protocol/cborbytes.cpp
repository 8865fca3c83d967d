// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/cborbytes.h"

#include "net/protocol/cborformat.h"

#include <QtEndian>

#include <algorithm>
#include <bit>

namespace tessera {

using namespace cbor;

namespace {

bool isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

bool isAscii(QLatin1StringView text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return uchar(c) < 0x80; });
}

} // namespace

CborBytes::CborBytes(QByteArray &out)
    : m_out(out)
{
}

// One resize of the array for the head and what follows it: appending byte by byte went through
// QByteArray's growth checks for each.
char *CborBytes::head(unsigned majorType, quint64 argument, qsizetype extra)
{
    const int argumentBytes = argument < OneByte        ? 0
                              : argument <= 0xff        ? 1
                              : argument <= 0xffff      ? 2
                              : argument <= 0xffffffffu ? 4
                                                        : 8;
    const qsizetype at = m_out.size();
    m_out.resize(at + 1 + argumentBytes + extra);
    char *out = m_out.data() + at;
    const auto major = Major(majorType);
    switch (argumentBytes) {
    case 0: *out = initialByte(major, unsigned(argument)); break;
    case 1:
        out[0] = initialByte(major, OneByte);
        out[1] = char(argument);
        break;
    case 2:
        out[0] = initialByte(major, TwoBytes);
        qToBigEndian(quint16(argument), out + 1);
        break;
    case 4:
        out[0] = initialByte(major, FourBytes);
        qToBigEndian(quint32(argument), out + 1);
        break;
    default:
        out[0] = initialByte(major, EightBytes);
        qToBigEndian(argument, out + 1);
        break;
    }
    return out + 1 + argumentBytes;
}

void CborBytes::item()
{
    if (!m_open.empty())
        --m_open.back(); // below zero once more items came than were declared
}

bool CborBytes::endContainer()
{
    if (m_open.empty())
        return false;
    const bool complete = m_open.back() == 0;
    m_open.pop_back();
    return complete;
}

void CborBytes::startMap(quint64 pairs)
{
    item();
    head(Map, pairs);
    m_open.push_back(qint64(2 * pairs));
}

void CborBytes::startArray(quint64 items)
{
    item();
    head(Array, items);
    m_open.push_back(qint64(items));
}

void CborBytes::append(qint64 value)
{
    item();
    if (value >= 0)
        head(Unsigned, quint64(value));
    else
        head(Negative, quint64(-(value + 1))); // -1 - n, which also holds the least qint64
}

void CborBytes::append(bool value)
{
    item();
    m_out.append(initialByte(Simple, value ? True : False));
}

void CborBytes::append(double value)
{
    item();
    const qsizetype at = m_out.size();
    m_out.resize(at + 9);
    char *out = m_out.data() + at;
    out[0] = initialByte(Simple, Double);
    qToBigEndian(std::bit_cast<quint64>(value), out + 1);
}

void CborBytes::append(std::nullptr_t)
{
    item();
    m_out.append(initialByte(Simple, Null));
}

void CborBytes::append(QLatin1StringView text)
{
    if (!isAscii(text)) {
        append(QString(text));
        return;
    }
    item();
    std::copy(text.begin(), text.end(), head(Text, quint64(text.size()), text.size()));
}

void CborBytes::append(QStringView text)
{
    item();
    if (!isAscii(text)) {
        const QByteArray utf8 = text.toUtf8();
        std::copy(utf8.begin(), utf8.end(), head(Text, quint64(utf8.size()), utf8.size()));
        return;
    }
    std::transform(text.begin(), text.end(), head(Text, quint64(text.size()), text.size()),
                   [](QChar c) { return char(c.unicode()); });
}

void CborBytes::append(const QByteArray &bytes)
{
    item();
    std::copy(bytes.begin(), bytes.end(), head(Bytes, quint64(bytes.size()), bytes.size()));
}

void CborBytes::append(const QCborValue &value)
{
    item();
    m_out.append(value.toCbor());
}

} // namespace tessera
