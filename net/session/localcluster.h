// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"
#include "net/session/operation.h"

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <vector>

namespace tessera {

struct LocalClusterOptions
{
    int workers = 2;
    int threadsPerWorker = 1;
    std::int64_t memoryLimitBytes = 0; // per worker; 0: memoryBudgetBytes() shared equally among them
    QString workerProgram;             // empty: $TESSERA_WORKER, else tessera-worker beside this program, else PATH
    int heartbeatMillis = 5000;        // how long workers wait for a silent peer before its fetches fail
};

// tessera-worker processes on this machine, listening on loopback ports they pick themselves.
// They are stopped when this object is destroyed or stop() is called.
class LocalCluster : public QObject
{
    Q_OBJECT

public:
    explicit LocalCluster(QObject *parent = nullptr);
    ~LocalCluster() override;

    // Stops any workers of an earlier start, then starts new ones. The operation finishes once
    // each has printed its "tessera-worker listening on HOST:PORT" line (addresses() then holds
    // them), or with the reason one did not within timeoutMillis. It belongs to this cluster and
    // lives until the next start() or the cluster's end.
    Operation *start(const LocalClusterOptions &options, int timeoutMillis = 15000);
    // One more worker beside the running ones, with the memory share of a worker that has
    // exited; refused (the operation fails, saying why) when every share is in use. Finishes
    // when it has printed its address, which addresses().last() then holds.
    Operation *addWorker(int timeoutMillis = 15000);
    void stop();

    QStringList addresses() const { return m_addresses; }
    bool isRunning() const;
    std::vector<qint64> processIds() const; // of the workers, in order

    static QString findWorkerProgram();

Q_SIGNALS:
    // A worker process ended while the cluster was running.
    void workerExited(int worker, const QString &message);

private:
    Status launch(const LocalClusterOptions &options);
    Status launchOne(int index, std::int64_t memoryLimitBytes);
    Result<std::int64_t> shareForOneMore() const;
    Operation *beginStart(const QString &description);
    void readAnnouncement(int index);
    void startFailed(int index, const QString &why);
    void finishStart(Status status);
    enum class Deletion { Now, Later };
    void shutDown(Deletion deletion);

    std::vector<std::unique_ptr<QProcess>> m_processes;
    std::vector<std::int64_t> m_limits; // per worker: its memory limit
    std::vector<QString> m_announced;   // per worker: its address, once printed
    LocalClusterOptions m_options;
    int m_firstNew = 0; // the first worker the operation under way waits for
    QStringList m_addresses;
    QString m_program;
    bool m_stopping = false;
    QTimer m_startTimer;
    QPointer<Operation> m_starting; // a child; the one before is deleted later
};

} // namespace tessera
