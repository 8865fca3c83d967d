// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/localcluster.h"

#include "core/bytesize.h"
#include "core/memorybudget.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>
#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

const QString announcement = u"tessera-worker listening on "_s;

} // namespace

LocalCluster::LocalCluster(QObject *parent)
    : QObject(parent)
{
    m_startTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, [this] {
        finishStart(
            makeError(ErrorCode::Network, u"local workers did not report their address within %1 s; is the machine "
                                          "overloaded, or is %2 not a tessera-worker?"_s.arg(m_startTimer.interval() / 1000.0)
                                              .arg(m_program)));
    });
}

LocalCluster::~LocalCluster()
{
    shutDown(Deletion::Now);
}

QString LocalCluster::findWorkerProgram()
{
    const QString fromEnvironment = qEnvironmentVariable("TESSERA_WORKER");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString beside = QCoreApplication::applicationDirPath() + u"/tessera-worker"_s;
    if (QFileInfo(beside).isExecutable())
        return beside;
    // Build tree: app/tessera-cli and app/tessera-worker sit together; tests live under tests/.
    const QString buildTree = QCoreApplication::applicationDirPath() + u"/../../app/tessera-worker"_s;
    if (QFileInfo(buildTree).isExecutable())
        return QFileInfo(buildTree).canonicalFilePath();
    return QStandardPaths::findExecutable(u"tessera-worker"_s);
}

bool LocalCluster::isRunning() const
{
    return std::any_of(m_processes.begin(), m_processes.end(),
                       [](const auto &process) { return process->state() != QProcess::NotRunning; });
}

Operation *LocalCluster::beginStart(const QString &description)
{
    if (m_starting)
        m_starting->deleteLater(); // its finished() may be what called us
    m_starting = new Operation(Operation::Kind::StartWorkers, description, this);
    return m_starting;
}

Operation *LocalCluster::start(const LocalClusterOptions &options, int timeoutMillis)
{
    stop();
    m_stopping = false;
    m_options = options;
    Operation *operation = beginStart(u"start %1 local workers"_s.arg(options.workers));
    m_firstNew = 0;
    if (Status launched = launch(options); !launched.isOk()) {
        // Finished after the caller has had a chance to connect to it, as every operation is.
        QMetaObject::invokeMethod(
            this, [this, launched] { finishStart(launched); }, Qt::QueuedConnection);
        return operation;
    }
    m_startTimer.start(timeoutMillis);
    connect(operation, &Operation::cancelRequested, this,
            [this] { finishStart(makeError(ErrorCode::Cancelled, u"starting local workers was cancelled"_s)); });
    return operation;
}

Operation *LocalCluster::addWorker(int timeoutMillis)
{
    Operation *operation = beginStart(u"start one more local worker"_s);
    m_firstNew = int(m_processes.size()); // a failure stops only workers from here on
    const Result<std::int64_t> share = shareForOneMore();
    Status launched = share.status();
    if (launched.isOk()) {
        m_announced.emplace_back();
        launched = launchOne(m_firstNew, *share);
    }
    if (!launched.isOk()) {
        QMetaObject::invokeMethod(
            this, [this, launched] { finishStart(launched); }, Qt::QueuedConnection);
        return operation;
    }
    m_startTimer.start(timeoutMillis);
    return operation;
}

// The budget was shared among the workers started together: a new one takes the share of one
// that has exited, so the machine's memory is never promised twice.
Result<std::int64_t> LocalCluster::shareForOneMore() const
{
    if (m_processes.empty())
        return makeError(ErrorCode::InvalidArgument, u"no local cluster is running; start one first"_s);
    if (m_options.memoryLimitBytes > 0)
        return m_options.memoryLimitBytes; // the user chose each worker's limit
    const std::int64_t budget = memoryBudgetBytes();
    std::int64_t promised = 0;
    int running = 0;
    for (std::size_t i = 0; i < m_processes.size(); ++i) {
        if (m_processes[i]->state() != QProcess::NotRunning) {
            promised += m_limits[i];
            ++running;
        }
    }
    const std::int64_t share = budget / std::max(1, m_options.workers);
    if (promised + share > budget)
        return makeError(ErrorCode::Memory, u"the %1 running local workers already hold this machine's memory budget (%2); stop "
                                            "one first, or start the local cluster with more workers"_s.arg(running)
                                                .arg(formatBytes(budget)));
    return share;
}

Status LocalCluster::launch(const LocalClusterOptions &options)
{
    m_program = options.workerProgram.isEmpty() ? findWorkerProgram() : options.workerProgram;
    if (m_program.isEmpty() || !QFileInfo(m_program).isExecutable()) {
        return makeError(ErrorCode::NotFound, u"cannot find the tessera-worker program%1; install Tessera or set TESSERA_WORKER "
                                              "to its path"_s.arg(m_program.isEmpty() ? QString() : u" at "_s + m_program));
    }
    if (options.workers < 1)
        return makeError(ErrorCode::InvalidArgument, u"a local cluster needs at least one worker"_s);
    m_announced.assign(std::size_t(options.workers), QString());
    // Workers on one machine share its budget: each gets its part, unless told otherwise.
    const std::int64_t limit = options.memoryLimitBytes > 0 ? options.memoryLimitBytes : memoryBudgetBytes() / options.workers;
    for (int index = 0; index < options.workers; ++index)
        TESSERA_RETURN_IF_ERROR(launchOne(index, limit));
    return Status::ok();
}

