// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QObject>
#include <QString>

namespace tessera {

// Something that starts workers elsewhere (a Slurm job, ssh sessions) which dial back to a
// session listening for them. The session's owner listens, launches, and tells the launcher
// when every worker is in; the launcher stops what it started when stopped or destroyed.
class WorkerLauncher : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    virtual int workerCount() const = 0;
    // The token the workers will present.
    virtual QByteArray token() const = 0;
    // Starts the workers; they dial `dialBack` (HOST:PORT they can reach).
    virtual void launch(const QString &dialBack) = 0;
    virtual void workersArrived() = 0;
    virtual void stop() = 0;
    // Asked when one of its workers is lost: the launcher's words for why its workers are gone
    // ("Slurm job 12 ended: TIMEOUT (...)"), or empty when it knows of no reason.
    virtual QString whyWorkersEnded() { return {}; }

Q_SIGNALS:
    // Progress a user should see ("Slurm job 12 is PENDING (Resources: ...)").
    void message(const QString &text);
    // The workers will not all come: the launcher's own words. Fires at most once.
    void failed(const tessera::Status &status);
};

} // namespace tessera
