// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace tessera::cli {

// One row of an experiment: a load or a statement, run `repeat` times.
struct StepRecord
{
    QString label;
    std::vector<double> wallSeconds; // one per run
    OperationReport report;          // of the last run
    EvaluationResult result;         // of the last run

    double medianSeconds() const;
    // The runs after the first, as a user repeats a statement; the first run when it is the only one.
    double rerunMedianSeconds() const;
    // The slowest rerun over the fastest run of all: 1.0 when no rerun is slower than the best.
    double rerunSpread() const;
    QJsonObject toJson() const;
};

// A bench step beside the limit it is held against, measured in the same run.
struct BenchRow
{
    StepRecord step;
    double limitSeconds = 0;
    QString limitBasis;
    QString refused; // why the workers refused it for memory (on some run), empty when every run ran
};

// Runs `start()` `repeat` times, waiting for each operation, then `afterEach()` (untimed);
// stops at the first failure, whose message names the run when it is not the first.
Result<StepRecord> runStep(const QString &label, int repeat, const std::function<Operation *()> &start,
                           const std::function<void()> &afterEach = {});

// "1234.5678901234567" for a scalar; "shape (721, 1440) sum .. min .. max .." for an array (NaN skipped).
QString describeResult(const EvaluationResult &result);

// The steps as an aligned text table, one row per step.
QString formatTable(const std::vector<StepRecord> &steps);

} // namespace tessera::cli
