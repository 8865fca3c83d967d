// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// ClusterSession::measureLink: what one link between this program and a worker carries;
// measureMemory: what each worker's memory sustains while all of them work.

#include "net/protocol/messages.h"
#include "net/protocol/taskmessages.h"
#include "net/session/clustersession_p.h"

#include <QCborArray>
#include <QElapsedTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr int RoundTrips = 5;

struct Probe
{
    QPointer<WorkerClient> client;
    std::int64_t bytes = 0;
    QString key;
    QByteArray payload;
    LinkMeasurement measured;
    QElapsedTimer timer;
    int roundTripsLeft = RoundTrips;
    std::function<void(Result<LinkMeasurement>)> done;

    Status failure(const Frame &reply, const char *what) const
    {
        return makeError(ErrorCode::Network, u"measuring the link to %1: the %2 failed: %3"_s.arg(
                                                 client ? client->workerName() : u"a worker"_s, QLatin1String(what),
                                                 statusFromErrorReply(reply.header).message()));
    }
};

// The worker went away meanwhile.
bool lost(const std::shared_ptr<Probe> &probe)
{
    if (probe->client && probe->client->state() == WorkerClient::State::Ready)
        return false;
    probe->done(makeError(ErrorCode::Network, u"measuring a link: the worker is no longer connected"_s));
    return true;
}

void release(const std::shared_ptr<Probe> &probe, Result<LinkMeasurement> outcome)
{
    if (lost(probe))
        return;
    probe->client->request(QCborMap{{field::Type, msg::Release}, {u"keys"_s, QCborArray{probe->key}}},
                           [probe, outcome](const Frame &) { probe->done(outcome); });
}

void receive(const std::shared_ptr<Probe> &probe)
{
    if (lost(probe))
        return;
    probe->timer.start();
    probe->client->request(wire::Get{0, probe->key, {}}.toCbor(), [probe](const Frame &reply) {
        if (isErrorReply(reply.header))
            return release(probe, probe->failure(reply, "read back"));
        probe->measured.receiveBytesPerSecond = double(probe->bytes) / (double(probe->timer.nsecsElapsed()) / 1e9);
        release(probe, probe->measured);
    });
}

void send(const std::shared_ptr<Probe> &probe)
{
    if (lost(probe))
        return;
    probe->payload = QByteArray(probe->bytes, '\0');
    probe->timer.start();
    const QCborMap header = wire::Put{0, probe->key, Shape{probe->bytes / 8}, false}.toCbor();
    probe->client->request(header, probe->payload, [probe](const Frame &reply) {
        probe->payload.clear();
        if (isErrorReply(reply.header))
            return probe->done(probe->failure(reply, "send"));
        probe->measured.sendBytesPerSecond = double(probe->bytes) / (double(probe->timer.nsecsElapsed()) / 1e9);
        receive(probe);
    });
}

void roundTrip(const std::shared_ptr<Probe> &probe)
{
    if (lost(probe))
        return;
    probe->timer.start();
    probe->client->request(QCborMap{{field::Type, msg::Status}}, [probe](const Frame &reply) {
        if (isErrorReply(reply.header))
            return probe->done(probe->failure(reply, "status request"));
        const double seconds = double(probe->timer.nsecsElapsed()) / 1e9;
        probe->measured.roundTripSeconds =
            probe->measured.roundTripSeconds > 0 ? std::min(probe->measured.roundTripSeconds, seconds) : seconds;
        if (--probe->roundTripsLeft > 0)
            roundTrip(probe);
        else
            send(probe);
    });
}

} // namespace

void ClusterSession::measureLink(int worker, std::int64_t bytes, std::function<void(Result<LinkMeasurement>)> done)
{
    if (worker < 0 || worker >= int(d->workers.size()) || !d->workers[std::size_t(worker)].client) {
        done(makeError(ErrorCode::InvalidArgument, u"there is no connected worker %1 to measure a link to"_s.arg(worker)));
        return;
    }
    // A worker refuses a block it has no room for, and closes the connection on a payload over its
    // whole limit: a small worker gets a probe it has room for, and the caller is told its size.
    const WorkerInfo &info = d->workers[std::size_t(worker)].info;
    const std::int64_t room = info.memoryLimitBytes - info.memoryUsedBytes;
    auto probe = std::make_shared<Probe>();
    probe->client = d->workers[std::size_t(worker)].client;
    probe->bytes = std::max<std::int64_t>(8, std::min(bytes, room / 2) / 8 * 8);
    probe->key = u"link-probe.%1"_s.arg(QDateTime::currentMSecsSinceEpoch());
    probe->measured.probeBytes = probe->bytes;
    probe->done = std::move(done);
    roundTrip(probe);
}

void ClusterSession::measureMemory(std::int64_t bytes, std::function<void(std::vector<Result<MemoryMeasurement>>)> done)
{
    struct Answers
    {
        std::vector<Result<MemoryMeasurement>> results;
        int waiting = 0;
        std::function<void(std::vector<Result<MemoryMeasurement>>)> done;
    };
    auto answers = std::make_shared<Answers>();
    answers->done = std::move(done);
    answers->waiting = 1; // this function's own share, so that no early answer ends it
    const auto answered = [answers] {
        if (--answers->waiting == 0)
            answers->done(std::move(answers->results));
    };
    answers->results.assign(d->workers.size(), makeError(ErrorCode::Network, u"the worker is not connected"_s));
    for (std::size_t index = 0; index < d->workers.size(); ++index) {
        const Private::Worker &worker = d->workers[index];
        if (!worker.client || worker.info.state == WorkerState::Lost)
            continue;
        const std::int64_t room = (worker.info.memoryLimitBytes - worker.info.memoryUsedBytes) / 2;
        const std::int64_t probe = std::clamp(std::min(bytes, room), wire::Measure::MinBytes, wire::Measure::MaxBytes);
        ++answers->waiting;
        worker.client->request(wire::Measure{0, probe}.toCbor(),
                               [answers, answered, index, probe, name = worker.info.name](const Frame &reply) {
            const Result<wire::Ok> ok = isErrorReply(reply.header) ? Result<wire::Ok>(statusFromErrorReply(reply.header))
                                                                   : wire::Ok::fromCbor(reply.header);
            if (ok.isOk())
                answers->results[index] = MemoryMeasurement{ok->readBytesPerSecond, ok->writeBytesPerSecond, probe};
            else
                answers->results[index] = ok.status().withContext(u"measuring the memory of worker %1"_s.arg(name));
            answered();
        });
    }
    answered();
}

} // namespace tessera
