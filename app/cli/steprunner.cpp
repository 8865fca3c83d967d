// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "app/cli/steprunner.h"

#include "core/bytesize.h"
#include "core/timedruns.h"

#include <QJsonArray>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace tessera::cli {

double StepRecord::medianSeconds() const
{
    return medianOf(wallSeconds);
}

double StepRecord::rerunMedianSeconds() const
{
    return rerunMedianOf(wallSeconds);
}

double StepRecord::rerunSpread() const
{
    if (wallSeconds.size() < 2)
        return 1.0;
    const double best = *std::min_element(wallSeconds.begin(), wallSeconds.end());
    const double worst = *std::max_element(wallSeconds.begin() + 1, wallSeconds.end());
    return best > 0 ? worst / best : 1.0;
}

namespace {

struct Summary
{
    double sum = 0;
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();
    std::int64_t valid = 0;
};

Summary summarize(const NdArray &array)
{
    Summary summary;
    for (std::int64_t i = 0; i < array.size(); ++i) {
        const double value = array.at(i);
        if (std::isnan(value))
            continue;
        summary.sum += value;
        summary.min = summary.valid ? std::min(summary.min, value) : value;
        summary.max = summary.valid ? std::max(summary.max, value) : value;
        ++summary.valid;
    }
    return summary;
}

QString number(double value)
{
    return QString::number(value, 'g', 17);
}

} // namespace

QString describeResult(const EvaluationResult &result)
{
    if (!result.saved.isEmpty())
        return result.saved;
    if (!result.gathered) {
        return result.arrayName.isEmpty()
                   ? QString()
                   : QStringLiteral("%1 %2 stored on the workers").arg(result.arrayName, shapeToString(result.meta.shape));
    }
    if (result.value.rank() == 0)
        return number(result.value.at(0));
    const Summary summary = summarize(result.value);
    QString text = QStringLiteral("shape %1 sum %2 min %3 max %4")
                       .arg(shapeToString(result.value.shape()), number(summary.sum), number(summary.min), number(summary.max));
    for (const EvaluationResult::Companion &companion : result.companions) {
        if (companion.meta.name != QStringLiteral("variance_fraction"))
            continue;
        QStringList fractions;
        for (std::int64_t mode = 0; mode < companion.value.size(); ++mode)
            fractions << QString::number(100 * companion.value.at(mode), 'f', 1) + QLatin1Char('%');
        text += QStringLiteral(" variance %1").arg(fractions.join(QStringLiteral(", ")));
    }
    if (!result.arrayName.isEmpty())
        text += QStringLiteral(" (stored as %1)").arg(result.arrayName);
    return text;
}

