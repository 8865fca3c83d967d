// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/slurmjob.h"

#include "net/protocol/handshake.h"
#include "net/session/localcluster.h"
#include "net/session/shellquote.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr int PollMillis = 1000;
constexpr int CancelWaitMillis = 10000;
constexpr int QueryWaitMillis = 2000;

// Slurm's words for why a job waits or ended, in a user's words.
QString reasonText(const QString &reason)
{
    static const QHash<QString, QString> texts{
        {u"Resources"_s, u"waiting for nodes to become free"_s},
        {u"Priority"_s, u"other jobs come first"_s},
        {u"PartitionNodeLimit"_s, u"more nodes than the partition allows"_s},
        {u"PartitionTimeLimit"_s, u"a longer time than the partition allows"_s},
        {u"PartitionConfig"_s, u"more than the partition has (nodes, CPUs or memory)"_s},
        {u"ReqNodeNotAvail"_s, u"a requested node is down or drained"_s},
        {u"QOSMaxJobsPerUserLimit"_s, u"you have as many jobs as your QOS allows"_s},
        {u"AssocGrpCpuLimit"_s, u"your account is at its CPU limit"_s},
        {u"TimeLimit"_s, u"its time limit was reached"_s},
        {u"NonZeroExitCode"_s, u"a worker exited with an error"_s},
    };
    return texts.value(reason);
}

// sbatch's stderr without its "sbatch: error: " prefixes.
QString slurmMessage(const QByteArray &standardError)
{
    QStringList lines;
    for (QString line : QString::fromLocal8Bit(standardError).split(u'\n', Qt::SkipEmptyParts)) {
        line.remove(QRegularExpression(u"^\\w+: (error: )?"_s));
        if (!line.trimmed().isEmpty() && !lines.contains(line.trimmed()))
            lines << line.trimmed();
    }
    return lines.join(u"; "_s);
}

} // namespace

bool SlurmJobState::isFinal() const
{
    static const QStringList finalStates{u"COMPLETED"_s, u"FAILED"_s,        u"TIMEOUT"_s,   u"CANCELLED"_s, u"NODE_FAIL"_s,
                                         u"PREEMPTED"_s, u"OUT_OF_MEMORY"_s, u"BOOT_FAIL"_s, u"DEADLINE"_s};
    return finalStates.contains(state);
}

bool SlurmJobState::isEnding() const
{
    // While its tasks are signalled and their nodes cleaned, a job past its time limit shows as
    // COMPLETING with the reason (TimeLimit) it will end with.
    return state == u"COMPLETING"_s && !explainedReason().isEmpty();
}

QString SlurmJobState::explainedReason() const
{
    if (reason.isEmpty() || reason == u"None"_s)
        return {};
    const QString text = reasonText(reason);
    return text.isEmpty() ? reason : u"%1: %2"_s.arg(reason, text);
}

QString SlurmJobState::describe() const
{
    const QString why = explainedReason();
    return why.isEmpty() ? state : u"%1 (%2)"_s.arg(state, why);
}

SlurmJobState SlurmJobState::parse(const QString &scontrolLine)
{
    SlurmJobState parsed;
    static const QRegularExpression field(u"(?:^|\\s)(JobState|Reason)=(\\S+)"_s);
    for (const QRegularExpressionMatch &match : field.globalMatch(scontrolLine)) {
        if (match.captured(1) == u"JobState"_s)
            parsed.state = match.captured(2);
        else if (parsed.reason.isEmpty())
            parsed.reason = match.captured(2);
    }
    return parsed;
}

Result<std::unique_ptr<SlurmJob>> SlurmJob::create(SlurmRequest request, const QString &tokenFile)
{
    // sbatch does not make the output's folder; the job would fail without a word.
    const QDir output(request.outputDirectory);
    if (!output.exists()
        && !QDir().mkdir(request.outputDirectory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)
        && !QDir().mkpath(request.outputDirectory))
        return makeError(ErrorCode::Io, u"cannot make %1 for the workers' token and output"_s.arg(request.outputDirectory));
    if (!tokenFile.isEmpty()) {
        Result<QByteArray> token = readTokenFile(tokenFile);
        TESSERA_RETURN_IF_ERROR(token);
        const QString path = QFileInfo(tokenFile).absoluteFilePath(); // the nodes do not share our working folder
        return std::unique_ptr<SlurmJob>(new SlurmJob(std::move(request), path, *token, false));
    }
    const QByteArray token = makeToken();
    const QString path = u"%1/token-%2-%3"_s.arg(QFileInfo(request.outputDirectory).absoluteFilePath())
                             .arg(QCoreApplication::applicationPid())
                             .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    TESSERA_RETURN_IF_ERROR(writeTokenFile(path, token));
    return std::unique_ptr<SlurmJob>(new SlurmJob(std::move(request), path, token, true));
}

