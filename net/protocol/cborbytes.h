// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QCborValue>
#include <QLatin1StringView>
#include <QString>
#include <QVarLengthArray>

#include <cstdint>

namespace tessera {

// CBOR appended straight to a byte array, as QCborStreamWriter would write it: the shortest
// head for every length and integer, definite lengths, text as UTF-8, doubles as 64 bits. A
// graph of small tasks sends one request and one reply per task, and QCborStreamWriter hands
// each item to a QIODevice: under callgrind, writing a task request took about 17,600
// instructions through it and 5,900 here. Containers are counted, so endMap() and endArray()
// say whether the count given at the start was kept.
class CborBytes
{
public:
    explicit CborBytes(QByteArray &out);

    void startMap(quint64 pairs);
    void startArray(quint64 items);
    bool endMap() { return endContainer(); }
    bool endArray() { return endContainer(); }

    void append(qint64 value);
    void append(int value) { append(qint64(value)); }
    void append(bool value);
    void append(double value);
    void append(std::nullptr_t);
    void append(QLatin1StringView text);
    void append(QStringView text);
    void append(const QString &text) { append(QStringView(text)); }
    void append(const QByteArray &bytes); // a byte string
    // A whole value (a map built as a QCborMap, say), encoded by Qt.
    void append(const QCborValue &value);

private:
    // `extra` bytes after the head are the caller's to fill through the returned pointer.
    char *head(unsigned majorType, quint64 argument, qsizetype extra = 0);
    void item();
    bool endContainer();

    QByteArray &m_out;
    QVarLengthArray<qint64, 16> m_open; // items still to come in each open container
};

} // namespace tessera
