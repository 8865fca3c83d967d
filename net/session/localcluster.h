#pragma once

#include "core/status.h"

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace tessera {

struct LocalClusterOptions
{
    int workers = 2;
    int threadsPerWorker = 1;
    std::int64_t memoryLimitBytes = 0; // per worker; 0: the worker's default (80% of RAM / workers)
    QString workerProgram;             // empty: $TESSERA_WORKER, else tessera-worker beside this program, else PATH
};

// tessera-worker processes on this machine, listening on loopback ports they pick themselves.
// They are stopped when this object is destroyed or stop() is called.
class LocalCluster : public QObject
{
    Q_OBJECT

public:
    explicit LocalCluster(QObject *parent = nullptr);
    ~LocalCluster() override;

    // Starts the workers and waits (with a local event loop, up to timeoutMillis) until each has
    // printed its "tessera-worker listening on HOST:PORT" line. Returns the addresses.
    Result<QStringList> start(const LocalClusterOptions &options, int timeoutMillis = 15000);
    void stop();

    QStringList addresses() const { return m_addresses; }
    bool isRunning() const;
    std::vector<qint64> processIds() const; // of the workers, in order

    static QString findWorkerProgram();

Q_SIGNALS:
    // A worker process ended while the cluster was running.
    void workerExited(int worker, const QString &message);

private:
    std::vector<std::unique_ptr<QProcess>> m_processes;
    QStringList m_addresses;
    bool m_stopping = false;
};

} // namespace tessera
