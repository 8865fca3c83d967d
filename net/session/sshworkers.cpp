// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/sshworkers.h"

#include "net/protocol/handshake.h"
#include "net/session/shellquote.h"

#include <QProcessEnvironment>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr int StopWaitMillis = 3000;
constexpr qsizetype MaxErrorBytes = 4096;

QString lastLines(const QByteArray &output, int count)
{
    const QStringList lines = QString::fromLocal8Bit(output).split(u'\n', Qt::SkipEmptyParts);
    return lines.mid(std::max<qsizetype>(0, lines.size() - count)).join(u"; "_s).trimmed();
}

} // namespace

SshWorkers::SshWorkers(SshRequest request, QByteArray token, QObject *parent)
    : WorkerLauncher(parent)
    , m_request(std::move(request))
    , m_token(token.isEmpty() ? makeToken() : std::move(token))
{
}

SshWorkers::~SshWorkers()
{
    stop();
    for (const auto &process : m_processes)
        process->disconnect(this); // no finished() into a half-destroyed object
}

QStringList SshWorkers::sshCommand(const SshRequest &request, const QString &host, const QString &dialBack)
{
    // BatchMode: a missing key is an error to show, not a password prompt nobody sees.
    QStringList arguments{u"-o"_s, u"BatchMode=yes"_s, u"-o"_s, u"ConnectTimeout=15"_s};
    if (!request.jumpHost.isEmpty())
        arguments << u"-J"_s << request.jumpHost;
    arguments << request.sshArguments << u"--"_s << host;
    QStringList remote{request.workerProgram.isEmpty() ? u"tessera-worker"_s : request.workerProgram, u"--connect"_s, dialBack,
                       u"--token-file"_s, u"/dev/stdin"_s};
    remote << request.workerArguments;
    for (QString &word : remote) {
        // "~/bin/tessera-worker" is the remote home's: the tilde stays outside the quotes.
        word = word.startsWith(u"~/"_s) ? u"~/"_s + shellQuoted(word.mid(2)) : shellQuoted(word);
    }
    return arguments << remote.join(u' ');
}

void SshWorkers::launch(const QString &dialBack)
{
    for (int host = 0; host < m_request.hosts.size(); ++host) {
        auto process = std::make_unique<QProcess>();
        // No terminal and no askpass: ssh (and a jump host's, which BatchMode does not reach) can
        // only fail with a message, never wait on a password prompt nobody sees.
        process->setChildProcessModifier([] { ::setsid(); });
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"SSH_ASKPASS_REQUIRE"_s, u"never"_s);
        process->setProcessEnvironment(environment);
        process->setStandardOutputFile(QProcess::nullDevice()); // the worker's own lines
        connect(process.get(), &QProcess::readyReadStandardError, this, [this, host] { keepErrors(host); });
        connect(process.get(), &QProcess::finished, this,
                [this, host](int exitCode, QProcess::ExitStatus exitStatus) { onFinished(host, exitCode, exitStatus); });
        connect(process.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart && !m_failed) {
                m_failed = true;
                Q_EMIT failed(makeError(ErrorCode::NotFound, u"cannot run ssh; install OpenSSH's client"_s));
            }
        });
        process->start(u"ssh"_s, sshCommand(m_request, m_request.hosts[host], dialBack));
        process->write(m_token + '\n'); // kept open: a closed stdin would end some remote shells' commands
        m_processes.push_back(std::move(process));
        m_errors.emplace_back();
    }
    Q_EMIT message(u"starting %1 worker(s) over ssh: %2"_s.arg(m_request.hosts.size()).arg(m_request.hosts.join(u", "_s)));
}

void SshWorkers::keepErrors(int host)
{
    // Only the last lines tell why ssh ended; a worker that runs for hours may say much more.
    QByteArray &kept = m_errors[std::size_t(host)];
    kept += m_processes[std::size_t(host)]->readAllStandardError();
    if (kept.size() > MaxErrorBytes)
        kept = kept.right(MaxErrorBytes);
}

void SshWorkers::onFinished(int host, int exitCode, QProcess::ExitStatus exitStatus)
{
    if (m_stopping || m_arrived || m_failed)
        return;
    keepErrors(host);
    m_failed = true;
    const QString said = lastLines(m_errors[std::size_t(host)], 3);
    QString what = u"ssh to %1 ended with %2 before all workers had dialed in"_s.arg(m_request.hosts[host]).arg(exitCode);
    if (exitStatus != QProcess::NormalExit)
        what = u"ssh to %1 crashed"_s.arg(m_request.hosts[host]);
    if (exitCode == 255)
        what = u"ssh could not reach %1"_s.arg(m_request.hosts[host]);
    else if (exitCode == 127)
        what = u"there is no tessera-worker on %1's PATH; install Tessera there or give the worker's path"_s.arg(
            m_request.hosts[host]);
    Q_EMIT failed(makeError(ErrorCode::Network, said.isEmpty() ? what : what + u": "_s + said));
}

void SshWorkers::stop()
{
    m_stopping = true;
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning)
            process->terminate();
    }
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning && !process->waitForFinished(StopWaitMillis)) {
            process->kill();
            process->waitForFinished(StopWaitMillis);
        }
    }
}

} // namespace tessera
