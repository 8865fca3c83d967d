// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Running the real programs from integration tests: the built tessera-worker and tessera-cli
// (ctest sets TESSERA_WORKER and TESSERA_CLI), waiting for operations with a deadline, and finding
// processes that are still alive in /proc.

#include "core/status.h"
#include "net/session/operation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTcpServer>

#include <cstring>
#include <memory>
#include <vector>

#include <unistd.h>

namespace integration {

// The program named by an environment variable, or empty when it is not set or not executable.
inline QString programFromEnvironment(const char *variable)
{
    const QString path = qEnvironmentVariable(variable);
    return QFileInfo(path).isExecutable() ? QFileInfo(path).canonicalFilePath() : QString();
}

// waitForOperation with a deadline, so a hang fails the test with a message instead of stalling it.
inline tessera::Status finishWithin(tessera::Operation *operation, int timeoutMillis = 30000)
{
    if (!operation->isFinished()) {
        QSignalSpy finished(operation, &tessera::Operation::finished);
        if (!finished.wait(timeoutMillis) && !operation->isFinished()) {
            return tessera::makeError(
                tessera::ErrorCode::Internal,
                QStringLiteral("'%1' did not finish within %2 s").arg(operation->description()).arg(timeoutMillis / 1000));
        }
    }
    return operation->status();
}

// A port nobody listens on: one the kernel just handed out and took back.
inline quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

// A tessera-worker started by the test itself, with its address from the first line it prints.
struct WorkerProcess
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString address;
    QString error;

    ~WorkerProcess()
    {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
};

// A token file as a site writes one for the workers it starts: the token on the first line.
inline bool writeTokenFile(const QString &path, const QByteArray &token)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(token + '\n') == token.size() + 1;
}

// `launcher`, when given, is a command that runs the worker (its program and first arguments), as
// the test-host harness runs a program on one of its hosts.
inline std::unique_ptr<WorkerProcess> startWorker(const QStringList &arguments, const QStringList &launcher = {})
{
    auto worker = std::make_unique<WorkerProcess>();
    const QString program = programFromEnvironment("TESSERA_WORKER");
    if (program.isEmpty()) {
        worker->error = QStringLiteral("TESSERA_WORKER does not name the built tessera-worker; run the test through ctest");
        return worker;
    }
    if (launcher.isEmpty())
        worker->process->start(program, arguments);
    else
        worker->process->start(launcher.front(), launcher.mid(1) + QStringList{program} + arguments);
    static const QString prefix = QStringLiteral("tessera-worker listening on ");
    while (worker->process->waitForReadyRead(15000) || worker->process->canReadLine()) {
        if (!worker->process->canReadLine())
            continue;
        const QString line = QString::fromUtf8(worker->process->readLine()).trimmed();
        if (!line.startsWith(prefix)) {
            worker->error = QStringLiteral("first line of tessera-worker was '%1'").arg(line);
            return worker;
        }
        worker->address = line.mid(prefix.size());
        return worker;
    }
    worker->error =
        QStringLiteral("tessera-worker printed no address: %1").arg(QString::fromUtf8(worker->process->readAllStandardError()));
    return worker;
}

// Processes whose parent is `parent` and that have not exited (zombies, which have, are skipped).
inline std::vector<qint64> liveChildren(qint64 parent)
{
    std::vector<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || fields[0] == "Z" || fields[0] == "X")
            continue;
        if (fields[1].toLongLong() == parent)
            children.push_back(pid);
    }
    return children;
}

// Open sockets of a process (a listening worker has one; each connection adds one).
inline int socketCount(qint64 pid)
{
    int sockets = 0;
    const QDir descriptors(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString &entry : descriptors.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        char target[64] = {};
        const QByteArray link = QFile::encodeName(descriptors.filePath(entry));
        if (::readlink(link.constData(), target, sizeof(target) - 1) > 0 && std::strncmp(target, "socket:", 7) == 0)
            ++sockets;
    }
    return sockets;
}

inline QString commandLineOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLocal8Bit(file.readAll().replace('\0', ' ')).trimmed();
}

// Live children of `parent` running `program`, described for a failure message.
inline QStringList liveChildrenRunning(qint64 parent, const QString &program)
{
    QStringList found;
    for (qint64 pid : liveChildren(parent)) {
        if (QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).canonicalFilePath() == program)
            found << QStringLiteral("%1: %2").arg(pid).arg(commandLineOf(pid));
    }
    return found;
}

} // namespace integration
