// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/clusterlimits.h"

#include "core/bytesize.h"
#include "net/session/clustersession.h"

#include <QElapsedTimer>
#include <QEventLoop>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace tessera::cli {
namespace {

// Runs the event loop until `answer` holds a value or `seconds` have passed; whether it does.
template <typename Answer>
bool waitForAnswer(const std::optional<Answer> &answer, int seconds)
{
    QEventLoop wait;
    QElapsedTimer waited;
    waited.start();
    while (!answer && waited.elapsed() < seconds * 1000)
        wait.processEvents(QEventLoop::WaitForMoreEvents, 1000);
    return answer.has_value();
}

} // namespace

Result<Network> measureLinks(ClusterSession &session)
{
    constexpr std::int64_t ProbeBytes = std::int64_t(64) << 20;
    std::fprintf(stderr, "measuring the links to the workers...\n");
    Network network{0, 0, true, QStringLiteral("link")};
    for (const WorkerInfo &worker : session.workers()) {
        std::optional<Result<LinkMeasurement>> answer;
        session.measureLink(worker.index, ProbeBytes, [&answer](Result<LinkMeasurement> measured) { answer = measured; });
        if (!waitForAnswer(answer, 120))
            return makeError(ErrorCode::Network, QStringLiteral("the link to %1 did not answer within 120 s").arg(worker.name));
        TESSERA_RETURN_IF_ERROR(*answer);
        const LinkMeasurement &link = **answer;
        std::printf("link to %s (%s): send %.1f MB/s, receive %.1f MB/s (a block of %s), round trip %.2f ms\n",
                    qPrintable(worker.name), qPrintable(worker.address), link.sendBytesPerSecond / 1e6,
                    link.receiveBytesPerSecond / 1e6, qPrintable(formatBytes(link.probeBytes)), link.roundTripSeconds * 1e3);
        const double slowest = std::min(link.sendBytesPerSecond, link.receiveBytesPerSecond);
        network.bytesPerSecond = network.bytesPerSecond > 0 ? std::min(network.bytesPerSecond, slowest) : slowest;
        network.roundTripSeconds =
            network.roundTripSeconds > 0 ? std::min(network.roundTripSeconds, link.roundTripSeconds) : link.roundTripSeconds;
    }
    return network;
}

Result<ClusterMemory> measureWorkersMemory(ClusterSession &session)
{
    constexpr std::int64_t ProbeBytes = std::int64_t(256) << 20;
    std::optional<std::vector<Result<MemoryMeasurement>>> answers;
    session.measureMemory(ProbeBytes,
                          [&answers](std::vector<Result<MemoryMeasurement>> measured) { answers = std::move(measured); });
    if (!waitForAnswer(answers, 60))
        return makeError(ErrorCode::Network, QStringLiteral("the workers did not answer a memory measurement within 60 s"));
    ClusterMemory memory{0, 0, QStringLiteral("bytes / the workers' summing bandwidth, all at once"),
                         QStringLiteral("bytes / the workers' writing bandwidth, all at once")};
    for (std::size_t index = 0; index < answers->size(); ++index) {
        const Result<MemoryMeasurement> &answer = (*answers)[index];
        TESSERA_RETURN_IF_ERROR(answer);
        const int threads = session.workers()[index].threads;
        std::printf("memory of %s, all workers at once: read %.2f GB/s, write %.2f GB/s (%d thread%s, a buffer of %s)\n",
                    qPrintable(session.workers()[index].name), answer->readBytesPerSecond / 1e9,
                    answer->writeBytesPerSecond / 1e9, threads, threads == 1 ? "" : "s",
                    qPrintable(formatBytes(answer->probeBytes)));
        memory.readBytesPerSecond += answer->readBytesPerSecond;
        memory.writeBytesPerSecond += answer->writeBytesPerSecond;
    }
    return memory;
}

ClusterMemory localMemory(const MachineLimits &limits, double threads)
{
    return {limits.memoryReadBytesPerSecond * threads, limits.memoryWriteBytesPerSecond * threads,
            QStringLiteral("bytes / (read bandwidth x threads)"), QStringLiteral("bytes / (write bandwidth x threads)")};
}

} // namespace tessera::cli