SlurmJob::SlurmJob(SlurmRequest request, QString tokenFile, QByteArray token, bool ownsTokenFile)
    : m_request(std::move(request))
    , m_tokenFile(std::move(tokenFile))
    , m_token(std::move(token))
    , m_ownsTokenFile(ownsTokenFile)
{
    m_pollTimer.setInterval(PollMillis);
    connect(&m_pollTimer, &QTimer::timeout, this, &SlurmJob::poll);
    m_dialInTimer.setSingleShot(true);
    connect(&m_dialInTimer, &QTimer::timeout, this, &SlurmJob::onDialInDeadline);
}

SlurmJob::~SlurmJob()
{
    stop();
}

QStringList SlurmJob::sbatchArguments(const SlurmRequest &request)
{
    QStringList arguments{u"--parsable"_s, u"--job-name=tessera-workers"_s, u"--nodes=%1"_s.arg(request.nodes),
                          u"--ntasks-per-node=%1"_s.arg(request.tasksPerNode),
                          u"--output=%1/slurm-tessera-%j.out"_s.arg(request.outputDirectory)};
    if (!request.partition.isEmpty())
        arguments << u"--partition=%1"_s.arg(request.partition);
    if (!request.timeLimit.isEmpty())
        arguments << u"--time=%1"_s.arg(request.timeLimit);
    return arguments + request.extraArguments;
}

QString SlurmJob::batchScript(const SlurmRequest &request, const QString &dialBack, const QString &tokenFile)
{
    const QString worker = request.workerProgram.isEmpty() ? LocalCluster::findWorkerProgram() : request.workerProgram;
    // Each task is one worker; it takes its threads and memory from the allocation, and its name
    // from SLURM_PROCID.
    return u"#!/bin/sh\n# Tessera workers, dialing back to %1\nexec srun %2 --connect %3 --token-file %4\n"_s.arg(
        dialBack, shellQuoted(worker), shellQuoted(dialBack), shellQuoted(tokenFile));
}

QString SlurmJob::outputFile() const
{
    return m_jobId.isEmpty() ? QString() : u"%1/slurm-tessera-%2.out"_s.arg(m_request.outputDirectory, m_jobId);
}

void SlurmJob::launch(const QString &dialBack)
{
    if (m_stopped)
        return; // stopped before its turn came
    m_submit = new QProcess(this);
    connect(m_submit, &QProcess::finished, this, &SlurmJob::onSubmitted);
    connect(m_submit, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(makeError(ErrorCode::NotFound, u"cannot run sbatch (%1); is this a Slurm login node, with Slurm's commands "
                                                u"on PATH?"_s.arg(m_submit->errorString())));
    });
    m_submit->start(u"sbatch"_s, sbatchArguments(m_request));
    m_submit->write(batchScript(m_request, dialBack, m_tokenFile).toLocal8Bit());
    m_submit->closeWriteChannel();
}

void SlurmJob::onSubmitted(int exitCode, QProcess::ExitStatus exitStatus)
{
    const QByteArray output = m_submit->readAllStandardOutput().trimmed();
    const QByteArray errors = m_submit->readAllStandardError();
    m_submit->deleteLater();
    // --parsable prints "JOBID" or "JOBID;CLUSTER".
    const QString jobId = QString::fromLatin1(output).section(u';', 0, 0);
    if (m_stopped) { // stop() waited for sbatch: the job only needs cancelling
        m_jobId = jobId;
        return;
    }
    if (exitStatus != QProcess::NormalExit || exitCode != 0 || jobId.isEmpty()) {
        fail(makeError(ErrorCode::InvalidArgument,
                       u"Slurm refused the workers' job: %1"_s.arg(
                           slurmMessage(errors).isEmpty() ? u"sbatch exited with %1"_s.arg(exitCode) : slurmMessage(errors))));
        return;
    }
    m_jobId = jobId;
    Q_EMIT submitted(m_jobId);
    Q_EMIT message(u"Slurm job %1: %2 worker(s) will dial back; its output goes to %3"_s.arg(m_jobId)
                       .arg(m_request.workers())
                       .arg(outputFile()));
    m_pollTimer.start();
    if (!m_arrived && m_request.dialInSeconds > 0)
        m_dialInTimer.start(m_request.dialInSeconds * 1000);
    poll();
}

void SlurmJob::workersArrived()
{
    m_arrived = true;
    m_dialInTimer.stop();
    // From here on the session learns of the job's end from its lost workers, and asks then
    // (whyWorkersEnded): a question a second would go to nobody for as long as the session lasts.
    m_pollTimer.stop();
}

void SlurmJob::poll()
{
    if (m_query || m_jobId.isEmpty())
        return; // the last question is still open
    m_query = new QProcess(this);
    connect(m_query, &QProcess::finished, this, [this](int exitCode) { onPolled(exitCode); });
    connect(m_query, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_query->deleteLater();
        m_pollTimer.stop();
        Q_EMIT message(u"cannot run scontrol to follow Slurm job %1; its state is no longer shown"_s.arg(m_jobId));
    });
    m_query->start(u"scontrol"_s, showJobArguments());
}

