#include "net/session/localcluster.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>

namespace tessera {

LocalCluster::LocalCluster(QObject *parent)
    : QObject(parent)
{
}

LocalCluster::~LocalCluster()
{
    stop();
}

QString LocalCluster::findWorkerProgram()
{
    const QString fromEnvironment = qEnvironmentVariable("TESSERA_WORKER");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/tessera-worker");
    if (QFileInfo(beside).isExecutable())
        return beside;
    // Build tree: app/tessera-cli and app/tessera-worker sit together; tests live under tests/.
    const QString buildTree = QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/tessera-worker");
    if (QFileInfo(buildTree).isExecutable())
        return QFileInfo(buildTree).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("tessera-worker"));
}

bool LocalCluster::isRunning() const
{
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning)
            return true;
    }
    return false;
}

Result<QStringList> LocalCluster::start(const LocalClusterOptions &options, int timeoutMillis)
{
    stop();
    m_stopping = false;
    const QString program = options.workerProgram.isEmpty() ? findWorkerProgram() : options.workerProgram;
    if (program.isEmpty() || !QFileInfo(program).isExecutable()) {
        return makeError(ErrorCode::NotFound, QStringLiteral("cannot find the tessera-worker program%1; install Tessera or set "
                                                             "TESSERA_WORKER to its path")
                                                  .arg(program.isEmpty() ? QString() : QStringLiteral(" at ") + program));
    }
    if (options.workers < 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a local cluster needs at least one worker"));

    m_addresses = QStringList();
    std::vector<QString> addresses(std::size_t(options.workers));
    int ready = 0;
    Status failure;
    QEventLoop loop;
    for (int index = 0; index < options.workers; ++index) {
        auto process = std::make_unique<QProcess>();
        QStringList arguments{QStringLiteral("--threads"), QString::number(options.threadsPerWorker), QStringLiteral("--name"),
                              QStringLiteral("w%1").arg(index + 1)};
        if (options.memoryLimitBytes > 0)
            arguments << QStringLiteral("--memory-limit") << QString::number(options.memoryLimitBytes);
        process->setProcessChannelMode(QProcess::SeparateChannels);
        // Local workers must not outlive the program that started them, even if it is killed.
        process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        QProcess *raw = process.get();
        connect(raw, &QProcess::readyReadStandardOutput, &loop, [&, raw, index] {
            while (addresses[index].isEmpty() && raw->canReadLine()) {
                const QString line = QString::fromUtf8(raw->readLine()).trimmed();
                static const QString prefix = QStringLiteral("tessera-worker listening on ");
                if (line.startsWith(prefix)) {
                    addresses[index] = line.mid(prefix.size());
                    if (++ready == options.workers)
                        loop.quit();
                }
            }
        });
        connect(raw, &QProcess::finished, this, [this, raw, index](int exitCode) {
            if (!m_stopping) {
                const QString errors = QString::fromUtf8(raw->readAllStandardError()).trimmed();
                Q_EMIT workerExited(index, QStringLiteral("local worker w%1 exited with code %2%3")
                                               .arg(index + 1)
                                               .arg(exitCode)
                                               .arg(errors.isEmpty() ? QString() : QStringLiteral(": ") + errors));
            }
        });
        connect(raw, &QProcess::errorOccurred, &loop, [&, raw, index](QProcess::ProcessError) {
            if (addresses[index].isEmpty()) {
                failure = makeError(ErrorCode::Io, QStringLiteral("local worker w%1 (%2) did not start: %3 %4")
                                                       .arg(index + 1)
                                                       .arg(program, raw->errorString(), QString::fromUtf8(raw->readAllStandardError()).trimmed()));
                loop.quit();
            }
        });
        raw->start(program, arguments);
        m_processes.push_back(std::move(process));
    }
    QTimer::singleShot(timeoutMillis, &loop, [&] {
        failure = makeError(ErrorCode::Network, QStringLiteral("local workers did not report their address within %1 s").arg(timeoutMillis / 1000));
        loop.quit();
    });
    if (ready < options.workers && failure.isOk())
        loop.exec();
    for (const auto &process : m_processes)
        disconnect(process.get(), &QProcess::readyReadStandardOutput, &loop, nullptr);
    if (!failure.isOk() || ready < options.workers) {
        stop();
        return failure.isOk() ? makeError(ErrorCode::Io, QStringLiteral("local workers did not start")) : failure;
    }
    for (const QString &address : addresses)
        m_addresses << address;
    return m_addresses;
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
    m_stopping = true;
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning)
            process->terminate();
    }
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning && !process->waitForFinished(3000)) {
            process->kill();
            process->waitForFinished(1000);
        }
    }
    m_processes.clear();
    m_addresses.clear();
}

} // namespace tessera
