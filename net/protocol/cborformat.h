// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

namespace tessera::cbor {

// RFC 8949's encoding, as CborBytes writes it and WireMap reads it: each item starts with a byte
// holding its major type (top three bits) and additional information (low five bits).
enum Major : unsigned { Unsigned = 0, Negative = 1, Bytes = 2, Text = 3, Array = 4, Map = 5, Tag = 6, Simple = 7 };

// Additional information: below OneByte, the argument itself; OneByte to EightBytes, the size of
// the big-endian argument that follows; for major type 7, the simple values and floats.
enum Info : unsigned {
    False = 20,
    True = 21,
    Null = 22,
    Undefined = 23,
    OneByte = 24,
    TwoBytes = 25,
    FourBytes = 26,
    EightBytes = 27,
    Indefinite = 31,
    // Major type 7 with a two-, four- or eight-byte argument: a float of that width.
    Half = TwoBytes,
    Single = FourBytes,
    Double = EightBytes,
};

constexpr char initialByte(Major major, unsigned info)
{
    return char(major << 5 | info);
}

} // namespace tessera::cbor
