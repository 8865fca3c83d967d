// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The large-buffer pool: freed buffers of any sizes serve a request of another size with the
// pages they already have (no new mapping; the pages are resident before the first write, as
// mincore reports), the rest is mapped fresh, warm() fills the pool ahead of need and stops when
// told, and trimPool() gives memory back.

#include "core/blockallocator.h"

#include <QTest>

#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

using namespace tessera;

namespace {

constexpr std::size_t MiB = std::size_t(1) << 20;

// How many of the buffer's pages are in memory now: a write to those needs no page fault.
std::size_t residentPages(void *buffer, std::size_t bytes)
{
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> resident((bytes + page - 1) / page);
    if (::mincore(buffer, bytes, resident.data()) != 0)
        return 0;
    std::size_t count = 0;
    for (unsigned char flags : resident)
        count += flags & 1;
    return count;
}

std::size_t pagesIn(std::size_t bytes)
{
    return bytes / std::size_t(::sysconf(_SC_PAGESIZE));
}

// Writes every byte, as a kernel writing its output does.
void fill(void *buffer, std::size_t bytes, unsigned char value)
{
    std::memset(buffer, value, bytes);
}

bool holds(const void *buffer, std::size_t bytes, unsigned char value)
{
    const auto *data = static_cast<const unsigned char *>(buffer);
    for (std::size_t i = 0; i < bytes; ++i) {
        if (data[i] != value)
            return false;
    }
    return true;
}

} // namespace

class TestBlockAllocator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void exactSizeIsReused();
    void piecesServeALargerRequest();
    void poolShortfallIsMappedFresh();
    void warmFillsThePoolAndStops();
    void trimReturnsMemory();
};

void TestBlockAllocator::init()
{
    blockallocator::trimPool(0);
    QCOMPARE(blockallocator::pooledBytes(), std::size_t(0));
}

void TestBlockAllocator::exactSizeIsReused()
{
    void *first = blockallocator::allocate(5 * MiB);
    fill(first, 5 * MiB, 1);
    blockallocator::release(first, 5 * MiB);
    const std::size_t mapped = blockallocator::mappedBytes();
    void *second = blockallocator::allocate(5 * MiB);
    QCOMPARE(second, first);
    QCOMPARE(blockallocator::mappedBytes(), mapped);
    blockallocator::release(second, 5 * MiB);
}

void TestBlockAllocator::piecesServeALargerRequest()
{
    // Three buffers of 6 MiB freed, then one of 16 MiB asked for: made of their pages.
    std::vector<void *> small;
    for (int i = 0; i < 3; ++i) {
        small.push_back(blockallocator::allocate(6 * MiB));
        fill(small.back(), 6 * MiB, 2);
    }
    void *live = blockallocator::allocate(3 * MiB);
    fill(live, 3 * MiB, 7);
    for (void *buffer : small)
        blockallocator::release(buffer, 6 * MiB);
    QCOMPARE(blockallocator::pooledBytes(), 18 * MiB);

    const std::size_t mapped = blockallocator::mappedBytes();
    void *large = blockallocator::allocate(16 * MiB);
    QCOMPARE(blockallocator::mappedBytes(), mapped);             // nothing new mapped
    QCOMPARE(blockallocator::pooledBytes(), 2 * MiB);            // the tail of the piece that was cut
    QCOMPARE(residentPages(large, 16 * MiB), pagesIn(16 * MiB)); // moved with their contents, not faulted again
    fill(large, 16 * MiB, 3);
    QVERIFY(holds(large, 16 * MiB, 3));
    QVERIFY(holds(live, 3 * MiB, 7)); // a live buffer is not touched by the splice

    blockallocator::release(large, 16 * MiB);
    blockallocator::release(live, 3 * MiB);
}

void TestBlockAllocator::poolShortfallIsMappedFresh()
{
    void *piece = blockallocator::allocate(4 * MiB);
    fill(piece, 4 * MiB, 1);
    blockallocator::release(piece, 4 * MiB);
    const std::size_t mapped = blockallocator::mappedBytes();
    void *buffer = blockallocator::allocate(10 * MiB);
    QCOMPARE(blockallocator::pooledBytes(), std::size_t(0));
    QCOMPARE(blockallocator::mappedBytes(), mapped + 6 * MiB);
    QCOMPARE(residentPages(buffer, 10 * MiB), pagesIn(4 * MiB)); // the pooled piece; the rest is new
    fill(buffer, 10 * MiB, 5);
    QVERIFY(holds(buffer, 10 * MiB, 5));
    blockallocator::release(buffer, 10 * MiB);
    QCOMPARE(blockallocator::pooledBytes(), 10 * MiB);
}

void TestBlockAllocator::warmFillsThePoolAndStops()
{
    std::atomic<bool> stop{false};
    QCOMPARE(blockallocator::warm(100 * MiB + 5, stop), 100 * MiB); // whole huge pages, at most the target
    QCOMPARE(blockallocator::pooledBytes(), 100 * MiB);
    QCOMPARE(blockallocator::warm(100 * MiB, stop), std::size_t(0)); // already there

    void *buffer = blockallocator::allocate(90 * MiB);
    QCOMPARE(residentPages(buffer, 90 * MiB), pagesIn(90 * MiB)); // warmed pages are faulted in
    fill(buffer, 90 * MiB, 9);
    QVERIFY(holds(buffer, 90 * MiB, 9));
    blockallocator::release(buffer, 90 * MiB);

    blockallocator::trimPool(0);
    stop = true;
    QCOMPARE(blockallocator::warm(100 * MiB, stop), std::size_t(0));
    QCOMPARE(blockallocator::pooledBytes(), std::size_t(0));
}

void TestBlockAllocator::trimReturnsMemory()
{
    const std::size_t mapped = blockallocator::mappedBytes();
    void *a = blockallocator::allocate(8 * MiB);
    void *b = blockallocator::allocate(20 * MiB);
    fill(a, 8 * MiB, 1);
    fill(b, 20 * MiB, 1);
    blockallocator::release(a, 8 * MiB);
    blockallocator::release(b, 20 * MiB);
    QCOMPARE(blockallocator::mappedBytes(), mapped + 28 * MiB);
    blockallocator::trimPool(10 * MiB); // largest first: the 20 MiB buffer goes, the 8 MiB stays
    QCOMPARE(blockallocator::pooledBytes(), 8 * MiB);
    QCOMPARE(blockallocator::mappedBytes(), mapped + 8 * MiB);
    blockallocator::trimPool(0);
    QCOMPARE(blockallocator::mappedBytes(), mapped);
}

QTEST_GUILESS_MAIN(TestBlockAllocator)
#include "tst_blockallocator.moc"
