// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"
#include "net/session/clustersession.h"
#include "net/session/operation.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

class QJsonObject;

namespace tessera {

// The timings of one run of an experiment, as the Timings view compares them.
struct TimingRun
{
    QString label;                                 // "run 2"
    std::vector<tessera::OperationReport> reports; // tasks left out: the summary is what is compared
};

// What a user did, to be saved and done again: the files scattered (with variable and layout),
// the statements run, and the timings of past runs. Stored as JSON.
struct Experiment
{
    std::optional<tessera::LoadRequest> load;
    QStringList statements;
    std::vector<TimingRun> runs;

    bool isEmpty() const { return !load && statements.isEmpty(); }
};

QJsonObject experimentToJson(const Experiment &experiment);
// Relative file paths are resolved against `baseDirectory` (the experiment file's folder).
tessera::Result<Experiment> experimentFromJson(const QJsonObject &json, const QString &baseDirectory);

tessera::Status saveExperiment(const QString &path, const Experiment &experiment);
tessera::Result<Experiment> openExperiment(const QString &path);

QJsonObject reportToJson(const tessera::OperationReport &report);
tessera::OperationReport reportFromJson(const QJsonObject &json);

// Runs an experiment again on a session: frees the arrays it will create, scatters its files,
// then runs its statements one after the other. Stops at the first failure.
class ExperimentRunner final : public QObject
{
    Q_OBJECT

public:
    explicit ExperimentRunner(tessera::ClusterSession *session, QObject *parent = nullptr);

    void start(const Experiment &experiment);
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    // Each step: the load, then each statement (`statement` is empty for the load).
    void stepStarted(tessera::Operation *operation, const QString &statement);
    void stepFinished(tessera::Operation *operation, const QString &statement);
    // Ok once every step succeeded; otherwise which step failed and why.
    void finished(const tessera::Status &status);

private:
    void runNext();
    void finish(const tessera::Status &status);

    tessera::ClusterSession *m_session = nullptr;
    Experiment m_experiment;
    int m_nextStep = 0; // 0: the load (when there is one), then statements
    bool m_running = false;
    bool m_cancelled = false;
    QPointer<tessera::Operation> m_current;
};

} // namespace tessera
