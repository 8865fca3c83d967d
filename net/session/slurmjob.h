// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"
#include "net/session/workerlauncher.h"

#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace tessera {

// What to ask Slurm for: one worker per task, dialing back to the workbench.
struct SlurmRequest
{
    int nodes = 1;
    int tasksPerNode = 1;
    QString partition;          // empty: the cluster's default
    QString timeLimit;          // Slurm's form ("30", "1:00:00", "2-0"); empty: the partition's default
    QStringList extraArguments; // given to sbatch as they are, e.g. --account=climate
    QString workerProgram;      // tessera-worker as the nodes see it; empty: the one beside this program
    QString outputDirectory;    // where the job's output goes (slurm-tessera-JOBID.out)
    int dialInSeconds = 300;    // cancel the job when its workers have not all dialed in by then

    int workers() const { return nodes * tasksPerNode; }
};

// Where a job is, as `scontrol show job -o` says it.
struct SlurmJobState
{
    QString state;  // PENDING, RUNNING, TIMEOUT, ...
    QString reason; // Resources, Priority, TimeLimit, "None"
    bool isFinal() const;
    bool isEnding() const; // COMPLETING, and Slurm says why
    // "PENDING (Resources: waiting for nodes to become free)".
    QString describe() const;
    // The part in brackets: "Resources: waiting for nodes to become free"; empty for None.
    QString explainedReason() const;
    static SlurmJobState parse(const QString &scontrolLine);
};

// The workers of a session as one Slurm batch job: `sbatch` with a script that runs
// `srun tessera-worker --connect ADDRESS --token-file F` (the token stays in the file, never on a
// command line), its state watched until it ends, cancelled (`scancel`) by stop() or when this
// object goes. Slurm's own errors arrive as failed() with Slurm's words in them.
class SlurmJob : public WorkerLauncher
{
    Q_OBJECT

public:
    // `tokenFile` is a file every node can read (a shared home or project folder), readable only
    // by the user; empty: a new token in a new such file in the request's output directory,
    // removed with the job.
    static Result<std::unique_ptr<SlurmJob>> create(SlurmRequest request, const QString &tokenFile = {});
    ~SlurmJob() override;

    int workerCount() const override { return m_request.workers(); }
    QByteArray token() const override { return m_token; }
    QString tokenFile() const { return m_tokenFile; }
    // Submits the job.
    void launch(const QString &dialBack) override;
    // The session has every worker: the dial-in deadline no longer applies, and the job's state
    // is no longer followed.
    void workersArrived() override;
    // scancel, waiting for it to answer; nothing when the job was never submitted or is over.
    void stop() override;
    // Asks Slurm now (a worker was lost): the job's end, when it has ended or is ending.
    QString whyWorkersEnded() override;

    const SlurmRequest &request() const { return m_request; }
    QString jobId() const { return m_jobId; }
    const SlurmJobState &state() const { return m_state; }
    // Whether it asks Slurm for the job's state every second: from submission until the workers
    // have all dialed in or the job has ended.
    bool following() const { return m_pollTimer.isActive(); }
    QString outputFile() const;

    // The batch script and sbatch's arguments, as submit() gives them (tests and the GUI's preview).
    static QString batchScript(const SlurmRequest &request, const QString &dialBack, const QString &tokenFile);
    static QStringList sbatchArguments(const SlurmRequest &request);

Q_SIGNALS:
    void submitted(const QString &jobId);
    void stateChanged(const tessera::SlurmJobState &state);
    // failed(): sbatch refused the job, the job ended, or no worker dialed in in time (the job
    // is then cancelled).

private:
    SlurmJob(SlurmRequest request, QString tokenFile, QByteArray token, bool ownsTokenFile);
    void onSubmitted(int exitCode, QProcess::ExitStatus exitStatus);
    void poll();
    void onPolled(int exitCode);
    void onDialInDeadline();
    // scontrol's arguments for the job's state on one line.
    QStringList showJobArguments() const;
    // scontrol's answer now, waiting for it; empty when Slurm does not answer.
    SlurmJobState askNow() const;
    // "Slurm job 12 ended: TIMEOUT (...)" or "... is ending (TimeLimit: ...)", and the end of
    // the job's output.
    QString endText(const SlurmJobState &end) const;
    void fail(Status status);
    QString outputTail() const;

    SlurmRequest m_request;
    QString m_tokenFile;
    QByteArray m_token;
    bool m_ownsTokenFile = false;
    QString m_jobId;
    SlurmJobState m_state;
    QString m_endedBecause; // whyWorkersEnded()'s answer once the job has ended for good
    QPointer<QProcess> m_submit;
    QPointer<QProcess> m_query;
    QTimer m_pollTimer;
    QTimer m_dialInTimer;
    bool m_failed = false;
    bool m_arrived = false;
    bool m_stopped = false;
};

} // namespace tessera