Status LocalCluster::launchOne(int index, std::int64_t memoryLimitBytes)
{
    auto process = std::make_unique<QProcess>();
    QStringList arguments{u"--threads"_s, QString::number(m_options.threadsPerWorker), u"--name"_s, u"w%1"_s.arg(index + 1)};
    arguments << u"--memory-limit"_s << QString::number(memoryLimitBytes);
    arguments << u"--heartbeat-timeout"_s << QString::number(m_options.heartbeatMillis / 1000.0);
    process->setProcessChannelMode(QProcess::SeparateChannels);
    // Local workers must not outlive the program that started them, even if it is killed.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    QProcess *raw = process.get();
    connect(raw, &QProcess::readyReadStandardOutput, this, [this, index] { readAnnouncement(index); });
    connect(raw, &QProcess::errorOccurred, this,
            [this, raw, index](QProcess::ProcessError) { startFailed(index, raw->errorString()); });
    connect(raw, &QProcess::finished, this, [this, raw, index](int exitCode, QProcess::ExitStatus status) {
        const QString errors = QString::fromUtf8(raw->readAllStandardError()).trimmed();
        // A crash's "exit code" is the signal that ended it (9 for kill -9).
        const QString how =
            status == QProcess::CrashExit ? u"was killed by signal %1"_s.arg(exitCode) : u"exited with code %1"_s.arg(exitCode);
        const QString why = errors.isEmpty() ? QString() : u": "_s + errors;
        if (m_starting && !m_starting->isFinished() && index >= m_firstNew)
            startFailed(index, u"it %1%2"_s.arg(how, why));
        else if (!m_stopping)
            Q_EMIT workerExited(index, u"local worker w%1 %2%3"_s.arg(index + 1).arg(how, why));
    });
    raw->start(m_program, arguments);
    m_processes.push_back(std::move(process));
    m_limits.push_back(memoryLimitBytes);
    return Status::ok();
}

void LocalCluster::readAnnouncement(int index)
{
    QProcess *process = m_processes[std::size_t(index)].get();
    QString &address = m_announced[std::size_t(index)];
    while (address.isEmpty() && process->canReadLine()) {
        const QString line = QString::fromUtf8(process->readLine()).trimmed();
        if (line.startsWith(announcement))
            address = line.mid(announcement.size());
    }
    if (std::none_of(m_announced.begin() + m_firstNew, m_announced.end(), [](const QString &each) { return each.isEmpty(); })) {
        m_addresses = QStringList(m_announced.begin(), m_announced.end());
        finishStart(Status::ok());
    }
}

void LocalCluster::startFailed(int index, const QString &why)
{
    if (!m_starting || m_starting->isFinished() || !m_announced[std::size_t(index)].isEmpty())
        return;
    const QString errors = QString::fromUtf8(m_processes[std::size_t(index)]->readAllStandardError()).trimmed();
    finishStart(makeError(ErrorCode::Io, u"local worker w%1 (%2) did not start: %3%4"_s.arg(index + 1)
                                             .arg(m_program, why)
                                             .arg(errors.isEmpty() || why.contains(errors) ? QString() : u" "_s + errors)));
}

void LocalCluster::finishStart(Status status)
{
    if (!m_starting || m_starting->isFinished())
        return;
    m_startTimer.stop();
    if (!status.isOk() && m_firstNew == 0) {
        stop();
    } else if (!status.isOk()) {
        // One added worker failed: the others keep running.
        for (std::size_t i = std::size_t(m_firstNew); i < m_processes.size(); ++i) {
            m_processes[i]->disconnect(this);
            m_processes[i]->kill();
        }
    }
    m_starting->finish(std::move(status));
}

std::vector<qint64> LocalCluster::processIds() const
{
    std::vector<qint64> ids;
    for (const auto &process : m_processes)
        ids.push_back(process->processId());
    return ids;
}

void LocalCluster::stop()
{
    shutDown(Deletion::Later);
}

// Stopping may be asked from a QProcess signal of one of the workers (one that failed to
// start), so outside the destructor the processes are deleted from the event loop. Their
// signals are cut first: waiting for one to end must not run our handlers again.
void LocalCluster::shutDown(Deletion deletion)
{
    m_stopping = true;
    m_startTimer.stop();
    std::vector<std::unique_ptr<QProcess>> processes = std::move(m_processes);
    m_processes.clear();
    m_limits.clear();
    m_announced.clear();
    m_addresses.clear();
    for (const auto &process : processes) {
        process->disconnect(this);
        if (process->state() != QProcess::NotRunning)
            process->terminate();
    }
    // Workers leave at once on SIGTERM; this waits without an event loop, and only that long.
    for (auto &process : processes) {
        if (process->state() != QProcess::NotRunning && !process->waitForFinished(3000)) {
            process->kill();
            process->waitForFinished(1000);
        }
        if (deletion == Deletion::Later)
            process.release()->deleteLater();
    }
}

} // namespace tessera
