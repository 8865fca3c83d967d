// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

namespace tessera::cli {

// What this machine can do at best, measured in the same run as the benchmark so that ratios
// survive a shared, noisy machine.
struct MachineLimits
{
    double memoryReadBytesPerSecond = 0;  // one thread summing a large array (STREAM-like)
    double memoryWriteBytesPerSecond = 0; // one thread filling a large array
    // One thread writing pages the process has never touched: on a virtual machine the first touch
    // of guest memory can cost far more than the write itself.
    double freshMemoryBytesPerSecond = 0;
    double loopbackBytesPerSecond = 0;   // one TCP stream over 127.0.0.1
    double loopbackRoundTripSeconds = 0; // a one-byte ping-pong over 127.0.0.1
};

MachineLimits measureMachineLimits();

} // namespace tessera::cli
