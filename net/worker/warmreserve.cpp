// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/warmreserve.h"

#include "core/blockallocator.h"
#include "net/worker/blockstore.h"

#include <algorithm>

#include <sys/resource.h>
#include <unistd.h>

namespace tessera {
namespace {

// Long enough that a stream of requests (a head load's puts) never starts a fill between two of
// them, short enough that a user's next statement, typed or clicked, finds the reserve filling.
constexpr int FillDelayMillis = 150;
// Like jemalloc's dirty-page decay: a spell long enough to span a user's next step.
constexpr int TrimDelayMillis = 5000;
// Room left under the limit for what is not a block: socket buffers, fetched pieces, the heap.
constexpr std::int64_t HeadroomBytes = std::int64_t(64) << 20;

} // namespace

WarmReserve::WarmReserve(const BlockStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_fillTimer.setSingleShot(true);
    connect(&m_fillTimer, &QTimer::timeout, this, [this] {
        if (waitOn(m_fillTimer, FillDelayMillis))
            startFill();
    });
    m_trimTimer.setSingleShot(true);
    connect(&m_trimTimer, &QTimer::timeout, this, [this] {
        if (!waitOn(m_trimTimer, TrimDelayMillis))
            return;
        // Whole buffers go, so the pool may end below the target: fill it up again.
        stopFill();
        blockallocator::trimPool(std::size_t(targetBytes()));
        startFill();
    });
}

WarmReserve::~WarmReserve()
{
    stopFill();
}

// The timers run on through work and rest and are checked when they fire, rather than stopped
// and started for every request: that was four timer calls per task on a graph of small tasks.
void WarmReserve::workArrived()
{
    m_stop = true;
    m_busy = true;
}

void WarmReserve::workerIdle()
{
    m_busy = false;
    m_idle.start();
    if (!m_fillTimer.isActive())
        m_fillTimer.start(FillDelayMillis);
    if (!m_trimTimer.isActive())
        m_trimTimer.start(TrimDelayMillis);
}

// True once the worker has been idle for `delayMillis`; otherwise `timer` waits out the rest of the
// spell, or, while the worker works, stays off until workerIdle() starts it again.
bool WarmReserve::waitOn(QTimer &timer, int delayMillis)
{
    if (m_busy)
        return false;
    const qint64 left = delayMillis - m_idle.elapsed();
    if (left <= 0)
        return true;
    timer.start(int(left));
    return false;
}

std::int64_t WarmReserve::targetBytes() const
{
    const std::int64_t room = m_store.limitBytes() - m_store.usedBytes() - HeadroomBytes;
    return std::max<std::int64_t>(0, std::min(m_store.largestArrayBytes(), room));
}

void WarmReserve::waitForFill()
{
    if (m_filler.joinable())
        m_filler.join();
}

// A fill stops within one huge page of being told.
void WarmReserve::stopFill()
{
    m_stop = true;
    if (m_filler.joinable())
        m_filler.join();
}

void WarmReserve::startFill()
{
    const std::int64_t target = targetBytes();
    stopFill();
    if (std::int64_t(blockallocator::pooledBytes()) >= target)
        return;
    m_stop = false;
    m_filler = std::thread([this, target] {
        // Below the kernels and the socket thread: a fill never delays an answer.
        ::setpriority(PRIO_PROCESS, ::gettid(), 10);
        blockallocator::warm(std::size_t(target), m_stop);
    });
}

} // namespace tessera
