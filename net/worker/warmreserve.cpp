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
    m_fillTimer.setInterval(FillDelayMillis);
    connect(&m_fillTimer, &QTimer::timeout, this, &WarmReserve::startFill);
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(TrimDelayMillis);
    connect(&m_trimTimer, &QTimer::timeout, this, [this] {
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

void WarmReserve::workArrived()
{
    m_stop = true;
    m_fillTimer.stop();
    m_trimTimer.stop();
}

void WarmReserve::workerIdle()
{
    m_fillTimer.start();
    m_trimTimer.start();
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
