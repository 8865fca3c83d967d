// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"
#include "net/session/workerlauncher.h"

#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace tessera {

// Which hosts to start workers on over OpenSSH, and how to reach them.
struct SshRequest
{
    QStringList hosts;           // as ssh takes them: "node1", "ana@node1", a Host of ~/.ssh/config
    QString jumpHost;            // ssh -J: the login node between here and the hosts; empty: none
    QStringList sshArguments;    // more ssh options, e.g. {"-F", "cluster.conf"} or {"-p", "2222"}
    QString workerProgram;       // tessera-worker as the hosts see it; empty: "tessera-worker" (their PATH)
    QStringList workerArguments; // more worker options, e.g. {"--threads", "8"}
};

// Workers started on other hosts with `ssh HOST tessera-worker --connect ADDRESS --token-file
// /dev/stdin`: ssh uses the user's own config, keys and agent (BatchMode: never a password
// prompt), and the token goes through ssh's encrypted stdin, never on a command line or into a
// file there. A dial-back worker ends when its workbench goes; stop() also ends the ssh sessions.
class SshWorkers : public WorkerLauncher
{
    Q_OBJECT

public:
    // `token`: empty for a new one (it only has to travel over ssh).
    explicit SshWorkers(SshRequest request, QByteArray token = {}, QObject *parent = nullptr);
    ~SshWorkers() override;

    int workerCount() const override { return int(m_request.hosts.size()); }
    QByteArray token() const override { return m_token; }
    void launch(const QString &dialBack) override;
    // The session has every worker: an ssh that ends from now on is a lost worker, which the
    // session reports itself.
    void workersArrived() override { m_arrived = true; }
    void stop() override;

    const SshRequest &request() const { return m_request; }
    // ssh's command for one host (tests, and the connect dialog's preview).
    static QStringList sshCommand(const SshRequest &request, const QString &host, const QString &dialBack);

    // failed(): an ssh ended before its worker dialed in, with ssh's own words (cannot resolve,
    // refused, permission denied, command not found).

private:
    void keepErrors(int host);
    void onFinished(int host, int exitCode, QProcess::ExitStatus exitStatus);

    SshRequest m_request;
    QByteArray m_token;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    std::vector<QByteArray> m_errors; // the last of each ssh's stderr
    bool m_arrived = false;
    bool m_failed = false;
    bool m_stopping = false;
};

} // namespace tessera
