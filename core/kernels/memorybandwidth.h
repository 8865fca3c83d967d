// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <cstddef>

namespace tessera {

// What one thread sustains over `seconds`, beside whatever else runs on the machine (other
// workers on the same cores, say): bytes written per second filling a buffer of `bytes` again
// and again, then bytes read per second summing it with the kernels' own row sum, the read
// x.sum() does; each by its median pass.
struct SustainedBandwidth
{
    double readBytesPerSecond = 0;
    double writeBytesPerSecond = 0;
};
SustainedBandwidth measureSustainedBandwidth(std::size_t bytes, double seconds);

} // namespace tessera
