// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Hand-built results, reports and layouts for tst_views: shaped like what the engine returns
// for the ERA-style sample data, so the screenshots look like the real thing.

#include "core/chunks.h"
#include "net/session/clustersession.h"
#include "net/session/operation.h"

#include <QString>

#include <cmath>
#include <numbers>
#include <vector>

namespace viewtestdata {

inline std::vector<double> steps(double first, double step, int count)
{
    std::vector<double> values(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        values[std::size_t(i)] = first + step * i;
    return values;
}

inline tessera::Axis axis(const QString &name, std::vector<double> values, const QString &units, const QString &longName = {})
{
    tessera::Axis result;
    result.name = name;
    result.values = std::move(values);
    result.units = units;
    result.longName = longName;
    return result;
}

inline tessera::Axis latitude(std::vector<double> values)
{
    return axis(QStringLiteral("latitude"), std::move(values), QStringLiteral("degrees_north"), QStringLiteral("latitude"));
}

inline tessera::Axis longitude(std::vector<double> values)
{
    return axis(QStringLiteral("longitude"), std::move(values), QStringLiteral("degrees_east"), QStringLiteral("longitude"));
}

inline tessera::Axis hoursSince1900(std::vector<double> values)
{
    return axis(QStringLiteral("time"), std::move(values), QStringLiteral("hours since 1900-01-01 00:00:00.0"),
                QStringLiteral("time"));
}

inline tessera::EvaluationResult gathered(const QString &name, const tessera::Shape &shape, const std::vector<double> &values,
                                          std::vector<tessera::Axis> axes, const QString &units = QStringLiteral("K"),
                                          const QString &longName = QStringLiteral("2 metre temperature"))
{
    tessera::EvaluationResult result;
    result.meta.name = name;
    result.meta.shape = shape;
    result.meta.axes = std::move(axes);
    result.meta.units = units;
    result.meta.longName = longName;
    result.gathered = true;
    result.value = tessera::NdArray::fromVector(shape, values);
    return result;
}

// A plausible global 2 m temperature: warm tropics, cold poles, a wave of land and sea.
inline double temperatureAt(double latitudeDegrees, double longitudeDegrees)
{
    const double lat = latitudeDegrees * std::numbers::pi / 180;
    const double lon = longitudeDegrees * std::numbers::pi / 180;
    return 243 + 58 * std::pow(std::cos(lat), 2) + 7 * std::sin(2 * lon) * std::cos(lat)
           + 4 * std::sin(5 * lon + 3 * lat) * std::cos(lat) - 6 * std::max(0.0, -std::sin(lat));
}

// x.mean(axis=0) of the sample data: latitude 90..-90 (descending, as ERA files store it).
inline tessera::EvaluationResult temperatureMap(double gridDegrees)
{
    const int rows = int(std::lround(180 / gridDegrees)) + 1;
    const int columns = int(std::lround(360 / gridDegrees));
    std::vector<double> lat = steps(90, -gridDegrees, rows);
    std::vector<double> lon = steps(0, gridDegrees, columns);
    std::vector<double> values;
    for (double y : lat) {
        for (double x : lon)
            values.push_back(temperatureAt(y, x));
    }
    return gathered(QStringLiteral("r1"), {rows, columns}, values, {latitude(lat), longitude(lon)});
}

// x.mean(axis=(1,2)): a year of 6-hourly global means from 2014-01-01.
inline tessera::EvaluationResult globalMeanSeries(int days)
{
    const double firstHour = 999312; // 2014-01-01 00:00 in hours since 1900-01-01
    std::vector<double> time = steps(firstHour, 6, 4 * days);
    std::vector<double> values;
    for (int i = 0; i < 4 * days; ++i) {
        const double day = i / 4.0;
        values.push_back(277.5 + 2.1 * std::sin(2 * std::numbers::pi * (day - 100) / 365.25)
                         + 0.35 * std::sin(2 * std::numbers::pi * i / 4.0) + 0.2 * std::sin(day / 3.1));
    }
    return gathered(QStringLiteral("r2"), {4 * days}, values, {hoursSince1900(time)});
}

inline tessera::OperationReport report(const QString &text, double plan, double compute, double transfer, double other, int tasks,
                                       std::int64_t clientBytes, std::int64_t peerBytes)
{
    tessera::OperationReport r;
    r.text = text;
    r.planSeconds = plan;
    r.computeSeconds = compute;
    r.transferSeconds = transfer;
    r.wallSeconds = plan + compute + transfer + other;
    r.taskCount = tasks;
    r.clientBytes = clientBytes;
    r.peerBytes = peerBytes;
    return r;
}

// The seed's six operations on a year of ERA data; `scale` makes a second run differ.
inline std::vector<tessera::OperationReport> seedReports(double scale)
{
    return {
        report(QStringLiteral("x[0,0,0]"), 0.0004, 0.0009 * scale, 0.0011, 0.0003, 1, 1200, 0),
        report(QStringLiteral("x[100,:,:]"), 0.0006, 0.012 * scale, 0.071, 0.002, 1, 8306920, 0),
        report(QStringLiteral("x.sum()"), 0.004, 1.62 * scale, 0.041, 0.03, 369, 31000, 2900),
        report(QStringLiteral("x.mean(axis=(1,2))"), 0.004, 1.71 * scale, 0.052, 0.02, 365, 42000, 0),
        report(QStringLiteral("x.mean(axis=0)"), 0.006, 2.35 * scale, 0.93 / scale, 0.06, 372, 8330000, 24920000),
        report(QStringLiteral("x - x.mean()"), 0.007, 3.9 * scale, 0.21, 0.09, 734, 61000, 2920),
    };
}

inline std::vector<tessera::WorkerInfo> workers(int count, int threads)
{
    std::vector<tessera::WorkerInfo> result;
    for (int w = 0; w < count; ++w) {
        tessera::WorkerInfo info;
        info.index = w;
        info.name = QStringLiteral("node%1").arg(w + 1);
        info.address = QStringLiteral("127.0.0.1:%1").arg(40001 + w);
        info.threads = threads;
        info.state = tessera::WorkerState::Connected;
        result.push_back(info);
    }
    return result;
}

// x.mean(axis=0) over 16 blocks on 4 workers with 2 threads: partials where the blocks are,
// a combine per worker, then a two-level tree across workers that fetches the partial states.
inline tessera::OperationReport meanAxis0Report()
{
    tessera::OperationReport r;
    r.text = QStringLiteral("x.mean(axis=0)");
    r.planSeconds = 0.004;
    const auto add = [&r](tessera::TaskKind kind, int worker, int thread, double startMs, double endMs, std::int64_t fetched,
                          const QString &key) {
        tessera::TaskRecord task;
        task.taskId = int(r.tasks.size());
        task.kind = kind;
        task.worker = worker;
        task.thread = thread;
        task.startMicros = std::int64_t(startMs * 1000);
        task.endMicros = std::int64_t(endMs * 1000);
        task.fetchedBytes = fetched;
        task.outputBytes = 8306920;
        task.outputKey = key;
        r.tasks.push_back(task);
    };
    const std::int64_t state = 2 * 8306920;
    double workerDone[4] = {};
    for (int block = 0; block < 16; ++block) {
        const int worker = block / 4;
        const int thread = block % 2;
        const double start = 5 + (block % 4) / 2 * 61.0 + worker * 1.5;
        const double end = start + 55 + 4 * std::sin(block);
        add(tessera::TaskKind::Partial, worker, thread, start, end, 0, QStringLiteral("t1:%1").arg(block));
        workerDone[worker] = std::max(workerDone[worker], end);
    }
    for (int worker = 0; worker < 4; ++worker)
        add(tessera::TaskKind::Combine, worker, 0, workerDone[worker] + 0.5, workerDone[worker] + 9, 0,
            QStringLiteral("t2:%1").arg(worker));
    add(tessera::TaskKind::Combine, 0, 1, 137, 171, state, QStringLiteral("t3:0"));
    add(tessera::TaskKind::Combine, 2, 1, 138, 173, state, QStringLiteral("t3:1"));
    add(tessera::TaskKind::Combine, 0, 0, 174, 212, state, QStringLiteral("t4:0"));
    r.wallSeconds = 0.231;
    r.computeSeconds = 0.15;
    r.transferSeconds = 0.07;
    r.taskCount = int(r.tasks.size());
    r.peerBytes = 3 * state;
    r.clientBytes = 8306920;
    return r;
}

// Loading 12 files, three per worker, each worker reading its own with one thread.
inline tessera::OperationReport loadReport()
{
    tessera::OperationReport r;
    r.text = QStringLiteral("load t2m from 12 files");
    for (int file = 0; file < 12; ++file) {
        tessera::TaskRecord task;
        task.taskId = file;
        task.kind = tessera::TaskKind::Load;
        task.worker = file / 3;
        task.startMicros = 2000 + (file % 3) * 41000;
        task.endMicros = task.startMicros + 39000;
        task.outputBytes = 33227680;
        task.outputKey = QStringLiteral("t2m:%1.0.0").arg(file);
        r.tasks.push_back(task);
    }
    r.wallSeconds = 0.13;
    r.taskCount = 12;
    return r;
}

// A (T, 73, 144) array cut into blocks of `blockExtent` time steps (one file each), held by
// `workerCount` workers in contiguous runs, as the loader distributes files.
inline tessera::ArrayInfo stripArray(std::int64_t timeSteps, std::int64_t blockExtent, int workerCount)
{
    tessera::ArrayInfo info;
    info.meta.name = QStringLiteral("x");
    info.meta.shape = {timeSteps, 73, 144};
    info.meta.axes = {hoursSince1900(steps(999312, 6, int(timeSteps))), latitude(steps(90, -2.5, 73)),
                      longitude(steps(0, 2.5, 144))};
    info.meta.units = QStringLiteral("K");
    info.layout.chunks = tessera::Chunks::alongFirstAxis(info.meta.shape, blockExtent);
    const std::int64_t blocks = info.layout.chunks.blockCount();
    for (std::int64_t flat = 0; flat < blocks; ++flat) {
        info.layout.keys.push_back(tessera::blockKey(QStringLiteral("x"), info.layout.chunks.unflatten(flat)));
        info.layout.workers.push_back(int(flat * workerCount / blocks));
    }
    info.storageType = QStringLiteral("int16");
    return info;
}

// A (4, 73, 144) array split 2 x 2 over latitude and longitude, round-robin over workers.
inline tessera::ArrayInfo gridArray(int workerCount)
{
    tessera::ArrayInfo info;
    info.meta.name = QStringLiteral("g");
    info.meta.shape = {4, 73, 144};
    info.meta.axes = {hoursSince1900(steps(999312, 6, 4)), latitude(steps(90, -2.5, 73)), longitude(steps(0, 2.5, 144))};
    info.layout.chunks = tessera::Chunks({{4}, {36, 37}, {72, 72}});
    for (std::int64_t flat = 0; flat < info.layout.chunks.blockCount(); ++flat) {
        info.layout.keys.push_back(tessera::blockKey(QStringLiteral("g"), info.layout.chunks.unflatten(flat)));
        info.layout.workers.push_back(int(flat % workerCount));
    }
    return info;
}

} // namespace viewtestdata
