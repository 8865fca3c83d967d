// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The limits of a cluster the bench did not start: its links and its workers' memory, measured
// through the protocol.

#include "app/cli/machinelimits.h"
#include "core/status.h"

#include <QString>

namespace tessera {
class ClusterSession;
}

namespace tessera::cli {

// What carries bytes between this program and the workers, and between workers: loopback for
// local workers (one path all share), or measured links (each worker has its own, this program
// one) for workers elsewhere.
struct Network
{
    double bytesPerSecond = 0;
    double roundTripSeconds = 0;
    bool perWorkerLinks = false;
    QString name; // "loopback", "link"
};

// The memory bandwidth all workers have together: this machine's one thread times the threads
// for local workers; measured by the workers themselves, all at once, for workers elsewhere.
struct ClusterMemory
{
    double readBytesPerSecond = 0;
    double writeBytesPerSecond = 0;
    QString readBasis;
    QString writeBasis;
};

// Each worker's link in turn, with this program's one link carrying every probe: the slowest
// direction of the slowest link, and the fastest round trip seen.
Result<Network> measureLinks(ClusterSession &session);
// Every worker times its memory at the same moment, so workers sharing cores (or a host's
// memory bus) show it; the limits use what they sustain together.
Result<ClusterMemory> measureWorkersMemory(ClusterSession &session);
// Local workers: this machine's one-thread figures times the threads.
ClusterMemory localMemory(const MachineLimits &limits, double threads);

} // namespace tessera::cli
