// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <cstdint>
#include <thread>

namespace tessera {

class BlockStore;

// Faulted-in memory kept ready for the next statement's results. A statement that makes a new
// array otherwise waits for every fresh page it writes, which on a virtual machine whose host takes
// back free memory costs 5-30x writing warm memory (see blockallocator.h). So, once the worker has
// been idle a moment, a background thread fills blockallocator's pool up to the reserve: the bytes
// of the largest array held here, within what the memory limit leaves free. Any request stops the
// filling within a few milliseconds; after a longer idle spell what is pooled beyond the reserve
// goes back to the system.
class WarmReserve : public QObject
{
    Q_OBJECT

public:
    explicit WarmReserve(const BlockStore &store, QObject *parent = nullptr);
    ~WarmReserve() override;

    // Work arrived: stop filling.
    void workArrived();
    // The worker has nothing to do: fill after a short pause, trim after a long one.
    void workerIdle();
    // The bytes the reserve aims at now.
    std::int64_t targetBytes() const;
    // For tests, which cannot wait on a background thread otherwise.
    void waitForFill();

private:
    bool waitOn(QTimer &timer, int delayMillis);
    void startFill();
    void stopFill();

    const BlockStore &m_store;
    QTimer m_fillTimer;
    QTimer m_trimTimer;
    QElapsedTimer m_idle; // since the worker last ran out of work
    bool m_busy = false;
    std::thread m_filler;
    std::atomic<bool> m_stop{false};
};

} // namespace tessera
