// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/localcluster.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace tessera::ui {

// What the connect dialog shows, kept in QSettings: under a name as a profile to reuse, and as
// the settings last used to connect (which File > Start local cluster also starts from).
struct ConnectProfile
{
    // Which page: the dialog's tabs in order.
    enum Mode { Local, Remote, Slurm, Ssh };
    Mode mode = Local;
    int localWorkers = 2;
    int localThreads = 1;
    double localMemoryGiB = 0; // per worker; 0: the worker's own default
    bool listen = false;       // remote: wait for workers to dial back instead of dialing them
    QString addresses;         // remote: host:port, separated by commas, spaces or lines
    QString listenHost = QStringLiteral("0.0.0.0");
    int listenPort = 7070;
    int expectedWorkers = 4;
    QString tokenFile;
    QString tlsCaFile; // remote: TLS, checking the workers' certificates by this CA (PEM) ...
    QString tlsPin;    // ... or by this SHA-256 fingerprint

    // Slurm and ssh: where the workers they start dial back.
    QString launchListenHost = QStringLiteral("0.0.0.0");
    int launchListenPort = 0; // any free port
    int slurmNodes = 2;
    int slurmTasksPerNode = 1;
    QString slurmPartition; // empty: the cluster's default
    QString slurmTimeLimit; // Slurm's form; empty: the partition's default
    QString slurmArguments; // more sbatch arguments, as a shell would split them
    QString slurmTokenFile; // empty: a new one under ~/.tessera, removed with the job
    int slurmWaitSeconds = 300;
    QString sshHosts; // separated by commas, spaces or lines
    QString sshJumpHost;
    QString sshArguments;     // more ssh arguments, as a shell would split them
    QString sshWorkerProgram; // empty: tessera-worker on the hosts' PATH

    // Sensible for this machine: half its cores over the local workers.
    static ConnectProfile defaults();

    tessera::LocalClusterOptions localOptions() const;

    static QStringList names();
    static std::optional<ConnectProfile> load(const QString &name);
    void save(const QString &name) const;
    static void remove(const QString &name);

    static ConnectProfile lastUsed(); // defaults() before the first connection
    static QString lastProfileName();
    void saveAsLastUsed(const QString &profileName) const;
};

} // namespace tessera::ui
