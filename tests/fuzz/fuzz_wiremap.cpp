// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// WireMap against Qt's CBOR decoder on arbitrary bytes. What WireMap accepts, Qt reads too, as
// the same values through every accessor; what Qt reads and WireMap refuses is refused as outside
// the protocol's subset (ErrorCode::InvalidArgument), never as broken.

#include "fuzzcheck.h"

#include "net/protocol/wiremap.h"

#include <QCborArray>
#include <QCborStreamReader>

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace tessera;

namespace {

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

void compare(const WireValue &ours, const QCborValue &qts)
{
    FUZZ_CHECK(ours.type() == qts.type());
    // Qt converts a double past qint64's range with a plain cast, which is undefined.
    if (!qts.isDouble() || (qts.toDouble() >= -0x1p63 && qts.toDouble() < 0x1p63))
        FUZZ_CHECK(ours.toInteger(7) == qts.toInteger(7));
    else
        FUZZ_CHECK(ours.toInteger(7) == 7);
    FUZZ_CHECK(sameDouble(ours.toDouble(7.5), qts.toDouble(7.5)));
    FUZZ_CHECK(ours.toBool(true) == qts.toBool(true));
    FUZZ_CHECK(ours.toString() == qts.toString());
    FUZZ_CHECK(ours.toByteArray() == qts.toByteArray());
    if (qts.isString())
        FUZZ_CHECK(ours.isText(qts.toString()));
    if (qts.isArray()) {
        const QCborArray array = qts.toArray();
        const WireList list = ours.toArray();
        FUZZ_CHECK(list.size() == array.size());
        for (qsizetype i = 0; i < array.size(); ++i)
            compare(list.at(i), array.at(i));
    }
    if (qts.isMap()) {
        const QCborMap map = qts.toMap();
        const WireMap mine = ours.toMap();
        FUZZ_CHECK(mine.size() == map.size());
        qsizetype i = 0;
        for (auto it = map.constBegin(); it != map.constEnd(); ++it, ++i) {
            FUZZ_CHECK(mine.keyAt(i).toString() == it.key().toString());
            compare(mine.valueAt(i), it.value());
            compare(mine.value(it.key().toString()), map.value(it.key().toString()));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<WireMap> ours = WireMap::fromCbor(bytes);
    QCborStreamReader reader(bytes);
    const QCborValue qts = QCborValue::fromCbor(reader);
    const bool qtReadsAMap = reader.lastError() == QCborError::NoError && reader.currentOffset() == bytes.size() && qts.isMap();
    if (!ours.isOk()) {
        FUZZ_CHECK(!ours.status().message().isEmpty());
        FUZZ_CHECK(!qtReadsAMap || ours.status().code() == ErrorCode::InvalidArgument);
        return 0;
    }
    FUZZ_CHECK(qtReadsAMap);
    FUZZ_CHECK(ours->toCbor() == bytes);
    // Read as a value inside another map, so the top level goes through the same accessors.
    const Result<WireMap> wrapped = WireMap::fromCbor(QByteArray::fromHex("a16176") + bytes);
    if (wrapped.isOk())
        compare(wrapped->value(QLatin1StringView("v")), qts);
    else
        FUZZ_CHECK(wrapped.status().code() == ErrorCode::InvalidArgument); // nested one level too deep
    return 0;
}
