// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/machinelimits.h"

#include "core/timedruns.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tessera::cli {
namespace {

// Best of a few runs: the limit is what the machine can do, not what it did while busy.
template <typename Run>
double bestSeconds(int runs, Run run)
{
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = SteadyClock::now();
        run();
        best = std::min(best, secondsSince(start));
    }
    return best;
}

void measureMemory(MachineLimits &limits)
{
    constexpr std::size_t count = std::size_t(256) << 20 >> 3; // 256 MB of doubles, far beyond any cache
    std::unique_ptr<double[]> data(new double[count]);
    const double writeSeconds = bestSeconds(3, [&] {
        for (std::size_t i = 0; i < count; ++i)
            data[i] = double(i & 1023);
    });
    volatile double sink = 0;
    const double readSeconds = bestSeconds(5, [&] {
        // Four independent sums, so the loop is limited by memory, not by the add latency.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (std::size_t i = 0; i < count; i += 4) {
            s0 += data[i];
            s1 += data[i + 1];
            s2 += data[i + 2];
            s3 += data[i + 3];
        }
        sink = s0 + s1 + s2 + s3;
    });
    (void)sink;
    limits.memoryReadBytesPerSecond = double(count * sizeof(double)) / readSeconds;
    const std::size_t freshBytes = count * sizeof(double);
    const double freshSeconds = bestSeconds(3, [&] {
        void *fresh = ::mmap(nullptr, freshBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (fresh == MAP_FAILED)
            return;
        std::memset(fresh, 1, freshBytes);
        ::munmap(fresh, freshBytes);
    });
    limits.freshMemoryBytesPerSecond = double(freshBytes) / freshSeconds;
    limits.memoryWriteBytesPerSecond = double(count * sizeof(double)) / writeSeconds;
}

// A connected pair of loopback TCP sockets.
bool loopbackPair(int &client, int &server)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), length) != 0 || ::listen(listener, 1) != 0
        || ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        ::close(listener);
        return false;
    }
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(client, reinterpret_cast<sockaddr *>(&address), length) != 0) {
        ::close(listener);
        ::close(client);
        return false;
    }
    server = ::accept(listener, nullptr, nullptr);
    ::close(listener);
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return server >= 0;
}

void measureLoopback(MachineLimits &limits)
{
    int client = -1;
    int server = -1;
    if (!loopbackPair(client, server))
        return;
    constexpr std::size_t chunk = std::size_t(4) << 20;
    constexpr std::size_t total = std::size_t(512) << 20;
    std::vector<char> sendBuffer(chunk, 1);
    std::vector<char> receiveBuffer(chunk);
    const auto streamOnce = [&] {
        std::thread reader([&] {
            std::size_t received = 0;
            while (received < total) {
                const ssize_t got = ::read(server, receiveBuffer.data(), chunk);
                if (got <= 0)
                    break;
                received += std::size_t(got);
            }
        });
        for (std::size_t sent = 0; sent < total;) {
            const ssize_t put = ::write(client, sendBuffer.data(), std::min(chunk, total - sent));
            if (put <= 0)
                break;
            sent += std::size_t(put);
        }
        reader.join();
    };
    limits.loopbackBytesPerSecond = double(total) / bestSeconds(3, streamOnce);

    std::thread echo([&] {
        char byte = 0;
        while (::read(server, &byte, 1) == 1 && byte != 'q')
            [[maybe_unused]] const ssize_t written = ::write(server, &byte, 1);
    });
    constexpr int pings = 2000;
    char byte = 'p';
    const auto start = SteadyClock::now();
    for (int i = 0; i < pings; ++i) {
        [[maybe_unused]] const ssize_t written = ::write(client, &byte, 1);
        [[maybe_unused]] const ssize_t got = ::read(client, &byte, 1);
    }
    limits.loopbackRoundTripSeconds = secondsSince(start) / pings;
    byte = 'q';
    [[maybe_unused]] const ssize_t written = ::write(client, &byte, 1);
    echo.join();
    ::close(client);
    ::close(server);
}

} // namespace

MachineLimits measureMachineLimits()
{
    MachineLimits limits;
    measureMemory(limits);
    measureLoopback(limits);
    return limits;
}

} // namespace tessera::cli