QJsonObject StepRecord::toJson() const
{
    QJsonArray runs;
    for (double seconds : wallSeconds)
        runs.append(seconds);
    QJsonObject object{{QStringLiteral("step"), label},
                       {QStringLiteral("medianSeconds"), medianSeconds()},
                       {QStringLiteral("firstSeconds"), wallSeconds.empty() ? 0.0 : wallSeconds.front()},
                       {QStringLiteral("rerunMedianSeconds"), rerunMedianSeconds()},
                       {QStringLiteral("rerunSpread"), rerunSpread()},
                       {QStringLiteral("runs"), runs},
                       {QStringLiteral("planSeconds"), report.planSeconds},
                       {QStringLiteral("computeSeconds"), report.computeSeconds},
                       {QStringLiteral("transferSeconds"), report.transferSeconds},
                       {QStringLiteral("tasks"), report.taskCount},
                       {QStringLiteral("clientBytes"), qint64(report.clientBytes)},
                       {QStringLiteral("peerBytes"), qint64(report.peerBytes)}};
    QJsonArray shape;
    for (std::int64_t extent : result.meta.shape)
        shape.append(qint64(extent));
    QJsonObject value{{QStringLiteral("shape"), shape}};
    if (result.gathered && result.value.rank() == 0) {
        value[QStringLiteral("scalar")] = result.value.at(0);
    } else if (result.gathered) {
        const Summary summary = summarize(result.value);
        value[QStringLiteral("sum")] = summary.sum;
        value[QStringLiteral("min")] = summary.min;
        value[QStringLiteral("max")] = summary.max;
    }
    if (!result.arrayName.isEmpty())
        value[QStringLiteral("array")] = result.arrayName;
    if (!result.saved.isEmpty())
        value[QStringLiteral("saved")] = result.saved;
    for (const EvaluationResult::Companion &companion : result.companions) {
        QJsonArray values; // small: an EOF's variance fractions, or its principal components
        for (std::int64_t i = 0; i < companion.value.size(); ++i)
            values.append(companion.value.at(i));
        value[companion.meta.name] = values;
    }
    if (!result.meta.units.isEmpty())
        value[QStringLiteral("units")] = result.meta.units;
    object[QStringLiteral("result")] = value;
    QJsonArray pairs; // [from][to] worker
    for (const std::vector<std::int64_t> &row : report.peerBytesByPair) {
        QJsonArray bytes;
        for (std::int64_t count : row)
            bytes.append(qint64(count));
        pairs.append(bytes);
    }
    object[QStringLiteral("peerBytesByPair")] = pairs;
    QJsonArray tasks;
    for (const TaskRecord &task : report.tasks) {
        tasks.append(QJsonObject{{QStringLiteral("kind"), taskKindName(task.kind)},
                                 {QStringLiteral("worker"), task.worker},
                                 {QStringLiteral("thread"), task.thread},
                                 {QStringLiteral("startMicros"), qint64(task.startMicros)},
                                 {QStringLiteral("endMicros"), qint64(task.endMicros)},
                                 {QStringLiteral("fetchedBytes"), qint64(task.fetchedBytes)},
                                 {QStringLiteral("outputBytes"), qint64(task.outputBytes)}});
    }
    object[QStringLiteral("taskRecords")] = tasks;
    return object;
}

Result<StepRecord> runStep(const QString &label, int repeat, const std::function<Operation *()> &start,
                           const std::function<void()> &afterEach)
{
    StepRecord record;
    record.label = label;
    for (int run = 0; run < std::max(1, repeat); ++run) {
        // Drop the previous run's result first, so its buffers serve this run.
        record.result = {};
        std::unique_ptr<Operation> operation(start());
        const Status status = waitForOperation(operation.get());
        if (!status.isOk() && run > 0)
            return Status(status.code(), QStringLiteral("run %1 of %2: %3").arg(run + 1).arg(repeat).arg(status.message()));
        if (!status.isOk())
            return status;
        record.wallSeconds.push_back(operation->report().wallSeconds);
        record.report = operation->report();
        record.result = operation->result();
        if (afterEach)
            afterEach();
    }
    return record;
}

QString formatTable(const std::vector<StepRecord> &steps)
{
    const QStringList headers{QStringLiteral("step"),
                              QStringLiteral("median s"),
                              QStringLiteral("tasks"),
                              QStringLiteral("client<->workers"),
                              QStringLiteral("worker<->worker"),
                              QStringLiteral("result")};
    std::vector<QStringList> rows;
    for (const StepRecord &step : steps) {
        rows.push_back({step.label, QString::number(step.medianSeconds(), 'f', 4), QString::number(step.report.taskCount),
                        formatBytes(step.report.clientBytes), formatBytes(step.report.peerBytes), describeResult(step.result)});
    }
    std::vector<qsizetype> widths;
    for (const QString &header : headers)
        widths.push_back(header.size());
    for (const QStringList &row : rows) {
        for (int column = 0; column < row.size() - 1; ++column)
            widths[column] = std::max(widths[column], row[column].size());
    }
    auto line = [&](const QStringList &cells) -> QString {
        QString text;
        for (int column = 0; column < cells.size(); ++column) {
            const bool numeric = column > 0 && column < cells.size() - 1;
            const QString cell = column == cells.size() - 1 ? cells[column]
                                 : numeric                  ? cells[column].rightJustified(widths[column])
                                                            : cells[column].leftJustified(widths[column]);
            text += cell + (column + 1 < cells.size() ? QStringLiteral("  ") : QString());
        }
        return text.trimmed() + QLatin1Char('\n');
    };
    QString table = line(headers);
    for (const QStringList &row : rows)
        table += line(row);
    return table;
}

} // namespace tessera::cli
