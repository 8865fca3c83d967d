// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// ClusterSession's workers started elsewhere by a launcher (a Slurm job, ssh sessions), which
// dial back to the session.

#include "net/session/clustersession_p.h"

namespace tessera {

Operation *ClusterSession::launchWorkers(std::unique_ptr<WorkerLauncher> owned, const QHostAddress &address, quint16 port)
{
    stopLaunchedWorkers();
    WorkerLauncher *launcher = owned.release();
    launcher->setParent(this);
    d->launcher = launcher;
    d->launchFailure = Status::ok();
    const int expected = launcher->workerCount();
    Operation *operation = listenForWorkers(address, port, launcher->token(), expected);
    connect(launcher, &WorkerLauncher::message, operation, [this, operation, expected](const QString &text) {
        operation->reportProgress(std::int64_t(d->workers.size()), expected, text);
    });
    connect(launcher, &WorkerLauncher::failed, operation, [this, operation](const Status &status) {
        d->launchFailure = status;
        operation->cancel();
    });
    connect(operation, &Operation::finished, launcher, [this, launcher, operation] {
        if (operation->status().isOk()) {
            launcher->workersArrived();
            return;
        }
        // Workers that came before the launch failed or was cancelled would outlive it: part of
        // a cluster is not what was asked for. (Unless another launch has begun meanwhile.)
        QMetaObject::invokeMethod(
            this,
            [this, failedLauncher = QPointer<WorkerLauncher>(launcher)] {
            if (failedLauncher && d->launcher == failedLauncher)
                disconnectAll();
            },
            Qt::QueuedConnection);
    });
    // Next turn of the event loop, once the caller is listening to the operation's progress.
    if (const QString dialBack = listenAddress(); !dialBack.isEmpty())
        QMetaObject::invokeMethod(
            launcher, [launcher, dialBack] { launcher->launch(dialBack); }, Qt::QueuedConnection);
    return operation;
}

void ClusterSession::stopLaunchedWorkers()
{
    if (!d->launcher)
        return;
    d->launcher->stop();
    d->launcher->deleteLater();
    d->launcher.clear();
}

} // namespace tessera
