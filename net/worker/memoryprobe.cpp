// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/worker/taskexecutor.h"

#include "core/kernels/memorybandwidth.h"

#include <algorithm>
#include <memory>
#include <mutex>

namespace tessera {
namespace {

// Passes of a 256 MB buffer take 20-40 ms here: enough of them for a median, few enough not to
// keep a bench waiting.
constexpr double MeasureSeconds = 0.8;

} // namespace

// Every kernel thread measures its share of the buffer at the same time, so the answer is what
// this worker's threads sustain together, beside whatever else shares the machine (a client
// asks all its workers at once). The buffer counts against the memory limit while it lives.
void TaskExecutor::handleMeasure(const wire::Measure &measure, const ReplyFunction &reply)
{
    if (Status reserved = m_store.reserve(measure.bytes, QStringLiteral("a memory measurement")); !reserved.isOk()) {
        reply(errorReply(measure.id, reserved), {});
        return;
    }
    ++m_activeTasks;
    struct Tally
    {
        std::mutex mutex;
        int running = 0;
        wire::Ok answer;
    };
    const int threads = std::max(1, m_pool.maxThreadCount());
    auto tally = std::make_shared<Tally>();
    tally->running = threads;
    tally->answer.id = measure.id;
    for (int thread = 0; thread < threads; ++thread) {
        m_pool.start([this, tally, measure, reply, threads] {
            const SustainedBandwidth rate = measureSustainedBandwidth(std::size_t(measure.bytes / threads), MeasureSeconds);
            const std::lock_guard lock(tally->mutex);
            tally->answer.readBytesPerSecond += rate.readBytesPerSecond;
            tally->answer.writeBytesPerSecond += rate.writeBytesPerSecond;
            if (--tally->running > 0)
                return;
            QMetaObject::invokeMethod(this, [this, tally, measure, reply] {
                taskEnded();
                m_store.unreserve(measure.bytes);
                reply(tally->answer.toCbor(), {});
            });
        });
    }
}

} // namespace tessera