QStringList SlurmJob::showJobArguments() const
{
    return {u"show"_s, u"job"_s, u"-o"_s, m_jobId};
}

SlurmJobState SlurmJob::askNow() const
{
    // scontrol answers in milliseconds; the bound only keeps a stuck controller from holding the
    // session.
    QProcess query;
    query.start(u"scontrol"_s, showJobArguments());
    if (!query.waitForFinished(QueryWaitMillis) || query.exitStatus() != QProcess::NormalExit || query.exitCode() != 0)
        return {};
    return SlurmJobState::parse(QString::fromLocal8Bit(query.readAllStandardOutput()));
}

QString SlurmJob::whyWorkersEnded()
{
    if (m_jobId.isEmpty() || !m_endedBecause.isEmpty())
        return m_endedBecause; // asked once per lost worker: an ended job is asked about once
    // Slurm marks the job TIMEOUT (or CANCELLED, NODE_FAIL) before it signals the tasks, so the
    // state is there when their connections drop.
    const SlurmJobState now = askNow();
    if (!now.isFinal() && !now.isEnding())
        return {};
    const QString why = endText(now);
    if (now.isFinal()) {
        m_state = now; // nothing left to cancel
        m_endedBecause = why;
    }
    return why;
}

QString SlurmJob::endText(const SlurmJobState &end) const
{
    const QString tail = outputTail();
    return u"Slurm job %1 %2%3"_s.arg(
        m_jobId, end.isFinal() ? u"ended: "_s + end.describe() : u"is ending (%1)"_s.arg(end.explainedReason()),
        tail.isEmpty() ? QString() : u"; its output ends: "_s + tail);
}

void SlurmJob::onPolled(int exitCode)
{
    const QString line = QString::fromLocal8Bit(m_query->readAllStandardOutput());
    m_query->deleteLater();
    if (exitCode != 0)
        return; // a busy controller; ask again
    const SlurmJobState now = SlurmJobState::parse(line);
    if (now.state.isEmpty() || (now.state == m_state.state && now.reason == m_state.reason))
        return;
    m_state = now;
    Q_EMIT stateChanged(m_state);
    Q_EMIT message(u"Slurm job %1 is %2"_s.arg(m_jobId, m_state.describe()));
    if (m_state.isFinal()) {
        m_pollTimer.stop();
        m_dialInTimer.stop();
        fail(makeError(ErrorCode::Network, endText(m_state)));
    }
}

void SlurmJob::onDialInDeadline()
{
    const QString state = m_state.state.isEmpty() ? QString() : u" (it is %1)"_s.arg(m_state.describe());
    stop();
    fail(makeError(ErrorCode::Network,
                   u"the workers of Slurm job %1 did not all dial in within %2 s%3, so it was cancelled; ask for fewer or "
                   u"smaller nodes, another partition, or allow longer"_s.arg(m_jobId)
                       .arg(m_request.dialInSeconds)
                       .arg(state)));
}

void SlurmJob::stop()
{
    m_stopped = true;
    m_pollTimer.stop();
    m_dialInTimer.stop();
    // A job sbatch is submitting right now is cancelled too, once it has its number.
    if (m_submit && m_submit->state() != QProcess::NotRunning)
        m_submit->waitForFinished(CancelWaitMillis);
    if (m_ownsTokenFile)
        QFile::remove(m_tokenFile); // the workers read it when they started
    if (m_jobId.isEmpty() || m_state.isFinal())
        return;
    QProcess scancel;
    scancel.start(u"scancel"_s, {m_jobId});
    if (!scancel.waitForFinished(CancelWaitMillis) || scancel.exitStatus() != QProcess::NormalExit || scancel.exitCode() != 0) {
        // No longer followed once its workers arrived, the job may have ended by itself meanwhile.
        if (const SlurmJobState now = askNow(); now.isFinal() || now.isEnding())
            return;
        const QString why = QString::fromLocal8Bit(scancel.readAllStandardError()).trimmed();
        Q_EMIT message(u"could not cancel Slurm job %1 (%2); cancel it with: scancel %1"_s.arg(
            m_jobId, why.isEmpty() ? scancel.errorString() : why));
        qWarning("tessera: could not cancel Slurm job %s", qPrintable(m_jobId));
        return;
    }
    m_state = {u"CANCELLED"_s, {}};
}

void SlurmJob::fail(Status status)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT failed(status);
}

QString SlurmJob::outputTail() const
{
    QFile file(outputFile());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    if (file.size() > 2048)
        file.seek(file.size() - 2048);
    const QStringList lines = QString::fromLocal8Bit(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    return lines.mid(std::max<qsizetype>(0, lines.size() - 3)).join(u" | "_s);
}

} // namespace tessera
