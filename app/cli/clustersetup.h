// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "net/session/slurmjob.h"
#include "net/session/sshworkers.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace tessera::cli {

// The options every command that needs workers shares: --local N [--threads T] [--memory-limit],
// --connect HOST:PORT,... --token-file F, --listen HOST:PORT --expect N --token-file F, or
// --slurm N [--tasks-per-node T] [--partition P] [--time T] [--slurm-arg A]... [--listen HOST:PORT],
// or --ssh HOST,... [--ssh-jump J] [--ssh-arg A]... [--ssh-worker PATH] [--listen HOST:PORT].
struct ClusterOptions
{
    QCommandLineOption local{QStringLiteral("local"), QStringLiteral("Start N workers on this machine."), QStringLiteral("N")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("Kernel threads per local worker (default 1)."),
                               QStringLiteral("T"), QStringLiteral("1")};
    QCommandLineOption memoryLimit{QStringLiteral("memory-limit"), QStringLiteral("Memory limit per local worker, e.g. 8G."),
                                   QStringLiteral("SIZE")};
    QCommandLineOption connect{QStringLiteral("connect"), QStringLiteral("Workers listening at HOST:PORT[,HOST:PORT...]."),
                               QStringLiteral("ADDRESSES")};
    QCommandLineOption listen{QStringLiteral("listen"),
                              QStringLiteral("Wait for workers started with --connect to dial HOST:PORT."),
                              QStringLiteral("HOST:PORT")};
    QCommandLineOption expect{QStringLiteral("expect"), QStringLiteral("How many workers to wait for with --listen."),
                              QStringLiteral("N"), QStringLiteral("1")};
    QCommandLineOption tokenFile{QStringLiteral("token-file"),
                                 QStringLiteral("File holding the token the workers were started with."), QStringLiteral("F")};
    QCommandLineOption tlsCa{QStringLiteral("tls-ca"),
                             QStringLiteral("Connect to workers over TLS, accepting certificates signed by a CA in F (PEM)."),
                             QStringLiteral("F")};
    QCommandLineOption tlsPin{QStringLiteral("tls-pin"),
                              QStringLiteral("Connect to workers over TLS, accepting the one certificate with this SHA-256 "
                                             "fingerprint (openssl x509 -noout -fingerprint -sha256 -in CERT)."),
                              QStringLiteral("SHA256")};
    QCommandLineOption slurm{QStringLiteral("slurm"),
                             QStringLiteral("Start the workers as a Slurm job on N nodes (sbatch + srun); they dial back to "
                                            "--listen (default: all interfaces, reached at this host's name) and the job "
                                            "is cancelled when this program ends."),
                             QStringLiteral("N")};
    QCommandLineOption tasksPerNode{QStringLiteral("tasks-per-node"),
                                    QStringLiteral("Workers per Slurm node (default 1; each takes the node's CPUs and "
                                                   "memory Slurm gives its task)."),
                                    QStringLiteral("T"), QStringLiteral("1")};
    QCommandLineOption partition{QStringLiteral("partition"), QStringLiteral("Slurm partition (default: the cluster's)."),
                                 QStringLiteral("P")};
    QCommandLineOption timeLimit{
        QStringLiteral("time"), QStringLiteral("Slurm time limit of the workers' job, e.g. 30 or 2:00:00."), QStringLiteral("T")};
    QCommandLineOption slurmArgument{QStringLiteral("slurm-arg"),
                                     QStringLiteral("One more sbatch argument, e.g. --slurm-arg=--account=climate; "
                                                    "repeatable."),
                                     QStringLiteral("A")};
    QCommandLineOption slurmWait{QStringLiteral("slurm-wait"),
                                 QStringLiteral("Cancel the Slurm job when its workers have not all dialed in within this "
                                                "many seconds (default 300)."),
                                 QStringLiteral("SECONDS"), QStringLiteral("300")};
    QCommandLineOption ssh{QStringLiteral("ssh"),
                           QStringLiteral("Start one worker on each of these hosts over ssh (your ssh config, keys and "
                                          "agent; no password prompts); they dial back to --listen (default: all "
                                          "interfaces, reached at this host's name) and end with this program."),
                           QStringLiteral("HOST,...")};
    QCommandLineOption sshJump{QStringLiteral("ssh-jump"),
                               QStringLiteral("Reach the --ssh hosts through this login node (ssh -J)."), QStringLiteral("HOST")};
    QCommandLineOption sshArgument{QStringLiteral("ssh-arg"),
                                   QStringLiteral("One more ssh argument, e.g. --ssh-arg=-p2222; repeatable."),
                                   QStringLiteral("A")};
    QCommandLineOption sshWorker{QStringLiteral("ssh-worker"),
                                 QStringLiteral("tessera-worker's path on the --ssh hosts (default: their PATH's)."),
                                 QStringLiteral("PATH")};
    QCommandLineOption heartbeat{QStringLiteral("heartbeat-timeout"),
                                 QStringLiteral("A worker that shows no sign of life this long is lost and its blocks are "
                                                "rebuilt on the others (default 5; a closed connection is lost at once)."),
                                 QStringLiteral("SECONDS"), QStringLiteral("5")};

    void addTo(QCommandLineParser &parser) const;
};

// Starts or connects to the workers the options ask for, `defaultLocal` local ones if none. The
// session stops the workers a launcher started (a Slurm job, ssh sessions) when it ends.
Status setUpCluster(const QCommandLineParser &parser, const ClusterOptions &options, int defaultLocal, LocalCluster &local,
                    ClusterSession &session);

} // namespace tessera::cli
