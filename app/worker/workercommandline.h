// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/cpubudget.h"
#include "core/memorybudget.h"
#include "core/status.h"
#include "net/worker/workerservice.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace tessera {

// tessera-worker's options, and the WorkerOptions they ask for (defaults from the launcher and the
// machine's limits, each error naming the option).
struct WorkerCommandLine
{
    CpuLimits cpus = currentCpuLimits(); // read once: for --help and for the default
    QCommandLineOption listen{QStringLiteral("listen"),
                              QStringLiteral("Address to listen on (default 127.0.0.1 and a free port; with --connect to "
                                             "another host, 0.0.0.0 and a free port, so peers on other hosts reach it)."),
                              QStringLiteral("HOST:PORT")};
    QCommandLineOption threads{
        QStringLiteral("threads"),
        QStringLiteral("Kernel threads (default: the least of the CPUs this process may run on, the cgroup's CPU quota and "
                       "Slurm's CPUs per task; here %1).")
            .arg(cpus.describe()),
        QStringLiteral("N")};
    QCommandLineOption memory{
        QStringLiteral("memory-limit"),
        QStringLiteral("Most bytes of blocks to hold, e.g. 12G (default: 80% of the least of physical memory, "
                       "the cgroup's limit and Slurm's allocation; here %1).")
            .arg(currentMemoryLimits().describe()),
        QStringLiteral("SIZE")};
    QCommandLineOption tokenFile{QStringLiteral("token-file"), QStringLiteral("File whose first line is the shared token."),
                                 QStringLiteral("F")};
    QCommandLineOption dial{QStringLiteral("connect"),
                            QStringLiteral("Dial back to a workbench or tessera-cli listening at HOST:PORT."),
                            QStringLiteral("HOST:PORT")};
    QCommandLineOption name{QStringLiteral("name"),
                            QStringLiteral("Name shown in the cluster view (default: 'rank N' when started by mpirun or srun, "
                                           "else host:port)."),
                            QStringLiteral("NAME")};
    QCommandLineOption heartbeat{QStringLiteral("heartbeat-timeout"),
                                 QStringLiteral("A peer worker that shows no sign of life this long is lost, and the fetches "
                                                "waiting on it fail (default 5; 0: never)."),
                                 QStringLiteral("SECONDS"), QStringLiteral("5")};
    QCommandLineOption tlsCert{QStringLiteral("tls-cert"),
                               QStringLiteral("Serve every connection over TLS with this certificate (PEM); needs --tls-key."),
                               QStringLiteral("F")};
    QCommandLineOption tlsKey{QStringLiteral("tls-key"), QStringLiteral("The certificate's private key (PEM, unencrypted)."),
                              QStringLiteral("F")};
    QCommandLineOption tlsCa{QStringLiteral("tls-ca"),
                             QStringLiteral("Check peer workers' certificates against the CAs in F (default: peers must "
                                            "present this worker's own certificate)."),
                             QStringLiteral("F")};
    QCommandLineOption tlsPin{QStringLiteral("tls-pin"),
                              QStringLiteral("Accept peer workers whose certificate has this SHA-256 fingerprint."),
                              QStringLiteral("SHA256")};

    void addTo(QCommandLineParser &parser) const;
    Result<WorkerOptions> read(const QCommandLineParser &parser) const;
};

} // namespace tessera
